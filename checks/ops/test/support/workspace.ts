import fs from 'node:fs';
import path from 'node:path';

export const root = path.resolve(__dirname, '../../../..');
export const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');

/** SPEC "Common rules": the HTTP services and their default ports. */
export const SERVICES: Record<string, number> = {
  'release-api': 3001,
  'freshdesk-bridge': 3002,
  'version-check': 3003,
  'board-sync': 3004,
};
export const APPS = fs.readdirSync(path.join(root, 'apps')).sort();

/** The pipeline's own source of truth for image inputs (scripts/sync-ci-changes.cjs keeps .gitlab-ci.yml in step). */
export const ciChanges = require('../../scripts/sync-ci-changes.cjs') as {
  ROOT_INPUTS: string[];
  findPackagesOf(root: string, app: string): string[];
  listImageInputs(root: string, app: string): string[];
  syncChanges(text: string, root: string): string;
};

/** The workspace packages an app's image is built from: its production dependencies, transitively. */
export const packagesOf = (app: string): string[] => ciChanges.findPackagesOf(root, app);

/** Every workspace folder (apps/*, packages/*, checks/*). */
export function workspaceDirs(): string[] {
  return ['apps', 'packages', 'checks']
    .flatMap((parent) => fs.readdirSync(path.join(root, parent)).map((name) => `${parent}/${name}`))
    .filter((dir) => fs.existsSync(path.join(root, dir, 'package.json')))
    .sort();
}

/**
 * SPEC "Running it", public routes only: what the proxy and the Ingress expose per service (`/x/*`:
 * every path below /x). Everything else, /metrics and /healthz included, stays inside.
 */
export const PUBLIC_ROUTES: Record<string, string[]> = {
  'release-api': ['/releases', '/releases/*'],
  'freshdesk-bridge': ['/escalations', '/escalations/*', '/userscript.user.js', '/webhooks/gitlab'],
  'version-check': ['/webhooks/gitlab'],
  'board-sync': ['/webhooks/gitlab'],
};

/** Request paths a service must answer from outside (samples of its public routes). */
export function publicSamplesOf(app: string): string[] {
  return PUBLIC_ROUTES[app]!.flatMap((r) =>
    r.endsWith('/*') ? [`${r.slice(0, -2)}/1`, `${r.slice(0, -2)}/a/b`] : [r],
  );
}

/** Request paths that must not reach a service from outside: its internals and near misses of its routes. */
export function privateSamplesOf(app: string): string[] {
  const own = new Set(publicSamplesOf(app));
  const others = Object.keys(PUBLIC_ROUTES).flatMap((a) => publicSamplesOf(a));
  const nearMisses = PUBLIC_ROUTES[app]!.flatMap((r) => {
    const base = r.endsWith('/*') ? r.slice(0, -2) : r;
    return r.endsWith('/*') ? [`${base}x`, `${base}-old/1`] : [`${base}x`, `${base}/x`];
  });
  return [...new Set(['/', '/metrics', '/metrics/', '/healthz', '/dead-letters', ...nearMisses, ...others])]
    .filter((p) => !own.has(p))
    .filter((p) => !PUBLIC_ROUTES[app]!.some((r) => r.endsWith('/*') && p.startsWith(r.slice(0, -1))));
}

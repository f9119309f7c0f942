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

/** Every workspace folder (apps/*, packages/*). */
export function workspaceDirs(): string[] {
  return ['apps', 'packages']
    .flatMap((parent) => fs.readdirSync(path.join(root, parent)).map((name) => `${parent}/${name}`))
    .filter((dir) => fs.existsSync(path.join(root, dir, 'package.json')))
    .sort();
}

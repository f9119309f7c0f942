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

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

/** Every workspace folder (apps/*, packages/*) by package name. */
function workspace(): Map<string, { dir: string; deps: string[] }> {
  const out = new Map<string, { dir: string; deps: string[] }>();
  for (const parent of ['apps', 'packages']) {
    for (const name of fs.readdirSync(path.join(root, parent))) {
      const file = path.join(root, parent, name, 'package.json');
      if (!fs.existsSync(file)) continue;
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
      const deps = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@devops/'));
      out.set(manifest.name, { dir: `${parent}/${name}`, deps });
    }
  }
  return out;
}

/** The workspace packages an app's image is built from: its production dependencies, transitively. */
export function packagesOf(app: string): string[] {
  const all = workspace();
  const seen = new Set<string>();
  const todo = [`@devops/${app}`];
  while (todo.length) {
    for (const dep of all.get(todo.pop()!)?.deps ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        todo.push(dep);
      }
    }
  }
  return [...seen].map((name) => all.get(name)!.dir).sort();
}

export function workspaceDirs(): string[] {
  return [...workspace().values()].map((w) => w.dir).sort();
}

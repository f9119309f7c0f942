// Keeps the `changes:` list of every image:<app> job in .gitlab-ci.yml equal to that image's
// inputs: the app's folder, every workspace package it depends on (from the package.json files,
// transitively) and the root files every image is built from.
//   node checks/ops/scripts/sync-ci-changes.cjs          rewrite the lists
//   node checks/ops/scripts/sync-ci-changes.cjs --check  exit 1 when they differ
const fs = require('node:fs');
const path = require('node:path');

const ROOT_INPUTS = [
  'package.json',
  'pnpm-lock.yaml',
  'pnpm-workspace.yaml',
  'tsconfig.base.json',
  '.dockerignore',
  '.gitlab-ci.yml',
];

/** Every workspace folder (apps/*, packages/*, checks/*) by package name, with its @devops/* dependencies. */
function readWorkspace(root) {
  const out = new Map();
  for (const parent of ['apps', 'packages', 'checks']) {
    for (const name of fs.readdirSync(path.join(root, parent))) {
      const file = path.join(root, parent, name, 'package.json');
      if (!fs.existsSync(file)) continue;
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
      const deps = Object.keys(manifest.dependencies || {}).filter((d) => d.startsWith('@devops/'));
      out.set(manifest.name, { dir: `${parent}/${name}`, deps });
    }
  }
  return out;
}

/** The workspace folders an app's image is built from (its production dependencies, transitively). */
function findPackagesOf(root, app) {
  const all = readWorkspace(root);
  const seen = new Set();
  const todo = [`@devops/${app}`];
  while (todo.length) {
    for (const dep of (all.get(todo.pop()) || { deps: [] }).deps) {
      if (!seen.has(dep)) {
        seen.add(dep);
        todo.push(dep);
      }
    }
  }
  return [...seen].map((name) => all.get(name).dir).sort();
}

/** The `changes:` list of image:<app>. */
function listImageInputs(root, app) {
  return [`apps/${app}/**/*`, ...findPackagesOf(root, app).map((d) => `${d}/**/*`), ...ROOT_INPUTS];
}

/** .gitlab-ci.yml with every image:<app> job's `changes:` list rewritten from the package.json files. */
function syncChanges(text, root) {
  let out = text;
  for (const app of fs.readdirSync(path.join(root, 'apps')).sort()) {
    const block = new RegExp(`(\\nimage:${app}:\\n(?:[ ].*\\n)*?      changes:\\n)((?:        - .*\\n)+)`);
    if (!block.test(out)) throw new Error(`.gitlab-ci.yml has no image:${app} job with a changes: list`);
    const list = listImageInputs(root, app)
      .map((p) => `        - ${p}\n`)
      .join('');
    out = out.replace(block, (_m, head) => head + list);
  }
  return out;
}

module.exports = { ROOT_INPUTS, findPackagesOf, listImageInputs, syncChanges };

if (require.main === module) {
  const root = path.resolve(__dirname, '../../..');
  const file = path.join(root, '.gitlab-ci.yml');
  const text = fs.readFileSync(file, 'utf8');
  const synced = syncChanges(text, root);
  if (process.argv.includes('--check')) {
    if (synced !== text) {
      process.stderr.write(
        ".gitlab-ci.yml: image jobs' changes: lists are stale; run node checks/ops/scripts/sync-ci-changes.cjs\n",
      );
      process.exit(1);
    }
  } else if (synced !== text) {
    fs.writeFileSync(file, synced);
    process.stdout.write('.gitlab-ci.yml: changes: lists updated\n');
  }
}

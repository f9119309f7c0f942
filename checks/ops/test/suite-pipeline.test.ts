/**
 * The suite's own .gitlab-ci.yml, read by gitlab-ci-local (the same rules engine a runner's
 * pipeline creation follows, here on a real git repository): which jobs a merge request, a
 * default-branch push and a tag get, and that merge requests rebuild only the images whose
 * inputs changed.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { listedJobs, runGitlabCiLocal } from './support/run-gitlab-ci-local';
import { makeGitRepo, type GitRepo } from './support/make-git-repo';
import { APPS, ciChanges, packagesOf, read, root, workspaceDirs } from './support/workspace';

/** Files outside apps/ and packages/ that every image is built from. */
const ROOT_INPUTS = ciChanges.ROOT_INPUTS;
const imageJob = (app: string) => `image:${app}`;

/** Which apps' images a change to `file` must rebuild: from the package.json files, not from the pipeline. */
function appsAffectedBy(file: string): string[] {
  if (ROOT_INPUTS.includes(file)) return APPS;
  return APPS.filter((app) => [`apps/${app}`, ...packagesOf(app)].some((dir) => file.startsWith(`${dir}/`)));
}

describe('[slow] .gitlab-ci.yml (the suite pipeline, through gitlab-ci-local)', () => {
  let repo: GitRepo;
  beforeAll(() => {
    // The suite's layout with a placeholder in every workspace folder: what `changes:` sees.
    const files: Record<string, string> = {
      '.gitlab-ci.yml': read('.gitlab-ci.yml'),
      'README.md': '# suite\n',
    };
    for (const f of ROOT_INPUTS.filter((f) => f !== '.gitlab-ci.yml')) files[f] = `${f}\n`;
    for (const dir of workspaceDirs()) files[`${dir}/src/index.ts`] = `// ${dir}\n`;
    repo = makeGitRepo({
      files,
      message: 'suite',
      origin: 'https://gitlab.example.com/devops/devops-suite.git',
    });
  });
  afterAll(() => repo.remove());

  /** The jobs gitlab-ci-local lists for a pipeline with these CI variables (schema-validated once, in the default-branch case). */
  const list = async (variables: Record<string, string>, validate = false) => {
    const args = ['--list-csv', ...(validate ? [] : ['--no-json-schema-validation'])];
    for (const [k, v] of Object.entries(variables)) args.push('--variable', `${k}=${v}`);
    args.push('--ignore-predefined-vars', Object.keys(variables).join(',') || 'CI_JOB_ID');
    const run = await runGitlabCiLocal(repo.dir, args);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    return listedJobs(run).sort();
  };
  const mergeRequest = { CI_PIPELINE_SOURCE: 'merge_request_event', CI_MERGE_REQUEST_IID: '7' };

  it('a default-branch push: lint, test and every image', async () => {
    expect(await list({ CI_PIPELINE_SOURCE: 'push' }, true)).toEqual(
      ['lint', 'test', ...APPS.map(imageJob)].sort(),
    );
  });

  it('a tag: every image, no lint or test (the tagged commit was tested on the default branch)', async () => {
    expect(await list({ CI_PIPELINE_SOURCE: 'push', CI_COMMIT_TAG: 'v1.4.0', CI_COMMIT_BRANCH: '' })).toEqual(
      APPS.map(imageJob).sort(),
    );
  });

  it('a push to a feature branch: no jobs (they run in its merge request pipeline)', async () => {
    repo.git('checkout', '-q', '-B', 'feature/12-x');
    try {
      expect(await list({ CI_PIPELINE_SOURCE: 'push', CI_COMMIT_BRANCH: 'feature/12-x' })).toEqual([]);
    } finally {
      repo.git('checkout', '-q', 'main');
    }
  });

  const changes: string[] = [
    'README.md',
    'apps/race-reporter/src/index.ts',
    'packages/webhooks/src/index.ts',
    'packages/logger/src/index.ts',
    'packages/testkit/src/index.ts',
    'pnpm-lock.yaml',
  ];
  it.each(changes)('a merge request changing %s: lint, test and only the affected images', async (file) => {
    repo.git('checkout', '-q', '-B', 'feature/change');
    try {
      fs.appendFileSync(path.join(repo.dir, file), 'changed\n');
      repo.git('commit', '-q', '-am', `change ${file}`);
      const expected = ['lint', 'test', ...appsAffectedBy(file).map(imageJob)].sort();
      expect(await list({ ...mergeRequest, CI_COMMIT_BRANCH: '' })).toEqual(expected);
    } finally {
      repo.git('checkout', '-q', 'main');
    }
  });

  it("each image job's changes: list is its app, every package it is built from, and the root inputs", () => {
    const doc = YAML.parse(read('.gitlab-ci.yml')) as Record<
      string,
      { extends?: string; rules?: { if?: string; changes?: string[] }[] }
    >;
    expect(
      Object.keys(doc)
        .filter((k) => k.startsWith('image:'))
        .sort(),
    ).toEqual(APPS.map(imageJob).sort());
    for (const app of APPS) {
      const job = doc[imageJob(app)];
      expect({ app, extends: job?.extends }).toEqual({ app, extends: '.image' });
      const changesRule = job!.rules!.find((r) => r.changes);
      const expected = [`apps/${app}/**/*`, ...packagesOf(app).map((d) => `${d}/**/*`), ...ROOT_INPUTS];
      expect({ app, changes: [...(changesRule?.changes ?? [])].sort() }).toEqual({
        app,
        changes: [...expected].sort(),
      });
    }
    // When a package.json gains or loses a workspace dependency, this fails until
    // `node checks/ops/scripts/sync-ci-changes.cjs` rewrites the lists.
    expect(ciChanges.syncChanges(read('.gitlab-ci.yml'), root)).toBe(read('.gitlab-ci.yml'));
  });

  it('sync-ci-changes rewrites a stale list (an app that gained a dependency)', () => {
    const stale = read('.gitlab-ci.yml').replace('        - packages/logger/**/*\n', '');
    expect(stale).not.toBe(read('.gitlab-ci.yml'));
    expect(ciChanges.syncChanges(stale, root)).toBe(read('.gitlab-ci.yml'));
  });

  it("builds rootless with a pinned buildah from the repository root with the apps' Dockerfiles, and pushes <app>:<version> and the commit sha", () => {
    const doc = YAML.parse(read('.gitlab-ci.yml')) as Record<
      string,
      { image?: string; script?: string[]; variables?: Record<string, string> }
    >;
    const image = doc['.image']!;
    expect(image.image).toMatch(/^quay\.io\/buildah\/stable:v\d+\.\d+\.\d+$/);
    expect(image.variables).toMatchObject({ BUILDAH_ISOLATION: 'chroot', STORAGE_DRIVER: 'vfs' });
    const script = image.script!.join('\n');
    expect(script).toContain('buildah build --layers -f "apps/$APP/Dockerfile" -t "$image:$CI_COMMIT_SHA" .');
    expect(script).toContain('extra="${CI_COMMIT_TAG#v}"');
    expect(script).toMatch(/--password-stdin/);
    expect(script).not.toMatch(/privileged|docker:dind|-p "\$CI_REGISTRY_PASSWORD"/);
    for (const app of APPS) expect(fs.existsSync(path.join(root, 'apps', app, 'Dockerfile'))).toBe(true);
    const node = doc['.node']!;
    expect(node.image).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
  });
});

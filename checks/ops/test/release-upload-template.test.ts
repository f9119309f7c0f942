/**
 * apps/release-api/ci/release-upload.gitlab-ci.yml run by gitlab-ci-local in shell mode, as a
 * product's tag pipeline extends it: the real upload client (dist/upload.js, through the
 * template's RELEASE_UPLOAD_CLIENT) streams the build job's artifact to a real release-api process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runGitlabCiLocal } from './support/run-gitlab-ci-local';
import { makeGitRepo, type GitRepo } from './support/make-git-repo';
import { spawnApp, type RunningApp } from './support/spawn-app';
import { read, root } from './support/workspace';

const PRODUCT_PIPELINE = `include:
  - local: ci/release-upload.gitlab-ci.yml

stages: [build, deploy]

build:
  stage: build
  rules:
    - if: $CI_COMMIT_TAG
  script:
    - mkdir -p dist && cp packaging/acme-server.tgz dist/acme-server.tgz
  artifacts:
    paths: [dist/]

release-upload:
  extends: .release-upload
  needs: [build]
  variables:
    RELEASE_PRODUCT: acme-server
    RELEASE_FILE: dist/acme-server.tgz
    RELEASE_FIELDS: 'channel=stable commit=$CI_COMMIT_SHA'
`;
const SECRET = 'release-secret-for-the-ci-template-test';

describe('[slow] the release-upload CI template in a tag pipeline (gitlab-ci-local, shell executor)', () => {
  let api: RunningApp;
  let releaseDir: string;
  let repo: GitRepo;
  const artifact = gzipSync(Buffer.from('acme server 2.3.0 build\n'.repeat(2000)));

  beforeAll(async () => {
    releaseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-releases-'));
    api = await spawnApp('release-api', { RELEASE_SHARED_SECRET: SECRET, RELEASE_DIR: releaseDir });
    repo = makeGitRepo({
      files: {
        '.gitlab-ci.yml': PRODUCT_PIPELINE,
        'ci/release-upload.gitlab-ci.yml': read('apps/release-api/ci/release-upload.gitlab-ci.yml'),
        'packaging/acme-server.tgz': artifact,
      },
      message: 'release 2.3.0',
      origin: 'https://gitlab.example.com/acme/server.git',
    });
  });
  afterAll(async () => {
    expect(await api.stop()).toBe(0);
    repo.remove();
    fs.rmSync(releaseDir, { recursive: true, force: true });
  });

  const runTagPipeline = (tag: string, secret: string) =>
    runGitlabCiLocal(repo.dir, [
      '--force-shell-executor',
      '--shell-isolation',
      '--variable',
      `CI_COMMIT_TAG=${tag}`,
      '--variable',
      `RELEASE_API_URL=${api.url}`,
      '--variable',
      `RELEASE_SHARED_SECRET=${secret}`,
      '--variable',
      `RELEASE_UPLOAD_CLIENT=${root}/apps/release-api/dist/upload.js`,
      '--ignore-predefined-vars',
      'CI_COMMIT_TAG',
    ]);
  const published = (version: string) => path.join(releaseDir, 'acme-server', version);

  it('publishes the build artifact byte for byte with its fields; running the pipeline again is a success that changes nothing', async () => {
    const run = await runTagPipeline('v2.3.0', SECRET);
    expect({ code: run.code, out: run.stdout }).toEqual({
      code: 0,
      out: expect.stringContaining('PASS  release-upload'),
    });
    const dir = published('v2.3.0');
    expect(fs.readFileSync(path.join(dir, 'acme-server-v2.3.0.tgz')).equals(artifact)).toBe(true);
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'release.json'), 'utf8')) as {
      fields: Record<string, string>;
    };
    expect(record.fields).toEqual({ channel: 'stable', commit: repo.git('rev-parse', 'HEAD') });
    const before = fs.statSync(path.join(dir, 'release.json')).mtimeMs;

    const again = await runTagPipeline('v2.3.0', SECRET);
    expect(again.code).toBe(0);
    expect(fs.statSync(path.join(dir, 'release.json')).mtimeMs).toBe(before);
    expect(run.stdout + run.stderr + again.stdout + again.stderr).not.toContain(SECRET);
  });

  it('with a wrong secret the job fails, shows the 401, never prints the secret, and nothing is published', async () => {
    const wrong = 'not-the-release-secret-0000';
    const run = await runTagPipeline('v2.3.1', wrong);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/FAIL\s+release-upload/);
    expect(run.stdout).toMatch(/401|secret/i);
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(fs.existsSync(published('v2.3.1'))).toBe(false);
  });

  it('is not in a pipeline without a tag', async () => {
    const run = await runGitlabCiLocal(repo.dir, ['--list-csv']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('release-upload;');
  });
});

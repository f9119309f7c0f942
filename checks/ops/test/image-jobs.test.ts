/**
 * The image:<app> job's script, run by gitlab-ci-local in shell mode with a stand-in `buildah` on
 * PATH that records what it was asked to do (no container engine here): what is built, what is
 * pushed under which tags, and that the registry password travels on stdin only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runGitlabCiLocal } from './support/run-gitlab-ci-local';
import { makeGitRepo, type GitRepo } from './support/make-git-repo';
import { read } from './support/workspace';

const PASSWORD = 'registry-password-for-the-image-job-test';
const IMAGE = 'registry.gitlab.example.com/devops/devops-suite';

describe('[slow] image:<app> jobs (gitlab-ci-local, shell executor, recording buildah)', () => {
  let repo: GitRepo;
  let bin: string;
  beforeAll(() => {
    repo = makeGitRepo({
      files: { '.gitlab-ci.yml': read('.gitlab-ci.yml'), 'apps/lib-tagger/Dockerfile': 'FROM scratch\n' },
      message: 'suite',
      origin: 'https://gitlab.example.com/devops/devops-suite.git',
    });
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-check-buildah-'));
    // Records its arguments; `login --password-stdin` records what arrived on stdin.
    fs.writeFileSync(
      path.join(bin, 'buildah'),
      [
        '#!/bin/sh',
        `echo "$*" >> "${bin}/calls.log"`,
        `case "$1" in login) cat > "${bin}/stdin.log";; build) test -f "$4" || { echo "no $4" >&2; exit 1; };; esac`,
      ].join('\n') + '\n',
      { mode: 0o755 },
    );
  });
  afterAll(() => {
    repo.remove();
    fs.rmSync(bin, { recursive: true, force: true });
  });
  beforeEach(() => {
    for (const f of ['calls.log', 'stdin.log']) fs.rmSync(path.join(bin, f), { force: true });
  });

  const runImageJob = async (variables: Record<string, string>) => {
    const args = ['image:lib-tagger', '--force-shell-executor', '--no-json-schema-validation'];
    const all = {
      CI_REGISTRY_IMAGE: IMAGE,
      CI_REGISTRY_USER: 'ci-bot',
      CI_REGISTRY_PASSWORD: PASSWORD,
      ...variables,
    };
    for (const [k, v] of Object.entries(all)) args.push('--variable', `${k}=${v}`);
    args.push('--ignore-predefined-vars', Object.keys(all).join(','));
    const run = await runGitlabCiLocal(repo.dir, args, { path: `${bin}:${process.env.PATH ?? ''}` });
    const calls = fs.existsSync(path.join(bin, 'calls.log'))
      ? fs.readFileSync(path.join(bin, 'calls.log'), 'utf8').trim().split('\n')
      : [];
    const stdin = fs.existsSync(path.join(bin, 'stdin.log'))
      ? fs.readFileSync(path.join(bin, 'stdin.log'), 'utf8')
      : undefined;
    return { run, calls, stdin };
  };

  it('on a tag v1.4.0: builds from the repository root with the app Dockerfile, pushes :1.4.0 and the commit sha', async () => {
    const sha = repo.git('rev-parse', 'HEAD');
    const { run, calls, stdin } = await runImageJob({ CI_PIPELINE_SOURCE: 'push', CI_COMMIT_TAG: 'v1.4.0' });
    expect(run.code).toBe(0);
    expect(calls).toEqual([
      `build --layers -f apps/lib-tagger/Dockerfile -t ${IMAGE}/lib-tagger:${sha} .`,
      expect.stringMatching(/^login -u ci-bot --password-stdin /),
      `tag ${IMAGE}/lib-tagger:${sha} ${IMAGE}/lib-tagger:1.4.0`,
      `push ${IMAGE}/lib-tagger:${sha}`,
      `push ${IMAGE}/lib-tagger:1.4.0`,
    ]);
    expect(stdin).toBe(PASSWORD);
    expect(calls.join('\n')).not.toContain(PASSWORD);
  });

  it('on the default branch: pushes the commit sha and the branch name', async () => {
    const sha = repo.git('rev-parse', 'HEAD');
    const { run, calls } = await runImageJob({ CI_PIPELINE_SOURCE: 'push' });
    expect(run.code).toBe(0);
    expect(calls.filter((c) => c.startsWith('push '))).toEqual([
      `push ${IMAGE}/lib-tagger:${sha}`,
      `push ${IMAGE}/lib-tagger:main`,
    ]);
  });

  it('on a merge request: builds, never logs in, never pushes', async () => {
    const { run, calls, stdin } = await runImageJob({
      CI_PIPELINE_SOURCE: 'merge_request_event',
      CI_MERGE_REQUEST_IID: '7',
    });
    expect(run.code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^build --layers -f apps\/lib-tagger\/Dockerfile /);
    expect(stdin).toBeUndefined();
  });

  it('fails the job when the build fails (no Dockerfile), pushing nothing', async () => {
    fs.renameSync(path.join(repo.dir, 'apps/lib-tagger/Dockerfile'), path.join(repo.dir, 'Dockerfile.away'));
    try {
      const { run, calls } = await runImageJob({ CI_PIPELINE_SOURCE: 'push', CI_COMMIT_TAG: 'v1.4.1' });
      expect(run.code).not.toBe(0);
      expect(calls.filter((c) => c.startsWith('push '))).toEqual([]);
    } finally {
      fs.renameSync(
        path.join(repo.dir, 'Dockerfile.away'),
        path.join(repo.dir, 'apps/lib-tagger/Dockerfile'),
      );
    }
  });
});

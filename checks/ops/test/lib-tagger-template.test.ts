/**
 * apps/lib-tagger/ci/lib-tagger.gitlab-ci.yml run by gitlab-ci-local in shell mode, the way a Go
 * library's pipeline includes it: its lib-tagger job runs the real CLI (dist/main.js, through the
 * template's LIB_TAGGER_MAIN variable) against the GitLab double, creates the tag, and a later job
 * reads the tag from the dotenv report.
 */
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { runGitlabCiLocal } from './support/run-gitlab-ci-local';
import { makeGitRepo, type GitRepo } from './support/make-git-repo';
import { read, root } from './support/workspace';

const LIBRARY_PIPELINE = `include:
  - local: ci/lib-tagger.gitlab-ci.yml

stages: [test]

vet:
  stage: test
  script:
    - grep -q '^module example.com/acme/lib$' go.mod

announce:
  stage: .post
  needs: [lib-tagger]
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
  script:
    - echo "announce released $LIB_TAGGER_TAG after $LIB_TAGGER_PREVIOUS"
`;
const MESSAGE = 'feat: parse durations\n\nCloses #4. Adds ParseDuration.';

describe('[slow] the lib-tagger CI template in a library pipeline (gitlab-ci-local, shell executor)', () => {
  let gitlab: GitLabDouble;
  let repo: GitRepo;
  let projectId: number;
  let sha: string;

  beforeEach(async () => {
    gitlab = await startGitLabDouble();
    repo = makeGitRepo({
      files: {
        '.gitlab-ci.yml': LIBRARY_PIPELINE,
        // The template itself, byte for byte, as `include:` would bring it in.
        'ci/lib-tagger.gitlab-ci.yml': read('apps/lib-tagger/ci/lib-tagger.gitlab-ci.yml'),
        'go.mod': 'module example.com/acme/lib\n\ngo 1.22\n',
        'duration.go': 'package lib\n',
      },
      message: MESSAGE,
      origin: 'https://gitlab.example.com/acme/lib.git',
    });
    sha = repo.git('rev-parse', 'HEAD');
    // GitLab holds the same history: an older release v0.3.1, then this very commit.
    const project = gitlab.addProject({ path: 'acme/lib', defaultBranch: 'main' });
    projectId = project.id;
    const older = gitlab.addCommit(projectId, {
      branch: 'main',
      message: 'fix: older',
      files: { 'go.mod': 'module example.com/acme/lib\n' },
    });
    gitlab.addTag(projectId, { name: 'v0.3.1', ref: older });
    gitlab.addCommit(projectId, { branch: 'main', message: MESSAGE, sha });
  });
  afterEach(async () => {
    await gitlab.close();
    repo.remove();
  });

  /** The library's pipeline; the first run of a test also validates the YAML against GitLab's schema. */
  const runPipeline = (token: string, validate = true) =>
    runGitlabCiLocal(repo.dir, [
      ...(validate ? [] : ['--no-json-schema-validation']),
      '--force-shell-executor',
      '--shell-isolation',
      '--variable',
      `GITLAB_URL=${gitlab.url}`,
      '--variable',
      `GITLAB_TOKEN=${token}`,
      '--variable',
      `CI_PROJECT_ID=${projectId}`,
      // gitlab-ci-local fills CI_COMMIT_MESSAGE with a placeholder; a runner gives the real one.
      '--variable',
      `CI_COMMIT_MESSAGE=${MESSAGE}`,
      '--variable',
      `LIB_TAGGER_MAIN=${root}/apps/lib-tagger/dist/main.js`,
      '--ignore-predefined-vars',
      'CI_PROJECT_ID,CI_COMMIT_MESSAGE',
    ]);
  const tags = () =>
    gitlab.state(projectId).tags.map((t) => ({ name: t.name, commit: t.commitId, message: t.message }));

  it('tags the default branch commit with the next version and the commit message; a later job reads the dotenv report; a rerun adds nothing', async () => {
    const run = await runPipeline(gitlab.token);
    expect({ code: run.code, out: run.stdout }).toEqual({
      code: 0,
      out: expect.stringContaining('PASS  lib-tagger'),
    });
    expect(tags()).toContainEqual({ name: 'v0.3.2', commit: sha, message: MESSAGE });
    expect(run.stdout).toContain('announce released v0.3.2 after v0.3.1');
    expect(run.stdout + run.stderr).not.toContain(gitlab.token);

    // A retried pipeline on the same commit: no second tag, the same report.
    const again = await runPipeline(gitlab.token, false);
    expect(again.code).toBe(0);
    expect(tags().map((t) => t.name)).toEqual(['v0.3.1', 'v0.3.2']);
    expect(again.stdout).toContain('announce released v0.3.2 after v0.3.1');
  });

  it('on another branch the job is not in the pipeline and nothing is tagged', async () => {
    repo.git('checkout', '-q', '-b', 'feature/4-durations');
    const run = await runPipeline(gitlab.token);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PASS  vet');
    expect(run.stdout).not.toContain('lib-tagger');
    expect(tags().map((t) => t.name)).toEqual(['v0.3.1']);
  });

  it('with a token GitLab refuses, the job fails the pipeline, says why, and never prints the token', async () => {
    const bad = 'glpat-not-a-valid-token-0000';
    const run = await runPipeline(bad);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/FAIL\s+lib-tagger/);
    expect(run.stdout).toMatch(/401|unauthori[sz]ed|token/i);
    expect(run.stdout + run.stderr).not.toContain(bad);
    expect(tags().map((t) => t.name)).toEqual(['v0.3.1']);
  });
});

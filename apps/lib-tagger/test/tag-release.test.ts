import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '@devops/testkit';
import { runTagger, startLibrary, type Library } from './helpers';

describe('lib-tagger against the GitLab double', () => {
  let lib: Library;
  beforeEach(async () => {
    lib = await startLibrary();
  });
  afterEach(() => lib.close());

  const tag = (name: string) => lib.gitlab.state(lib.projectId).tags.find((t) => t.name === name);
  const posts = () => lib.gitlab.requests.filter((r) => r.method !== 'GET');

  it('tags the next patch after the highest release, skipping pre-release and non-semver tags', async () => {
    const old = lib.commit('fix: one');
    for (const name of ['v1.2.9', 'v1.2.10', 'v1.10.0-rc.1', 'latest'])
      lib.gitlab.addTag(lib.projectId, { name, ref: old });
    const message = 'fix: handle empty input\n\nThe parser no longer panics.\n\nCloses #12\n';
    const sha = lib.commit(message);

    const run = await runTagger(lib.env(sha));

    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('v1.2.11');
    const created = tag('v1.2.11');
    expect(created?.commitId).toBe(sha);
    expect(created?.message).toBe(message);
    expect(created?.target).not.toBe(sha); // annotated: the target is the tag object
    expect(lib.tagNames()).toHaveLength(5);
    // created on the SHA, never on a branch name
    expect(
      posts()
        .map((r) => ({ ...r.query, ...(r.body as object) }) as { ref?: string })
        .map((p) => p.ref),
    ).toEqual([sha]);
  });

  it('starts at LIB_TAGGER_INITIAL when no release exists (default 0.1.0)', async () => {
    const sha = lib.commit('initial import');
    lib.gitlab.addTag(lib.projectId, { name: 'v0.0.1-alpha', ref: sha });
    const run = await runTagger(lib.env(sha));
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('v0.1.0');
    expect(tag('v0.1.0')?.commitId).toBe(sha);
  });

  it('honours a custom LIB_TAGGER_INITIAL', async () => {
    const sha = lib.commit('initial import');
    const run = await runTagger(lib.env(sha, { LIB_TAGGER_INITIAL: '1.0.0' }));
    expect(run.lastLine).toBe('v1.0.0');
    expect(tag('v1.0.0')?.commitId).toBe(sha);
  });

  it.each([
    ['a feature branch', { CI_COMMIT_BRANCH: 'feature/12-x' }],
    ['a tag pipeline (no CI_COMMIT_BRANCH)', { CI_COMMIT_BRANCH: undefined, CI_COMMIT_TAG: 'v9.9.9' }],
    [
      'a merge request pipeline (no CI_COMMIT_BRANCH)',
      { CI_COMMIT_BRANCH: undefined, CI_MERGE_REQUEST_IID: '3' },
    ],
  ])('skips %s: exit 0, no tag, no request', async (_what, extra) => {
    const sha = lib.commit('feat: x');
    const run = await runTagger(lib.env(sha, extra));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('skipped');
    expect(lib.tagNames()).toEqual([]);
    expect(lib.gitlab.requests).toEqual([]);
  });

  it.each([
    ['an annotated tag', 'release notes'],
    ['a lightweight tag', undefined],
  ])('does nothing when the commit already carries a release (%s)', async (_kind, annotation) => {
    const sha = lib.commit('fix: x');
    lib.gitlab.addTag(lib.projectId, {
      name: 'v1.4.2',
      ref: sha,
      ...(annotation ? { message: annotation } : {}),
    });
    lib.gitlab.addTag(lib.projectId, { name: 'v1.4.1', ref: lib.commit('ignored later commit') }); // not on sha
    const run = await runTagger(lib.env(sha), ['--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      tag: 'v1.4.2',
      previous: 'v1.4.1',
      sha,
      created: false,
      status: 'existing',
    });
    expect(lib.tagNames().sort()).toEqual(['v1.4.1', 'v1.4.2']);
    expect(posts()).toEqual([]);
  });

  it('recognises an old tag on a rerun of an old pipeline, far below 150 newer releases', async () => {
    const old = lib.commit('fix: old');
    lib.gitlab.addTag(lib.projectId, { name: 'v1.0.0', ref: old, message: 'first' });
    for (let i = 1; i <= 150; i++)
      lib.gitlab.addTag(lib.projectId, { name: `v1.0.${i}`, ref: lib.commit(`fix: ${i}`) });
    const run = await runTagger(lib.env(old));
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('v1.0.0');
    expect(lib.tagNames()).toHaveLength(151);
  });

  it('ignores a pre-release or other-prefix tag on the commit and tags it', async () => {
    const sha = lib.commit('fix: x');
    lib.gitlab.addTag(lib.projectId, { name: 'v1.0.0', ref: lib.commit('base', undefined, 'other') });
    lib.gitlab.addTag(lib.projectId, { name: 'v1.1.0-rc.1', ref: sha });
    lib.gitlab.addTag(lib.projectId, { name: 'sub/v3.0.0', ref: sha });
    const run = await runTagger(lib.env(sha));
    expect(run.lastLine).toBe('v1.0.1');
    expect(tag('v1.0.1')?.commitId).toBe(sha);
  });

  it('with prefix sub/v counts only sub/vX.Y.Z tags', async () => {
    const base = lib.commit('base', { 'sub/go.mod': 'module example.com/lib/sub\n' });
    for (const name of ['v9.0.0', 'sub/v1.3.9', 'sub/v1.4.0', 'sub/v1.5.0-beta.1', 'other/sub/v7.0.0'])
      lib.gitlab.addTag(lib.projectId, { name, ref: base });
    const sha = lib.commit('fix: sub');
    const run = await runTagger(lib.env(sha, { LIB_TAGGER_PREFIX: 'sub/v' }));
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('sub/v1.4.1');
    expect(tag('sub/v1.4.1')?.commitId).toBe(sha);
  });

  describe('LIB_TAGGER_BUMP=conventional', () => {
    it.each([
      ['v1.4.2', 'fix: a bug', 'v1.4.3'],
      ['v1.4.2', 'feat(api): add Parse', 'v1.5.0'],
      ['v1.4.2', "Merge branch 'f' into 'main'\n\nfeat: add X\n\nSee merge request group/lib!4", 'v1.5.0'],
      ['v0.3.4', 'feat!: drop Parse', 'v0.4.0'],
      ['v0.3.4', 'fix: x\n\nBREAKING CHANGE: Parse is gone', 'v0.4.0'],
    ])('%s + %j → %s', async (previous, message, expected) => {
      lib.gitlab.addTag(lib.projectId, { name: previous, ref: lib.commit('base') });
      const sha = lib.commit(message);
      const run = await runTagger(lib.env(sha, { LIB_TAGGER_BUMP: 'conventional' }));
      expect(run.code).toBe(0);
      expect(run.lastLine).toBe(expected);
      expect(tag(expected)?.commitId).toBe(sha);
    });

    it('in patch mode (the default) a feat! still only bumps the patch', async () => {
      lib.gitlab.addTag(lib.projectId, { name: 'v1.4.2', ref: lib.commit('base') });
      const sha = lib.commit('feat!: drop Parse');
      expect((await runTagger(lib.env(sha))).lastLine).toBe('v1.4.3');
    });
  });

  it('reads the full commit message from the API when CI_COMMIT_MESSAGE is absent', async () => {
    const message = 'fix: long one\n\nline two\nline three\n\nSigned-off-by: A <a@example.com>';
    const sha = lib.commit(message);
    const run = await runTagger(lib.env(sha, { CI_COMMIT_MESSAGE: undefined }));
    expect(run.code).toBe(0);
    expect(tag('v0.1.0')?.message).toBe(message);
    expect(
      lib.gitlab.requests.some((r) => r.method === 'GET' && r.path.endsWith(`/repository/commits/${sha}`)),
    ).toBe(true);
  });

  it('resolves a short CI_COMMIT_SHA to the commit and tags the full SHA', async () => {
    const sha = lib.commit('fix: short');
    const run = await runTagger(lib.env(sha, { CI_COMMIT_SHA: sha.slice(0, 8) }));
    expect(run.code).toBe(0);
    expect(tag('v0.1.0')?.commitId).toBe(sha);
    expect(
      posts()
        .map((r) => ({ ...r.query, ...(r.body as object) }) as { ref?: string })
        .map((p) => p.ref),
    ).toEqual([sha]);
  });

  describe('the Go /vN guard', () => {
    const breaking = async (goMod: string | undefined, extra: Record<string, string> = {}, prefix = 'v') => {
      lib.gitlab.addTag(lib.projectId, { name: `${prefix}1.4.2`, ref: lib.commit('base') });
      const goModPath = prefix === 'v' ? 'go.mod' : `${prefix.slice(0, -2)}/go.mod`;
      const sha = lib.commit('feat!: new API', goMod === undefined ? {} : { [goModPath]: goMod });
      return {
        sha,
        run: await runTagger(
          lib.env(sha, { LIB_TAGGER_BUMP: 'conventional', LIB_TAGGER_PREFIX: prefix, ...extra }),
        ),
      };
    };

    it('refuses v2.0.0 for "module example.com/lib": exit 2, explanation, no tag', async () => {
      const { run } = await breaking('module example.com/lib\n\ngo 1.22\n');
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('v2.0.0');
      expect(run.stderr).toContain('module example.com/lib/v2');
      expect(lib.tagNames()).toEqual(['v1.4.2']);
      expect(posts()).toEqual([]);
    });

    it('accepts v2.0.0 for "module example.com/lib/v2"', async () => {
      const { sha, run } = await breaking('module example.com/lib/v2\n\ngo 1.22\n');
      expect(run.code).toBe(0);
      expect(run.lastLine).toBe('v2.0.0');
      expect(tag('v2.0.0')?.commitId).toBe(sha);
    });

    it('keeps guarding later patches of v2 (go.mod edited back to the v1 path)', async () => {
      lib.gitlab.addTag(lib.projectId, {
        name: 'v2.0.0',
        ref: lib.commit('v2', { 'go.mod': 'module example.com/lib/v2\n' }),
      });
      const sha = lib.commit('fix: oops', { 'go.mod': 'module example.com/lib\n' });
      const run = await runTagger(lib.env(sha));
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('module example.com/lib/v2');
      expect(lib.tagNames()).toEqual(['v2.0.0']);
    });

    it('reads go.mod in the module folder for a sub/v prefix, at the commit', async () => {
      const refused = await breaking('module example.com/lib/sub\n', {}, 'sub/v');
      expect(refused.run.code).toBe(2);
      expect(refused.run.stderr).toContain('sub/go.mod');
      expect(refused.run.stderr).toContain('module example.com/lib/sub/v2');
      lib.commit('fix: go.mod', { 'sub/go.mod': 'module example.com/lib/sub/v2\n' });
      const sha = lib.commit('feat!: again');
      const accepted = await runTagger(
        lib.env(sha, { LIB_TAGGER_BUMP: 'conventional', LIB_TAGGER_PREFIX: 'sub/v' }),
      );
      expect(accepted.code).toBe(0);
      expect(accepted.lastLine).toBe('sub/v2.0.0');
    });

    it('refuses in --dry-run too (every read happens)', async () => {
      const { run } = await breaking('module example.com/lib\n', {});
      const dry = await runTagger(lib.env(lib.commit('feat!: more'), { LIB_TAGGER_BUMP: 'conventional' }), [
        '--dry-run',
      ]);
      expect(run.code).toBe(2);
      expect(dry.code).toBe(2);
    });
  });

  it('--dry-run reads everything, writes nothing and says which tag it would create', async () => {
    lib.gitlab.addTag(lib.projectId, {
      name: 'v3.1.4',
      ref: lib.commit('base', { 'go.mod': 'module example.com/lib/v3\n' }),
    });
    const sha = lib.commit('fix: x');
    const cwd = tempDir();
    const run = await runTagger(lib.env(sha, { LIB_TAGGER_DOTENV: 'tagger.env' }), ['--dry-run'], cwd);
    expect(run.code).toBe(0);
    expect(run.lastLine).toBe('v3.1.5');
    expect(run.stderr).toContain('would create tag v3.1.5');
    expect(lib.tagNames()).toEqual(['v3.1.4']);
    expect(posts()).toEqual([]);
    expect(existsSync(path.join(cwd, 'tagger.env'))).toBe(false);
  });

  it('--json prints one JSON document on stdout, human text on stderr', async () => {
    lib.gitlab.addTag(lib.projectId, { name: 'v1.2.3', ref: lib.commit('base') });
    const sha = lib.commit('fix: x');
    const run = await runTagger(lib.env(sha, { LOG_FORMAT: 'pretty' }), ['--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      tag: 'v1.2.4',
      previous: 'v1.2.3',
      sha,
      created: true,
      status: 'created',
    });
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`created tag v1.2.4 on ${sha.slice(0, 8)}`);
  });

  it('writes the dotenv report (LIB_TAGGER_DOTENV)', async () => {
    lib.gitlab.addTag(lib.projectId, { name: 'v1.2.3', ref: lib.commit('base') });
    const sha = lib.commit('fix: x');
    const cwd = tempDir();
    const run = await runTagger(lib.env(sha, { LIB_TAGGER_DOTENV: 'out/lib-tagger.env' }), [], cwd);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'out/lib-tagger.env'), 'utf8')).toBe(
      'LIB_TAGGER_TAG=v1.2.4\nLIB_TAGGER_PREVIOUS=v1.2.3\n',
    );

    const first = tempDir();
    const fresh = await startLibrary();
    try {
      const s = fresh.commit('init');
      await runTagger(fresh.env(s, { LIB_TAGGER_DOTENV: path.join(first, 'a.env') }));
      expect(readFileSync(path.join(first, 'a.env'), 'utf8')).toBe(
        'LIB_TAGGER_TAG=v0.1.0\nLIB_TAGGER_PREVIOUS=\n',
      );
    } finally {
      await fresh.close();
    }
  });

  it('writes an empty dotenv report when skipped, so the artifact always exists', async () => {
    const cwd = tempDir();
    const run = await runTagger(
      lib.env(lib.commit('x'), { CI_COMMIT_BRANCH: 'dev', LIB_TAGGER_DOTENV: 'lib-tagger.env' }),
      [],
      cwd,
    );
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(cwd, 'lib-tagger.env'), 'utf8')).toBe(
      'LIB_TAGGER_TAG=\nLIB_TAGGER_PREVIOUS=\n',
    );
  });

  it('a bad token exits 1 with a clear message that does not contain the token', async () => {
    const sha = lib.commit('fix: x');
    const badToken = 'glpat-this-is-not-valid-123456';
    const run = await runTagger(lib.env(sha, { GITLAB_TOKEN: badToken }));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('GITLAB_TOKEN');
    expect(run.stderr).toContain('401');
    expect(run.stderr).not.toContain(badToken);
    expect(run.stdout).not.toContain(badToken);
    expect(lib.tagNames()).toEqual([]);
  });

  it('survives GitLab answering 503 (retried) and still creates exactly one tag', async () => {
    const sha = lib.commit('fix: x');
    lib.gitlab.injectFault({ status: 503, times: 2, method: 'GET', path: /repository\/tags$/ });
    lib.gitlab.injectFault({ status: 502, times: 1, method: 'POST' });
    const run = await runTagger(lib.env(sha));
    expect(run.code).toBe(0);
    expect(lib.tagNames()).toEqual(['v0.1.0']);
  });

  it('exits 1 and creates nothing when GitLab keeps failing', async () => {
    const sha = lib.commit('fix: x');
    lib.gitlab.injectFault({ status: 500, times: Infinity, method: 'POST' });
    const run = await runTagger(lib.env(sha));
    expect(run.code).toBe(1);
    expect(run.lastLine).toBe('');
    expect(lib.tagNames()).toEqual([]);
  });

  it.each([
    [{ CI_PROJECT_ID: undefined }, 'CI_PROJECT_ID'],
    [{ GITLAB_TOKEN: undefined }, 'GITLAB_TOKEN'],
    [{ LIB_TAGGER_BUMP: 'minor' }, 'LIB_TAGGER_BUMP'],
    [{ LIB_TAGGER_INITIAL: 'v1.0' }, 'LIB_TAGGER_INITIAL'],
    [{ LIB_TAGGER_PREFIX: 'bad prefix' }, 'LIB_TAGGER_PREFIX'],
    [{ CI_SERVER_URL: undefined }, 'GITLAB_URL'],
  ])('bad configuration %j exits 78 naming %s', async (extra, variable) => {
    const run = await runTagger(lib.env(lib.commit('x'), extra));
    expect(run.code).toBe(78);
    expect(run.stderr).toContain(variable);
    expect(lib.gitlab.requests).toEqual([]);
  });
});

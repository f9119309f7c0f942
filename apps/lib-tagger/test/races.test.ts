import { runTagger, startLibrary, type Library } from './helpers';

// Concurrent pipelines, for real: several CLI runs at once against one GitLab. A barrier on the
// "tags containing this commit" read holds every run after it has read the tags until all of them are
// there (however far apart the processes started on a busy machine), so all of them compute the same
// next tag and race to create it; the request log proves the race happened.
describe('concurrent pipelines', () => {
  let lib: Library;
  beforeEach(async () => {
    lib = await startLibrary();
  });
  afterEach(() => lib.close());

  const tags = () => lib.gitlab.state(lib.projectId).tags;
  const holdReads = (runs: number) =>
    lib.gitlab.injectFault({ barrier: runs, times: runs, method: 'GET', path: /\/refs$/ });
  const lostRaces = () => lib.gitlab.requests.filter((r) => r.method === 'POST' && r.status === 400).length;

  it('two runs for two different commits end with two consecutive tags, one per commit', async () => {
    lib.gitlab.addTag(lib.projectId, { name: 'v1.2.10', ref: lib.commit('base') });
    const a = lib.commit('fix: a');
    const b = lib.commit('fix: b');
    holdReads(2);

    const [ra, rb] = await Promise.all([runTagger(lib.env(a)), runTagger(lib.env(b))]);

    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(lostRaces()).toBe(1);
    expect([ra.lastLine, rb.lastLine].sort()).toEqual(['v1.2.11', 'v1.2.12']);
    const byName = new Map(tags().map((t) => [t.name, t.commitId]));
    expect(byName.get(ra.lastLine)).toBe(a);
    expect(byName.get(rb.lastLine)).toBe(b);
    expect(tags()).toHaveLength(3);
  });

  it('two runs for the same commit end with one tag, and both report it', async () => {
    lib.gitlab.addTag(lib.projectId, { name: 'v1.2.10', ref: lib.commit('base') });
    const sha = lib.commit('fix: once');
    holdReads(2);

    const runs = await Promise.all([
      runTagger(lib.env(sha), ['--json']),
      runTagger(lib.env(sha), ['--json']),
    ]);

    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(lostRaces()).toBe(1);
    const results = runs.map((r) => JSON.parse(r.stdout) as { tag: string; created: boolean; sha: string });
    expect(results.map((r) => r.tag)).toEqual(['v1.2.11', 'v1.2.11']);
    expect(results.map((r) => r.created).sort()).toEqual([false, true]);
    expect(
      tags()
        .filter((t) => t.commitId === sha)
        .map((t) => t.name),
    ).toEqual(['v1.2.11']);
    expect(tags()).toHaveLength(2);
  });

  it('four runs for four commits get four distinct consecutive tags', async () => {
    lib.gitlab.addTag(lib.projectId, { name: 'v0.9.0', ref: lib.commit('base') });
    const shas = [1, 2, 3, 4].map((i) => lib.commit(`fix: ${i}`));
    holdReads(4);

    const runs = await Promise.all(shas.map((sha) => runTagger(lib.env(sha))));

    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
    expect(lostRaces()).toBeGreaterThan(0);
    expect(runs.map((r) => r.lastLine).sort()).toEqual(['v0.9.1', 'v0.9.2', 'v0.9.3', 'v0.9.4']);
    for (const [i, sha] of shas.entries()) {
      expect(
        tags()
          .filter((t) => t.commitId === sha)
          .map((t) => t.name),
      ).toEqual([runs[i]!.lastLine]);
    }
  });

  it('gives up after 5 attempts with exit 1 and no tag when every name it picks is taken', async () => {
    const sha = lib.commit('fix: x');
    lib.gitlab.injectFault({
      status: 400,
      times: Infinity,
      method: 'POST',
      body: { message: 'Tag v0.1.0 already exists' },
    });
    const run = await runTagger(lib.env(sha));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gave up after 5 attempts');
    expect(run.lastLine).toBe('');
    expect(lib.gitlab.requests.filter((r) => r.method === 'POST')).toHaveLength(5);
    expect(tags()).toEqual([]);
  });
});

import { runTagger, startLibrary, type Library } from './helpers';

// "At most 4 requests for a project with 1,000 tags when nothing goes wrong", counted from the
// double's request log. Listing every tag would take 10 pages of 100 before doing anything.
describe('request budget with 1,000 tags', () => {
  let lib: Library;
  beforeEach(async () => {
    lib = await startLibrary();
    // 1,000 release tags v1.0.0 … v1.9.99 on older commits (ten per commit), plus pre-release and
    // non-semver tags that sort above the highest release.
    let ref = '';
    for (let i = 0; i < 1000; i++) {
      if (i % 10 === 0) ref = lib.commit(`fix: ${i}`, { 'go.mod': 'module example.com/lib\n' });
      lib.gitlab.addTag(lib.projectId, { name: `v1.${Math.floor(i / 100)}.${i % 100}`, ref });
    }
    for (const name of ['v2.0.0-rc.1', 'v2.0.0-rc.2', 'vnext', 'latest', 'v1.10'])
      lib.gitlab.addTag(lib.projectId, { name, ref });
    lib.gitlab.clearRequests();
  });
  afterEach(() => lib.close());

  const requests = () =>
    lib.gitlab.requests.map((r) => `${r.method} ${r.path.replace(/^\/api\/v4\/projects\/\d+/, '')}`);

  it('creates the next tag in 3 requests (CI_COMMIT_MESSAGE given)', async () => {
    const sha = lib.commit('fix: new');
    const run = await runTagger(lib.env(sha));
    expect(run.lastLine).toBe('v1.9.100');
    expect(requests()).toEqual([
      'GET /repository/tags',
      `GET /repository/commits/${sha}/refs`,
      'POST /repository/tags',
    ]);
  });

  it('creates the next tag in 4 requests when the message must be read from the API', async () => {
    const sha = lib.commit('fix: new');
    const run = await runTagger(lib.env(sha, { CI_COMMIT_MESSAGE: undefined }));
    expect(run.lastLine).toBe('v1.9.100');
    expect(requests()).toHaveLength(4);
  });

  it('checks go.mod for a v2 in 4 requests', async () => {
    const sha = lib.commit('feat!: v2', { 'go.mod': 'module example.com/lib/v2\n' });
    const run = await runTagger(lib.env(sha, { LIB_TAGGER_BUMP: 'conventional' }));
    expect(run.lastLine).toBe('v2.0.0');
    expect(requests()).toHaveLength(4);
    expect(requests()).toContain('GET /repository/files/go.mod/raw');
  });

  it('answers a rerun on the tagged commit in 1 request', async () => {
    const sha = lib.commit('fix: new');
    lib.gitlab.addTag(lib.projectId, { name: 'v1.9.100', ref: sha, message: 'fix: new' });
    lib.gitlab.clearRequests();
    const run = await runTagger(lib.env(sha));
    expect(run.lastLine).toBe('v1.9.100');
    expect(requests()).toEqual(['GET /repository/tags']);
  });

  it('asks for the highest versions first, one page of 100', async () => {
    await runTagger(lib.env(lib.commit('fix: new')));
    const list = lib.gitlab.requests.find((r) => r.method === 'GET' && r.path.endsWith('/repository/tags'));
    expect(list?.query).toMatchObject({ order_by: 'version', sort: 'desc', search: '^v', per_page: '100' });
  });
});

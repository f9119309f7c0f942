import {
  SECRET,
  get,
  gzipData,
  md5,
  releaseParts,
  sha256,
  startServer,
  tickingClock,
  upload,
  type TestServer,
} from './helpers';

const auth = { Authorization: `Bearer ${SECRET}` };

describe('GET /releases: what was published', () => {
  let server: TestServer;
  const published: { product: string; version: string; data: Buffer }[] = [];
  beforeAll(async () => {
    server = await startServer({
      now: tickingClock(),
      products: {
        products: {
          app: { requiredFields: [] },
          tool: { requiredFields: [] },
          failing: { requiredFields: [], script: '/bin/false' },
        },
      },
    });
    const plan: [string, string, number][] = [
      ['app', '1.0.0', 201],
      ['tool', '0.1.0', 201],
      ['app', '1.1.0', 201],
      ['failing', '2.0.0', 500],
      ['app', '1.2.0', 201],
      ['tool', '0.2.0', 201],
    ];
    for (const [product, version, status] of plan) {
      const data = gzipData(1000 + published.length);
      const fields: [string, string][] = [['note', `${product} ${version} "quoted"`]];
      const res = await upload(server.url, releaseParts(data, { product, version, fields }));
      expect([product, version, res.status]).toEqual([product, version, status]);
      published.push({ product, version, data });
    }
  });
  afterAll(async () => {
    await server.close();
  });

  it('401 without the secret, or with a wrong one; nothing listed', async () => {
    const attempts: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong-secret-0123456789' }];
    for (const headers of attempts) {
      const list = await get(`${server.url}/releases`, headers);
      expect(list.status).toBe(401);
      expect(list.text).not.toContain('app');
      const one = await get(`${server.url}/releases/app/1.0.0`, headers);
      expect(one.status).toBe(401);
      expect(one.text).not.toContain(md5(published[0]!.data));
    }
  });

  it('newest first, paginated with X-Total, X-Next-Page and Link headers; every page together is everything once', async () => {
    const newestFirst = [...published].reverse().map((p) => `${p.product}@${p.version}`);
    const first = await get(`${server.url}/releases?per_page=4`, auth);
    expect(first.status).toBe(200);
    expect(first.headers['x-total']).toBe('6');
    expect(first.headers['x-total-pages']).toBe('2');
    expect(first.headers['x-page']).toBe('1');
    expect(first.headers['x-next-page']).toBe('2');
    expect(first.headers['x-prev-page']).toBe('');
    const next = new URL(/<([^>]+)>; rel="next"/.exec(String(first.headers.link))![1]!);
    expect([next.pathname, next.searchParams.get('page'), next.searchParams.get('per_page')]).toEqual([
      '/releases',
      '2',
      '4',
    ]);
    const firstItems = JSON.parse(first.text) as { product: string; version: string }[];
    const second = await get(`${server.url}/releases?per_page=4&page=2`, auth);
    expect(second.headers['x-next-page']).toBe('');
    expect(second.headers['x-prev-page']).toBe('1');
    expect(second.headers.link).not.toContain('rel="next"');
    const secondItems = JSON.parse(second.text) as { product: string; version: string }[];
    expect(firstItems).toHaveLength(4);
    expect([...firstItems, ...secondItems].map((r) => `${r.product}@${r.version}`)).toEqual(newestFirst);
    const beyond = await get(`${server.url}/releases?per_page=4&page=3`, auth);
    expect(JSON.parse(beyond.text)).toEqual([]);
  });

  it('each entry: version, size, MD5, SHA-256, fields, published time, script result', async () => {
    const res = await get(`${server.url}/releases?product=app`, auth);
    const items = JSON.parse(res.text) as Record<string, unknown>[];
    const apps = published.filter((p) => p.product === 'app').reverse();
    expect(items).toEqual(
      apps.map((p) => ({
        product: 'app',
        version: p.version,
        size: p.data.length,
        md5: md5(p.data),
        sha256: sha256(p.data),
        fields: { note: `app ${p.version} "quoted"` },
        publishedAt: expect.stringMatching(/^2026-01-01T00:0\dZ?/) as unknown,
        status: 'published',
        script: null,
      })),
    );
    const times = items.map((i) => String(i.publishedAt));
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by product; an unknown product lists nothing; a bad query is 400', async () => {
    const tools = JSON.parse((await get(`${server.url}/releases?product=tool`, auth)).text) as {
      version: string;
    }[];
    expect(tools.map((t) => t.version)).toEqual(['0.2.0', '0.1.0']);
    const none = await get(`${server.url}/releases?product=nothing`, auth);
    expect([none.status, none.text, none.headers['x-total']]).toEqual([200, '[]', '0']);
    for (const query of ['product=../etc', 'page=0', 'per_page=x', 'page=-1']) {
      const bad = await get(`${server.url}/releases?${query}`, auth);
      expect([query, bad.status]).toEqual([query, 400]);
    }
  });

  it('a failed script is shown as such, with its exit code and duration; one release by its path; 404 for none', async () => {
    const failed = await get(`${server.url}/releases/failing/2.0.0`, auth);
    expect(failed.status).toBe(200);
    expect(failed.json).toMatchObject({
      product: 'failing',
      version: '2.0.0',
      status: 'script-failed',
      script: { exitCode: 1, timedOut: false, durationMs: expect.any(Number) as unknown },
    });
    const missing = await get(`${server.url}/releases/app/9.9.9`, auth);
    expect(missing.status).toBe(404);
    const traversal = await get(`${server.url}/releases/..%2F..%2Fetc/passwd`, auth);
    expect(traversal.status).toBe(404);
  });
});

import { startGitLabDouble, type GitLabDouble } from '../src';

/**
 * The double's rate limits and upload limit answer as GitLab does: the two shapes of 429 (Rack::Attack's user
 * and IP limits with Retry-After; the application limits with RateLimit-* only, doc/administration/settings/
 * user_and_ip_rate_limits.md and gitlab-org/gitlab#199738) and `file_too_large!` for an upload over
 * max_attachment_size (lib/api/helpers.rb).
 */
const START = Date.UTC(2026, 0, 5, 11, 0, 0); // Mon, 05 Jan 2026 11:00:00 GMT
let clock = START;
let gitlab: GitLabDouble;
let pid: number;
beforeEach(async () => {
  clock = START;
  gitlab = await startGitLabDouble({ now: () => new Date(clock) });
  pid = gitlab.addProject({ path: 'g/p' }).id;
});
afterEach(() => gitlab.close());

const get = () =>
  fetch(`${gitlab.url}/api/v4/projects/${pid}`, { headers: { 'PRIVATE-TOKEN': gitlab.token } });

const rateLimitHeaders = (r: Response) =>
  Object.fromEntries(
    [...r.headers.entries()].filter(([k]) => k.startsWith('ratelimit-') || k === 'retry-after'),
  );

describe('429 with Retry-After (Rack::Attack user and IP limits)', () => {
  it('is plain text "Retry later" with Retry-After and the RateLimit-* headers at the same instant', async () => {
    gitlab.injectFault({ status: 429, retryAfter: 30 });
    const r = await get();
    expect(r.status).toBe(429);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await r.text()).toBe('Retry later');
    expect(rateLimitHeaders(r)).toEqual({
      'retry-after': '30',
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': '600',
      'ratelimit-observed': '601',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(START / 1000 + 30),
      'ratelimit-resettime': 'Mon, 05 Jan 2026 11:00:30 GMT',
    });
    expect((await get()).status).toBe(200);
  });
});

describe('429 with only RateLimit-Reset (application limits)', () => {
  it('is GitLab JSON error with RateLimit-Limit/Observed/Remaining/Reset and no Retry-After', async () => {
    gitlab.injectFault({ rateLimitReset: 42, rateLimitLimit: 60 });
    const r = await get();
    expect(r.status).toBe(429);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(await r.json()).toEqual({
      message: { error: 'This endpoint has been requested too many times. Try again later.' },
    });
    expect(rateLimitHeaders(r)).toEqual({
      'ratelimit-limit': '60',
      'ratelimit-observed': '61',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(START / 1000 + 42),
    });
  });

  it('refuses until its window resets on the double clock, then answers again', async () => {
    gitlab.injectFault({ rateLimitReset: 60, times: Infinity, method: 'GET' });
    expect((await get()).status).toBe(429);
    clock += 30_000;
    const later = await get();
    expect(later.status).toBe(429);
    expect(later.headers.get('ratelimit-reset')).toBe(String(START / 1000 + 60)); // the same window
    clock += 30_000;
    expect((await get()).status).toBe(200);
    expect(gitlab.requests.map((q) => q.status)).toEqual([429, 429, 200]);
  });
});

describe('upload size limit (max_attachment_size)', () => {
  const upload = (bytes: number) => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(bytes, 7)], { type: 'application/pdf' }), 'big.pdf');
    return fetch(`${gitlab.url}/api/v4/projects/${pid}/uploads`, {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': gitlab.token },
      body: form,
    });
  };

  it("answers 413 with GitLab's error body above the limit and stores nothing; at the limit it is stored", async () => {
    gitlab.setMaxAttachmentBytes(1024);
    const over = await upload(1025);
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ message: '413 Request Entity Too Large' });
    expect(gitlab.state(pid).uploads).toEqual([]);

    const at = await upload(1024);
    expect(at.status).toBe(201);
    expect(gitlab.state(pid).uploads.map((u) => u.size)).toEqual([1024]);
  });

  it('takes the limit as an option, and lifts it', async () => {
    const limited = await startGitLabDouble({ maxAttachmentBytes: 10 });
    try {
      const p = limited.addProject({ path: 'a/b' }).id;
      const form = new FormData();
      form.append('file', new Blob([Buffer.alloc(11)]), 'x.bin');
      const post = () =>
        fetch(`${limited.url}/api/v4/projects/${p}/uploads`, {
          method: 'POST',
          headers: { 'PRIVATE-TOKEN': limited.token },
          body: form,
        });
      expect((await post()).status).toBe(413);
      limited.setMaxAttachmentBytes(undefined);
      expect((await post()).status).toBe(201);
    } finally {
      await limited.close();
    }
  });
});

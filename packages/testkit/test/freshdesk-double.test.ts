import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startFreshdeskDouble, type FreshdeskDouble } from '../src';

/** Freshdesk's documented example bodies (copied from shared/reference/freshdesk-examples). */
function example(name: string): Record<string, unknown> | Array<Record<string, unknown>> {
  return JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'freshdesk', name), 'utf8'));
}
const keysOf = (o: unknown) => Object.keys(o as object).sort();

describe('Freshdesk double against the documented API', () => {
  let fd: FreshdeskDouble;
  let auth: string;
  beforeEach(async () => {
    fd = await startFreshdeskDouble({ apiKey: 'test-api-key-123', customFields: ['category'] });
    auth = `Basic ${Buffer.from('test-api-key-123:X').toString('base64')}`;
  });
  afterEach(() => fd.close());

  const get = (p: string, headers: Record<string, string> = {}) =>
    fetch(`${fd.url}${p}`, { headers: { authorization: auth, ...headers } });
  const send = (method: string, p: string, body: unknown) =>
    fetch(`${fd.url}${p}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('GET /api/v2/tickets/:id has the keys of ticket_view.response.json, attachments those of the examples', async () => {
    const t = fd.addTicket({
      subject: 'S',
      attachments: [{ name: 'attachment1.jpg', contentType: 'image/jpeg', size: 44115 }],
    });
    const res = await get(`/api/v2/tickets/${t.id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(keysOf(body)).toEqual(keysOf(example('ticket_view.response.json')));
    const documentedAttachment = (
      example('ticket_create_with_attachments.response.json') as { attachments: unknown[] }
    ).attachments[0];
    expect(keysOf((body.attachments as unknown[])[0])).toEqual(keysOf(documentedAttachment));
    expect(body).toMatchObject({
      id: t.id,
      subject: 'S',
      custom_fields: { category: null },
      attachments: [{ file_size: 44115, content_type: 'image/jpeg' }],
    });
  });

  it('include=requester,stats adds the keys of the python-freshdesk fixture', async () => {
    const t = fd.addTicket({ requester: { name: 'Dummyname', email: 'dummyname@example.com' } });
    const body = (await (await get(`/api/v2/tickets/${t.id}?include=stats,requester`)).json()) as Record<
      string,
      unknown
    >;
    const documented = example('ticket_view_include_stats_requester.python-freshdesk-fixture.json') as Record<
      string,
      unknown
    >;
    expect(keysOf(body.requester)).toEqual(keysOf(documented.requester));
    expect(keysOf(body.stats)).toEqual(keysOf(documented.stats));
    expect(body.requester).toMatchObject({ name: 'Dummyname', email: 'dummyname@example.com' });
  });

  it("answers an unknown include with a validation error in Freshdesk's shape", async () => {
    const t = fd.addTicket();
    const res = await get(`/api/v2/tickets/${t.id}?include=nonsense`);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(keysOf(body)).toEqual(keysOf(example('error_validation.third_party.json')));
    expect(body).toMatchObject({ errors: [{ field: 'include', code: 'invalid_value' }] });
  });

  it('404s an unknown ticket and 401s a wrong key with invalid_credentials', async () => {
    expect((await get('/api/v2/tickets/999')).status).toBe(404);
    const res = await fetch(`${fd.url}/api/v2/tickets/999`, {
      headers: { authorization: `Basic ${Buffer.from('nope:X').toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      code: 'invalid_credentials',
      message: 'You have to be logged in to perform this action.',
    });
    expect((await fetch(`${fd.url}/api/v2/tickets/999`)).status).toBe(401);
  });

  it('conversations: bare array with the documented keys, 30 per page by default, link rel="next" only while more', async () => {
    const t = fd.addTicket();
    for (let i = 0; i < 31; i++) fd.addConversation(t.id, { body: `<div>${i}</div>` });
    const first = await get(`/api/v2/tickets/${t.id}/conversations`);
    const page1 = (await first.json()) as unknown[];
    expect(page1).toHaveLength(30);
    expect(keysOf(page1[0])).toEqual(keysOf((example('conversations_list.response.json') as unknown[])[0]));
    const link = first.headers.get('link');
    expect(link).toBe(`<${fd.url}/api/v2/tickets/${t.id}/conversations?page=2>; rel="next"`);
    const second = await get(`/api/v2/tickets/${t.id}/conversations?page=2`);
    expect(((await second.json()) as unknown[]).map((c) => (c as { body: string }).body)).toEqual([
      '<div>30</div>',
    ]);
    expect(second.headers.get('link')).toBeNull();
  });

  it.each(['0', '101', 'ten'])('refuses per_page=%s', async (perPage) => {
    const t = fd.addTicket();
    const res = await get(`/api/v2/tickets/${t.id}/conversations?per_page=${perPage}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      description: 'Validation failed',
      errors: [{ field: 'per_page', code: 'invalid_value' }],
    });
  });

  it('POST notes: 201, Location, the keys of note_create.response.json, private by default', async () => {
    const t = fd.addTicket();
    const res = await send('POST', `/api/v2/tickets/${t.id}/notes`, {
      body: '<div>Hi tom, Still Angry</div>',
      notify_emails: ['tom@yourcompany.com'],
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(keysOf(body)).toEqual(keysOf(example('note_create.response.json')));
    expect(body).toMatchObject({
      private: true,
      body_text: 'Hi tom, Still Angry',
      ticket_id: t.id,
      notified_to: ['tom@yourcompany.com'],
    });
    expect(res.headers.get('location')).toBe(`${fd.url}/api/v2/conversations/${body.id}`);
    expect(fd.ticket(t.id)!.conversations).toEqual([expect.objectContaining({ id: body.id, private: true })]);
  });

  it('POST notes without a body: missing_field', async () => {
    const t = fd.addTicket();
    const res = await send('POST', `/api/v2/tickets/${t.id}/notes`, { private: true });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      description: 'Validation failed',
      errors: [{ field: 'body', message: 'Mandatory attribute missing', code: 'missing_field' }],
    });
    expect(fd.ticket(t.id)!.conversations).toHaveLength(0);
  });

  it('PUT ticket: answers with every documented key of ticket_update.response.json; custom_fields merged, tags replaced', async () => {
    const t = fd.addTicket({ tags: ['a'], customFields: { category: 'Primary' } });
    const res = await send('PUT', `/api/v2/tickets/${t.id}`, { tags: ['hello', 'world'], priority: 2 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    const documented = keysOf(example('ticket_update.response.json'));
    // the documented update example omits company_id, association_type and custom_fields, which the view example and python-freshdesk's update fixture carry
    expect(keysOf(body).filter((k) => !documented.includes(k))).toEqual([
      'association_type',
      'company_id',
      'custom_fields',
    ]);
    expect(documented.filter((k) => !(k in body))).toEqual([]);
    expect(body).toMatchObject({
      tags: ['hello', 'world'],
      priority: 2,
      custom_fields: { category: 'Primary' },
    });
    expect(fd.ticket(t.id)).toMatchObject({ tags: ['hello', 'world'], priority: 2 });
  });

  it("PUT ticket with an unknown custom field or non-array tags: 400 in Freshdesk's shape, nothing changed", async () => {
    const t = fd.addTicket({ tags: ['keep'] });
    const res = await send('PUT', `/api/v2/tickets/${t.id}`, {
      custom_fields: { cf_missing: 'x' },
      tags: 'nope',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      description: 'Validation failed',
      errors: [
        { field: 'cf_missing', message: 'Unexpected/invalid field in request', code: 'invalid_field' },
        { field: 'tags', message: 'It should be a/an Array', code: 'datatype_mismatch' },
      ],
    });
    expect(fd.ticket(t.id)!.tags).toEqual(['keep']);
  });

  it("sends the rate-limit headers, and a 429 with Retry-After once the minute's credits are spent", async () => {
    await fd.close();
    fd = await startFreshdeskDouble({ apiKey: 'test-api-key-123', rateLimitPerMinute: 3 });
    const t = fd.addTicket();
    const one = await get(`/api/v2/tickets/${t.id}`);
    expect([
      one.headers.get('x-ratelimit-total'),
      one.headers.get('x-ratelimit-remaining'),
      one.headers.get('x-ratelimit-used-currentrequest'),
    ]).toEqual(['3', '2', '1']);
    const two = await get(`/api/v2/tickets/${t.id}?include=requester`);
    expect(two.headers.get('x-ratelimit-used-currentrequest')).toBe('2');
    const limited = await get(`/api/v2/tickets/${t.id}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('serves attachments from another host, streamed, and refuses the API key there like S3', async () => {
    const t = fd.addTicket({ attachments: [{ name: 'big.bin', size: 3 * 1024 * 1024 + 7, seed: 's' }] });
    const url = t.attachments[0]!.url;
    expect(new URL(url).host).not.toBe(new URL(fd.url).host);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-length')).toBe(String(3 * 1024 * 1024 + 7));
    const bytes = Buffer.from(await ok.arrayBuffer());
    const { createHash } = await import('node:crypto');
    expect(createHash('md5').update(bytes).digest('hex')).toBe(await fd.attachmentMd5(t.attachments[0]!.id));
    const withKey = await fetch(url, { headers: { authorization: auth } });
    expect(withKey.status).toBe(400);
    expect(await withKey.text()).toContain('Only one auth mechanism allowed');
    const unsigned = await fetch(url.split('?')[0]!);
    expect(unsigned.status).toBe(403);
  });

  it('generates the same bytes for the same seed, different for another', async () => {
    const t = fd.addTicket({
      attachments: [
        { name: 'a', size: 100_000, seed: 'x' },
        { name: 'b', size: 100_000, seed: 'x' },
        { name: 'c', size: 100_000, seed: 'y' },
      ],
    });
    const [a, b, c] = await Promise.all(t.attachments.map((x) => fd.attachmentMd5(x.id)));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});

describe('Freshdesk double: attachment links that expire, sizes and types an account got wrong', () => {
  let fd: FreshdeskDouble;
  let now = Date.parse('2024-06-01T12:00:00Z');
  const auth = `Basic ${Buffer.from('test-api-key-123:X').toString('base64')}`;
  afterEach(() => fd.close());

  const readTicket = async (id: number) => {
    const res = await fetch(`${fd.url}/api/v2/tickets/${id}`, { headers: { authorization: auth } });
    return (await res.json()) as {
      attachments: Array<{ attachment_url: string; file_size: number; content_type: string }>;
    };
  };

  it('a link answers 403 "Request has expired" once its time is up; a new ticket read hands out a fresh one', async () => {
    fd = await startFreshdeskDouble({
      apiKey: 'test-api-key-123',
      attachmentLinkTtlMs: 60_000,
      now: () => now,
    });
    const t = fd.addTicket({ attachments: [{ name: 'a.txt', content: 'hello' }] });
    const first = (await readTicket(t.id)).attachments[0]!.attachment_url;
    expect(await (await fetch(first)).text()).toBe('hello');

    now += 61_000;
    const expired = await fetch(first);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');

    const fresh = (await readTicket(t.id)).attachments[0]!.attachment_url;
    expect(fresh).not.toBe(first);
    const again = await fetch(fresh);
    expect(again.status).toBe(200);
    expect(await again.text()).toBe('hello');

    // a link whose date was changed by hand fails its signature
    const forged = new URL(first);
    forged.searchParams.set('X-Amz-Date', new URL(fresh).searchParams.get('X-Amz-Date')!);
    expect((await fetch(forged)).status).toBe(403);
  });

  it('reports the declared size as file_size while serving the real bytes, and serves a CRLF content type as bytes', async () => {
    fd = await startFreshdeskDouble({ apiKey: 'test-api-key-123' });
    const t = fd.addTicket({
      attachments: [
        { name: 'big.bin', content: 'x'.repeat(1000), declaredSize: 10 },
        { name: 'small.bin', content: 'y'.repeat(10), declaredSize: 1000 },
        { name: 'evil.txt', content: 'z', contentType: 'text/plain\r\nX-Injected: 1' },
      ],
    });
    const listed = (await readTicket(t.id)).attachments;
    expect(listed.map((a) => a.file_size)).toEqual([10, 1000, 1]);
    expect(listed[2]!.content_type).toBe('text/plain\r\nX-Injected: 1');
    const big = await fetch(listed[0]!.attachment_url);
    expect(big.headers.get('content-length')).toBe('1000');
    expect((await big.arrayBuffer()).byteLength).toBe(1000);
    expect((await (await fetch(listed[1]!.attachment_url)).arrayBuffer()).byteLength).toBe(10);
    const evil = await fetch(listed[2]!.attachment_url);
    expect(evil.headers.get('content-type')).toBe('application/octet-stream');
    expect(evil.headers.get('x-injected')).toBeNull();
  });
});

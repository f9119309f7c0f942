import { createHash } from 'node:crypto';
import { PermanentError, RefusedError, TemporaryError } from '@devops/errors';
import { startFreshdeskDouble, waitFor, type FreshdeskDouble } from '@devops/testkit';
import { clientFor, failureOf } from './helpers';

const MB = 1024 * 1024;
/** The double serves attachments over plain http on loopback: allowed for doubles only. */
const DOUBLE = { allowPrivateHosts: true };

async function md5Of(
  stream: NodeJS.ReadableStream,
): Promise<{ md5: string; bytes: number; largestChunk: number }> {
  const hash = createHash('md5');
  let bytes = 0;
  let largestChunk = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    hash.update(buf);
    bytes += buf.length;
    largestChunk = Math.max(largestChunk, buf.length);
  }
  return { md5: hash.digest('hex'), bytes, largestChunk };
}

describe('downloadAttachment', () => {
  let double: FreshdeskDouble;
  beforeEach(async () => {
    double = await startFreshdeskDouble();
  });
  afterEach(() => double.close());

  it('[slow] streams a 50 MB attachment without holding it: little is sent before the consumer reads', async () => {
    const size = 50 * MB;
    const ticket = double.addTicket({
      attachments: [{ name: 'core.dump', size, contentType: 'application/octet-stream', seed: 'dump-1' }],
    });
    const { freshdesk } = clientFor(double);
    const [listed] = (await freshdesk.getTicket(ticket.id)).attachments;
    double.clearRequests();

    const download = await freshdesk.downloadAttachment(listed!.url, DOUBLE);
    // A client that buffered the body could only resolve after all 50 MB left the server.
    // Streamed, the server is held back by backpressure once socket buffers fill.
    // Wait until the server stalls (its count stops moving): held back, or done sending everything.
    let last = -1;
    await waitFor(
      () => {
        const sent = double.requests[0]?.bytesSent ?? 0;
        const stalled = sent > 0 && sent === last;
        last = sent;
        return stalled;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'the server to stall' },
    );
    const [served] = double.requests;
    const sentBeforeReading = served!.bytesSent!;
    expect(sentBeforeReading).toBeLessThan(16 * MB);

    const got = await md5Of(download.stream);
    expect(download.size).toBe(size);
    expect(download.contentType).toBe('application/octet-stream');
    expect(got.bytes).toBe(size);
    expect(got.largestChunk).toBeLessThan(MB);
    expect(got.md5).toBe(await double.attachmentMd5(listed!.id));
    expect(served!.bytesSent).toBe(size);
  });

  it('never sends the API key to the storage host', async () => {
    const ticket = double.addTicket({
      attachments: [{ name: 'a.txt', contentType: 'text/plain', content: 'hello attachment' }],
    });
    const { freshdesk } = clientFor(double);
    const [attachment] = (await freshdesk.getTicket(ticket.id)).attachments;
    double.clearRequests();
    const download = await freshdesk.downloadAttachment(attachment!.url, DOUBLE);
    const got = await md5Of(download.stream);
    expect(got.md5).toBe(createHash('md5').update('hello attachment').digest('hex'));
    expect(double.requests).toEqual([
      expect.objectContaining({ host: 'attachments', status: 200, authorization: false }),
    ]);
  });

  it('retries a 503 from the storage host before streaming', async () => {
    const ticket = double.addTicket({ attachments: [{ name: 'b.bin', size: 1000 }] });
    double.injectFault({ host: 'attachments', status: 503, times: 1 });
    const { freshdesk } = clientFor(double);
    const download = await freshdesk.downloadAttachment(ticket.attachments[0]!.url, DOUBLE);
    expect((await md5Of(download.stream)).md5).toBe(await double.attachmentMd5(ticket.attachments[0]!.id));
    expect(double.requests.filter((r) => r.host === 'attachments').map((r) => r.status)).toEqual([503, 200]);
  });

  it('fails the stream with TemporaryError when the body stops half-way', async () => {
    const ticket = double.addTicket({ attachments: [{ name: 'c.bin', size: 4 * MB }] });
    double.injectFault({ host: 'attachments', network: 'truncate', times: 1 });
    const { freshdesk } = clientFor(double);
    const download = await freshdesk.downloadAttachment(ticket.attachments[0]!.url, DOUBLE);
    const err = await failureOf(md5Of(download.stream));
    expect(err).toBeInstanceOf(TemporaryError);
  });

  it('sorts a refused (tampered or expired) URL into PermanentError, without the signature in the message', async () => {
    const ticket = double.addTicket({ attachments: [{ name: 'd.bin', size: 10 }] });
    const url = new URL(ticket.attachments[0]!.url);
    const signature = url.searchParams.get('X-Amz-Signature')!;
    url.searchParams.set(
      'X-Amz-Signature',
      signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')),
    );
    const { freshdesk } = clientFor(double);
    const err = await failureOf(freshdesk.downloadAttachment(url.toString(), DOUBLE));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toContain('403');
    expect(err.message).not.toContain('X-Amz-Signature');
    expect(double.requests).toHaveLength(1);
  });

  it('refuses an attachment over maxBytes before streaming it', async () => {
    const ticket = double.addTicket({ attachments: [{ name: 'e.bin', size: 2 * MB }] });
    const { freshdesk } = clientFor(double);
    const err = await failureOf(
      freshdesk.downloadAttachment(ticket.attachments[0]!.url, { ...DOUBLE, maxBytes: MB }),
    );
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toContain(String(2 * MB));
  });

  it('refuses a URL that is not http(s)', async () => {
    const { freshdesk } = clientFor(double);
    await expect(freshdesk.downloadAttachment('file:///etc/passwd')).rejects.toBeInstanceOf(RefusedError);
    await expect(freshdesk.downloadAttachment('not a url')).rejects.toBeInstanceOf(PermanentError);
  });
});

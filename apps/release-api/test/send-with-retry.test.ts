import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { TemporaryError } from '@devops/errors';
import { fakeClock, tempDir } from '@devops/testkit';
import { sendRelease, UploadCutShort, type SendResult } from '../src/upload/send-release';
import { sendWithRetry } from '../src/upload/send-with-retry';
import { gzipData } from './helpers';

const answer = (status: number, headers: SendResult['headers'] = {}): SendResult => ({
  status,
  body: JSON.stringify({ status }),
  headers,
});

/** Sends that answer (or fail) in the given order, counting attempts. */
function sends(...outcomes: Array<SendResult | Error>) {
  const attempts: number[] = [];
  const send = async (attempt: number) => {
    attempts.push(attempt);
    const next = outcomes.shift();
    if (!next) throw new Error('more attempts than planned');
    if (next instanceof Error) throw next;
    return next;
  };
  return { send, attempts };
}

describe('sendWithRetry (the upload client sending a release again)', () => {
  it("sends again after a proxy's 502 and a 503 with Retry-After, waiting as told, and returns the 201", async () => {
    const clock = fakeClock();
    const { send, attempts } = sends(answer(502), answer(503, { 'retry-after': '7' }), answer(201));
    const warnings: string[] = [];
    const got = await sendWithRetry(send, {
      ...clock,
      random: () => 0.5,
      baseDelayMs: 1_000,
      log: { warn: (m: string) => warnings.push(m) },
    });
    expect(got.status).toBe(201);
    expect(attempts).toEqual([1, 2, 3]);
    // backoff with full jitter (half of the first 1 s step), then the server's 7 s plus half a step of jitter
    expect(clock.slept).toEqual([500, 7_500]);
    expect(warnings).toEqual([
      'release-api answered 502; retrying in 500 ms (retry 1)',
      'release-api answered 503; retrying in 7500 ms (retry 2)',
    ]);
  });

  it('sends again when no connection was made or it broke before the end of the body, not after', async () => {
    const clock = fakeClock();
    const refused = new TemporaryError('could not send to http://127.0.0.1:1: connect ECONNREFUSED', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const { send, attempts } = sends(refused, refused, answer(200));
    expect((await sendWithRetry(send, { ...clock, random: () => 0 })).status).toBe(200);
    expect(attempts).toEqual([1, 2, 3]);

    // Cut off before the end of the body: nothing can have been published (the MD5 covers every byte).
    const cut = new UploadCutShort('could not send to http://127.0.0.1:1: write EPIPE', { code: 'EPIPE' });
    const cutShort = sends(cut, answer(201));
    expect((await sendWithRetry(cutShort.send, fakeClock())).status).toBe(201);
    expect(cutShort.attempts).toEqual([1, 2]);

    // A reset after the body went out: it may have been published, so the job fails and is run again.
    const reset = new TemporaryError('could not send to http://127.0.0.1:1: socket hang up', {
      cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    });
    const lost = sends(reset, answer(200));
    await expect(sendWithRetry(lost.send, fakeClock())).rejects.toBe(reset);
    expect(lost.attempts).toEqual([1]);
  });

  it('returns a 500 (the release script failed: sending again would rerun it) and a 504 at once', async () => {
    for (const status of [500, 504]) {
      const clock = fakeClock();
      const { send, attempts } = sends(answer(status), answer(201));
      expect((await sendWithRetry(send, clock)).status).toBe(status);
      expect(attempts).toEqual([1]);
      expect(clock.slept).toEqual([]);
    }
  });

  it('returns a refusal that is not temporary at once (400, 401, 404, 409, 413)', async () => {
    for (const status of [400, 401, 404, 409, 413]) {
      const clock = fakeClock();
      const { send, attempts } = sends(answer(status));
      expect((await sendWithRetry(send, clock)).status).toBe(status);
      expect(attempts).toEqual([1]);
      expect(clock.slept).toEqual([]);
    }
  });

  it('returns the last answer when the retries are spent, and sends once with retries 0', async () => {
    const clock = fakeClock();
    const { send, attempts } = sends(answer(502), answer(502), answer(503));
    const got = await sendWithRetry(send, { ...clock, retries: 2 });
    expect(got).toEqual(answer(503));
    expect(attempts).toEqual([1, 2, 3]);

    const once = sends(answer(502));
    expect((await sendWithRetry(once.send, { ...fakeClock(), retries: 0 })).status).toBe(502);
    expect(once.attempts).toEqual([1]);
  });

  it('throws the last error when no answer ever came, and never retries an error that is not temporary', async () => {
    const refused = new TemporaryError('could not send: ECONNREFUSED', {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const none = sends(refused, refused);
    await expect(sendWithRetry(none.send, { ...fakeClock(), retries: 1 })).rejects.toBe(refused);
    expect(none.attempts).toEqual([1, 2]);

    const unreadable = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const file = sends(unreadable);
    await expect(sendWithRetry(file.send, fakeClock())).rejects.toBe(unreadable);
    expect(file.attempts).toEqual([1]);
  });
});

describe('sendRelease: a connection lost before or after the end of the upload', () => {
  /** A server that reads `keep` bytes of the body (Infinity: all of it), then drops the connection unanswered. */
  async function dropAfter(keep: number) {
    const server = http.createServer((req) => {
      let read = 0;
      const drop = () => req.socket.destroy();
      req.on('data', (c: Buffer) => {
        read += c.length;
        if (read >= keep) drop();
      });
      req.on('end', drop);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
  }
  const file = path.join(tempDir('send'), 'app.tgz');
  beforeAll(() => fs.writeFileSync(file, gzipData(16 * 1024 * 1024))); // far more than socket buffers hold
  const send = (url: string) =>
    sendRelease({ url, secret: 's', fields: [['product', 'app']], file, size: fs.statSync(file).size });

  it('cut off mid-body: UploadCutShort (sent again)', async () => {
    const { url, server } = await dropAfter(256 * 1024);
    try {
      await expect(send(url)).rejects.toBeInstanceOf(UploadCutShort);
    } finally {
      server.close();
    }
  });

  it('dropped after the whole body was sent: a TemporaryError that is not UploadCutShort (not sent again)', async () => {
    const { url, server } = await dropAfter(Number.POSITIVE_INFINITY);
    try {
      const err: unknown = await send(url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TemporaryError);
      expect(err).not.toBeInstanceOf(UploadCutShort);
    } finally {
      server.close();
    }
  });
});

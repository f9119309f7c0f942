import { PermanentError, TemporaryError } from '@devops/errors';
import { startFreshdeskDouble, type FreshdeskDouble } from '@devops/testkit';
import { clientFor, failureOf } from './helpers';

describe('retries', () => {
  let double: FreshdeskDouble;
  beforeEach(async () => {
    double = await startFreshdeskDouble();
  });
  afterEach(() => double.close());

  it('waits at least Retry-After on 429, then succeeds', async () => {
    const ticket = double.addTicket({ subject: 'after the limit' });
    double.injectFault({ status: 429, retryAfter: 30, times: 1 });
    const { freshdesk, lines, clock } = clientFor(double);
    const got = await freshdesk.getTicket(ticket.id);
    expect(got.subject).toBe('after the limit');
    expect(clock.slept).toHaveLength(1);
    expect(clock.slept[0]).toBeGreaterThanOrEqual(30_000);
    expect(clock.slept[0]).toBeLessThan(30_000 + 10); // plus less than one base step of jitter
    expect(double.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(lines.join('')).toMatch(/429.*retrying in \d+ ms/);
  });

  it('does not wait for a Retry-After beyond its bound: TemporaryError with the wait', async () => {
    const ticket = double.addTicket();
    double.injectFault({ status: 429, retryAfter: 3600, times: 1 });
    const { freshdesk } = clientFor(double);
    const err = await failureOf(freshdesk.getTicket(ticket.id));
    expect(err).toBeInstanceOf(TemporaryError);
    expect((err as TemporaryError).details.retryAfterMs).toBe(3_600_000);
    expect(double.requests).toHaveLength(1);
  });

  it('retries 500 until it passes', async () => {
    const ticket = double.addTicket({ subject: 'eventually' });
    double.injectFault({ status: 500, times: 2 });
    const { freshdesk } = clientFor(double);
    await expect(freshdesk.getTicket(ticket.id)).resolves.toMatchObject({ subject: 'eventually' });
    expect(double.requests.map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('gives up after the configured retries with a TemporaryError', async () => {
    const ticket = double.addTicket();
    double.injectFault({ status: 502, times: Infinity });
    const { freshdesk } = clientFor(double, { retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 10 } });
    const err = await failureOf(freshdesk.getTicket(ticket.id));
    expect(err).toBeInstanceOf(TemporaryError);
    expect((err as TemporaryError).details.status).toBe(502);
    expect(double.requests).toHaveLength(3);
  });

  it('retries a connection reset', async () => {
    const ticket = double.addTicket({ subject: 'after reset' });
    double.injectFault({ status: 'network', times: 1 });
    const { freshdesk } = clientFor(double);
    await expect(freshdesk.getTicket(ticket.id)).resolves.toMatchObject({ subject: 'after reset' });
    expect(double.requests).toHaveLength(2);
  });

  it('times out a request that gets no answer, and retries it', async () => {
    const ticket = double.addTicket({ subject: 'slow' });
    double.injectFault({ latencyMs: 600, times: 1 });
    const { freshdesk } = clientFor(double, { timeoutMs: 200 });
    await expect(freshdesk.getTicket(ticket.id)).resolves.toMatchObject({ subject: 'slow' });
    expect(double.requests).toHaveLength(2);
  });

  it('sorts a request that always times out into TemporaryError', async () => {
    const ticket = double.addTicket();
    double.injectFault({ network: 'hang', times: Infinity });
    const { freshdesk } = clientFor(double, { timeoutMs: 100, retry: { retries: 1, baseDelayMs: 5 } });
    const err = await failureOf(freshdesk.getTicket(ticket.id));
    expect(err).toBeInstanceOf(TemporaryError);
    expect(err.message).toMatch(/timed out/);
    expect(double.requests).toHaveLength(2);
  });

  it('does not repeat a note POST after a 500 (it may have been created), but does after a 429', async () => {
    const ticket = double.addTicket();
    const { freshdesk } = clientFor(double);

    double.injectFault({ status: 500, times: 1, method: 'POST' });
    const err = await failureOf(freshdesk.addPrivateNote(ticket.id, '<p>one</p>'));
    expect(err).toBeInstanceOf(TemporaryError);
    expect(double.requests).toHaveLength(1);

    double.clearRequests();
    double.injectFault({ status: 429, retryAfter: 0, times: 1, method: 'POST' });
    await freshdesk.addPrivateNote(ticket.id, '<p>two</p>');
    expect(double.requests.map((r) => r.status)).toEqual([429, 201]);
    expect(double.ticket(ticket.id)!.conversations.map((c) => c.body)).toEqual(['<p>two</p>']);
  });

  it.each([
    [503, ['<p>n</p>'], [503, 201]],
    [502, ['<p>n</p>'], [502, 201]],
    [504, [], [504]],
  ])(
    'a note POST answered %i: resent only when Freshdesk surely did nothing',
    async (status, notes, seen) => {
      const ticket = double.addTicket();
      const { freshdesk } = clientFor(double);
      double.injectFault({ status, times: 1, method: 'POST' });
      await freshdesk.addPrivateNote(ticket.id, '<p>n</p>').catch((e: unknown) => e);
      expect(double.requests.map((r) => r.status)).toEqual(seen);
      expect(double.ticket(ticket.id)!.conversations.map((c) => c.body)).toEqual(notes);
    },
  );

  it('does not retry 403', async () => {
    const ticket = double.addTicket();
    double.injectFault({
      status: 403,
      times: Infinity,
      body: { code: 'access_denied', message: 'You are not authorized to perform this action.' },
    });
    const { freshdesk } = clientFor(double);
    const err = await failureOf(freshdesk.getTicket(ticket.id));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toContain('access_denied');
    expect(double.requests).toHaveLength(1);
  });
});

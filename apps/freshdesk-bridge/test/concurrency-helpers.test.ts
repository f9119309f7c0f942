import { createNotePacer } from '../src/copy/create-note-pacer';
import { createTicketLocks } from '../src/records/create-ticket-locks';
import { parseEscalationRequest, BadRequest } from '../src/http/parse-escalation-request';

describe('createTicketLocks', () => {
  it('runs work on the same ticket one at a time, other tickets in parallel', async () => {
    const locks = createTicketLocks();
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first = locks.withLock(1, async () => {
      events.push('1a start');
      await gate;
      events.push('1a end');
      return 'a';
    });
    const second = locks.withLock(1, async () => {
      events.push('1b start');
      return 'b';
    });
    const other = locks.withLock(2, async () => {
      events.push('2 start');
      return 'c';
    });
    expect(await other).toBe('c');
    expect(events).toEqual(['1a start', '2 start']);
    release();
    expect(await Promise.all([first, second])).toEqual(['a', 'b']);
    expect(events).toEqual(['1a start', '2 start', '1a end', '1b start']);
  });

  it('a failed holder releases the lock', async () => {
    const locks = createTicketLocks();
    await expect(locks.withLock(1, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(locks.withLock(1, async () => 'next')).resolves.toBe('next');
  });
});

describe('createNotePacer', () => {
  it('lets a burst through, then waits 60/perMinute seconds per note', async () => {
    let t = 0;
    const sleeps: number[] = [];
    const pacer = createNotePacer({
      perMinute: 60,
      burst: 3,
      now: () => t,
      sleep: async (ms) => {
        sleeps.push(ms);
        t += ms;
      },
    });
    for (let i = 0; i < 5; i += 1) await pacer.next();
    expect(sleeps).toEqual([1000, 1000]);
    t += 10_000; // a quiet spell refills the bucket up to the burst
    for (let i = 0; i < 3; i += 1) await pacer.next();
    expect(sleeps).toEqual([1000, 1000]);
  });
});

describe('parseEscalationRequest', () => {
  it.each([
    [{ ticketId: 123 }, { ticketId: 123, dryRun: false }],
    [
      { ticketId: '123', dryRun: true },
      { ticketId: 123, dryRun: true },
    ],
    [
      { ticketId: 5, dryRun: false },
      { ticketId: 5, dryRun: false },
    ],
  ])('accepts %j', (body, expected) => {
    expect(parseEscalationRequest(body)).toEqual(expected);
  });

  it.each([
    [null, 'JSON object'],
    [[1], 'JSON object'],
    [{}, 'ticketId must be a positive integer'],
    [{ ticketId: 0 }, 'ticketId must be a positive integer'],
    [{ ticketId: -3 }, 'ticketId must be a positive integer'],
    [{ ticketId: 1.5 }, 'ticketId must be a positive integer'],
    [{ ticketId: '12abc' }, 'ticketId must be a positive integer'],
    [{ ticketId: 1, dryRun: 'yes' }, 'dryRun must be true or false'],
    [{ ticketId: 1, dryrun: true }, 'unknown field(s): dryrun'],
  ])('refuses %j', (body, message) => {
    expect(() => parseEscalationRequest(body)).toThrow(BadRequest);
    expect(() => parseEscalationRequest(body)).toThrow(message);
  });
});

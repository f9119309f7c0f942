import { Writable } from 'node:stream';
import { createLogger } from '@devops/logger';
import { createScheduler, type CatchUpStore, type PassResult } from '../src';

const log = createLogger({
  service: 'catch-up-test',
  level: 'warn',
  stream: new Writable({ write: (_c, _e, done) => done() }),
});

function memoryStore(locked: () => boolean) {
  let last: number | null = null;
  const store: CatchUpStore = {
    applied: () => Promise.resolve(false),
    record: () => Promise.resolve(),
    addProject: () => Promise.resolve(),
    projects: () => Promise.resolve([]),
    lastPass: () => Promise.resolve(last),
    setLastPass: (at) => {
      last = at;
      return Promise.resolve();
    },
    tryLock: () => Promise.resolve(locked() ? undefined : () => Promise.resolve()),
    close: () => Promise.resolve(),
  };
  return store;
}

const result = (since: number, to: number, failed = 0): PassResult => ({
  repairs: [],
  passFrom: new Date(since).toISOString(),
  passTo: new Date(to).toISOString(),
  found: 0,
  alreadyApplied: 0,
  failed,
});

describe('the pass scheduler', () => {
  it('first looks back RECONCILE_LOOKBACK, then from the last pass; a failed pass keeps its window', async () => {
    let clock = 1_000_000;
    const sinces: number[] = [];
    const succeeded: number[] = [];
    const outcomes = [0, 1, 0]; // the second pass leaves a change unapplied
    const store = memoryStore(() => false);
    const s = createScheduler({
      intervalMs: 20,
      lookbackMs: 500_000,
      firstDelayMs: 1,
      store: () => Promise.resolve(store),
      pass: (since) => {
        sinces.push(since);
        const to = clock;
        clock += 100_000; // each pass starts well after the previous one
        return Promise.resolve(result(since, to, outcomes[sinces.length - 1] ?? 0));
      },
      succeeded: (at) => succeeded.push(at),
      log,
      now: () => clock,
    });
    s.start();
    for (let i = 0; i < 3; i++) await s.nextPass();
    await s.stop();
    expect(sinces[0]).toBe(1_000_000 - 500_000);
    expect(sinces[1]).toBe(1_000_000); // where the first ended
    expect(sinces[2]).toBe(1_000_000); // the failed second moved nothing
    expect(succeeded).toHaveLength(2);
  });

  it('skips its turn while a pass runs elsewhere (the lock is held), and never runs with interval 0', async () => {
    let held = true;
    let passes = 0;
    const s = createScheduler({
      intervalMs: 10,
      lookbackMs: 1000,
      firstDelayMs: 1,
      store: () => Promise.resolve(memoryStore(() => held)),
      pass: (since) => {
        passes++;
        return Promise.resolve(result(since, Date.now()));
      },
      succeeded: () => undefined,
      log,
      now: Date.now,
    });
    s.start();
    await s.nextPass();
    await s.nextPass();
    expect(passes).toBe(0);
    held = false;
    await s.nextPass();
    await s.stop();
    expect(passes).toBe(1);

    const off = createScheduler({
      intervalMs: 0,
      lookbackMs: 1000,
      store: () => Promise.reject(new Error('never opened')),
      pass: () => Promise.reject(new Error('never run')),
      succeeded: () => undefined,
      log,
      now: Date.now,
    });
    off.start();
    await off.stop();
  });
});

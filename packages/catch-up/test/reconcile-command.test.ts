import { PassThrough } from 'node:stream';
import { runReconcileCommand, type CatchUpStore, type PassResult } from '../src';

function fakeStore(opts: { lockedFor: number; lastPass: number | null }) {
  let tries = 0;
  const store: CatchUpStore = {
    applied: () => Promise.resolve(false),
    record: () => Promise.resolve(),
    addProject: () => Promise.resolve(),
    projects: () => Promise.resolve([]),
    lastPass: () => Promise.resolve(opts.lastPass),
    setLastPass: () => Promise.reject(new Error('the command must not move the schedule')),
    tryLock: () => Promise.resolve(++tries > opts.lockedFor ? () => Promise.resolve() : undefined),
    close: () => Promise.resolve(),
  };
  return { store, tries: () => tries };
}

function collect() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (b: Buffer) => (text += b.toString()));
  return { stream, text: () => text };
}

async function run(
  flags: Record<string, string | boolean>,
  o: { lockedFor?: number; lastPass?: number | null } = {},
) {
  let clock = 1_000_000_000_000;
  const { store, tries } = fakeStore({ lockedFor: o.lockedFor ?? 0, lastPass: o.lastPass ?? null });
  const stdout = collect();
  const stderr = collect();
  const calls: { since: number; dryRun: boolean }[] = [];
  const result: PassResult = {
    repairs: [
      { kind: 'board_move', project: 'acme/app', target: '!4 opened', detail: 'editIssue(acme/app, 7)' },
    ],
    passFrom: '',
    passTo: '',
    found: 1,
    alreadyApplied: 0,
    failed: 0,
  };
  const code = await runReconcileCommand({
    flags,
    args: [],
    stdout: stdout.stream,
    stderr: stderr.stream,
    store: () => Promise.resolve(store),
    pass: (since, dryRun) => {
      calls.push({ since, dryRun });
      return Promise.resolve({
        ...result,
        passFrom: new Date(since).toISOString(),
        passTo: new Date(clock).toISOString(),
      });
    },
    lookbackMs: 86_400_000,
    now: () => clock,
    sleep: (ms) => {
      clock += ms;
      return Promise.resolve();
    },
  });
  return { code, calls, stdout: stdout.text(), stderr: stderr.text(), tries: tries(), clock };
}

describe('reconcile command', () => {
  it('--since S --dry-run --json: one pass from S seconds ago, dry, one JSON document on stdout', async () => {
    const r = await run({ since: '600', 'dry-run': true, json: true });
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([{ since: r.clock - 600_000, dryRun: true }]);
    expect(JSON.parse(r.stdout)).toEqual({
      repairs: [
        { kind: 'board_move', project: 'acme/app', target: '!4 opened', detail: 'editIssue(acme/app, 7)' },
      ],
      passFrom: new Date(r.clock - 600_000).toISOString(),
      passTo: new Date(r.clock).toISOString(),
    });
  });

  it('defaults to the last pass, else RECONCILE_LOOKBACK', async () => {
    expect((await run({}, { lastPass: 123_000 })).calls[0]!.since).toBe(123_000);
    const r = await run({});
    expect(r.calls[0]!.since).toBe(r.clock - 86_400_000);
    expect(r.stdout).toContain('acme/app !4 opened');
  });

  it('waits for a running pass (up to a minute), then runs; gives up after a minute with exit 1', async () => {
    const waited = await run({}, { lockedFor: 8 });
    expect(waited.code).toBe(0);
    expect(waited.calls).toHaveLength(1);
    expect(waited.stderr).toContain('waiting');
    const gaveUp = await run({}, { lockedFor: 1_000_000 });
    expect(gaveUp.code).toBe(1);
    expect(gaveUp.calls).toHaveLength(0);
    expect(gaveUp.stderr).toContain('still running after a minute');
    expect(gaveUp.clock - 1_000_000_000_000).toBeGreaterThanOrEqual(60_000);
  });

  it.each(['abc', '-5', '1e3', ''])('--since %p is refused with 78', async (since) => {
    const r = await run({ since });
    expect(r.code).toBe(78);
    expect(r.calls).toHaveLength(0);
    expect(r.stderr).toContain('--since takes a whole number of seconds');
  });
});

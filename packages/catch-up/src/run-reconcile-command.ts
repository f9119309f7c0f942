import { describeError } from '@devops/errors';
import type { PassResult } from './run-pass';
import type { CatchUpStore } from './store/catch-up-store';

export const RECONCILE_USAGE = 'reconcile [--since S] [--dry-run] [--json]';
/** How long the command waits for a pass running elsewhere. */
const LOCK_WAIT_MS = 60_000;

/**
 * `reconcile [--since S] [--dry-run] [--json]`: one pass now, beside the running service, from S seconds
 * ago (default: where the last scheduled pass ended, else RECONCILE_LOOKBACK), waiting up to a minute for
 * a pass in hand. Prints what it repaired (or would); never moves the service's schedule.
 */
export async function runReconcileCommand(o: {
  flags: Record<string, string | boolean | string[] | undefined>;
  args: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  store: () => Promise<CatchUpStore>;
  pass: (since: number, dryRun: boolean) => Promise<PassResult>;
  lookbackMs: number;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  lockWaitMs?: number;
}): Promise<number> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  if (o.args.length > 0) {
    o.stderr.write(`reconcile: unexpected argument "${o.args[0]}"; usage: ${RECONCILE_USAGE}\n`);
    return 78;
  }
  const sinceFlag = o.flags.since;
  if (sinceFlag !== undefined && (typeof sinceFlag !== 'string' || !/^\d+$/.test(sinceFlag))) {
    o.stderr.write('reconcile: --since takes a whole number of seconds, e.g. --since 3600\n');
    return 78;
  }
  const dryRun = o.flags['dry-run'] === true;
  try {
    const store = await o.store();
    let release = await store.tryLock();
    const until = o.now() + (o.lockWaitMs ?? LOCK_WAIT_MS);
    if (!release) o.stderr.write('reconcile: a catch-up pass is running; waiting for it (up to a minute)\n');
    while (!release && o.now() < until) {
      await sleep(250);
      release = await store.tryLock();
    }
    if (!release) {
      o.stderr.write('reconcile: a catch-up pass is still running after a minute; try again later\n');
      return 1;
    }
    let result: PassResult;
    try {
      const since =
        typeof sinceFlag === 'string'
          ? o.now() - Number(sinceFlag) * 1000
          : ((await store.lastPass()) ?? o.now() - o.lookbackMs);
      result = await o.pass(since, dryRun);
    } finally {
      await release();
    }
    if (o.flags.json === true) {
      o.stdout.write(
        `${JSON.stringify({ repairs: result.repairs, passFrom: result.passFrom, passTo: result.passTo })}\n`,
      );
    } else {
      const verb = dryRun ? 'would repair' : 'repaired';
      o.stdout.write(
        `catch-up ${result.passFrom} → ${result.passTo}: ${result.found} change(s) found, ` +
          `${result.alreadyApplied} already applied, ${verb} ${result.repairs.length}\n`,
      );
      for (const r of result.repairs) o.stdout.write(`  ${r.kind} ${r.project} ${r.target}: ${r.detail}\n`);
    }
    if (result.failed > 0) {
      o.stderr.write(
        `reconcile: ${result.failed} change(s) could not be applied (see the log); run it again\n`,
      );
      return 1;
    }
    return 0;
  } catch (err) {
    o.stderr.write(`reconcile: ${describeError(err)}\n`);
    return 1;
  }
}

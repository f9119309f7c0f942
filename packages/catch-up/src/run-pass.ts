import { describeError } from '@devops/errors';
import type { CatchUpScope, GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';
import type { CatchUpStore } from './store/catch-up-store';
import { GITLAB_WRITES, trackWrites, type Write } from './track-writes';
import type { CatchUpSource, Change, Repair } from './types';

/** `updated_after` is compared with GitLab's clock, not ours: the window opens this much earlier. */
export const CLOCK_MARGIN_MS = 60_000;
/** Changes applied side by side (each its own merge request, issue or branch). */
const CONCURRENCY = 4;

export interface PassResult {
  repairs: Repair[];
  /** ISO 8601: the window read, from … */
  passFrom: string;
  /** … to (when the pass started reading). */
  passTo: string;
  /** Changes found, and those already applied (by a webhook or an earlier pass). */
  found: number;
  alreadyApplied: number;
  /** Changes that failed (not recorded: the next pass finds them again). */
  failed: number;
}

export interface PassOptions {
  source: CatchUpSource;
  store: CatchUpStore;
  gitlab: GitLabPort;
  log: Logger;
  scopes: CatchUpScope[];
  since: number;
  now: () => number;
  dryRun: boolean;
  /** The process's shutdown signal, handed to the handlers a change runs through. */
  signal?: AbortSignal;
  /** Called for each repair made (not on dry runs): the metrics. */
  onRepair?: (repair: Repair) => void;
}

/**
 * One catch-up pass: the source reads what changed since `since` (less CLOCK_MARGIN_MS), each change
 * whose key is not recorded is applied through the webhook's own handler (its writes tracked, or only
 * listed on a dry run), then its key recorded. A change whose effect needed writing is a repair: its
 * webhook never came (a webhook that came recorded the key).
 */
const NEVER = new AbortController().signal;

export async function runPass(o: PassOptions): Promise<PassResult> {
  const passTo = o.now();
  const passFrom = o.since;
  const changes = await o.source.findChanges({
    scopes: o.scopes,
    since: new Date(passFrom - CLOCK_MARGIN_MS),
    gitlab: o.gitlab,
    log: o.log,
  });
  const repairs: Repair[] = [];
  let alreadyApplied = 0;
  let failed = 0;
  const one = async (change: Change) => {
    if (await o.store.applied(change.key)) {
      alreadyApplied++;
      return;
    }
    const writes: Write[] = [];
    const log = o.log.child({ change: change.key });
    const track = <T extends object>(port: T, methods: readonly string[]) =>
      trackWrites(port, methods, { dryRun: o.dryRun, writes });
    try {
      await change.apply({ gitlab: track(o.gitlab, GITLAB_WRITES), track, log, signal: o.signal ?? NEVER });
    } catch (err) {
      failed++;
      log.warn(`catch-up could not apply ${change.key}: ${describeError(err)} (tried again next pass)`);
      return;
    }
    if (!o.dryRun) await o.store.record(change.key, change.supersedes);
    if (writes.length === 0) return;
    const repair: Repair = {
      kind: change.kind,
      project: change.project,
      target: change.target,
      detail: writes.map((w) => w.summary).join('; '),
    };
    repairs.push(repair);
    if (!o.dryRun) {
      log.info(`catch-up repaired ${change.project} ${change.target}: ${repair.detail}`);
      o.onRepair?.(repair);
    }
  };
  const queue = [...new Map(changes.map((c) => [c.key, c])).values()]; // scopes may overlap
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await one(c);
    }),
  );
  return {
    repairs,
    passFrom: new Date(passFrom).toISOString(),
    passTo: new Date(passTo).toISOString(),
    found: changes.length,
    alreadyApplied,
    failed,
  };
}

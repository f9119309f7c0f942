import type { Logger } from '@devops/logger';
import { expandPatterns, planScan } from '../files/plan-scan';
import { hashHead } from '../files/hash-head';
import { scanLogFile } from '../files/scan-log-file';
import type { RaceState } from '../state/race-state';
import type { ScannedTarget } from './advance-cursors';
import { createRaceAggregator } from './aggregate-races';

/**
 * Reads what is new in every log the patterns name (and every rotated file a
 * cursor followed), feeding each closed report to one aggregator as it is
 * found: only per-race summaries are held, never a file's reports.
 */
export async function scanTargets(opts: {
  patterns: string[];
  cwd: string;
  state: RaceState;
  maxRaces: number;
  log: Logger;
}) {
  const { log } = opts;
  const { files, unmatched } = await expandPatterns(opts.patterns, opts.cwd);
  for (const p of unmatched) log.warn(`no log file matches ${p}`);
  const { targets, dropped } = await planScan({ files, cursors: opts.state.cursors, log });
  for (const c of dropped) log.info(`${c.path} (read to byte ${c.offset}) is gone: forgetting its cursor`);

  const aggregator = createRaceAggregator({ maxRaces: opts.maxRaces, log });
  const scanned: ScannedTarget[] = [];
  let bytesScanned = 0;
  let abandoned = 0;
  for (const target of targets) {
    if (target.unchanged) {
      const old = opts.state.cursors.find((c) => c.id === target.cursorId)!;
      scanned.push({ target, safe: target.start, end: target.previousEnd, head: old.head });
      continue;
    }
    const scan = await scanLogFile(target.path, target.start, (raw) => aggregator.add(raw, target));
    bytesScanned += Math.max(0, scan.bytesScanned);
    abandoned += scan.abandoned;
    const head = await hashHead(target.path);
    scanned.push({ target, safe: scan.safe, end: scan.endOffset, head });
    log.debug(`read ${target.path} from byte ${target.start.offset} to ${scan.endOffset}`, {
      reports: scan.found,
    });
  }
  if (abandoned > 0)
    log.warn(`${abandoned} "WARNING: DATA RACE" block(s) never closed within 5000 lines: not reports`);
  const { deferred } = aggregator.counts();
  if (deferred > 0)
    log.warn(
      `${deferred} report(s) of races beyond the first ${opts.maxRaces} distinct ones this run are left for the next run`,
    );
  return { scanned, bytesScanned, aggregator };
}

import type { Discussion } from '@devops/gitlab';
import { lineOf, type MatchLevel } from '../version/compare-versions';
import { parseMarker, type VersionPair } from './version-marker';

export interface ThreadPlan {
  /** Open a new thread for the current pair. */
  post: boolean;
  /** Unresolved marker threads to resolve (versions match again, or stale pairs). */
  resolve: string[];
}

interface MarkerThread {
  id: string;
  pair: VersionPair;
  resolved: boolean;
}

function markerThreads(discussions: Discussion[]): MarkerThread[] {
  const found: MarkerThread[] = [];
  for (const d of discussions) {
    const first = d.notes[0];
    if (!first || first.system) continue;
    const pair = parseMarker(first.body);
    if (!pair) continue;
    const resolvable = d.notes.filter((n) => n.resolvable);
    found.push({ id: d.id, pair, resolved: resolvable.length > 0 && resolvable.every((n) => n.resolved) });
  }
  return found;
}

/** Two pairs are the same when both release lines agree at `level`. */
function samePair(a: VersionPair, b: VersionPair, level: MatchLevel): boolean {
  return (
    lineOf(a.source, level) === lineOf(b.source, level) && lineOf(a.target, level) === lineOf(b.target, level)
  );
}

/**
 * What to do with the merge request's threads, from GitLab's own state (so
 * processing an event twice changes nothing the second time):
 * - `mismatch` null (versions match): resolve every unresolved marker thread.
 * - a mismatch: post a thread unless one for the same pair exists, resolved
 *   or not (a person resolving it accepted the cross-line merge); resolve the
 *   unresolved threads of other pairs, which describe versions no longer there.
 */
export function planThreads(
  discussions: Discussion[],
  mismatch: VersionPair | null,
  level: MatchLevel,
): ThreadPlan {
  const threads = markerThreads(discussions);
  if (mismatch === null) {
    return { post: false, resolve: threads.filter((t) => !t.resolved).map((t) => t.id) };
  }
  const same = threads.filter((t) => samePair(t.pair, mismatch, level));
  const stale = threads.filter((t) => !t.resolved && !samePair(t.pair, mismatch, level));
  return { post: same.length === 0, resolve: stale.map((t) => t.id) };
}

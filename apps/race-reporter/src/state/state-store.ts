import type { RaceState } from './race-state';

/**
 * Where a host's cursors and in-flight journal live, and the lock that keeps
 * runs from overlapping: a state file (openFileStore) or PostgreSQL
 * (openDatabaseStore). A run takes the lock, loads, saves as it goes, releases.
 */
export interface StateStore {
  /** Where the state is, for messages (a path, or `PostgreSQL, host <h>`). */
  readonly where: string;
  /** Takes the run lock: RefusedError when another run holds it. Returns its release. */
  lock(): Promise<() => Promise<void>>;
  /** The saved state; an empty one on the first run. A damaged state stops the run. */
  load(): Promise<RaceState>;
  /** Saves durably (survives a crash once resolved). */
  save(state: RaceState): Promise<void>;
}

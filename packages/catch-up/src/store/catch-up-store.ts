/** Where catch-up keeps its state: beside the app's queue (the spool folder, or PostgreSQL). */
export interface CatchUpStore {
  /** Whether the change key was recorded as applied. */
  applied(key: string): Promise<boolean>;
  /** Records the key as applied; forgets `forget` (keys the change makes stale). */
  record(key: string, forget?: string[]): Promise<void>;
  /** Remembers a project an event came from (id or path). */
  addProject(project: string): Promise<void>;
  /** Every project an event came from. */
  projects(): Promise<string[]>;
  /** Where the last scheduled pass ended (ms since the epoch), shared by replicas. */
  lastPass(): Promise<number | null>;
  setLastPass(at: number): Promise<void>;
  /** Takes the one-pass-at-a-time lock without waiting: the release, or undefined when a pass runs elsewhere. */
  tryLock(): Promise<(() => Promise<void>) | undefined>;
  close(): Promise<void>;
}

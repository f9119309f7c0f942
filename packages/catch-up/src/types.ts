import type { CatchUpScope, GitLabPort } from '@devops/gitlab';
import type { Logger } from '@devops/logger';

/** The kinds SPEC names for `gitlab_reconcile_repairs_total{kind}`. */
export type RepairKind = 'board_move' | 'version_thread' | 'ticket_note';

/** One effect a pass applied (or, with --dry-run, would apply) because its webhook never came. */
export interface Repair {
  kind: RepairKind;
  /** The project's path (or id when the path is unknown). */
  project: string;
  /** What it concerns, e.g. `!12`, `#7`, `branch 12-fix`. */
  target: string;
  /** What was (or would be) written, e.g. `PUT issue group/app#7 (add In Review)`. */
  detail: string;
}

/** What a pass's writes go through: the app's ports, wrapped to record (and, dry, withhold) writes. */
export interface PassPorts {
  gitlab: GitLabPort;
  /** Wraps another port (e.g. Freshdesk) the same way: `methods` are its writes. */
  track<T extends object>(port: T, methods: readonly string[]): T;
  log: Logger;
  /** The process's shutdown signal: handlers' waits end with it (the change is tried again next pass). */
  signal: AbortSignal;
}

/** One change a pass found in GitLab's state. */
export interface Change {
  /** The change key, the same the webhook path records (e.g. `project:4:mr:12:merged`). */
  key: string;
  /** Keys this change makes stale (e.g. the MR's other open/draft phase): forgotten once it is applied. */
  supersedes?: string[];
  kind: RepairKind;
  project: string;
  target: string;
  /** Applies the change's effect through `ports` (the same handler a webhook runs). */
  apply(ports: PassPorts): Promise<void>;
}

/** Where a pass reads: the scope entries resolved, and the window. */
export interface PassWindow {
  scopes: CatchUpScope[];
  /** Changes at or after this time (already widened by the pass's safety margin). */
  since: Date;
  gitlab: GitLabPort;
  log: Logger;
}

/** An app's part of a pass: the reads that find its changes. */
export interface CatchUpSource {
  kind: RepairKind;
  findChanges(window: PassWindow): Promise<Change[]>;
}

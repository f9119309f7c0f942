/** Where one log file has been read to. Moves with its file through rotation (found by inode or head). */
export interface Cursor {
  /** Stable across renames: pending intents refer to it. */
  id: string;
  path: string;
  dev: number;
  ino: number;
  /** Size on disk when last read (compressed size for .gz). */
  size: number;
  /** Next byte to read (decompressed offset for .gz); always a line start. */
  offset: number;
  /** 1-based line number at `offset`. */
  line: number;
  /** Bytes of content seen when last read (decompressed for .gz). */
  end: number;
  /** Identity of the content: hash of its first `bytes` bytes. */
  head: { hash: string; bytes: number };
  /** Per fingerprint: reports of that race starting before this offset are already filed. */
  filed: Record<string, number>;
  readAt: string;
}

/** A GitLab write about to happen; kept until its outcome is known, so a crash never files twice. */
export interface PendingIntent {
  /** Written into the issue description or note as a hidden marker. */
  batch: string;
  fingerprint: string;
  action: 'create' | 'comment' | 'reopen';
  iid: number | null;
  /** What becomes filed once the write is confirmed. */
  filed: { cursor: string; upTo: number }[];
  startedAt: string;
}

export interface RaceState {
  version: 1;
  cursors: Cursor[];
  pending: PendingIntent[];
}

export function emptyState(): RaceState {
  return { version: 1, cursors: [], pending: [] };
}

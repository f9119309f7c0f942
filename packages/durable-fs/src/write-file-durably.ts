import path from 'node:path';
import { syncDir } from './sync-dir';

export interface WriteDurablyOptions {
  /** File mode of a new file (default 0o600: state and spool files are nobody else's business). */
  mode?: number;
  /** How to fsync the folder afterwards (default: syncDir of the file's folder); a spool may batch these. */
  syncDir?: () => Promise<void>;
}

/**
 * Writes `file` whole or not at all, and durably: once this resolves the new
 * content survives a crash or power loss; a crash before leaves the old file
 * (or none). write-file-atomic writes a temporary file beside it, fsyncs and
 * renames it over (removing the temporary file on failure); then the folder is
 * fsynced so the rename itself is on disk.
 */
export async function writeFileDurably(
  file: string,
  data: string | Uint8Array,
  opts: WriteDurablyOptions = {},
): Promise<void> {
  // Loaded on first use: write-file-atomic costs ~12 ms of a CLI's start-up.
  const writeFileAtomic = (await import('write-file-atomic')).default;
  await writeFileAtomic(file, typeof data === 'string' ? data : Buffer.from(data), {
    mode: opts.mode ?? 0o600,
    fsync: true,
  });
  await (opts.syncDir ? opts.syncDir() : syncDir(path.dirname(file)));
}

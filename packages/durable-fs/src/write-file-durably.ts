import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from './sync-dir';

export interface WriteDurablyOptions {
  /** File mode, exact whatever the umask (default 0o600: state and spool files are nobody else's business). */
  mode?: number;
  /** How to fsync the folder afterwards (default: syncDir of the file's folder); a spool may batch these. */
  syncDir?: () => Promise<void>;
}

/** Writes to one file, one after another (a later call's content wins, as called). */
const writing = new Map<string, Promise<unknown>>();
let written = 0;

/**
 * Writes `file` whole or not at all, and durably: once this resolves the new
 * content survives a crash or power loss; a crash before leaves the old file
 * (or none). The content goes to a temporary file beside it (`<file>.<digits>`,
 * removed on failure; a crash can leave one, which a spool deletes at start),
 * which is fdatasync'ed, given its mode and renamed over `file`; then the folder
 * is fsynced so the rename itself is on disk. Writes to the same file run in
 * call order. A symbolic link at `file` is replaced, not written through.
 *
 * Six system calls and the folder sync: write-file-atomic, used before, added a
 * realpath (an lstat per path component), a stat, a chown and an unlink of the
 * already renamed temporary file, and was most of a webhook's acknowledgement
 * (packages/webhooks/bench/RESULTS.md, issue 25).
 */
export function writeFileDurably(
  file: string,
  data: string | Uint8Array,
  opts: WriteDurablyOptions = {},
): Promise<void> {
  const target = path.resolve(file);
  const before = writing.get(target);
  const run = before ? before.then(write, write) : write();
  const tail = run.catch(() => undefined);
  writing.set(target, tail);
  void tail.then(() => {
    if (writing.get(target) === tail) writing.delete(target);
  });
  return run;

  async function write(): Promise<void> {
    const mode = opts.mode ?? 0o600;
    const temp = `${target}.${process.pid}${String(++written).padStart(6, '0')}`;
    const handle = await open(temp, 'wx', mode);
    try {
      try {
        await handle.writeFile(data);
        // The umask may have taken bits off the mode open() was given.
        await handle.chmod(mode);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await rename(temp, target);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    await (opts.syncDir ? opts.syncDir() : syncDir(path.dirname(target)));
  }
}

import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes `file` so that after this resolves it survives a crash or power
 * loss whole, and a crash before leaves either the old file or none: temp
 * file in the same directory, write, fsync, rename over, fsync the directory.
 * Leftover `*.tmp` files are never acknowledged data and may be deleted.
 */
export async function writeFileDurably(
  file: string,
  data: string | Buffer,
  syncDir: () => Promise<void>,
): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(data);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir();
}

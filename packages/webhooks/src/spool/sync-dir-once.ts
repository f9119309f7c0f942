import { open } from 'node:fs/promises';

/** fsync of a directory, once (makes a rename or unlink in it durable). */
export async function syncDirOnce(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

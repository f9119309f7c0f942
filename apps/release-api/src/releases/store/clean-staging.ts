import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes staging folders in RELEASE_DIR/.tmp left by a process of this host
 * that no longer runs (a crash mid-upload). Folders of other hosts sharing the
 * directory, and of live processes, are left alone. Returns what was removed.
 */
export async function cleanStaging(releaseDir: string): Promise<string[]> {
  const dir = path.join(releaseDir, '.tmp');
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const prefix = `${os.hostname()}-`;
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || alive(pid)) continue;
    await fs.rm(path.join(dir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

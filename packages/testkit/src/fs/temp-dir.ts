import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const made = new Set<string>();

/**
 * A new empty directory under the OS temp dir, named `devops-<label>-XXXXXX`.
 * Every directory made here is removed by `removeTempDirs()` (e.g. `afterAll(removeTempDirs)`).
 */
export function tempDir(label = 'test'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `devops-${label}-`));
  made.add(dir);
  return dir;
}

/** Removes every directory `tempDir` made in this module instance (each test file has its own). */
export async function removeTempDirs(): Promise<void> {
  const dirs = [...made];
  made.clear();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
}

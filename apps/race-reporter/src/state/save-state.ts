import fs from 'node:fs/promises';
import path from 'node:path';
import type { RaceState } from './race-state';

/** Writes the state atomically: temp file, fsync, rename over the old one, fsync the directory. */
export async function saveState(statePath: string, state: RaceState): Promise<void> {
  const dir = path.dirname(statePath);
  await fs.mkdir(dir, { recursive: true });
  const temp = `${statePath}.tmp-${process.pid}`;
  const handle = await fs.open(temp, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 1)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, statePath);
  const dirHandle = await fs.open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

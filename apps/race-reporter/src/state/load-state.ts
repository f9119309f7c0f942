import fs from 'node:fs/promises';
import { checkState } from './check-state';
import { emptyState, type RaceState } from './race-state';

/** Reads the state file; a missing file is a first run. A damaged one stops the run (nothing is overwritten). */
export async function loadState(statePath: string): Promise<RaceState> {
  let text: string;
  try {
    text = await fs.readFile(statePath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `state file ${statePath} is not valid JSON (${(err as Error).message}): ` +
        'restore it or move it away (every log would then be read again from the start)',
    );
  }
  return checkState(parsed, `state file ${statePath}`);
}

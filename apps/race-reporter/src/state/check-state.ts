import type { RaceState } from './race-state';

/** The parsed state, or an error naming where it came from and what to do: a damaged state stops the run. */
export function checkState(parsed: unknown, where: string): RaceState {
  const state = parsed as Partial<RaceState> | null;
  if (!state || state.version !== 1 || !Array.isArray(state.cursors) || !Array.isArray(state.pending)) {
    throw new Error(
      `${where} is not a race-reporter state (version 1): restore it or remove it (every log would then be read again from the start)`,
    );
  }
  return state as RaceState;
}

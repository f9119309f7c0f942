import type { Access, Frame } from './race-report';

/** Frames of the Go runtime, skipped when naming a race (SPEC). */
const RUNTIME_PREFIXES = ['runtime.', 'internal/', 'sync/atomic.'];

/** Shown when the detector could not restore an access's stack. */
export const UNKNOWN_FUNCTION = '<unknown>';

export function isRuntimeFrame(frame: Frame): boolean {
  return isRuntimeFunction(frame.function);
}

/** `runtime.mapassign_faststr`, `internal/race.Write`, `sync/atomic.AddInt32`: the Go runtime's. */
export function isRuntimeFunction(fn: string): boolean {
  return RUNTIME_PREFIXES.some((p) => fn.startsWith(p));
}

/**
 * The function an access is attributed to: its first frame that is not the Go
 * runtime's; if every frame is the runtime's, the first one; `<unknown>` for
 * `[failed to restore the stack]`.
 */
export function findRaceFunction(access: Access | undefined): string {
  if (!access || access.frames.length === 0) return UNKNOWN_FUNCTION;
  const own = access.frames.find((f) => !isRuntimeFrame(f));
  return (own ?? access.frames[0]!).function;
}

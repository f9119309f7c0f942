/** What a probe may answer: "not yet" is `undefined`, `null` or `false`; anything else is the awaited value. */
export type Probed<T> = Exclude<T, undefined | null | false>;

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Time between two probes (default 20 ms). */
  intervalMs?: number;
  /** What is awaited, named in the timeout error. */
  what?: string;
}

/**
 * Probes until the condition holds and returns what the probe found: a value
 * (`() => lines.find(...)`) or `true` (`() => n >= 3`). The probe may be async;
 * an error it throws ends the wait. On timeout the error names what was awaited.
 * `waitFor(probe, 5000, 'the lock')` is short for `{ timeoutMs: 5000, what: 'the lock' }`.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutOrOptions: number | WaitForOptions = {},
  what?: string,
): Promise<Probed<T>> {
  const opts =
    typeof timeoutOrOptions === 'number' ? { timeoutMs: timeoutOrOptions, what } : timeoutOrOptions;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value as Probed<T>;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${opts.what ?? what ?? 'a condition'}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

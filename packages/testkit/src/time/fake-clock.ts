/**
 * A clock that moves only when the code under test sleeps: every wait is seen (`slept`) and none is
 * spent, so no test waits real backoff. Pass `now` and `sleep` to the retry options under test;
 * share `now` with a double (`now: () => new Date(clock.now())`) so its rate-limit windows agree.
 */
export function fakeClock(start = Date.UTC(2026, 0, 5, 11, 0, 0)) {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: (ms: number): Promise<void> => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    /** Every wait asked for, in order. */
    slept,
    /** Time passed since `start`. */
    elapsed: () => now - start,
  };
}

export type FakeClock = ReturnType<typeof fakeClock>;

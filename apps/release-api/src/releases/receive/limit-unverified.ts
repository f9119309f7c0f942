export interface UnverifiedGate {
  /** A place for one more request without a verified secret: its leave function (idempotent), or undefined when full. */
  enter(): (() => void) | undefined;
  /** Requests holding a place now. */
  count(): number;
}

/** At most `max` requests read at once before their secret verifies (RELEASE_MAX_UNVERIFIED); one gate per app. */
export function limitUnverified(max: number): UnverifiedGate {
  let inside = 0;
  return {
    enter() {
      if (inside >= max) return undefined;
      inside++;
      let left = false;
      return () => {
        if (left) return;
        left = true;
        inside--;
      };
    },
    count: () => inside,
  };
}

import type { IncomingMessage } from 'node:http';

/**
 * Calls `onIdle` once when the request body made no progress for `idleMs`:
 * no byte arrived while we were ready to read. Time in which the service
 * itself paused the body (backpressure from the disk) does not count.
 * Returns the function that stops watching.
 */
export function watchBodyProgress(
  req: IncomingMessage,
  opts: { idleMs: number; onIdle: () => void; now?: () => number },
): () => void {
  const now = opts.now ?? Date.now;
  let last = now();
  let timer: NodeJS.Timeout | undefined;
  const onData = () => {
    last = now();
  };
  const check = () => {
    if (req.complete) return;
    if (req.readableFlowing === false) last = now();
    const idle = now() - last;
    if (idle >= opts.idleMs) {
      stop();
      opts.onIdle();
      return;
    }
    timer = setTimeout(check, opts.idleMs - idle);
  };
  const stop = () => {
    clearTimeout(timer);
    req.off('data', onData);
  };
  req.on('data', onData);
  timer = setTimeout(check, opts.idleMs);
  return stop;
}

import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { watchBodyProgress } from '../src/releases/receive/watch-body-progress';

/** A request body stand-in: a stream with IncomingMessage's `complete` flag. */
function fakeRequest(): PassThrough & { complete: boolean } {
  return Object.assign(new PassThrough(), { complete: false });
}

describe('watchBodyProgress (injected clock, fake timers)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  const watch = (req: PassThrough & { complete: boolean }, onIdle: () => void) =>
    watchBodyProgress(req as unknown as IncomingMessage, { idleMs: 1000, onIdle, now: () => Date.now() });

  it('no byte for idleMs: onIdle, once', () => {
    const req = fakeRequest();
    req.resume();
    const onIdle = jest.fn();
    watch(req, onIdle);
    jest.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    jest.advanceTimersByTime(5000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('a byte every 900 ms keeps it alive however long it goes on', () => {
    const req = fakeRequest();
    req.resume();
    const onIdle = jest.fn();
    const stop = watch(req, onIdle);
    for (let i = 0; i < 20; i++) {
      jest.advanceTimersByTime(900);
      req.write('x');
    }
    expect(onIdle).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    stop();
  });

  it('time in which we paused the body (our backpressure) does not count', () => {
    const req = fakeRequest();
    req.resume();
    const onIdle = jest.fn();
    watch(req, onIdle);
    jest.advanceTimersByTime(500);
    req.pause();
    jest.advanceTimersByTime(10_000);
    expect(onIdle).not.toHaveBeenCalled();
    req.resume();
    jest.advanceTimersByTime(2000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('a complete body, or stop(), ends the watch', () => {
    const done = fakeRequest();
    done.resume();
    const onIdle = jest.fn();
    watch(done, onIdle);
    done.complete = true;
    const stopped = fakeRequest();
    stopped.resume();
    watch(stopped, onIdle)();
    jest.advanceTimersByTime(10_000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});

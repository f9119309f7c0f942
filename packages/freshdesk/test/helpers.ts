import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@devops/logger';
import { createFreshdesk, type FreshdeskOptions } from '../src';
import { fakeClock, type FreshdeskDouble } from '@devops/testkit';

/** A debug-level logger that keeps its lines, with NO secret masking: so a leaked key would show. */
export function captureLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { log: createLogger({ service: 'freshdesk-test', level: 'debug', stream }), lines };
}

/** The production client pointed at the double; retries wait on a fake clock. */
export function clientFor(double: FreshdeskDouble, overrides: Partial<FreshdeskOptions> = {}) {
  const { log, lines } = captureLog();
  const clock = fakeClock();
  const freshdesk = createFreshdesk({
    url: double.url,
    apiKey: double.apiKey,
    log,
    timeoutMs: 5_000,
    ...overrides,
    retry: {
      retries: 3,
      baseDelayMs: 10,
      maxDelayMs: 50,
      ...overrides.retry,
      now: clock.now,
      sleep: clock.sleep,
    },
  });
  return { freshdesk, lines, clock };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

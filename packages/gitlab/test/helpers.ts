import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@devops/logger';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { createGitLab, type GitLabOptions } from '../src';

/** A logger writing into an array, so tests can read every line (and check no token leaked). */
export function captureLog(secrets: string[] = []): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger({ service: 'gitlab-test', level: 'debug', stream, secrets }), lines };
}

/**
 * A clock that moves only when the client sleeps between retries: tests see every wait (`slept`) and never
 * spend it. Share it with the double (`now: () => new Date(clock.now())`) so its rate-limit windows agree.
 */
export function fakeClock(start = Date.UTC(2026, 0, 5, 11, 0, 0)) {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
  };
}

/** A double and a client on it, with retries that wait on a fake clock (no test waits real backoff). */
export async function setup(extra: Partial<GitLabOptions> = {}) {
  const clock = fakeClock();
  const gitlab: GitLabDouble = await startGitLabDouble({ now: () => new Date(clock.now()) });
  // The logger deliberately does not know the token: the client itself must keep it out of log lines.
  const { log, lines } = captureLog();
  const client = createGitLab({
    url: gitlab.url,
    token: gitlab.token,
    log,
    timeoutMs: 2_000,
    retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 50, now: clock.now, sleep: clock.sleep },
    ...extra,
  });
  return { gitlab, client, lines, clock };
}

import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@devops/logger';
import { fakeClock, startGitLabDouble, type GitLabDouble } from '@devops/testkit';
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

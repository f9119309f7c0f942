import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * winston is loaded when a logger is first used, not when it is made: a CLI run that logs nothing
 * skips its ~50 ms of loading. Checked in a fresh Node process against the built package (jest's
 * module registry is not Node's).
 */
function probe(script: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>;
}

const WINSTON_LOADED = `Object.keys(require.cache).some((k) => k.includes('/winston/'))`;

describe('createLogger loads winston on first use', () => {
  it('makes a logger and flushes it without loading winston when nothing is logged', () => {
    const result = probe(`
      const { createLogger, flushLogger } = require('./dist');
      const log = createLogger({ service: 'probe', stream: process.stderr });
      flushLogger(log).then(() => {
        console.log(JSON.stringify({ loaded: ${WINSTON_LOADED} }));
      });
    `);
    expect(result).toEqual({ loaded: false });
  });

  it('loads it at the first line, writes that line masked, and flushes it before exit', () => {
    const result = probe(`
      const { PassThrough } = require('node:stream');
      const { createLogger, flushLogger } = require('./dist');
      const stream = new PassThrough();
      let text = '';
      stream.on('data', (c) => (text += c));
      const log = createLogger({ service: 'probe', stream, secrets: ['s3cret-token-value'] });
      const before = ${WINSTON_LOADED};
      log.info('token s3cret-token-value', { n: 1 });
      const child = log.child({ id: 'a' });
      child.warn('from the child');
      flushLogger(log).then(() => {
        console.log(JSON.stringify({ before, after: ${WINSTON_LOADED}, lines: text.trim().split('\\n').map((l) => JSON.parse(l)) }));
      });
    `);
    expect(result.before).toBe(false);
    expect(result.after).toBe(true);
    expect(result.lines).toEqual([
      expect.objectContaining({ level: 'info', message: 'token [REDACTED]', n: 1, service: 'probe' }),
      expect.objectContaining({ level: 'warn', message: 'from the child', id: 'a', service: 'probe' }),
    ]);
  });
});

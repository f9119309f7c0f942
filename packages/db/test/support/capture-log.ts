import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@devops/logger';

/** A real logger whose lines are kept in memory, to check what an operator would read. */
export function captureLog(): { log: Logger; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger({ service: 'db-test', level: 'debug', stream }), text: () => lines.join('') };
}

import type { Writable } from 'node:stream';
import winston from 'winston';
import { createMasker, maskDeep } from './mask-secrets';

export type Logger = winston.Logger;
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  service: string;
  level?: LogLevel;
  format?: LogFormat;
  /** Values that must never be printed (tokens, shared secrets, API keys). */
  secrets?: readonly string[];
  /** Where lines go; stdout by default. */
  stream?: Writable;
}

const MESSAGE = Symbol.for('message');
const SPLAT = Symbol.for('splat');

/**
 * A winston logger: one JSON object per line on stdout (or `pretty` for
 * humans), every configured secret masked wherever it appears: message,
 * metadata, error stacks, URLs with credentials. `log.child({id})` carries
 * an id on every line.
 */
export function createLogger(opts: LoggerOptions): Logger {
  const mask = createMasker(opts.secrets ?? []);

  const maskInfo = winston.format((info) => {
    const masked = maskDeep({ ...info }, mask) as Record<string, unknown>;
    for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
    Object.assign(info, masked);
    delete (info as Record<string | symbol, unknown>)[SPLAT];
    return info;
  });
  // Last line of defence: the rendered line itself.
  const maskLine = winston.format((info) => {
    const line = (info as Record<symbol, unknown>)[MESSAGE];
    if (typeof line === 'string') (info as Record<symbol, unknown>)[MESSAGE] = mask(line);
    return info;
  });

  const render =
    opts.format === 'pretty'
      ? winston.format.printf((info) => {
          const { timestamp, level, message, service, stack, ...rest } = info as Record<string, unknown>;
          const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
          return `${String(timestamp)} ${String(level).toUpperCase().padEnd(5)} [${String(service)}] ${String(message)}${extra}${stack ? `\n${String(stack)}` : ''}`;
        })
      : winston.format.json();

  const stream = opts.stream ?? process.stdout;
  // A closed stdout (the reader went away: EPIPE) must not crash the service
  // with an unhandled 'error': the lines are lost, the work goes on.
  if (stream.listenerCount('error') === 0) stream.on('error', ignoreStreamError);

  return winston.createLogger({
    level: opts.level ?? 'info',
    defaultMeta: { service: opts.service },
    format: winston.format.combine(
      winston.format.errors({ stack: true }),
      maskInfo(),
      winston.format.timestamp(),
      render,
      maskLine(),
    ),
    transports: [new winston.transports.Stream({ stream })],
  });
}

function ignoreStreamError(): void {
  // Nowhere left to report it: the log stream is what failed.
}

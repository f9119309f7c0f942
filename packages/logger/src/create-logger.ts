import type { Writable } from 'node:stream';
import type winston from 'winston';
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

/** Loggers whose winston instance is not built yet (nothing was logged): what flushLogger skips. */
const unbuilt = new WeakSet<object>();

/**
 * A winston logger: one JSON object per line on stdout (or `pretty` for
 * humans), every configured secret masked wherever it appears: message,
 * metadata, error stacks, URLs with credentials. `log.child({id})` carries
 * an id on every line.
 *
 * winston itself is loaded and the logger built on first use (any property
 * read): loading winston costs ~50 ms of start-up, which a CLI run that logs
 * nothing (race-reporter over a clean log) should not pay.
 */
export function createLogger(opts: LoggerOptions): Logger {
  let built: Logger | undefined;
  const build = (): Logger => {
    if (!built) {
      built = buildWinstonLogger(opts);
      unbuilt.delete(handle);
    }
    return built;
  };
  const handle = new Proxy({} as Logger, {
    get(_target, key) {
      const real = build();
      const value: unknown = Reflect.get(real, key, real);
      return typeof value === 'function' ? value.bind(real) : value;
    },
    set: (_target, key, value) => Reflect.set(build(), key, value),
    has: (_target, key) => Reflect.has(build(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(build()),
  });
  unbuilt.add(handle);
  return handle;
}

/**
 * Ends the logger and resolves once its lines are written (at most `timeoutMs`);
 * at once if nothing was ever logged.
 */
export function flushLogger(log: Logger, timeoutMs = 500): Promise<void> {
  if (unbuilt.has(log)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    log.on('finish', () => {
      clearTimeout(timer);
      resolve();
    });
    log.end();
  });
}

function buildWinstonLogger(opts: LoggerOptions): Logger {
  const winston = require('winston') as typeof import('winston');
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

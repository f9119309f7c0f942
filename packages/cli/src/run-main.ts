import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Writable } from 'node:stream';
import {
  describeSettings,
  loadConfig,
  readEnvironment,
  secretValues,
  type ConfigOf,
  type Env,
  type Schema,
} from '@devops/config';
import { ConfigError, RefusedError, describeError } from '@devops/errors';
import { createLogger, flushLogger, loggingSettings, type Logger } from '@devops/logger';

export const EXIT = { ok: 0, failure: 1, refused: 2, config: 78 } as const;

type Options = NonNullable<ParseArgsConfig['options']>;
type Flags = Record<string, string | boolean | string[] | undefined>;

export interface RunContext<S extends Schema> {
  config: ConfigOf<S> & ConfigOf<typeof loggingSettings>;
  flags: Flags;
  positionals: string[];
  log: Logger;
  env: Env;
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  /** Every secret value in the config, for code that must scrub text itself. */
  secrets: string[];
  /**
   * The process's shutdown signal: aborts at SIGTERM or SIGINT (its reason names the signal) when the
   * definition has `stopsOnSignal`; hand it to the ports and queues so their waits end.
   */
  signal: AbortSignal;
}

export interface MainDefinition<S extends Schema> {
  /** The app's name, as in apps/<name>. */
  name: string;
  /** One paragraph: what the app does. */
  summary: string;
  /** Usage line(s), e.g. "node apps/x/dist/main.js [--dry-run] [PATH...]". */
  usage: string;
  /** Flags besides --help. */
  options?: Options;
  /** Human text for the flags in --help. */
  optionsHelp?: string;
  /** The settings; may depend on flags (e.g. --dry-run needs no GitLab settings). */
  schema: S | ((flags: Flags) => S);
  /** Where logs go: services log to stdout; CLIs to stderr, keeping stdout for their result. */
  logTo?: 'stdout' | 'stderr';
  /**
   * Services: SIGTERM/SIGINT abort ctx.signal and run() ends by itself (exit 0 once work in flight is
   * done or cut short). Otherwise (CLIs) the process dies of the signal, as Node does by default.
   */
  stopsOnSignal?: boolean;
  run(ctx: RunContext<S>): Promise<number | void>;
}

export interface ProcessLike {
  argv: string[];
  env: Env;
  cwd(): string;
  stdout: Writable;
  stderr: Writable;
  /** The shutdown signal (startMain: aborted at SIGTERM/SIGINT); default one that never aborts. */
  signal?: AbortSignal;
}

function helpText<S extends Schema>(def: MainDefinition<S>, schema: Schema): string {
  return [
    `${def.name}: ${def.summary}`,
    '',
    'Usage:',
    ...def.usage.split('\n').map((l) => `  ${l}`),
    '',
    'Options:',
    '  --help, -h   print this help and exit',
    ...(def.optionsHelp ? def.optionsHelp.split('\n').map((l) => `  ${l}`) : []),
    '',
    'Settings (environment variables; a .env file in the working directory is read first, the real environment wins):',
    describeSettings({ ...schema, ...loggingSettings }),
    '',
    'Exit codes: 0 success, 1 failure, 2 refused on purpose, 78 bad configuration.',
    '',
  ].join('\n');
}

/**
 * The one place a process starts: parses flags, answers --help, loads the
 * configuration (every problem at once), builds the logger, runs, and maps
 * errors to exit codes (ConfigError 78, RefusedError 2, anything else 1).
 */
export async function runMain<S extends Schema>(def: MainDefinition<S>, proc: ProcessLike): Promise<number> {
  let flags: Flags;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: proc.argv.slice(2),
      options: { help: { type: 'boolean', short: 'h' }, ...def.options },
      allowPositionals: true,
      strict: true,
    });
    flags = parsed.values as Flags;
    positionals = parsed.positionals;
  } catch (err) {
    proc.stderr.write(`${def.name}: ${describeError(err)}\nRun with --help for usage.\n`);
    return EXIT.config;
  }
  const schema = typeof def.schema === 'function' ? def.schema(flags) : def.schema;
  if (flags.help) {
    proc.stdout.write(helpText(def, schema));
    return EXIT.ok;
  }

  const env = readEnvironment(proc.env, proc.cwd());
  let config: RunContext<S>['config'];
  try {
    config = loadConfig({ ...schema, ...loggingSettings }, env) as RunContext<S>['config'];
  } catch (err) {
    if (err instanceof ConfigError) {
      proc.stderr.write(`${def.name}: ${err.message}\nRun with --help for every setting.\n`);
      return EXIT.config;
    }
    throw err;
  }
  const secrets = secretValues(schema, config as ConfigOf<S>);
  const log = createLogger({
    service: def.name,
    level: config.LOG_LEVEL,
    format: config.LOG_FORMAT,
    secrets,
    stream: def.logTo === 'stderr' ? proc.stderr : proc.stdout,
  });

  try {
    const code = await def.run({
      config,
      flags,
      positionals,
      log,
      env,
      cwd: proc.cwd(),
      stdout: proc.stdout,
      stderr: proc.stderr,
      secrets,
      signal: proc.signal ?? new AbortController().signal,
    });
    return code ?? EXIT.ok;
  } catch (err) {
    if (err instanceof ConfigError) {
      log.error(err.message, { problems: err.problems });
      return EXIT.config;
    }
    if (err instanceof RefusedError) {
      log.error(`refused: ${err.message}`);
      return EXIT.refused;
    }
    log.error(`failed: ${describeError(err)}`, { error: err });
    return EXIT.failure;
  } finally {
    await flushLogger(log);
  }
}

import { describeError } from '@devops/errors';
import type { Schema } from '@devops/config';
import { EXIT, runMain, type MainDefinition } from './run-main';

/**
 * The process boundary, for each app's main.ts: run and set the exit code (without cutting off pending
 * output). With `stopsOnSignal` (services), the first SIGTERM or SIGINT aborts the run's `signal` (Ctrl-C
 * signals the whole process group and a supervisor may follow with SIGTERM: later ones are noted only).
 */
export function startMain<S extends Schema>(def: MainDefinition<S>): void {
  const shutdown = new AbortController();
  if (def.stopsOnSignal) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (!shutdown.signal.aborted) shutdown.abort(new Error(`${signal} received`));
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  runMain(def, {
    argv: process.argv,
    env: process.env,
    cwd: () => process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    signal: shutdown.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${def.name}: unexpected failure: ${describeError(err)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}

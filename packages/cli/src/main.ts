import { describeError } from '@devops/errors';
import type { Schema } from '@devops/config';
import { EXIT, runMain, type MainDefinition } from './run-main';

/** The process boundary, for each app's main.ts: run and set the exit code (without cutting off pending output). */
export function startMain<S extends Schema>(def: MainDefinition<S>): void {
  runMain(def, process).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${def.name}: unexpected failure: ${describeError(err)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}

import type { Writable } from 'node:stream';
import { RefusedError, describeError } from '@devops/errors';
import type { DeadLetter, DeadLetters, DeadLetterSummary } from './queue/event-queue';

export const DEAD_LETTERS_USAGE =
  'dead-letters list [--json] | show <id> [--json] | replay <id>|--all [--json] | drop <id> [--json]';

const EXIT = { ok: 0, failure: 1, refused: 2, usage: 78 } as const;

export interface DeadLettersCommand {
  /** The words after `dead-letters`. */
  args: string[];
  json: boolean;
  all: boolean;
  stdout: Writable;
  stderr: Writable;
  /** The app's dead letters (the same storage as the running service). */
  deadLetters: DeadLetters;
}

/** Text from outside (payloads, errors) shown on a terminal: control characters made visible. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const control = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
  return text.replace(control, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function describeLetter(l: DeadLetterSummary): string {
  return printable(
    `${l.id}  dead ${l.deadAt}  ${l.event || l.objectKind}  ${l.orderKey}  ` +
      `attempts ${l.attempts}  ${oneLine(l.error)}`,
  );
}

function showLetter(l: DeadLetter): string {
  return (
    printable(
      [
        `id:              ${l.id}`,
        `delivery:        ${l.deliveryId}`,
        `idempotency key: ${l.idempotencyKey ?? '(none)'}`,
        `event:           ${l.event} (object_kind ${l.objectKind})`,
        `order key:       ${l.orderKey}`,
        `received:        ${l.receivedAt}`,
        `dead-lettered:   ${l.deadAt} after ${l.attempts} attempt(s)`,
        `error:           ${l.error}`,
        'payload:',
        l.payload === null
          ? '(unreadable: this letter cannot be replayed)'
          : JSON.stringify(l.payload, null, 2),
      ].join('\n'),
    ) + '\n'
  );
}

/**
 * `dead-letters list|show|replay|drop`: the operator's look at the events that
 * failed for good, safe while the service runs. Exit 0 done (also "nothing to
 * do"), 1 no such dead letter or a failure, 2 refused (an unreadable letter
 * cannot be replayed), 78 a wrong command line. With --json: one JSON
 * document on stdout.
 */
export async function runDeadLettersCommand(cmd: DeadLettersCommand): Promise<number> {
  const { stdout, stderr, deadLetters, json } = cmd;
  const [action, id, ...extra] = cmd.args;
  const out = (human: string, doc: unknown) => stdout.write(json ? `${JSON.stringify(doc)}\n` : human);
  const usage = (why: string) => {
    stderr.write(`dead-letters: ${why}\nUsage: ${DEAD_LETTERS_USAGE}\n`);
    return EXIT.usage;
  };
  const missing = (what: string) => {
    stderr.write(`dead-letters: no dead letter "${printable(what)}" (see: dead-letters list)\n`);
    return EXIT.failure;
  };
  if (extra.length > 0) return usage(`unexpected argument "${printable(extra[0]!)}"`);
  const needsId = action === 'show' || action === 'drop' || (action === 'replay' && !cmd.all);
  if (needsId && id === undefined) return usage(`${action} needs a dead letter id`);
  if (!needsId && id !== undefined) return usage(`unexpected argument "${printable(id)}"`);
  if (cmd.all && action !== 'replay') return usage('--all goes with replay');

  try {
    switch (action) {
      case 'list': {
        const letters = await deadLetters.list();
        out(
          letters.length === 0
            ? 'no dead letters\n'
            : `${letters.length} dead letter(s), oldest first:\n${letters.map(describeLetter).join('\n')}\n`,
          letters,
        );
        return EXIT.ok;
      }
      case 'show': {
        const letter = await deadLetters.show(id!);
        if (!letter) return missing(id!);
        out(showLetter(letter), letter);
        return EXIT.ok;
      }
      case 'replay': {
        if (!cmd.all && !(await deadLetters.replay(id!))) return missing(id!);
        const replayed: string[] = cmd.all ? [] : [id!];
        const refused: string[] = [];
        for (const one of cmd.all ? (await deadLetters.list()).map((l) => l.id) : []) {
          try {
            if (await deadLetters.replay(one)) replayed.push(one);
          } catch (err) {
            if (!(err instanceof RefusedError)) throw err;
            stderr.write(`dead-letters: ${printable(err.message)}\n`);
            refused.push(one);
          }
        }
        out(
          `replayed ${replayed.length} dead letter(s)${replayed.length ? `: ${replayed.join(', ')}` : ''}; ` +
            'the service processes each once, like a new event (now if it runs, else at its next start)\n',
          { replayed, refused },
        );
        return refused.length > 0 ? EXIT.refused : EXIT.ok;
      }
      case 'drop': {
        if (!(await deadLetters.drop(id!))) return missing(id!);
        out(`dropped ${id}\n`, { dropped: id });
        return EXIT.ok;
      }
      default:
        return usage(action === undefined ? 'which one?' : `unknown command "${printable(action)}"`);
    }
  } catch (err) {
    stderr.write(`dead-letters: ${printable(describeError(err))}\n`);
    return err instanceof RefusedError ? EXIT.refused : EXIT.failure;
  }
}

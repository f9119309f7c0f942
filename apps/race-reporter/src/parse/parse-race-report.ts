import type { Access, Frame, RaceReport, RawReport } from './race-report';
import { findRaceFunction } from './find-race-function';
import { fingerprintRace } from './fingerprint-race';
import { parseLoggedAt } from './parse-logged-at';

// `Write at 0x00c000123 by goroutine 7:`, `Previous read by main goroutine:` (old Go: no address),
// `Atomic write at …`, `Previous atomic read …`, optional `of size N` and `(mutexes: …)` as TSan prints them.
export const ACCESS =
  /^((?:Previous )?(?:(?:non-)?atomic )?(?:read|write))(?: of size \d+)? (?:at \S+ )?by ((?:main )?goroutine(?: \d+)?|thread \S+)(?: \(mutexes:[^)]*\))?:$/i;
export const SECTION_END =
  /^(?:Goroutine \d+ \((?:running|finished)\) created at:|Heap block of size |Global var |Location is |Mutex |Thread )/;
export const FILE_LINE = /^(.+):(\d+)(?: \+0x[0-9a-fA-F]+)?$/;
export const FAILED_STACK = '[failed to restore the stack]';

/** `main.(*Server).handle(0xc000010, 0x2)` → `main.(*Server).handle`; `main.main()` → `main.main`. */
export function stripArguments(call: string): string {
  const text = call.trim();
  if (!text.endsWith(')')) return text;
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    if (text[i] === ')') depth++;
    else if (text[i] === '(' && --depth === 0) return i === 0 ? text : text.slice(0, i);
  }
  return text;
}

/** The accesses (`Read at …`, `Previous write at …`) of a report and their stacks. */
export function parseAccesses(lines: string[]): Access[] {
  const accesses: Access[] = [];
  let current: Access | null = null;
  let pending: Frame | null = null;
  for (const raw of lines) {
    const text = raw.trim();
    const header = ACCESS.exec(text);
    if (header) {
      current = { kind: header[1]!, by: header[2]!, frames: [] };
      accesses.push(current);
      pending = null;
      continue;
    }
    if (!current) continue;
    if (text === '' || SECTION_END.test(text)) {
      // A blank line or the next section (goroutine creation, heap block) ends the stack.
      current = null;
      pending = null;
      continue;
    }
    if (text === FAILED_STACK) continue;
    const fileLine = FILE_LINE.exec(text);
    if (fileLine && pending && !text.endsWith(')')) {
      pending.file = fileLine[1]!;
      pending.line = Number(fileLine[2]);
      pending = null;
      continue;
    }
    pending = { function: stripArguments(text), file: null, line: null };
    current.frames.push(pending);
  }
  return accesses;
}

/** GitLab refuses titles over 255 characters; control characters are never part of one. */
const TITLE_LIMIT = 255;

/** `Data race in <function>`, cut (with `…`) to fit GitLab's title limit. */
export function raceTitle(fn: string): string {
  // eslint-disable-next-line no-control-regex
  const title = `Data race in ${fn}`.replace(/[\u0000-\u001f\u007f]/g, '\uFFFD');
  return title.length > TITLE_LIMIT ? `${title.slice(0, TITLE_LIMIT - 1)}…` : title;
}

/** Turns a closed block into a report, or null when it holds no access (a stray `WARNING: DATA RACE`). */
export function parseRaceReport(raw: RawReport): RaceReport | null {
  const accesses = parseAccesses(raw.lines.slice(1));
  if (accesses.length === 0) return null;
  const fn = findRaceFunction(accesses[0]);
  return {
    ...raw,
    accesses,
    function: fn,
    fingerprint: fingerprintRace(accesses),
    title: raceTitle(fn),
    loggedAt: parseLoggedAt(raw.prefix),
  };
}

import { isRuntimeFunction, UNKNOWN_FUNCTION } from './find-race-function';
import { fingerprintFunctions } from './fingerprint-race';
import { ACCESS, FAILED_STACK, FILE_LINE, SECTION_END, stripArguments } from './parse-race-report';

/**
 * The fingerprint of a report (RawReport.lines) without building its accesses
 * and frames: only the first two accesses count, and only up to each one's
 * first frame outside the Go runtime. Reads the lines exactly as
 * parseAccesses does (same patterns, same order of tests), so the result is
 * parseRaceReport's fingerprint; null where that gives null (no access: a
 * stray `WARNING: DATA RACE`). Every report is fingerprinted this way; only a
 * race's first report is parsed in full. Allocates no object of its own: one
 * per report would be garbage V8 may choose to allocate in the old generation.
 */
export function fingerprintRaceLines(lines: readonly string[]): string | null {
  let accesses = 0;
  let inStack = false;
  let pending = false;
  let firstFrame: string | null = null;
  let own: string | null = null;
  let name0 = UNKNOWN_FUNCTION;
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (ACCESS.test(text)) {
      if (accesses === 1) name0 = own ?? firstFrame ?? UNKNOWN_FUNCTION;
      // A third access changes nothing: the fingerprint is the first two's.
      if (++accesses > 2) break;
      inStack = true;
      pending = false;
      firstFrame = own = null;
      continue;
    }
    if (!inStack) continue;
    if (text === '' || SECTION_END.test(text)) {
      inStack = false;
      pending = false;
      continue;
    }
    if (text === FAILED_STACK) continue;
    if (pending && !text.endsWith(')') && FILE_LINE.test(text)) {
      pending = false;
      continue;
    }
    pending = true;
    if (own !== null) continue;
    const fn = stripArguments(text);
    firstFrame ??= fn;
    if (!isRuntimeFunction(fn)) {
      own = fn;
      // The second access named: nothing later counts.
      if (accesses === 2) break;
    }
  }
  if (accesses === 0) return null;
  const last = own ?? firstFrame ?? UNKNOWN_FUNCTION;
  return fingerprintFunctions(accesses === 1 ? last : name0, last);
}

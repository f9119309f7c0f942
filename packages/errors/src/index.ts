/**
 * The handful of error kinds the suite branches on. Callers test `instanceof`
 * (or `kind`), never raw HTTP status codes; each CLI maps them to exit codes
 * in one place (see @devops/cli).
 */

export type ErrorKind = 'config' | 'temporary' | 'conflict' | 'not-found' | 'permanent' | 'refused';

export abstract class SuiteError extends Error {
  abstract readonly kind: ErrorKind;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ConfigProblem {
  /** The environment variable (or flag) at fault. */
  variable: string;
  /** Why it is wrong and what to do, without its value when it is a secret. */
  reason: string;
}

/** Bad or missing settings: every problem at once. CLIs exit 78 (EX_CONFIG). */
export class ConfigError extends SuiteError {
  readonly kind = 'config' as const;
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n'),
    );
  }
}

/** Worth retrying later: 429, 5xx, network failures, timeouts. */
export class TemporaryError extends SuiteError {
  readonly kind = 'temporary' as const;
  constructor(
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
  }
}

/** An error from an outside system, with the HTTP status it came with (if any). */
abstract class ErrorWithStatus extends SuiteError {
  constructor(
    message: string,
    readonly details: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause });
  }
}

/** The thing already exists or is in the way (409, "Tag … already exists"). */
export class ConflictError extends ErrorWithStatus {
  readonly kind = 'conflict' as const;
}

/** The resource does not exist (or we may not see it). */
export class NotFoundError extends ErrorWithStatus {
  readonly kind = 'not-found' as const;
}

/** Will fail again the same way: bad token, forbidden, validation errors. */
export class PermanentError extends ErrorWithStatus {
  readonly kind = 'permanent' as const;
}

/** The tool refuses on purpose (e.g. a tag Go could not consume). CLIs exit 2. */
export class RefusedError extends SuiteError {
  readonly kind = 'refused' as const;
}

export function isTemporary(err: unknown): err is TemporaryError {
  return err instanceof TemporaryError;
}

/** A message safe to show: the error's own message, or a generic one for non-errors. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

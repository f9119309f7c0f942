import {
  ConfigError,
  ConflictError,
  NotFoundError,
  PermanentError,
  RefusedError,
  TemporaryError,
  describeError,
} from '../src';

describe('error kinds', () => {
  it.each([
    [new TemporaryError('t', { status: 429, retryAfterMs: 1000 }), 'temporary', 'TemporaryError'],
    [new ConflictError('c'), 'conflict', 'ConflictError'],
    [new NotFoundError('n'), 'not-found', 'NotFoundError'],
    [new PermanentError('p'), 'permanent', 'PermanentError'],
    [new RefusedError('r'), 'refused', 'RefusedError'],
  ])('%s has kind %s and its own name', (err, kind, name) => {
    expect(err.kind).toBe(kind);
    expect(err.name).toBe(name);
    expect(err).toBeInstanceOf(Error);
  });

  it('ConfigError lists every problem in its message', () => {
    const err = new ConfigError([
      { variable: 'A', reason: 'is not set' },
      { variable: 'B', reason: '"x" is not a number' },
    ]);
    expect(err.message).toBe(
      'Invalid configuration (2 problems):\n  - A: is not set\n  - B: "x" is not a number',
    );
  });

  it('describeError handles non-errors', () => {
    expect(describeError('plain')).toBe('plain');
    expect(describeError(new Error('m'))).toBe('m');
  });
});

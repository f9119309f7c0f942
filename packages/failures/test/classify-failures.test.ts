import { ConflictError, NotFoundError, PermanentError, TemporaryError } from '@devops/errors';
import { classifyStatus, mayResend, toNetworkError, toStatusError } from '../src';

/** The one table of the suite's failure kinds: every port and the webhook worker rely on it. */
describe('classifyStatus', () => {
  it.each([
    [404, '', 'not-found'],
    [409, '', 'conflict'],
    [400, 'Tag v1.0.0 already exists', 'conflict'],
    [400, '400 (Bad request) "title" not given', 'permanent'],
    [401, '', 'permanent'],
    [403, '', 'permanent'],
    [405, '', 'permanent'],
    [408, '', 'permanent'],
    [410, '', 'permanent'],
    [413, '413 Request Entity Too Large', 'permanent'],
    [422, '', 'permanent'],
    [429, '', 'temporary'],
    [500, '', 'temporary'],
    [501, '', 'temporary'],
    [502, '', 'temporary'],
    [503, '', 'temporary'],
    [504, '', 'temporary'],
    [599, '', 'temporary'],
    [302, '', 'permanent'],
  ])('%i %j -> %s', (status, message, kind) => {
    expect(classifyStatus(status, message)).toBe(kind);
  });

  it.each([
    [404, NotFoundError],
    [409, ConflictError],
    [429, TemporaryError],
    [503, TemporaryError],
    [403, PermanentError],
  ])('toStatusError(%i) is a %p carrying the status', (status, kind) => {
    const err = toStatusError(status, `GitLab GET /x answered ${status}`);
    expect(err).toBeInstanceOf(kind);
    expect((err as unknown as { details: { status?: number } }).details.status).toBe(status);
    expect(err.message).toBe(`GitLab GET /x answered ${status}`);
  });

  it('keeps the server wait on a temporary answer only', () => {
    expect((toStatusError(429, 'x', { retryAfterMs: 7000 }) as TemporaryError).details.retryAfterMs).toBe(
      7000,
    );
    expect(toStatusError(400, 'x', { retryAfterMs: 7000 })).toBeInstanceOf(PermanentError);
  });
});

const withCode = (code: string, message = 'boom') => Object.assign(new Error(message), { code });
const fetchFailed = (code: string) => new TypeError('fetch failed', { cause: withCode(code) });

describe('toNetworkError', () => {
  it.each([
    ['ECONNRESET on the error (axios)', withCode('ECONNRESET'), TemporaryError, 'ECONNRESET'],
    ['ECONNREFUSED under fetch', fetchFailed('ECONNREFUSED'), TemporaryError, 'ECONNREFUSED'],
    ['UND_ERR_SOCKET under fetch', fetchFailed('UND_ERR_SOCKET'), TemporaryError, 'UND_ERR_SOCKET'],
    [
      'UND_ERR_CONNECT_TIMEOUT',
      fetchFailed('UND_ERR_CONNECT_TIMEOUT'),
      TemporaryError,
      'UND_ERR_CONNECT_TIMEOUT',
    ],
    [
      'UND_ERR_HEADERS_TIMEOUT',
      fetchFailed('UND_ERR_HEADERS_TIMEOUT'),
      TemporaryError,
      'UND_ERR_HEADERS_TIMEOUT',
    ],
    ['ENOTFOUND', withCode('ENOTFOUND'), TemporaryError, 'ENOTFOUND'],
    [
      'every address refused (AggregateError under fetch)',
      new TypeError('fetch failed', {
        cause: new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
      }),
      TemporaryError,
      'ECONNREFUSED',
    ],
    [
      'a premature close',
      withCode('ERR_STREAM_PREMATURE_CLOSE'),
      TemporaryError,
      'ERR_STREAM_PREMATURE_CLOSE',
    ],
    ['a TLS certificate problem', fetchFailed('CERT_HAS_EXPIRED'), PermanentError, 'CERT_HAS_EXPIRED'],
    ['a bad URL (no code)', new TypeError('Invalid URL'), PermanentError, undefined],
  ])('%s', (_name, err, kind, code) => {
    const sorted = toNetworkError(err, 'GitLab GET /api/v4/projects/1');
    expect(sorted).toBeInstanceOf(kind);
    expect(sorted.message).toMatch(/^GitLab GET \/api\/v4\/projects\/1 failed/);
    expect((sorted as TemporaryError).details.cause).toEqual(code ? { code } : undefined);
  });

  it.each([
    [
      'an AbortSignal.timeout',
      Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }),
    ],
    ['axios ECONNABORTED', withCode('ECONNABORTED', 'timeout of 200ms exceeded')],
  ])('%s is a temporary timeout', (_name, err) => {
    const sorted = toNetworkError(err, 'Freshdesk GET https://x/api', { timeoutMs: 200 });
    expect(sorted).toBeInstanceOf(TemporaryError);
    expect(sorted.message).toBe(
      'Freshdesk GET https://x/api timed out after 200 ms without an answer (request timeout)',
    );
  });

  it('"socket hang up" without a code is a connection closed early', () => {
    expect(toNetworkError(new Error('socket hang up'), 'X')).toBeInstanceOf(TemporaryError);
  });

  it('never keeps the original error, which may hold credentials', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      config: { auth: { username: 'SECRET-KEY' } },
    });
    const sorted = toNetworkError(err, 'Freshdesk GET /api');
    expect(JSON.stringify({ ...sorted, cause: sorted.cause, message: sorted.message })).not.toContain(
      'SECRET',
    );
  });
});

describe('mayResend: the POST-resend rule', () => {
  const temp = (details: ConstructorParameters<typeof TemporaryError>[1]) => new TemporaryError('t', details);
  it.each([
    ['GET', temp({ status: 500 }), true],
    ['PUT', temp({ cause: { code: 'ECONNRESET' } }), true],
    ['DELETE', temp({}), true],
    ['POST', temp({ status: 429 }), true],
    ['POST', temp({ status: 502 }), true],
    ['POST', temp({ status: 503 }), true],
    ['POST', temp({ status: 500 }), false],
    ['POST', temp({ status: 504 }), false],
    ['POST', temp({ cause: { code: 'ECONNREFUSED' } }), true],
    ['POST', temp({ cause: { code: 'UND_ERR_CONNECT_TIMEOUT' } }), true],
    ['post', temp({ cause: { code: 'ENOTFOUND' } }), true],
    ['POST', temp({ cause: { code: 'ECONNRESET' } }), false],
    ['POST', temp({ cause: { code: 'UND_ERR_SOCKET' } }), false],
    ['POST', temp({}), false],
    ['PATCH', temp({ status: 500 }), false],
  ])('%s after %p -> %s', (method, err, expected) => {
    expect(mayResend(method, err)).toBe(expected);
  });
});

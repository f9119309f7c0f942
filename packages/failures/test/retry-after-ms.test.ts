import { retryAfterMs } from '../src';

const NOW = Date.UTC(2026, 0, 5, 11, 0, 0); // Mon, 05 Jan 2026 11:00:00 GMT
const NOW_S = NOW / 1000;

describe('retryAfterMs', () => {
  it.each([
    ['Retry-After in seconds', { 'retry-after': '30' }, 30_000],
    ['Retry-After with spaces and a fraction', { 'Retry-After': ' 1.5 ' }, 1_500],
    ['Retry-After 0', { 'retry-after': '0' }, 0],
    ['Retry-After as an HTTP date', { 'retry-after': 'Mon, 05 Jan 2026 11:00:42 GMT' }, 42_000],
    ['Retry-After as a date already past', { 'retry-after': 'Mon, 05 Jan 2026 10:59:00 GMT' }, 0],
    ['Retry-After as a number (axios may)', { 'retry-after': 7 }, 7_000],
    ['Retry-After repeated', { 'retry-after': ['3', '9'] }, 3_000],
    [
      'Retry-After wins over RateLimit-Reset',
      { 'retry-after': '5', 'ratelimit-reset': String(NOW_S + 60) },
      5_000,
    ],
    ['GitLab RateLimit-Reset (Unix seconds)', { 'RateLimit-Reset': String(NOW_S + 42) }, 42_000],
    ['RateLimit-Reset already past', { 'ratelimit-reset': String(NOW_S - 10) }, 0],
    ['IETF RateLimit-Reset (delta-seconds)', { 'ratelimit-reset': '17' }, 17_000],
    [
      'unreadable Retry-After falls back to RateLimit-Reset',
      { 'retry-after': 'soon', 'ratelimit-reset': '3' },
      3_000,
    ],
    ['unreadable Retry-After alone', { 'retry-after': 'soon' }, undefined],
    ['negative RateLimit-Reset', { 'ratelimit-reset': '-5' }, undefined],
    ['empty Retry-After', { 'retry-after': '' }, undefined],
    ['neither header', { 'content-type': 'text/plain' }, undefined],
  ])('%s', (_name, headers, expected) => {
    expect(retryAfterMs(headers, NOW)).toBe(expected);
  });

  it('reads fetch Headers', () => {
    expect(retryAfterMs(new Headers({ 'RateLimit-Reset': String(NOW_S + 8) }), NOW)).toBe(8_000);
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });
});

import { normalizeContentType } from '../src/copy/normalize-content-type';

describe('normalizeContentType: type/subtype or nothing', () => {
  it.each([
    ['text/plain', 'text/plain'],
    ['Image/PNG', 'image/png'],
    ['text/plain; charset=utf-8', 'text/plain'],
    [
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ],
    ['  application/pdf  ', 'application/pdf'],
  ])('%j → %j', (given, expected) => {
    expect(normalizeContentType(given)).toBe(expected);
  });

  it.each([
    ['text/plain\r\nX-Injected: 1'],
    ['text/plain\n'],
    ['text'],
    ['text/'],
    ['/plain'],
    ['text/plain/extra'],
    ['text /plain'],
    ['text/pl ain'],
    ['te"xt/plain'],
    [''],
    [null],
    [undefined],
  ])('%j is dropped', (given) => {
    expect(normalizeContentType(given)).toBeUndefined();
  });
});

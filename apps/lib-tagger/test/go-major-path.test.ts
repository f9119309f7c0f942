import { checkGoMajorPath } from '../src/go/check-go-major-path';
import { parseGoModulePath } from '../src/go/parse-go-module-path';

describe('parseGoModulePath', () => {
  it.each([
    ['module example.com/lib\n\ngo 1.22\n', 'example.com/lib'],
    ['// comment\nmodule example.com/lib/v2 // trailing\n', 'example.com/lib/v2'],
    ['module "example.com/quoted/v3"\n', 'example.com/quoted/v3'],
    ['module `example.com/raw`\n', 'example.com/raw'],
    ['\r\nmodule example.com/crlf/v2\r\ngo 1.21\r\n', 'example.com/crlf/v2'],
    ['  module   example.com/spaces  \n', 'example.com/spaces'],
    ['go 1.22\nrequire x.y/z v1.0.0\n', null],
    ['// module example.com/commented\n', null],
    ['', null],
  ])('%j → %j', (text, expected) => {
    expect(parseGoModulePath(text)).toBe(expected);
  });
});

describe('checkGoMajorPath', () => {
  const check = (goMod: string | null, major: number, tag = `v${major}.0.0`) =>
    checkGoMajorPath(goMod, { major, tag, goModPath: 'go.mod' });

  it.each([
    ['module example.com/lib\n', 0, true],
    ['module example.com/lib\n', 1, true],
    ['module example.com/lib/v2\n', 1, true], // below v2 the rule is not checked
    ['module example.com/lib/v2\n', 2, true],
    ['module example.com/lib/v3\n', 3, true],
    ['module example.com/lib\n', 2, false],
    ['module example.com/lib/v2\n', 3, false],
    ['module example.com/lib/v22\n', 2, false],
    ['module example.com/libv2\n', 2, false],
    ['module gopkg.in/yaml.v3\n', 3, true],
    ['module gopkg.in/yaml.v2\n', 3, false],
    ['go 1.22\n', 2, false],
  ])('%j at major %d → ok=%s', (goMod, major, ok) => {
    expect(check(goMod, major).ok).toBe(ok);
  });

  it('accepts a commit without go.mod (not a Go module) and says so', () => {
    const result = check(null, 2);
    expect(result.ok).toBe(true);
    expect(result.ok && result.note).toContain('go.mod does not exist');
  });

  it('explains what the module line should be', () => {
    const result = check('module example.com/lib\n', 2);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain('v2.0.0');
      expect(result.reason).toContain('module example.com/lib"');
      expect(result.reason).toContain('"module example.com/lib/v2"');
    }
  });

  it('replaces an old major suffix in the suggestion', () => {
    const result = check('module example.com/lib/v2\n', 3);
    expect(!result.ok && result.reason).toContain('"module example.com/lib/v3"');
  });

  it('uses .vN for gopkg.in paths', () => {
    const result = check('module gopkg.in/yaml.v2\n', 3);
    expect(!result.ok && result.reason).toContain('"module gopkg.in/yaml.v3"');
  });
});

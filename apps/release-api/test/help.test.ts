import { execFileSync } from 'node:child_process';
import path from 'node:path';

describe('release-api --help', () => {
  it('prints usage and every setting, exit 0', () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, '../dist/main.js'), '--help'], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(out).toContain('node apps/release-api/dist/main.js');
    expect(out).toContain('LOG_LEVEL');
  });
});

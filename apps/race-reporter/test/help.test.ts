import { execFileSync } from 'node:child_process';
import path from 'node:path';

describe('race-reporter --help', () => {
  it('prints usage and every setting, exit 0', () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, '../dist/main.js'), '--help'], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(out).toContain('node apps/race-reporter/dist/main.js');
    expect(out).toContain('LOG_LEVEL');
  });
});

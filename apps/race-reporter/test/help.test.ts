import { execFileSync } from 'node:child_process';
import path from 'node:path';

describe('race-reporter --help', () => {
  it('prints usage and every setting, exit 0', () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, '../dist/main.js'), '--help'], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(out).toContain('node apps/race-reporter/dist/main.js');
    for (const name of [
      'LOG_LEVEL',
      'RACE_REPORTER_LOGS',
      'RACE_REPORTER_STATE',
      'RACE_REPORTER_HOST',
      'RACE_REPORTER_PUSHGATEWAY_URL',
      'RACE_REPORTER_METRICS_FILE',
    ])
      expect(out).toContain(name);
  });
});

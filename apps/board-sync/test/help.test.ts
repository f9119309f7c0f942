import { execFileSync } from 'node:child_process';
import path from 'node:path';

describe('board-sync --help', () => {
  it('prints usage and every setting, exit 0', () => {
    const out = execFileSync(process.execPath, [path.join(__dirname, '../dist/main.js'), '--help'], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    expect(out).toContain('node apps/board-sync/dist/main.js');
    expect(out).toContain('LOG_LEVEL');
    expect(out).toContain('WEBHOOK_HOLD_MAX');
    expect(out).toContain('dead-letters list [--json] | show <id> [--json] | replay <id>|--all');
  });
});

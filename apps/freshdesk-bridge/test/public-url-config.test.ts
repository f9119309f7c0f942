import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const MAIN = path.join(__dirname, '../dist/main.js');

/** The bridge started as a process with every required setting valid except the one under test. */
function start(publicUrl: string) {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-config-')); // no .env there
  try {
    return spawnSync(process.execPath, [MAIN], {
      cwd,
      encoding: 'utf8',
      timeout: 20_000,
      env: {
        PATH: process.env.PATH ?? '',
        FRESHDESK_URL: 'https://acme.freshdesk.com',
        FRESHDESK_API_KEY: 'fd-key-0123456789abcdef',
        GITLAB_URL: 'https://gitlab.example.com',
        GITLAB_TOKEN: 'glpat-0123456789abcdef',
        BRIDGE_GITLAB_PROJECT: 'support/escalations',
        BRIDGE_API_KEYS: 'bridge-key-0123456789abcdef',
        BRIDGE_PUBLIC_URL: publicUrl,
        PORT: '0',
      },
    });
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

describe('BRIDGE_PUBLIC_URL (the userscript sends the API key there)', () => {
  it.each(['http://bridge.example.com', 'http://10.0.0.5:3002', 'http://0.0.0.0:3002'])(
    '%s (plain http off loopback) is a configuration error: exit 78 naming the variable',
    (value) => {
      const run = start(value);
      const out = run.stdout + run.stderr;
      expect({ status: run.status, out }).toEqual({ status: 78, out: expect.any(String) });
      expect(out).toContain('BRIDGE_PUBLIC_URL');
      expect(out).toContain('must be an https:// URL (plain http:// only for a loopback host');
      // nothing else was wrong, and no secret is echoed
      expect(out).not.toMatch(/FRESHDESK_URL|GITLAB_URL|BRIDGE_API_KEYS/);
      expect(out).not.toContain('bridge-key-0123456789abcdef');
    },
  );
});

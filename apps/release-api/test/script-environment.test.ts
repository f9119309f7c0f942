import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { scriptEnvironment } from '../src/releases/script/script-environment';
import { tempDir } from '@devops/testkit';
import { SECRET, gzipData, releaseParts, upload } from './helpers';

const MAIN = path.join(__dirname, '../dist/main.js');

/** Secrets and settings of this service and of the suite's other apps, as compose would hand them to every service. */
const FOREIGN = {
  RELEASE_SHARED_SECRET: SECRET,
  RELEASE_MAX_UNVERIFIED: '16',
  GITLAB_TOKEN: 'glpat-not-for-the-script-0001',
  GITLAB_WEBHOOK_SECRET: 'webhook-secret-not-for-the-script',
  FRESHDESK_API_KEY: 'freshdesk-key-not-for-the-script',
  BRIDGE_API_KEYS: 'bridge-key-not-for-the-script-1',
  POSTGRES_PASSWORD: 'database-password-not-for-the-script',
  DATABASE_URL: '',
  AWS_SECRET_ACCESS_KEY: 'aws-not-for-the-script',
};

/** Starts dist/main.js as a real process with `env` only; resolves with its URL once it listens. */
async function startService(
  env: Record<string, string>,
  cwd: string,
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [MAIN], { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on [^:]+:(\d+)/.exec(out);
      if (m) resolve(`http://127.0.0.1:${m[1]}`);
    });
    child.once('exit', (code) => reject(new Error(`release-api exited ${code}: ${out}`)));
  });
  return { url, child };
}

describe('the release script sees only PATH, HOME, LANG, TZ, RELEASE_<KEY> and RELEASE_SCRIPT_ENV', () => {
  it('a real service started with other secrets in its environment: the script prints exactly the allowlist', async () => {
    const work = tempDir('scriptenv');
    const printed = path.join(work, 'env.json');
    const script = path.join(work, 'print-env');
    // The runtime itself as interpreter: a shell would add variables of its own (PWD).
    fs.writeFileSync(
      script,
      `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(printed)}, JSON.stringify(process.env));\n`,
      { mode: 0o755 },
    );
    const productsFile = path.join(work, 'products.json');
    fs.writeFileSync(productsFile, JSON.stringify({ products: { app: { requiredFields: [], script } } }));
    const env = {
      ...FOREIGN,
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      LANG: 'C.UTF-8',
      TZ: 'Europe/Berlin',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      RELEASE_DIR: path.join(work, 'releases'),
      RELEASE_PRODUCTS_FILE: productsFile,
      RELEASE_SCRIPT_ENV: 'DEPLOY_TARGET, UNSET_ONE',
      DEPLOY_TARGET: 'staging',
    };
    const { url, child } = await startService(env, work);
    try {
      const data = gzipData(1000);
      const res = await upload(url, releaseParts(data, { fields: [['channel', 'stable']] }));
      expect(res.status).toBe(201);
      const seen = JSON.parse(fs.readFileSync(printed, 'utf8')) as Record<string, string>;
      expect(Object.keys(seen).sort()).toEqual(
        [
          'DEPLOY_TARGET',
          'HOME',
          'LANG',
          'PATH',
          'TZ',
          'RELEASE_CHANNEL',
          'RELEASE_FILE',
          'RELEASE_MD5',
          'RELEASE_PRODUCT',
          'RELEASE_SHA256',
          'RELEASE_SIZE',
          'RELEASE_VERSION',
        ].sort(),
      );
      expect(seen).toMatchObject({
        DEPLOY_TARGET: 'staging',
        TZ: 'Europe/Berlin',
        HOME: work,
        RELEASE_CHANNEL: 'stable',
      });
      // The secrets' values appear nowhere (a short non-secret value such as '16' may turn up by chance inside
      // a checksum or a temp dir's name: its key's absence is checked above).
      for (const value of Object.values(FOREIGN).filter((v) => v.length >= 16)) {
        expect(JSON.stringify(seen)).not.toContain(value);
        expect(res.text).not.toContain(value);
      }
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });

  it('scriptEnvironment takes nothing but the allowlist, DATABASE_URL and the shared secret included', () => {
    const env = {
      ...FOREIGN,
      DATABASE_URL: 'postgres://u:pw@db/x',
      PATH: '/bin',
      LANG: 'C',
      EXTRA: 'x',
      OTHER: 'y',
    };
    expect(scriptEnvironment(env, ['EXTRA', 'MISSING'])).toEqual({ PATH: '/bin', LANG: 'C', EXTRA: 'x' });
  });

  it.each([
    ['RELEASE_SHARED_SECRET', "this service's own setting"],
    ['DATABASE_URL', "this service's own setting"],
    ['RELEASE_ANYTHING', "this service's own setting"],
    ['NOT-A-NAME', 'is not a variable name'],
  ])(
    'RELEASE_SCRIPT_ENV naming %s is a configuration error (78) that never shows the secret',
    async (name, why) => {
      const work = tempDir('scriptenv-bad');
      const result = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          [MAIN],
          {
            cwd: work,
            env: {
              PATH: process.env.PATH ?? '',
              RELEASE_SHARED_SECRET: SECRET,
              RELEASE_SCRIPT_ENV: `HOME,${name}`,
            },
          },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
      expect(result.code).toBe(78);
      expect(result.stderr + result.stdout).toContain('RELEASE_SCRIPT_ENV');
      expect(result.stderr + result.stdout).toContain(why);
      expect(result.stderr + result.stdout).not.toContain(SECRET);
    },
  );
});

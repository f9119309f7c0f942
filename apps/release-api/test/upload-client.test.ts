import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { tempDir } from '@devops/testkit';
import { SECRET, gzipData, md5, sha256, startServer, type TestServer } from './helpers';

const UPLOAD = path.join(__dirname, '../dist/upload.js');

function runUpload(args: string[], env: Record<string, string> = { RELEASE_SHARED_SECRET: SECRET }) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [UPLOAD, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, cwd: tempDir('cwd') },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

describe('the upload client (dist/upload.js) against the real server', () => {
  let server: TestServer;
  let file: string;
  let data: Buffer;
  beforeAll(async () => {
    server = await startServer({ products: { products: { app: { requiredFields: ['channel'] } } } });
    data = gzipData(3 * 1024 * 1024 + 17);
    file = path.join(tempDir('file'), 'app-9.9.9.tgz');
    fs.writeFileSync(file, data);
  });
  afterAll(async () => {
    await server.close();
  });

  it('uploads: exit 0, prints the 201 JSON; the stored bytes are the file; then 200 with exit 0', async () => {
    const args = [
      '--url',
      server.url,
      '--product',
      'app',
      '--version',
      '9.9.9',
      '--field',
      'channel=stable',
      '--field',
      'note=a=b',
      file,
    ];
    const first = await runUpload(args);
    expect(first.code).toBe(0);
    const json = JSON.parse(first.stdout);
    expect(json).toMatchObject({
      product: 'app',
      version: '9.9.9',
      md5: md5(data),
      sha256: sha256(data),
      size: data.length,
    });
    expect(fs.readFileSync(path.join(server.dir, 'app', '9.9.9', 'app-9.9.9.tgz')).equals(data)).toBe(true);
    const record = JSON.parse(fs.readFileSync(path.join(server.dir, 'app', '9.9.9', 'release.json'), 'utf8'));
    expect(record.fields).toEqual({ channel: 'stable', note: 'a=b' });
    expect(first.stderr).not.toContain(SECRET);
    expect(first.stderr).not.toContain('['); // no progress bar: stderr is not a terminal

    const again = await runUpload(args);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).md5).toBe(md5(data));
  });

  it('exit 1 and the server JSON on a refusal (409 other content, 400 missing field, 401 wrong secret, 404)', async () => {
    const other = path.join(tempDir('other'), 'x.tgz');
    fs.writeFileSync(other, gzipData(1000));
    const conflict = await runUpload([
      '--url',
      server.url,
      '--product',
      'app',
      '--version',
      '9.9.9',
      '--field',
      'channel=x',
      other,
    ]);
    expect(conflict.code).toBe(1);
    expect(JSON.parse(conflict.stdout).error).toContain('other content');

    const missing = await runUpload(['--url', server.url, '--product', 'app', '--version', '1.0.0', other]);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout).details).toEqual([
      { field: 'channel', problem: 'required for this product' },
    ]);

    const wrong = await runUpload(
      ['--url', server.url, '--product', 'app', '--version', '1.0.1', '--field', 'channel=x', file],
      {
        RELEASE_SHARED_SECRET: 'not-the-secret-0123456789',
      },
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('no valid shared secret');

    const unknown = await runUpload(['--url', server.url, '--product', 'nope', '--version', '1.0.1', file]);
    expect(unknown.code).toBe(1);
    expect(fs.existsSync(path.join(server.dir, 'app', '1.0.1'))).toBe(false);
  });

  it('exit 78 without the secret or required flags; exit 1 when the server cannot be reached', async () => {
    const noSecret = await runUpload(['--url', server.url, '--product', 'app', '--version', '1', file], {});
    expect(noSecret.code).toBe(78);
    expect(noSecret.stderr).toContain('RELEASE_SHARED_SECRET');
    const noFlags = await runUpload([file]);
    expect(noFlags.code).toBe(78);
    expect(noFlags.stderr).toContain('--url');
    const down = await runUpload([
      '--retries',
      '0',
      '--url',
      'http://127.0.0.1:1',
      '--product',
      'app',
      '--version',
      '1',
      '--field',
      'channel=x',
      file,
    ]);
    expect(down.code).toBe(1);
  });
});

/**
 * A front for the server, as a proxy in trouble: the first `refuse` requests are answered 502
 * (Retry-After: 0) once their whole body is read (`502`), or their connection is cut after 64 KiB
 * of it (`cut`: a replica that died mid-upload); the rest are passed on.
 */
async function startFlakyFront(target: string, refuse: number, how: '502' | 'cut') {
  let seen = 0;
  const server = http.createServer((req, res) => {
    seen++;
    if (seen <= refuse) {
      let read = 0;
      req.on('data', (c: Buffer) => {
        read += c.length;
        if (how === 'cut' && read >= 64 * 1024) req.socket.destroy();
      });
      req.on('end', () => {
        res.writeHead(502, { 'content-type': 'text/plain', 'retry-after': '0', connection: 'close' });
        res.end('Bad Gateway\n');
      });
      return;
    }
    const out = http.request(
      `${target}${req.url}`,
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen: () => seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the upload client when a proxy answers 502 (a replica died under it)', () => {
  let server: TestServer;
  let file: string;
  let data: Buffer;
  beforeAll(async () => {
    server = await startServer({ products: { products: { app: {} } } });
    data = gzipData(512 * 1024 + 3);
    file = path.join(tempDir('file'), 'app.tgz');
    fs.writeFileSync(file, data);
  });
  afterAll(async () => {
    await server.close();
  });

  it('sends the release again and publishes it once: exit 0, the stored bytes are the file', async () => {
    const front = await startFlakyFront(server.url, 2, '502');
    try {
      const run = await runUpload(['--url', front.url, '--product', 'app', '--version', '2.0.0', file]);
      expect(run.code).toBe(0);
      expect(front.seen()).toBe(3);
      expect(JSON.parse(run.stdout)).toMatchObject({ version: '2.0.0', md5: md5(data), size: data.length });
      expect(fs.readFileSync(path.join(server.dir, 'app', '2.0.0', 'app-2.0.0.tgz')).equals(data)).toBe(true);
      expect(run.stderr).toContain('release-api answered 502; retrying in');
      expect(run.stderr).not.toContain(SECRET);
    } finally {
      await front.close();
    }
  });

  it('sends it again when the connection was cut before the end of the upload', async () => {
    const big = path.join(tempDir('big'), 'app.tgz');
    fs.writeFileSync(big, gzipData(16 * 1024 * 1024)); // far more than socket buffers hold
    const front = await startFlakyFront(server.url, 1, 'cut');
    try {
      const run = await runUpload(['--url', front.url, '--product', 'app', '--version', '2.0.3', big]);
      expect(run.code).toBe(0);
      expect(front.seen()).toBe(2);
      expect(run.stderr).toContain('before the end of the upload: nothing was published); retrying in');
      expect(
        fs.readFileSync(path.join(server.dir, 'app', '2.0.3', 'app-2.0.3.tgz')).equals(fs.readFileSync(big)),
      ).toBe(true);
    } finally {
      await front.close();
    }
  });

  it('with --retries 0: exit 1 with the proxy answer printed, and nothing published', async () => {
    const front = await startFlakyFront(server.url, 1, '502');
    try {
      const run = await runUpload([
        '--retries',
        '0',
        '--url',
        front.url,
        '--product',
        'app',
        '--version',
        '2.0.1',
        file,
      ]);
      expect(run.code).toBe(1);
      expect(front.seen()).toBe(1);
      expect(run.stdout).toBe('Bad Gateway\n');
      expect(fs.existsSync(path.join(server.dir, 'app', '2.0.1'))).toBe(false);
    } finally {
      await front.close();
    }
  });

  it('refuses a --retries that is not a whole number from 0 to 20 (exit 78), publishing nothing', async () => {
    for (const bad of ['many', '', '1e1', '21', '-1']) {
      const run = await runUpload([
        `--retries=${bad}`,
        '--url',
        server.url,
        '--product',
        'app',
        '--version',
        '2.0.2',
        file,
      ]);
      expect({ bad, code: run.code }).toEqual({ bad, code: 78 });
      expect(run.stderr).toContain('--retries');
    }
    expect(fs.existsSync(path.join(server.dir, 'app', '2.0.2'))).toBe(false);
  });
});

describe('the upload client --list', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      products: {
        products: { app: { requiredFields: [] }, failing: { requiredFields: [], script: '/bin/false' } },
      },
    });
    const dir = tempDir('list');
    for (const [product, version, code] of [
      ['app', '1.0.0', 0],
      ['failing', '3.1.4', 1],
      ['app', '1.1.0', 0],
    ] as const) {
      const file = path.join(dir, `${product}-${version}.tgz`);
      fs.writeFileSync(file, gzipData(2048));
      const res = await runUpload(['--url', server.url, '--product', product, '--version', version, file]);
      expect([product, version, res.code]).toEqual([product, version, code]);
    }
  });
  afterAll(async () => {
    await server.close();
  });

  it('prints a table, newest first, with the failed script shown as such; --product filters; --json', async () => {
    const table = await runUpload(['--url', server.url, '--list']);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PRODUCT\s+VERSION\s+PUBLISHED\s+SIZE\s+STATUS\s+SCRIPT\s+MD5$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual([
      'app 1.1.0',
      'failing 3.1.4',
      'app 1.0.0',
    ]);
    expect(lines[2]).toMatch(/script-failed\s+exit 1 in \d+\.\d s/);
    expect(lines[1]).toMatch(/published\s+-\s+[0-9a-f]{32}$/);

    const apps = await runUpload(['--url', server.url, '--list', '--product', 'app', '--json']);
    expect(apps.code).toBe(0);
    const json = JSON.parse(apps.stdout) as { product: string; version: string; size: number }[];
    expect(json.map((r) => `${r.product}@${r.version}`)).toEqual(['app@1.1.0', 'app@1.0.0']);
    expect(json[0]!.size).toBe(fs.statSync(path.join(server.dir, 'app', '1.1.0', 'app-1.1.0.tgz')).size);
  });

  it('exit 1 with the server message on a wrong secret; 78 without --url', async () => {
    const wrong = await runUpload(['--url', server.url, '--list'], {
      RELEASE_SHARED_SECRET: 'not-the-secret-0123456789',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toBe('');
    expect(wrong.stderr).toContain('401');
    const noUrl = await runUpload(['--list']);
    expect(noUrl.code).toBe(78);
    expect(noUrl.stderr).toContain('--url');
  });
});

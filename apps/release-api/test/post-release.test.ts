import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { waitFor, tempDir } from '@devops/testkit';
import {
  SECRET,
  gzipData,
  isRunning,
  listTree,
  md5,
  multipart,
  post,
  releaseParts,
  sha256,
  startServer,
  upload,
  writeScript,
  type TestServer,
} from './helpers';

describe('POST /releases: the response table', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('201: stores the artifact, release.env and release.json; the body describes it', async () => {
    const data = gzipData(300_000);
    const res = await upload(
      server.url,
      releaseParts(data, { product: 'app', version: '2.3.4', fields: [['channel', 'stable']] }),
    );
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      product: 'app',
      version: '2.3.4',
      md5: md5(data),
      sha256: sha256(data),
      size: data.length,
      artifact: 'app/2.3.4/app-2.3.4.tgz',
      script: null,
    });
    const dir = path.join(server.dir, 'app', '2.3.4');
    expect(fs.readFileSync(path.join(dir, 'app-2.3.4.tgz')).equals(data)).toBe(true);
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'release.json'), 'utf8'));
    expect(record).toMatchObject({
      md5: md5(data),
      size: data.length,
      status: 'published',
      fields: { channel: 'stable' },
    });
    expect(fs.readFileSync(path.join(dir, 'release.env'), 'utf8')).toBe(
      [
        "RELEASE_PRODUCT='app'",
        "RELEASE_VERSION='2.3.4'",
        `RELEASE_MD5='${md5(data)}'`,
        `RELEASE_SHA256='${sha256(data)}'`,
        `RELEASE_SIZE='${data.length}'`,
        "RELEASE_FILE='app-2.3.4.tgz'",
        "RELEASE_CHANNEL='stable'",
        '',
      ].join('\n'),
    );
    expect(listTree(server.dir)).toEqual([
      'app/',
      'app/2.3.4/',
      'app/2.3.4/app-2.3.4.tgz',
      'app/2.3.4/release.env',
      'app/2.3.4/release.json',
    ]);
  });

  it('201 with the secret in Authorization: Bearer and an upper-case md5 and a matching sha256', async () => {
    const data = gzipData(10_000);
    const parts = releaseParts(data, {
      secret: null,
      md5: md5(data).toUpperCase(),
      fields: [['sha256', sha256(data)]],
    });
    const res = await upload(server.url, parts, { Authorization: `Bearer ${SECRET}` });
    expect(res.status).toBe(201);
    expect(res.json.md5).toBe(md5(data));
  });

  it('200: the same product+version+md5 again writes nothing', async () => {
    const data = gzipData(50_000);
    expect((await upload(server.url, releaseParts(data))).status).toBe(201);
    const json = path.join(server.dir, 'app', '1.0.0', 'release.json');
    const before = fs.statSync(json).mtimeMs;
    const beforeText = fs.readFileSync(json, 'utf8');
    // A rewrite from now on would show in the mtime: wait until a fresh write gets a later one.
    const probe = path.join(tempDir('mtime'), 'probe');
    await waitFor(
      () => (fs.writeFileSync(probe, ''), fs.statSync(probe).mtimeMs > before),
      5000,
      'the clock to pass the mtime',
    );
    const again = await upload(server.url, releaseParts(data));
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ md5: md5(data), size: data.length });
    expect(fs.statSync(json).mtimeMs).toBe(before);
    expect(fs.readFileSync(json, 'utf8')).toBe(beforeText);
    expect(listTree(server.dir)).toEqual([
      'app/',
      'app/1.0.0/',
      'app/1.0.0/app-1.0.0.tgz',
      'app/1.0.0/release.env',
      'app/1.0.0/release.json',
    ]);
  });

  it('409: the same version with other content', async () => {
    const first = gzipData(20_000);
    expect((await upload(server.url, releaseParts(first))).status).toBe(201);
    const other = gzipData(20_000);
    const res = await upload(server.url, releaseParts(other));
    expect(res.status).toBe(409);
    expect(String(res.json.error)).toContain('other content');
    expect(fs.readFileSync(path.join(server.dir, 'app', '1.0.0', 'app-1.0.0.tgz')).equals(first)).toBe(true);
  });

  it('409: while an upload of that version is in progress; the first one still completes', async () => {
    const data = gzipData(200_000);
    const { body, contentType } = multipart(releaseParts(data));
    // The first client sends everything but the last 1000 bytes, then waits.
    const sock = net.connect(server.port, '127.0.0.1');
    const replies: Buffer[] = [];
    sock.on('data', (c: Buffer) => replies.push(c));
    sock.write(
      `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    sock.write(body.subarray(0, body.length - 1000));
    // Its file is being staged: the version was locked before (admission comes first).
    await waitFor(
      () => listTree(server.dir).some((f) => f.endsWith('.tgz')),
      10_000,
      'the first upload to stage its file',
    );
    const second = await upload(server.url, releaseParts(data));
    expect(second.status).toBe(409);
    expect(String(second.json.error)).toContain('in progress');
    sock.write(body.subarray(body.length - 1000));
    await waitFor(() => Buffer.concat(replies).toString().includes('\r\n\r\n{'), 10_000, 'the answer');
    sock.destroy();
    expect(Buffer.concat(replies).toString()).toMatch(/^HTTP\/1.1 201/);
    expect(fs.readFileSync(path.join(server.dir, 'app', '1.0.0', 'app-1.0.0.tgz')).equals(data)).toBe(true);
  });

  it('422: md5 mismatch answers {error, expected, actual, bytes} and keeps nothing', async () => {
    const data = gzipData(40_000);
    const wrong = 'ab'.repeat(16);
    const res = await upload(server.url, releaseParts(data, { md5: wrong }));
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ expected: wrong, actual: md5(data), bytes: data.length });
    expect(typeof res.json.error).toBe('string');
    expect(listTree(server.dir)).toEqual([]);
  });

  it('422: sha256 mismatch', async () => {
    const data = gzipData(40_000);
    const wrong = 'cd'.repeat(32);
    const res = await upload(server.url, releaseParts(data, { fields: [['sha256', wrong]] }));
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ expected: wrong, actual: sha256(data), bytes: data.length });
    expect(listTree(server.dir)).toEqual([]);
  });

  it.each([
    ['missing product', (d: Buffer) => releaseParts(d).filter((p) => p.name !== 'product'), 'product'],
    ['bad version', (d: Buffer) => releaseParts(d, { version: '../etc' }), 'version'],
    ['version too long', (d: Buffer) => releaseParts(d, { version: `1${'0'.repeat(64)}` }), 'version'],
    ['md5 not hex', (d: Buffer) => releaseParts(d, { md5: 'z'.repeat(32) }), 'md5'],
    ['sha256 too short', (d: Buffer) => releaseParts(d, { fields: [['sha256', 'ab']] }), 'sha256'],
    ['bad field name', (d: Buffer) => releaseParts(d, { fields: [['1abc', 'x']] }), '1abc'],
    [
      'field value over 4 KiB',
      (d: Buffer) => releaseParts(d, { fields: [['notes', 'x'.repeat(4097)]] }),
      'notes',
    ],
    ['reserved name', (d: Buffer) => releaseParts(d, { fields: [['size', '1']] }), 'size'],
    [
      'same key twice',
      (d: Buffer) =>
        releaseParts(d, {
          fields: [
            ['Channel', 'a'],
            ['CHANNEL', 'b'],
          ],
        }),
      'CHANNEL',
    ],
    [
      'more than 100 fields',
      (d: Buffer) =>
        releaseParts(d, { fields: Array.from({ length: 101 }, (_, i): [string, string] => [`f${i}`, 'v']) }),
      '(metadata)',
    ],
  ])('400: %s names the field and keeps nothing', async (_name, parts, field) => {
    const data = gzipData(5_000);
    const res = await upload(server.url, parts(data));
    expect(res.status).toBe(400);
    expect(res.json.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(listTree(server.dir)).toEqual([]);
  });

  it('a 4096-byte value and 100 fields are accepted', async () => {
    const data = gzipData(5_000);
    const fields = Array.from({ length: 99 }, (_, i): [string, string] => [`f${i}`, 'v']);
    fields.push(['notes', 'y'.repeat(4096)]);
    const res = await upload(server.url, releaseParts(data, { fields }));
    expect(res.status).toBe(201);
    expect(fs.readFileSync(path.join(server.dir, 'app', '1.0.0', 'release.env'), 'utf8')).toContain(
      `RELEASE_NOTES='${'y'.repeat(4096)}'`,
    );
  });

  it('400: not gzip', async () => {
    const data = Buffer.from('PK\u0003\u0004 this is a zip, not a gzip stream');
    const res = await upload(server.url, releaseParts(data));
    expect(res.status).toBe(400);
    expect(String(res.json.error)).toContain('gzip');
    expect(listTree(server.dir)).toEqual([]);
  });

  it('400: an empty file is not gzip', async () => {
    const res = await upload(server.url, releaseParts(Buffer.alloc(0)));
    expect(res.status).toBe(400);
    expect(listTree(server.dir)).toEqual([]);
  });

  it('400: malformed multipart (body ends without the closing boundary)', async () => {
    const data = gzipData(30_000);
    const { body, contentType } = multipart(releaseParts(data));
    const cut = body.subarray(0, body.length - 200);
    const res = await post(server.url, cut, { 'Content-Type': contentType });
    expect(res.status).toBe(400);
    expect(String(res.json.error)).toContain('malformed multipart');
    expect(listTree(server.dir)).toEqual([]);
  });

  it('400: multipart without a boundary, and a body that is not multipart', async () => {
    const a = await post(server.url, Buffer.from('x'), { 'Content-Type': 'multipart/form-data' });
    expect(a.status).toBe(400);
    const b = await post(server.url, Buffer.from('{}'), { 'Content-Type': 'application/json' });
    expect(b.status).toBe(400);
    expect(b.json).toHaveProperty('details');
  });

  it('400: no file part', async () => {
    const res = await upload(
      server.url,
      releaseParts(gzipData(10)).filter((p) => p.name !== 'file'),
    );
    expect(res.status).toBe(400);
    expect(res.json.details).toEqual(expect.arrayContaining([{ field: 'file', problem: 'missing' }]));
  });

  it('400: a field after the file part', async () => {
    const data = gzipData(10_000);
    const res = await upload(server.url, [...releaseParts(data), { name: 'channel', value: 'late' }]);
    expect(res.status).toBe(400);
    expect(res.json.details).toEqual([{ field: 'channel', problem: 'sent after the file part' }]);
    expect(listTree(server.dir)).toEqual([]);
  });

  it('400: two file parts', async () => {
    const data = gzipData(10_000);
    const res = await upload(server.url, [...releaseParts(data), { name: 'file', filename: 'b.tgz', data }]);
    expect(res.status).toBe(400);
    expect(listTree(server.dir)).toEqual([]);
  });

  it('401: no secret, wrong secret field, wrong bearer; nothing written', async () => {
    const data = gzipData(10_000);
    expect((await upload(server.url, releaseParts(data, { secret: null }))).status).toBe(401);
    expect((await upload(server.url, releaseParts(data, { secret: 'nope' }))).status).toBe(401);
    const bearer = await upload(server.url, releaseParts(data, { secret: null }), {
      Authorization: 'Bearer nope',
    });
    expect(bearer.status).toBe(401);
    // a wrong header is not rescued by a right field
    const both = await upload(server.url, releaseParts(data), { Authorization: 'Bearer nope' });
    expect(both.status).toBe(401);
    expect(listTree(server.dir)).toEqual([]);
  });

  it('401: a secret field after the file part is too late', async () => {
    const data = gzipData(10_000);
    const parts = releaseParts(data, { secret: null });
    const res = await upload(server.url, [...parts, { name: 'secret', value: SECRET }]);
    expect(res.status).toBe(401);
    expect(listTree(server.dir)).toEqual([]);
  });

  it('401 at once: a file part without a secret is answered before the rest of the body is sent', async () => {
    const data = gzipData(100_000);
    const { body, contentType } = multipart(releaseParts(data, { secret: null }));
    const sock = net.connect(server.port, '127.0.0.1');
    const reply = new Promise<string>((resolve) => {
      let text = '';
      sock.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('\r\n\r\n{')) resolve(text);
      });
    });
    sock.write(
      `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    // Everything up to and including the first 1000 bytes of the file: the rest is never sent.
    const fileStart = body.indexOf(data.subarray(0, 64));
    sock.write(body.subarray(0, fileStart + 1000));
    const text = await reply;
    expect(text).toMatch(/^HTTP\/1.1 401/);
    sock.destroy();
    expect(listTree(server.dir)).toEqual([]);
  });

  it('413: Content-Length over the limit is refused before the body is read', async () => {
    const small = await startServer({ maxBytes: 1024 * 1024 });
    try {
      const sock = net.connect(small.port, '127.0.0.1');
      const reply = new Promise<string>((resolve) => {
        let text = '';
        sock.on('data', (c: Buffer) => {
          text += c.toString();
          if (text.includes('\r\n\r\n{')) resolve(text);
        });
      });
      sock.write(
        `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=xyz\r\nContent-Length: ${5 * 1024 * 1024}\r\n\r\n`,
      );
      expect(await reply).toMatch(/^HTTP\/1.1 413/);
      sock.destroy();
      expect(listTree(small.dir)).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('413: a file over the limit inside an allowed Content-Length is cut by busboy: refused, never a short artifact', async () => {
    const limit = 256 * 1024;
    const small = await startServer({ maxBytes: limit });
    try {
      const data = gzipData(limit + 10_000);
      const res = await upload(small.url, releaseParts(data));
      expect(res.status).toBe(413);
      expect(listTree(small.dir)).toEqual([]);
      // exactly the limit is fine
      const exact = gzipData(limit - 100);
      expect(exact.length).toBeLessThanOrEqual(limit);
      expect((await upload(small.url, releaseParts(exact))).status).toBe(201);
    } finally {
      await small.close();
    }
  });

  it('413 also when the body is sent chunked (no Content-Length)', async () => {
    const limit = 64 * 1024;
    const small = await startServer({ maxBytes: limit });
    try {
      const data = gzipData(limit * 3);
      const { body, contentType } = multipart(releaseParts(data));
      const res = await post(
        small.url,
        body,
        { 'Content-Type': contentType, 'Transfer-Encoding': 'chunked' },
        '/releases',
        false,
      );
      expect(res.status).toBe(413);
      expect(listTree(small.dir)).toEqual([]);
    } finally {
      await small.close();
    }
  });
});

describe('POST /releases with a products file', () => {
  it('404 for an unknown product, 400 for a missing required field, 201 with it', async () => {
    const server = await startServer({
      products: { products: { app: { requiredFields: ['channel', 'commit'] } } },
    });
    try {
      const data = gzipData(10_000);
      const unknown = await upload(server.url, releaseParts(data, { product: 'other' }));
      expect(unknown.status).toBe(404);
      const missing = await upload(server.url, releaseParts(data, { fields: [['channel', 'stable']] }));
      expect(missing.status).toBe(400);
      expect(missing.json.details).toEqual([{ field: 'commit', problem: 'required for this product' }]);
      expect(listTree(server.dir)).toEqual([]);
      const ok = await upload(
        server.url,
        releaseParts(data, {
          fields: [
            ['channel', 'stable'],
            ['commit', 'abc123'],
          ],
        }),
      );
      expect(ok.status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('runs the script with <tgz> <release.env>, RELEASE_<KEY> env, cwd the version folder; 201 with its result', async () => {
    const out = path.join(tempDir('out'), 'seen.txt');
    const script = writeScript(
      `{ echo "args=$1|$2"; echo "pwd=$(pwd)"; echo "product=$RELEASE_PRODUCT channel=$RELEASE_CHANNEL md5=$RELEASE_MD5"; echo "secret=\${RELEASE_SHARED_SECRET:-unset}"; } > ${out}\necho hello from the script`,
    );
    const server = await startServer({
      products: { products: { app: { requiredFields: ['channel'], script } } },
    });
    try {
      const data = gzipData(10_000);
      const res = await upload(server.url, releaseParts(data, { fields: [['channel', 'beta']] }));
      expect(res.status).toBe(201);
      expect(res.json.script).toMatchObject({ exitCode: 0, output: 'hello from the script\n' });
      const dir = fs.realpathSync(path.join(server.dir, 'app', '1.0.0'));
      const seen = fs.readFileSync(out, 'utf8');
      expect(seen).toContain(
        `args=${path.join(server.dir, 'app', '1.0.0', 'app-1.0.0.tgz')}|${path.join(server.dir, 'app', '1.0.0', 'release.env')}`,
      );
      expect(seen).toContain(`pwd=${dir}`);
      expect(seen).toContain(`product=app channel=beta md5=${md5(data)}`);
      expect(seen).toContain('secret=unset');
      const record = JSON.parse(fs.readFileSync(path.join(dir, 'release.json'), 'utf8'));
      expect(record).toMatchObject({ status: 'published', script: { exitCode: 0, timedOut: false } });
    } finally {
      await server.close();
    }
  });

  it('500 when the script fails: artifact kept, release.json says so; posting again reruns it; then 200 without rerun', async () => {
    const counter = path.join(tempDir('count'), 'runs');
    const script = writeScript(
      `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; echo "run $n"; [ $n -ge 2 ]`,
    );
    const server = await startServer({ products: { products: { app: { requiredFields: [], script } } } });
    try {
      const data = gzipData(10_000);
      const first = await upload(server.url, releaseParts(data));
      expect(first.status).toBe(500);
      expect(first.json).toMatchObject({
        md5: md5(data),
        script: { exitCode: 1, output: 'run 1\n', timedOut: false },
      });
      const dir = path.join(server.dir, 'app', '1.0.0');
      expect(fs.readFileSync(path.join(dir, 'app-1.0.0.tgz')).equals(data)).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'release.json'), 'utf8'))).toMatchObject({
        status: 'script-failed',
        script: { exitCode: 1 },
      });

      const second = await upload(server.url, releaseParts(data));
      expect(second.status).toBe(201);
      expect(second.json.script).toMatchObject({ exitCode: 0, output: 'run 2\n' });
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'release.json'), 'utf8'))).toMatchObject({
        status: 'published',
      });

      const third = await upload(server.url, releaseParts(data));
      expect(third.status).toBe(200);
      expect(fs.readFileSync(counter, 'utf8').trim()).toBe('2');
    } finally {
      await server.close();
    }
  });

  it('500 when the script times out: the whole process group is killed (SIGTERM, then SIGKILL)', async () => {
    const pidFile = path.join(tempDir('pid'), 'child');
    // Ignores SIGTERM; its child sleep would outlive a kill of the script alone.
    const script = writeScript(`trap '' TERM\necho started\nsleep 60 &\necho $! > ${pidFile}\nwait`);
    const server = await startServer({
      products: { products: { app: { requiredFields: [], script, timeoutSeconds: 1 } } },
      killGraceMs: 300,
    });
    try {
      // Answered at all: the 60 s sleep the script left behind would otherwise hold the answer.
      const res = await upload(server.url, releaseParts(gzipData(1000)));
      expect(res.status).toBe(500);
      expect(res.json.script).toMatchObject({ timedOut: true, signal: 'SIGKILL', output: 'started\n' });
      expect(String(res.json.error)).toContain('timed out');
      const record = JSON.parse(
        fs.readFileSync(path.join(server.dir, 'app', '1.0.0', 'release.json'), 'utf8'),
      );
      expect(record).toMatchObject({ status: 'script-failed', script: { timedOut: true } });
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      await waitFor(() => !isRunning(pid), 5000, "the script's child to be gone");
    } finally {
      await server.close();
    }
  });

  it('500 when the script cannot be started', async () => {
    const server = await startServer({
      products: { products: { app: { requiredFields: [], script: '/nonexistent/release.sh' } } },
    });
    try {
      const res = await upload(server.url, releaseParts(gzipData(1000)));
      expect(res.status).toBe(500);
      expect(String((res.json.script as { error: string }).error)).toContain('could not start');
    } finally {
      await server.close();
    }
  });
});

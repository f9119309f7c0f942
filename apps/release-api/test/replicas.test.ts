import { execFile, fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { openDatabase, type Database } from '@devops/db';
import { createLogger } from '@devops/logger';
import { startPostgres, type PostgresServer, waitFor, tempDir } from '@devops/testkit';
import {
  gzipData,
  listTree,
  md5,
  multipart,
  releaseParts,
  startServer,
  upload,
  type TestServer,
} from './helpers';

/** A second replica: a real release-api process on the same RELEASE_DIR and database. */
async function startReplica(dir: string, databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(path.join(__dirname, 'fixtures', 'serve.js'), [dir, databaseUrl], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve) => child.once('message', (m) => resolve(String(m))));
  return { url, child };
}

async function advisoryLocks(db: Database): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted",
  );
  return Number(rows[0]!.n);
}

describe('[slow] replicas sharing one RELEASE_DIR and one PostgreSQL (DATABASE_URL)', () => {
  let pg: PostgresServer;
  let url: string;
  let db: Database;
  let dir: string;
  let first: TestServer;
  let second: { url: string; child: ChildProcess };
  beforeAll(async () => {
    pg = await startPostgres();
    url = await pg.createDatabase('releases');
    db = await openDatabase(url, { log: createLogger({ service: 'test', level: 'error' }), app: 'test' });
    dir = tempDir('shared');
    first = await startServer({ dir, databaseUrl: url });
    second = await startReplica(dir, url);
  }, 60_000);
  afterAll(async () => {
    second?.child.kill('SIGTERM');
    await first?.close();
    await db?.close();
    await pg?.stop();
  });

  it('an upload in progress on one replica holds a PostgreSQL advisory lock: the other answers 409, then 200 once it is published', async () => {
    const data = gzipData(400_000);
    const { body, contentType } = multipart(releaseParts(data, { version: '1.0.0' }));
    const sock = net.connect(first.port, '127.0.0.1');
    let reply = '';
    sock.on('data', (c: Buffer) => (reply += c.toString()));
    sock.write(
      `POST /releases HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    sock.write(body.subarray(0, body.length - 1000));
    await waitFor(async () => (await advisoryLocks(db)) > 0, 5000, 'the advisory lock').catch(
      () => undefined,
    );
    expect(await advisoryLocks(db)).toBe(1);

    const other = await upload(second.url, releaseParts(data, { version: '1.0.0' }));
    expect(other.status).toBe(409);
    expect(String(other.json.error)).toContain('in progress');

    sock.write(body.subarray(body.length - 1000));
    await waitFor(() => reply.includes('\r\n\r\n{'), 10_000, 'the answer');
    sock.destroy();
    expect(reply).toMatch(/^HTTP\/1.1 201/);
    expect(await advisoryLocks(db)).toBe(0);
    const again = await upload(second.url, releaseParts(data, { version: '1.0.0' }));
    expect(again.status).toBe(200);
    // the locks were in PostgreSQL, not in the shared folder
    expect(listTree(dir).filter((f) => f.startsWith('.locks'))).toEqual([]);
  });

  it('two uploads of one version to the two replicas at once: one 201 and one 409; the winner is what is stored', async () => {
    const a = gzipData(3 * 1024 * 1024);
    const b = gzipData(3 * 1024 * 1024);
    const replies = await Promise.all([
      upload(first.url, releaseParts(a, { version: '2.0.0' })),
      upload(second.url, releaseParts(b, { version: '2.0.0' })),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = replies.find((r) => r.status === 201)!;
    expect([md5(a), md5(b)]).toContain(winner.json.md5);
    expect(md5(fs.readFileSync(path.join(dir, 'app', '2.0.0', 'app-2.0.0.tgz')))).toBe(winner.json.md5);
    expect(listTree(dir).filter((f) => f.startsWith('app/2.0.0/'))).toEqual([
      'app/2.0.0/',
      'app/2.0.0/app-2.0.0.tgz',
      'app/2.0.0/release.env',
      'app/2.0.0/release.json',
    ]);
  });

  it('the database gone while running: 503 with Retry-After and nothing written, /healthz says so; back, uploads go through', async () => {
    const data = gzipData(5000);
    const health = async () => (await fetch(`${first.url}/healthz`)).json();
    expect(await health()).toEqual({ status: 'ok', database: 'up' });
    await pg.pause();
    try {
      const state = (await health()) as { status: string; database: string; error?: string };
      expect(state).toMatchObject({ status: 'degraded', database: 'down' });
      expect(JSON.stringify(state)).not.toContain(pg.password);
      const res = await upload(first.url, releaseParts(data, { version: '3.0.0' }));
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(res.text).not.toContain(pg.password);
      expect(listTree(dir).filter((f) => f.includes('3.0.0'))).toEqual([]);
    } finally {
      await pg.resume();
    }
    expect(await health()).toEqual({ status: 'ok', database: 'up' });
    const res = await upload(first.url, releaseParts(data, { version: '3.0.0' }));
    expect(res.status).toBe(201);
  });
});

describe('DATABASE_URL at start', () => {
  it('unreachable or malformed: exit 78 naming DATABASE_URL, never its password', async () => {
    for (const databaseUrl of ['postgres://release:hunter2-secret-pw@127.0.0.1:1/releases', 'mysql://x']) {
      const result = await new Promise<{ code: number; stderr: string; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          [path.join(__dirname, '../dist/main.js')],
          {
            env: {
              PATH: process.env.PATH ?? '',
              PORT: '0',
              HOST: '127.0.0.1',
              RELEASE_SHARED_SECRET: 'a-long-enough-shared-secret',
              RELEASE_DIR: tempDir('db78'),
              DATABASE_URL: databaseUrl,
            },
            cwd: tempDir('cwd'),
          },
          (err, stdout, stderr) =>
            resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr }),
        );
      });
      expect([databaseUrl, result.code]).toEqual([databaseUrl, 78]);
      expect(result.stderr + result.stdout).toContain('DATABASE_URL');
      expect(result.stderr + result.stdout).not.toContain('hunter2-secret-pw');
    }
  });
});

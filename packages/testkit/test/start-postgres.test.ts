import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startPostgres, type PostgresServer } from '../src';
import { findPostgresBin } from '../src/postgres/find-postgres-bin';

const exec = promisify(execFile);
const psql = path.join(findPostgresBin(), 'psql');

/** Runs SQL over TCP with the URL's own credentials, as a client would. */
async function query(url: string, sql: string): Promise<string> {
  const { stdout } = await exec(psql, [url, '-AtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    env: { LC_ALL: 'C' },
  });
  return stdout.trim();
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('startPostgres', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('serves SQL on a loopback port with a password in its URL', async () => {
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBe(server.port);
    expect(url.password).toBe(server.password);
    expect(await query(server.url, 'SELECT 6 * 7')).toBe('42');
    expect(await query(server.url, 'SHOW fsync')).toBe('off');
  });

  it('refuses a wrong password (the server really checks it)', async () => {
    const wrong = new URL(server.url);
    wrong.password = 'not-the-password';
    await expect(query(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
  });

  it('creates separate empty databases', async () => {
    const a = await server.createDatabase();
    const b = await server.createDatabase('other_db');
    expect(new URL(b).pathname).toBe('/other_db');
    await query(a, 'CREATE TABLE t (x int); INSERT INTO t VALUES (1)');
    await expect(query(b, 'SELECT x FROM t')).rejects.toThrow(/relation "t" does not exist/);
    await expect(server.createDatabase('bad; DROP')).rejects.toThrow(/not a plain database name/);
  });

  it('pauses (connections refused) and resumes with its data', async () => {
    const url = await server.createDatabase('kept');
    await query(url, 'CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$still here$$)');
    await server.pause();
    expect(await portAnswers(server.port)).toBe(false);
    await server.resume();
    expect(await query(url, 'SELECT v FROM kept')).toBe('still here');
  });
});

describe('startPostgres stop', () => {
  it('stops the server and removes its directory', async () => {
    const server = await startPostgres();
    expect(fs.existsSync(path.join(server.dir, 'data', 'PG_VERSION'))).toBe(true);
    expect(server.dir.startsWith(os.tmpdir())).toBe(true);
    await server.stop();
    expect(fs.existsSync(server.dir)).toBe(false);
    expect(await portAnswers(server.port)).toBe(false);
    await server.stop(); // twice is fine
  });

  it('says how to install PostgreSQL when its binaries are missing', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-pg-'));
    try {
      await expect(startPostgres({ binDir: empty })).rejects.toThrow(
        /not found in .*apt-get install postgresql/,
      );
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
  });
});

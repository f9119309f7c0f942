import { PassThrough } from 'node:stream';
import { runMain } from '@devops/cli';
import { ConfigError, TemporaryError } from '@devops/errors';
import { freePort, startPostgres, type PostgresServer } from '@devops/testkit';
import { databaseSettings, openDatabase, type Database } from '../src';
import { captureLog } from './support/capture-log';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

async function configErrorOf(url: string): Promise<ConfigError> {
  const { log } = captureLog();
  const err = await openDatabase(url, { log, app: 'test', connectTimeoutMs: 2000 }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return err as ConfigError;
}

describe('openDatabase', () => {
  it('connects, queries, reports itself up and logs the URL without its password', async () => {
    const { log, text } = captureLog();
    const db = await openDatabase(server.url, { log, app: 'board-sync' });
    try {
      const { rows } = await db.query<{ app: string }>('SELECT current_setting($1) AS app', [
        'application_name',
      ]);
      expect(rows[0]?.app).toBe('board-sync');
      expect(await db.health()).toEqual({ database: 'up' });
      expect(await db.healthy()).toBe(true);
      expect(text()).toContain(`connected to PostgreSQL`);
      expect(text()).toContain(`@127.0.0.1:${server.port}/postgres`);
      expect(text()).not.toContain(server.password);
      expect(db.description).not.toContain(server.password);
    } finally {
      await db.close();
    }
  });

  it.each([
    ['not a URL', 'definitely not a url'],
    ['another scheme', 'mysql://u:p@127.0.0.1:3306/x'],
    ['no host', 'postgres:///x'],
  ])('refuses %s with a ConfigError naming DATABASE_URL', async (_name, url) => {
    const err = await configErrorOf(url);
    expect(err.problems).toEqual([
      { variable: 'DATABASE_URL', reason: expect.stringMatching(/is not a postgres:\/\/ URL/) as string },
    ]);
  });

  it('a wrong password is a ConfigError that shows neither password', async () => {
    const wrong = 'Wr0ng-Secret-Value-4711';
    const err = await configErrorOf(withPassword(server.url, wrong));
    expect(err.problems[0]?.variable).toBe('DATABASE_URL');
    expect(err.message).toMatch(/cannot connect to postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);
    expect(err.message).toMatch(/password authentication failed/);
    expect(err.message).not.toContain(wrong);
    expect(err.message).not.toContain(server.password);
  });

  it('an unreachable server or unknown database is a ConfigError too', async () => {
    const port = await freePort();
    const unreachable = await configErrorOf(`postgres://app:S3cret-Pass-999@127.0.0.1:${port}/suite`);
    expect(unreachable.message).toMatch(/DATABASE_URL: cannot connect .*ECONNREFUSED/);
    expect(unreachable.message).not.toContain('S3cret-Pass-999');
    const u = new URL(server.url);
    u.pathname = '/no_such_db';
    const missing = await configErrorOf(u.toString());
    expect(missing.message).toMatch(/database "no_such_db" does not exist/);
    expect(missing.message).not.toContain(server.password);
  });

  it('exits 78 through runMain with the problem and no password on its output', async () => {
    const wrong = 'An0ther-Wrong-Secret-88';
    const out = new PassThrough();
    const err = new PassThrough();
    let printed = '';
    out.on('data', (d: Buffer) => (printed += d.toString()));
    err.on('data', (d: Buffer) => (printed += d.toString()));
    const code = await runMain(
      {
        name: 'db-app',
        summary: 'test',
        usage: 'db-app',
        schema: databaseSettings,
        async run({ config, log }) {
          await openDatabase(config.DATABASE_URL!, { log, app: 'db-app' });
        },
      },
      {
        argv: ['node', 'main'],
        env: { DATABASE_URL: withPassword(server.url, wrong) },
        cwd: () => '/nonexistent',
        stdout: out,
        stderr: err,
      },
    );
    expect(code).toBe(78);
    expect(printed).toMatch(/DATABASE_URL: cannot connect/);
    expect(printed).not.toContain(wrong);
  });
});

describe('a database that goes away while running', () => {
  let db: Database;
  let logText: () => string;
  beforeAll(async () => {
    const { log, text } = captureLog();
    logText = text;
    db = await openDatabase(await server.createDatabase(), { log, app: 'test', healthTimeoutMs: 1000 });
    await db.query('CREATE TABLE t (v int)');
  });
  afterAll(async () => {
    await db.close();
  });

  it('fails queries as TemporaryError, shows down in health, and recovers when it is back', async () => {
    await server.pause();
    try {
      await expect(db.query('INSERT INTO t VALUES (1)')).rejects.toBeInstanceOf(TemporaryError);
      await expect(db.transaction((c) => c.query('INSERT INTO t VALUES (2)'))).rejects.toBeInstanceOf(
        TemporaryError,
      );
      const health = await db.health();
      expect(health.database).toBe('down');
      expect(health.error).toBeTruthy();
      expect(health.error).not.toContain(server.password);
      expect(await db.healthy()).toBe(false);
    } finally {
      await server.resume();
    }
    await db.query('INSERT INTO t VALUES (3)');
    const { rows } = await db.query<{ v: number }>('SELECT v FROM t ORDER BY v');
    expect(rows.map((r) => r.v)).toEqual([3]);
    expect(await db.healthy()).toBe(true);
    expect(logText()).not.toContain(server.password);
  });

  it('keeps other errors as they are, and rolls a failed transaction back', async () => {
    const err = await db.query('SELEC 1').catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(TemporaryError);
    expect((err as { code?: string }).code).toBe('42601');
    await expect(
      db.transaction(async (c) => {
        await c.query('INSERT INTO t VALUES (4)');
        throw new Error('handler bug');
      }),
    ).rejects.toThrow('handler bug');
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM t WHERE v = 4');
    expect(rows[0]?.n).toBe('0');
  });
});

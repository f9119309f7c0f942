import { startPostgres, type PostgresServer } from '@devops/testkit';
import { migrate, openDatabase, type Database, type Migration } from '../src';
import { captureLog } from './support/capture-log';

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

async function open(url: string): Promise<Database> {
  return openDatabase(url, { log: captureLog().log, app: 'test' });
}

// Not idempotent on purpose: running one twice fails (the table exists) or shows (two rows).
const migrations: Migration[] = [
  { id: '001-events', sql: 'CREATE TABLE events (id text PRIMARY KEY)' },
  { id: '002-runs', sql: 'CREATE TABLE runs (n int); INSERT INTO runs VALUES (1)' },
];

describe('migrate', () => {
  it('applies migrations once, in order, and later only the new ones', async () => {
    const db = await open(await server.createDatabase());
    try {
      expect(await migrate(db, 'board-sync', migrations)).toEqual({ applied: ['001-events', '002-runs'] });
      expect(await migrate(db, 'board-sync', migrations)).toEqual({ applied: [] });
      const next = [...migrations, { id: '003-more', sql: 'INSERT INTO runs VALUES (2)' }];
      expect(await migrate(db, 'board-sync', next)).toEqual({ applied: ['003-more'] });
      const { rows } = await db.query<{ n: number }>('SELECT n FROM runs ORDER BY n');
      expect(rows.map((r) => r.n)).toEqual([1, 2]);
      // Another app's migrations are its own, even with the same ids.
      const other = [{ id: '001-events', sql: 'CREATE TABLE bridge_rows (x int)' }];
      expect(await migrate(db, 'freshdesk-bridge', other)).toEqual({ applied: ['001-events'] });
    } finally {
      await db.close();
    }
  });

  it('applies once when several replicas start at once', async () => {
    const url = await server.createDatabase();
    const replicas = await Promise.all([1, 2, 3, 4].map(() => open(url)));
    try {
      const results = await Promise.all(replicas.map((db) => migrate(db, 'board-sync', migrations)));
      const applied = results.flatMap((r) => r.applied);
      expect(applied).toEqual(['001-events', '002-runs']);
      expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
      const { rows } = await replicas[0]!.query<{ n: string }>('SELECT count(*) AS n FROM runs');
      expect(rows[0]?.n).toBe('1');
    } finally {
      await Promise.all(replicas.map((db) => db.close()));
    }
  });

  it('a failing migration leaves nothing of its run applied, and the next start retries it', async () => {
    const db = await open(await server.createDatabase());
    try {
      const broken = [migrations[0]!, { id: '002-broken', sql: 'CREATE TABLE oops (' }];
      await expect(migrate(db, 'board-sync', broken)).rejects.toThrow(/syntax error/);
      const { rows } = await db.query("SELECT to_regclass('events') AS t");
      expect(rows[0]).toEqual({ t: null });
      expect(await migrate(db, 'board-sync', migrations)).toEqual({ applied: ['001-events', '002-runs'] });
    } finally {
      await db.close();
    }
  });

  it('refuses a list with a repeated or empty id before touching the database', async () => {
    const db = await open(await server.createDatabase());
    try {
      await expect(migrate(db, 'x', [migrations[0]!, migrations[0]!])).rejects.toThrow(
        /"001-events" is listed twice/,
      );
      await expect(migrate(db, 'x', [{ id: ' ', sql: 'SELECT 1' }])).rejects.toThrow(/empty id/);
      const { rows } = await db.query("SELECT to_regclass('devops_schema_migrations') AS t");
      expect(rows[0]).toEqual({ t: null });
    } finally {
      await db.close();
    }
  });

  it('warns when an applied migration was edited, without re-running it', async () => {
    const { log, text } = captureLog();
    const db = await openDatabase(await server.createDatabase(), { log, app: 'test' });
    try {
      await migrate(db, 'a', migrations, { log });
      const edited = [migrations[0]!, { id: '002-runs', sql: 'CREATE TABLE runs (n bigint)' }];
      expect(await migrate(db, 'a', edited, { log })).toEqual({ applied: [] });
      expect(text()).toContain('migration a/002-runs changed since it was applied');
    } finally {
      await db.close();
    }
  });
});

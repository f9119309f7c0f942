import type pg from 'pg';
import { ConfigError } from '@devops/errors';
import type { Logger } from '@devops/logger';
import { classifyDatabaseError } from './classify-database-error';
import { describeDatabaseUrl, scrubPassword } from './describe-database-url';

export interface DatabaseHealth {
  database: 'up' | 'down';
  /** Why it is down (no credentials in it). */
  error?: string;
}

export interface Database {
  /** The pool itself, for libraries that take one (graphile-worker, ...). */
  readonly pool: pg.Pool;
  /** The app's name: application_name on the server, and the migrations key. */
  readonly app: string;
  /** The URL without its password, for logs. */
  readonly description: string;
  /** A query on the pool; connection failures are thrown as TemporaryError. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  /** Runs `fn` in one transaction (BEGIN/COMMIT, ROLLBACK when it throws); errors sorted as `query`'s. */
  transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Whether the database answers `SELECT 1` within the health timeout; never throws. */
  healthy(): Promise<boolean>;
  /** The database's state for /healthz bodies. */
  health(): Promise<DatabaseHealth>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  log: Logger;
  app: string;
  /** Most connections this process opens (default 10). */
  max?: number;
  /** Giving up on a connection attempt (default 5 s). */
  connectTimeoutMs?: number;
  /** Server-side statement_timeout (default 30 s). */
  statementTimeoutMs?: number;
  /** How long health() waits for the database (default 2 s). */
  healthTimeoutMs?: number;
}

const URL_PROBLEM = 'is not a postgres:// URL (postgres://user:password@host:5432/database)';

/** The message of an error from any realm; an AggregateError (one per address tried) says its first. */
function messageOf(err: unknown): string {
  const { message, errors } = (err ?? {}) as { message?: unknown; errors?: unknown };
  if (typeof message === 'string' && message) return message;
  if (Array.isArray(errors) && errors.length) return messageOf(errors[0]);
  return String(err);
}

function configError(reason: string): ConfigError {
  return new ConfigError([{ variable: 'DATABASE_URL', reason }]);
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw configError(URL_PROBLEM);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw configError(URL_PROBLEM);
  if (!parsed.hostname) throw configError(`${URL_PROBLEM}: it names no host`);
  return parsed;
}

/**
 * Opens a pool on `url` and checks it answers. A malformed URL, a wrong
 * password, an unknown database or an unreachable server at start is a
 * ConfigError naming DATABASE_URL (exit 78), never showing the password.
 * Later failures surface as TemporaryError through `query`/`transaction`.
 */
export async function openDatabase(url: string, opts: OpenDatabaseOptions): Promise<Database> {
  parseUrl(url);
  // pg (~17 MiB RSS) is loaded here, on first use: an app without DATABASE_URL never loads it,
  // whatever it imports from this package.
  const { Pool } = (await import('pg')).default;
  const description = describeDatabaseUrl(url);
  const statementTimeoutMs = opts.statementTimeoutMs ?? 30_000;
  const pool = new Pool({
    connectionString: url,
    application_name: opts.app,
    max: opts.max ?? 10,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5_000,
    statement_timeout: statementTimeoutMs,
    // Also a client-side limit: a server that vanished without closing the socket must not hang a request.
    query_timeout: statementTimeoutMs + 5_000,
    idle_in_transaction_session_timeout: 60_000,
    keepAlive: true,
  });
  // An idle connection that breaks (server restart) must not crash the process; the pool replaces it.
  pool.on('error', (err) =>
    opts.log.warn('database connection lost', { error: scrubPassword(err.message, url) }),
  );

  let version: string;
  try {
    const result = await pool.query<{ server_version: string }>('SHOW server_version');
    version = result.rows[0]?.server_version ?? 'unknown';
  } catch (err) {
    await pool.end().catch(() => undefined);
    const reason = scrubPassword(messageOf(err), url);
    throw configError(
      `cannot connect to ${description}: ${reason}; check the URL, the password and that the server is reachable`,
    );
  }
  opts.log.info(`connected to PostgreSQL ${version} at ${description}`);

  // Health checks have a connection of their own, so a busy pool does not make a healthy
  // database look down.
  const healthPool = new Pool({
    connectionString: url,
    application_name: `${opts.app}/health`,
    max: 1,
    connectionTimeoutMillis: opts.healthTimeoutMs ?? 2_000,
    query_timeout: opts.healthTimeoutMs ?? 2_000,
    keepAlive: true,
  });
  healthPool.on('error', () => undefined); // the next check reconnects and reports it
  let healthCheck: Promise<DatabaseHealth> | undefined;

  const sorted = (err: unknown): never => {
    throw classifyDatabaseError(err);
  };
  const healthTimeoutMs = opts.healthTimeoutMs ?? 2_000;

  const db: Database = {
    pool,
    app: opts.app,
    description,
    query: (text, values) => pool.query(text, values).catch(sorted),
    async transaction(fn) {
      const client = await pool.connect().catch(sorted);
      let broken: Error | undefined;
      const onError = (err: Error) => (broken = err);
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const value = await fn(client);
        await client.query('COMMIT');
        return value;
      } catch (err) {
        await client.query('ROLLBACK').catch((e: Error) => (broken ??= e));
        return sorted(err);
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    },
    health() {
      // Checks asked for while one is under way share its answer.
      healthCheck ??= checkHealth().finally(() => (healthCheck = undefined));
      return healthCheck;
    },
    async healthy() {
      return (await db.health()).database === 'up';
    },
    async close() {
      await Promise.all([pool.end(), healthPool.end()]);
    },
  };
  async function checkHealth(): Promise<DatabaseHealth> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${healthTimeoutMs} ms`)), healthTimeoutMs);
    });
    try {
      await Promise.race([healthPool.query('SELECT 1'), timeout]);
      return { database: 'up' };
    } catch (err) {
      return { database: 'down', error: scrubPassword(messageOf(err), url) };
    } finally {
      clearTimeout(timer);
    }
  }
  return db;
}

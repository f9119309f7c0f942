import { openDatabase, type Database } from '@devops/db';
import { createLogger } from '@devops/logger';
import { startPostgres, type PostgresServer } from '@devops/testkit';
import { PassThrough } from 'node:stream';

/**
 * A real PostgreSQL server and one database for a test file: started in beforeAll, stopped in
 * afterAll. The getters are read inside tests (after beforeAll ran).
 */
export function useQueueDatabase(name: string): { readonly url: string; readonly db: Database } {
  let server: PostgresServer | undefined;
  let url = '';
  let db: Database | undefined;
  beforeAll(async () => {
    server = await startPostgres();
    url = await server.createDatabase(name);
    db = await openDatabase(url, {
      log: createLogger({ service: 'test', stream: new PassThrough() }),
      app: 'test',
    });
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });
  return {
    get url() {
      return url;
    },
    get db() {
      if (!db) throw new Error('useQueueDatabase: read before beforeAll ran');
      return db;
    },
  };
}

import { openDatabase, type Database } from '@devops/db';
import { createLogger } from '@devops/logger';
import { startPostgres, type PostgresServer } from '@devops/testkit';
import { PassThrough } from 'node:stream';
import { createPostgresQueue } from '../src/postgres/create-postgres-queue';
import { describeEventQueueContract } from './contract/describe-event-queue-contract';

let server: PostgresServer;
let url: string;
let db: Database;
let apps = 0;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('queue');
  db = await openDatabase(url, {
    log: createLogger({ service: 'test', stream: new PassThrough() }),
    app: 'test',
  });
}, 60_000);
afterAll(async () => {
  await db?.close();
  await server?.stop();
});

// Each fixture is its own app on one database: its own queue, dead letters and keys.
describeEventQueueContract('PostgreSQL (pg-boss)', async () => {
  const app = `contract-${++apps}`;
  return {
    open: async (options) => createPostgresQueue({ ...options, db, url, app }),
    destroy: async () => {},
  };
});

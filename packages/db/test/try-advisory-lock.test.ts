import { waitFor, startPostgres, type PostgresServer } from '@devops/testkit';
import { openDatabase, tryAdvisoryLock, type Database } from '../src';
import { captureLog } from './support/capture-log';

let server: PostgresServer;
let a: Database;
let b: Database;
beforeAll(async () => {
  server = await startPostgres();
  const url = await server.createDatabase();
  // Two replicas: two pools, as two processes would have.
  a = await openDatabase(url, { log: captureLog().log, app: 'replica-a' });
  b = await openDatabase(url, { log: captureLog().log, app: 'replica-b' });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await server?.stop();
});

describe('tryAdvisoryLock', () => {
  it('lets one replica hold a key; the other gets it once released', async () => {
    const release = await tryAdvisoryLock(a, 'release-api', 'product/1.2.3');
    expect(release).toBeDefined();
    expect(await tryAdvisoryLock(b, 'release-api', 'product/1.2.3')).toBeUndefined();
    const other = await tryAdvisoryLock(b, 'release-api', 'product/1.2.4');
    expect(other).toBeDefined();
    await release!();
    await release!(); // twice is harmless
    const now = await tryAdvisoryLock(b, 'release-api', 'product/1.2.3');
    expect(now).toBeDefined();
    await now!();
    await other!();
  });

  it('is released by the server when the holder connection dies, and the holder is told', async () => {
    const lost: Error[] = [];
    const release = await tryAdvisoryLock(a, 'race-reporter', 'host-1', { onLost: (e) => lost.push(e) });
    expect(release).toBeDefined();
    await b.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'replica-a' AND pid <> pg_backend_pid()",
    );
    const taken = await waitFor(
      () => tryAdvisoryLock(b, 'race-reporter', 'host-1'),
      10_000,
      'the lock to be free',
    );
    // The holder hears of it when its socket reports the termination (possibly after b got the lock).
    await waitFor(() => lost.length > 0, 10_000, 'the loss to be reported');
    expect(lost[0]).toBeInstanceOf(Error);
    await release!(); // releasing a lost lock does not throw
    await taken();
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@devops/logger';
import { startPostgres, type PostgresServer } from '@devops/testkit';
import { Writable } from 'node:stream';
import { openCatchUpStore, type CatchUpStore } from '../src';

const log = createLogger({
  service: 'catch-up-test',
  level: 'warn',
  stream: new Writable({ write: (_c, _e, done) => done() }),
});

/** The same promises on both storages: two opens are two processes (the service and `reconcile`). */
function describeStore(name: string, open: () => Promise<[CatchUpStore, CatchUpStore]>) {
  describe(name, () => {
    let a: CatchUpStore;
    let b: CatchUpStore;
    beforeEach(async () => {
      [a, b] = await open();
    });
    afterEach(async () => {
      await a.close();
      await b.close();
    });

    it('records keys once for all who share the store, and forgets what a change makes stale', async () => {
      expect(await a.applied('project:1:mr:2:opened')).toBe(false);
      await a.record('project:1:mr:2:opened');
      expect(await b.applied('project:1:mr:2:opened')).toBe(true);
      await b.record('project:1:mr:2:closed', ['project:1:mr:2:opened', 'project:1:mr:2:draft']);
      expect(await a.applied('project:1:mr:2:opened')).toBe(false);
      expect(await a.applied('project:1:mr:2:closed')).toBe(true);
      await a.record('project:1:mr:2:opened');
      expect(await b.applied('project:1:mr:2:opened')).toBe(true);
    });

    it('keeps the projects events came from and the last pass, shared', async () => {
      await a.addProject('7');
      await a.addProject('7');
      await b.addProject('group/app');
      expect((await b.projects()).sort()).toEqual(['7', 'group/app']);
      expect(await a.lastPass()).toBeNull();
      await a.setLastPass(1_700_000_000_000);
      expect(await b.lastPass()).toBe(1_700_000_000_000);
    });

    it('lets one pass run at a time', async () => {
      const release = await a.tryLock();
      expect(release).toBeDefined();
      expect(await b.tryLock()).toBeUndefined();
      await release!();
      const again = await b.tryLock();
      expect(again).toBeDefined();
      await again!();
    });
  });
}

let spool: string;
describeStore('spool store', async () => {
  spool = await mkdtemp(path.join(os.tmpdir(), 'catch-up-store-'));
  return [
    await openCatchUpStore({ spoolDir: spool }, { app: 'x', log }),
    await openCatchUpStore({ spoolDir: spool }, { app: 'x', log }),
  ];
});
afterAll(async () => {
  if (spool) await rm(spool, { recursive: true, force: true });
});

describe('spool store on disk', () => {
  it('keeps applied keys as fsynced JSON lines that survive a reopen, and skips a torn last line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'catch-up-disk-'));
    try {
      const s = await openCatchUpStore({ spoolDir: dir }, { app: 'x', log });
      await s.record('k1');
      const file = path.join(dir, 'catch-up', 'applied.log');
      const { appendFile } = await import('node:fs/promises');
      await appendFile(file, '{"k":"torn');
      const reopened = await openCatchUpStore({ spoolDir: dir }, { app: 'x', log });
      expect(await reopened.applied('k1')).toBe(true);
      expect(await reopened.applied('torn')).toBe(false);
      expect((await readFile(file, 'utf8')).split('\n')[0]).toMatch(/^\{"k":"k1","at":\d+\}$/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('[slow] PostgreSQL', () => {
  let pg: PostgresServer;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
  });
  describeStore('postgres store', async () => {
    const url = await pg.createDatabase();
    return [
      await openCatchUpStore({ spoolDir: '/nonexistent', databaseUrl: url }, { app: 'board-sync', log }),
      await openCatchUpStore({ spoolDir: '/nonexistent', databaseUrl: url }, { app: 'board-sync', log }),
    ];
  });
});

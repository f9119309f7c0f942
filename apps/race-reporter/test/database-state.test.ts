import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, tryAdvisoryLock, type Database } from '@devops/db';
import { RefusedError } from '@devops/errors';
import {
  startGitLabDouble,
  startPostgres,
  tempDir,
  type GitLabDouble,
  type PostgresServer,
} from '@devops/testkit';
import { openStateStore } from '../src/state/open-state-store';
import type { RaceState } from '../src/state/race-state';
import { cli, goReport, quietLog, run, writes } from './run-helpers';

// [slow] a real PostgreSQL server (initdb/pg_ctl in a temp dir, free port).
describe('state and lock in PostgreSQL (DATABASE_URL) [slow]', () => {
  let server: PostgresServer;
  let double: GitLabDouble;
  let project: number;
  let url: string;
  let db: Database;
  beforeAll(async () => {
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(async () => {
    double = await startGitLabDouble();
    project = double.addProject({ path: 'qa/pg' }).id;
    url = await server.createDatabase();
    db = await openDatabase(url, { log: quietLog().log, app: 'race-reporter-test' });
  });
  afterEach(async () => {
    await db.close();
    await double.close();
  });

  const savedState = async (host: string) =>
    (await db.query<{ state: RaceState }>('SELECT state FROM race_reporter_state WHERE host = $1', [host]))
      .rows[0]?.state;

  async function runWithDatabase(logFile: string, host: string) {
    const { log } = quietLog();
    const { store, close } = await openStateStore({
      databaseUrl: url,
      statePath: '/nonexistent/never-used.json',
      host,
      dryRun: false,
      log,
    });
    try {
      return await run(double, project, { patterns: [logFile], store, host });
    } finally {
      await close();
    }
  }

  it('two runs: the cursor is kept in the database (nothing on disk), a new occurrence is one comment', async () => {
    const dir = tempDir('pg');
    const logFile = path.join(dir, 'app.log');
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
    const first = await runWithDatabase(logFile, 'host-a');
    expect(first.result.summary.issuesCreated).toBe(1);
    expect((await savedState('host-a'))!.cursors[0]!.offset).toBe(fs.statSync(logFile).size);
    expect(fs.existsSync('/nonexistent')).toBe(false);

    double.clearRequests();
    await runWithDatabase(logFile, 'host-a');
    expect(writes(double)).toEqual([]);
    fs.appendFileSync(logFile, goReport('main.a', 'main.b', 2));
    const third = await runWithDatabase(logFile, 'host-a');
    expect(third.result.summary).toMatchObject({ issuesCreated: 0, commented: 1 });
    expect(double.state(project).issues[0]!.notes.filter((n) => !n.system)).toHaveLength(1);
    expect((await savedState('host-a'))!.cursors[0]!.offset).toBe(fs.statSync(logFile).size);
    // Another host has its own state: it reads the same file from the start (one comment, no new issue).
    await runWithDatabase(logFile, 'host-b');
    expect(double.state(project).issues).toHaveLength(1);
    expect((await savedState('host-b'))!.cursors[0]!.offset).toBe(fs.statSync(logFile).size);
  });

  it("a run while another holds the host's lock refuses and saves nothing; other hosts are not blocked", async () => {
    const dir = tempDir('pg-lock');
    const logFile = path.join(dir, 'app.log');
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
    await runWithDatabase(logFile, 'host-b'); // migrates; host-b files the issue
    const holder = await openDatabase(url, { log: quietLog().log, app: 'holder' });
    const release = (await tryAdvisoryLock(holder, 'race-reporter', 'host-a'))!;
    try {
      await expect(runWithDatabase(logFile, 'host-a')).rejects.toThrow(RefusedError);
      expect(await savedState('host-a')).toBeUndefined();
      fs.appendFileSync(logFile, goReport('main.a', 'main.b', 2));
      await runWithDatabase(logFile, 'host-b');
      expect(double.state(project).issues[0]!.notes.filter((n) => !n.system)).toHaveLength(1);
    } finally {
      await release();
      await holder.close();
    }
    await runWithDatabase(logFile, 'host-a');
    expect((await savedState('host-a'))!.cursors[0]!.offset).toBe(fs.statSync(logFile).size);
  });

  it('the CLI with DATABASE_URL: exit 0 with no state file and no volume; exit 2 while another run holds the lock; the password never shown', async () => {
    const dir = tempDir('pg-cli');
    const logFile = path.join(dir, 'app.log');
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
    const env = {
      GITLAB_URL: double.url,
      GITLAB_TOKEN: double.token,
      RACE_REPORTER_PROJECT: 'qa/pg',
      RACE_REPORTER_LOGS: logFile,
      RACE_REPORTER_HOST: 'cron-1',
      DATABASE_URL: url,
    };
    const holder = await openDatabase(url, { log: quietLog().log, app: 'holder' });
    try {
      const first = await cli([], env, dir);
      expect(first.code).toBe(0);
      expect(first.stdout).toContain('issues created 1');
      const release = (await tryAdvisoryLock(holder, 'race-reporter', 'cron-1'))!;
      fs.appendFileSync(logFile, goReport('main.a', 'main.b', 2));
      const locked = await cli([], env, dir);
      await release();
      expect(locked.code).toBe(2);
      expect(locked.stderr).toContain('holds its lock in PostgreSQL');
      const again = await cli([], env, dir);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('commented 1');
      for (const out of [first, locked, again])
        expect(out.stdout + out.stderr).not.toContain(server.password);
      expect(fs.readdirSync(path.join(dir, 'data'))).toEqual(['race-reporter.prom']);
      expect((await savedState('cron-1'))!.cursors[0]!.offset).toBe(fs.statSync(logFile).size);
    } finally {
      await holder.close();
    }
  });

  it('an unreachable database is a configuration error naming DATABASE_URL, never its password (exit 78)', async () => {
    const dir = tempDir('pg-bad');
    const bad = new URL(url);
    bad.port = '1';
    const out = await cli(['--dry-run', path.join(dir, 'none.log')], { DATABASE_URL: bad.toString() }, dir);
    expect(out.code).toBe(78);
    expect(out.stderr).toContain('DATABASE_URL');
    expect(out.stderr).not.toContain(server.password);
  });
});

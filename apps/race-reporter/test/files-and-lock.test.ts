import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { RefusedError } from '@devops/errors';
import { startGitLabDouble, tempDir } from '@devops/testkit';
import { openFileStore } from '../src/state/open-file-store';
import { goReport, holdLockElsewhere, run, writes, startRunFixture, type RunFixture } from './run-helpers';

describe('cursors through rotation and truncation', () => {
  let { double, project, dir, logFile, statePath } = {} as RunFixture;
  beforeEach(async () => {
    ({ double, project, dir, logFile, statePath } = await startRunFixture('qa/rot', 'rot'));
  });
  afterEach(() => double.close());
  const titles = () =>
    double
      .state(project)
      .issues.map((i) => i.title)
      .sort();
  const notes = (title: string) =>
    double
      .state(project)
      .issues.find((i) => i.title === title)!
      .notes.filter((n) => !n.system);

  it('rename rotation: the rest of app.log.1 (found by inode) and the new app.log are both read, nothing twice', async () => {
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
    await run(double, project, { patterns: [logFile], statePath });
    // The writer still appends to the renamed file before reopening.
    fs.renameSync(logFile, `${logFile}.1`);
    fs.appendFileSync(`${logFile}.1`, goReport('main.c', 'main.d', 2));
    fs.writeFileSync(logFile, goReport('main.e', 'main.f', 3));
    await run(double, project, { patterns: [logFile], statePath });
    expect(titles()).toEqual(['Data race in main.a', 'Data race in main.c', 'Data race in main.e']);
    expect(notes('Data race in main.a')).toEqual([]);
    double.clearRequests();
    await run(double, project, { patterns: [logFile], statePath });
    expect(writes(double)).toEqual([]);
  });

  it('rotation with compression: the unread tail is read from app.log.1.gz (found by its head), matched by a glob too', async () => {
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
    await run(double, project, { patterns: [path.join(dir, 'app.log*')], statePath });
    fs.appendFileSync(logFile, goReport('main.c', 'main.d', 2));
    fs.writeFileSync(`${logFile}.1.gz`, gzipSync(fs.readFileSync(logFile)));
    fs.rmSync(logFile);
    fs.writeFileSync(logFile, 'fresh log\n');
    await run(double, project, { patterns: [path.join(dir, 'app.log*')], statePath });
    expect(titles()).toEqual(['Data race in main.a', 'Data race in main.c']);
    expect(notes('Data race in main.a')).toEqual([]);
    double.clearRequests();
    await run(double, project, { patterns: [path.join(dir, 'app.log*')], statePath });
    expect(writes(double)).toEqual([]);
  });

  it('truncation restarts the file: a race in the rewritten file is a new occurrence', async () => {
    fs.writeFileSync(logFile, `${'x'.repeat(5000)}\n${goReport('main.a', 'main.b', 1)}`);
    await run(double, project, { patterns: [logFile], statePath });
    fs.truncateSync(logFile, 0);
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 2));
    await run(double, project, { patterns: [logFile], statePath });
    expect(titles()).toEqual(['Data race in main.a']);
    expect(notes('Data race in main.a')).toHaveLength(1);
    expect(notes('Data race in main.a')[0]!.body).toContain('Seen: 1 time(s)');
  });
});

describe('lock (@devops/durable-fs tryLock on the state file)', () => {
  it('a run while another process holds the lock refuses (RefusedError) and writes nothing; after the holder dies and its lock is stale, a run proceeds', async () => {
    const dir = tempDir('lock');
    const statePath = path.join(dir, 'state.json');
    const logFile = path.join(dir, 'app.log');
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
    const release = await holdLockElsewhere(statePath);
    try {
      await expect(run(null, 1, { patterns: [logFile], statePath })).rejects.toThrow(RefusedError);
      await expect(openFileStore(statePath).lock()).rejects.toThrow(
        /another race-reporter run holds .*state\.json\.lock/,
      );
      expect(fs.existsSync(statePath)).toBe(false);
    } finally {
      await release();
    }
    // The holder was killed (SIGKILL): its lock stays until stale. Age it instead of waiting.
    const old = new Date(Date.now() - 10 * 60_000);
    fs.utimesSync(`${statePath}.lock`, old, old);
    const double = await startGitLabDouble();
    try {
      const project = double.addProject({ path: 'qa/lock' }).id;
      const { result } = await run(double, project, { patterns: [logFile], statePath });
      expect(result.summary.issuesCreated).toBe(1);
      expect(fs.existsSync(`${statePath}.lock`)).toBe(false);
      expect(JSON.parse(fs.readFileSync(statePath, 'utf8')).cursors[0].offset).toBe(
        fs.statSync(logFile).size,
      );
    } finally {
      await double.close();
    }
  });
});

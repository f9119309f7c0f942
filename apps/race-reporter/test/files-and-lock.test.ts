import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { RefusedError } from '@devops/errors';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { acquireLock } from '../src/state/acquire-lock';
import { goReport, run, tempDir, writes } from './run-helpers';

describe('cursors through rotation and truncation', () => {
  let double: GitLabDouble;
  let project: number;
  let dir: string;
  let logFile: string;
  let statePath: string;
  beforeEach(async () => {
    double = await startGitLabDouble();
    project = double.addProject({ path: 'qa/rot' }).id;
    dir = tempDir('rot');
    logFile = path.join(dir, 'app.log');
    statePath = path.join(dir, 'state.json');
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

describe('lock', () => {
  it('a live holder makes a run refuse; a dead holder is taken over; release removes the file', async () => {
    const dir = tempDir('lock');
    const lockPath = path.join(dir, 'state.json.lock');
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      fs.writeFileSync(lockPath, JSON.stringify({ pid: sleeper.pid, host: 'h', startedAt: 'then' }));
      await expect(acquireLock(lockPath, { host: 'h' })).rejects.toThrow(RefusedError);
      await expect(acquireLock(lockPath, { host: 'h' })).rejects.toThrow(
        /another race-reporter run holds .* \(pid \d+ on h/,
      );
    } finally {
      sleeper.kill();
    }
    await new Promise((r) => sleeper.once('exit', r));
    const lock = await acquireLock(lockPath, { host: 'h' });
    expect(JSON.parse(fs.readFileSync(lockPath, 'utf8')).pid).toBe(process.pid);
    await lock.release();
    expect(fs.existsSync(lockPath)).toBe(false);
  });
});

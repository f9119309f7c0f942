import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeDirDurably, tryLock, writeFileDurably } from '../src';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'durable-fs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs a script in a child process with this package's sources (via SWC's register hook is overkill: plain JS). */
function child(script: string): ReturnType<typeof spawn> {
  return spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
}

function lineFrom(proc: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    proc.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    proc.once('exit', (code) => reject(new Error(`child exited ${code} before writing`)));
  });
}

describe('writeFileDurably', () => {
  it('writes the content with mode 0600 by default and leaves no temporary file', async () => {
    const file = path.join(dir, 'state.json');
    await writeFileDurably(file, '{"a":1}\n');
    await writeFileDurably(file, Buffer.from('{"a":2}\n'));
    expect(await readFile(file, 'utf8')).toBe('{"a":2}\n');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('honours the mode and a custom folder sync', async () => {
    const file = path.join(dir, 'release.env');
    let synced = 0;
    await writeFileDurably(file, 'X=1\n', { mode: 0o644, syncDir: () => Promise.resolve(void synced++) });
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(synced).toBe(1);
  });

  it('fails without touching the old file when the folder is gone, and leaves nothing', async () => {
    const file = path.join(dir, 'missing', 'x');
    await expect(writeFileDurably(file, 'x')).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives the exact mode whatever the umask', async () => {
    // In a child: the umask is the process's, and jest's workers share theirs.
    const proc = child(`
      const { writeFileDurably } = require(${JSON.stringify(path.join(__dirname, '..', 'dist'))});
      process.umask(0o077);
      writeFileDurably(${JSON.stringify(path.join(dir, 'wide'))}, 'x', { mode: 0o644 })
        .then(() => process.stdout.write('done\\n'));
    `);
    expect(await lineFrom(proc)).toBe('done');
    expect((await stat(path.join(dir, 'wide'))).mode & 0o777).toBe(0o644);
  });

  it('runs writes to one file in call order and leaves the last one called', async () => {
    const file = path.join(dir, 'order.json');
    const values = Array.from({ length: 40 }, (_, i) => `${i}`.repeat(1 + ((i * 7919) % 5000)));
    const finished: number[] = [];
    await Promise.all(values.map((v, i) => writeFileDurably(file, v).then(() => finished.push(i))));
    expect(finished).toEqual(values.map((_, i) => i));
    expect(await readFile(file, 'utf8')).toBe(values[values.length - 1]);
    expect(await readdir(dir)).toEqual(['order.json']);
  });

  it('removes its temporary file when the rename fails (a folder is in the way)', async () => {
    const target = path.join(dir, 'taken');
    await mkdir(path.join(target, 'inside'), { recursive: true });
    await expect(writeFileDurably(target, 'x')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect((await readdir(dir)).sort()).toEqual(['taken']);
  });

  it('[slow] a process killed mid-write leaves the old content whole', async () => {
    const file = path.join(dir, 'big');
    await writeFile(file, 'old');
    const big = 'x'.repeat(64 * 1024 * 1024);
    // The child writes 64 MiB through the built writeFileDurably and is killed while it does.
    const proc = child(`
      const { writeFileDurably } = require(${JSON.stringify(path.join(__dirname, '..', 'dist'))});
      process.stdout.write('go\\n');
      writeFileDurably(${JSON.stringify(file)}, Buffer.alloc(${big.length}, 120));
    `);
    await lineFrom(proc);
    // Kill it once its temporary file exists: the write is under way.
    while ((await readdir(dir)).length < 2) await new Promise((r) => setTimeout(r, 1));
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    expect(await readFile(file, 'utf8')).toBe('old');
  });
});

describe('makeDirDurably', () => {
  it('creates missing parents and accepts an existing folder', async () => {
    const deep = path.join(dir, 'a', 'b', 'c');
    await makeDirDurably(deep);
    await makeDirDurably(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
  });
});

describe('tryLock', () => {
  it('gives the lock to one holder at a time and again after release', async () => {
    const target = path.join(dir, 'product@1.0');
    const release = await tryLock(target);
    expect(release).toBeDefined();
    expect(await tryLock(target)).toBeUndefined();
    await release!();
    const again = await tryLock(target);
    expect(again).toBeDefined();
    await again!();
  });

  it('[slow] is exclusive across processes and taken over once a killed holder goes stale', async () => {
    const target = path.join(dir, 'state.json');
    const proc = child(`
      const lockfile = require(${JSON.stringify(require.resolve('proper-lockfile'))});
      lockfile.lock(${JSON.stringify(target)}, { realpath: false, stale: 2000, update: 1000 })
        .then(() => process.stdout.write('held\\n'));
      setInterval(() => {}, 1000);
    `);
    expect(await lineFrom(proc)).toBe('held');
    expect(await tryLock(target, { staleMs: 2000 })).toBeUndefined();
    proc.kill('SIGKILL');
    await new Promise((r) => proc.once('exit', r));
    let release: Awaited<ReturnType<typeof tryLock>>;
    for (let i = 0; i < 50 && !release; i++) {
      await new Promise((r) => setTimeout(r, 200));
      release = await tryLock(target, { staleMs: 2000 });
    }
    expect(release).toBeDefined();
    await release!();
  });
});

import { open, readFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeDirDurably, tryLock, writeFileDurably } from '@devops/durable-fs';
import type { CatchUpStore } from './catch-up-store';

type Line = { k: string; at: number } | { forget: string } | { p: string };

/**
 * The catch-up store in the spool folder (`<WEBHOOK_SPOOL_DIR>/catch-up/`): `applied.log` and
 * `projects.log` are append-only JSON lines, each append fsynced (single small appends, atomic under
 * O_APPEND, so the `reconcile` command may append while the service runs; each reader catches up with
 * what the other wrote before answering); `last-pass.json` is written whole (writeFileDurably); the pass
 * lock is durable-fs's tryLock on `pass` (a folder `pass.lock`, stale after 30 s when its holder died).
 */
export async function openSpoolStore(spoolDir: string): Promise<CatchUpStore> {
  const dir = path.join(spoolDir, 'catch-up');
  await mkdir(spoolDir, { recursive: true });
  await makeDirDurably(dir);
  const appliedFile = path.join(dir, 'applied.log');
  const projectsFile = path.join(dir, 'projects.log');
  const lastPassFile = path.join(dir, 'last-pass.json');
  const applied = new Set<string>();
  const projects = new Set<string>();
  const offsets = new Map<string, number>();

  /** Reads what was appended since the last read (by this process or another). */
  async function refresh(file: string): Promise<void> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return;
    }
    const from = offsets.get(file) ?? 0;
    if (size <= from) return;
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(size - from);
      await handle.read(buffer, 0, buffer.length, from);
      const text = buffer.toString('utf8');
      const end = text.lastIndexOf('\n') + 1; // a line still being written is read next time
      offsets.set(file, from + Buffer.byteLength(text.slice(0, end)));
      for (const raw of text.slice(0, end).split('\n')) {
        if (!raw) continue;
        let line: Line;
        try {
          line = JSON.parse(raw) as Line;
        } catch {
          continue; // a torn line from a crash: the change is found again by the next pass
        }
        if ('k' in line) applied.add(line.k);
        else if ('forget' in line) applied.delete(line.forget);
        else if ('p' in line) projects.add(line.p);
      }
    } finally {
      await handle.close();
    }
  }

  async function append(file: string, lines: Line[]): Promise<void> {
    const handle = await open(file, 'a', 0o600);
    try {
      await handle.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  return {
    async applied(key) {
      await refresh(appliedFile);
      return applied.has(key);
    },
    async record(key, forget = []) {
      await append(appliedFile, [{ k: key, at: Date.now() }, ...forget.map((f) => ({ forget: f }))]);
      await refresh(appliedFile);
    },
    async addProject(project) {
      if (projects.has(project)) return; // projects are only ever added: a known one needs no read
      await refresh(projectsFile);
      if (projects.has(project)) return;
      await append(projectsFile, [{ p: project }]);
      await refresh(projectsFile);
    },
    async projects() {
      await refresh(projectsFile);
      return [...projects];
    },
    async lastPass() {
      try {
        const value = (JSON.parse(await readFile(lastPassFile, 'utf8')) as { at?: unknown }).at;
        return typeof value === 'number' ? value : null;
      } catch {
        return null;
      }
    },
    async setLastPass(at) {
      await writeFileDurably(lastPassFile, JSON.stringify({ at }));
    },
    tryLock: () => tryLock(path.join(dir, 'pass')),
    async close() {},
  };
}

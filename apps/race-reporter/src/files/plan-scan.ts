import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@devops/logger';
import type { Cursor } from '../state/race-state';
import { hashHead, HEAD_BYTES, type Head } from './hash-head';
import { isCompressed } from './open-log-stream';

/** One file this run reads, and from where. */
export interface ScanTarget {
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtime: Date;
  compressed: boolean;
  /** The cursor it continues (same id) or a new one. */
  cursorId: string;
  start: { offset: number; line: number };
  filed: Record<string, number>;
  /** Matched by a configured path/glob (false: a rotated file found through its cursor). */
  matched: boolean;
  /** Nothing new since the last run (a fully read .gz with the same size): not opened. */
  unchanged: boolean;
  why: 'new' | 'continued' | 'rotated' | 'restarted';
  /** The cursor's previous `end` (for unchanged files). */
  previousEnd: number;
}

interface Candidate {
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtime: Date;
  matched: boolean;
}

/** Characters that may make a pattern a glob; other patterns are plain paths (no glob library loaded). */
const GLOB_CHARS = /[*?[\]{}()!+@\\]/;

/** Expands paths and globs into regular files (absolute, sorted). Patterns that match nothing are reported. */
export async function expandPatterns(
  patterns: string[],
  cwd: string,
): Promise<{ files: string[]; unmatched: string[] }> {
  const files = new Set<string>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const found = GLOB_CHARS.test(pattern) ? await glob(pattern, cwd) : await plainFile(pattern, cwd);
    if (found.length === 0) unmatched.push(pattern);
    for (const f of found) files.add(path.normalize(f));
  }
  return { files: [...files].sort(), unmatched };
}

/** A plain path: the file itself when it is a regular file (symbolic links followed). */
async function plainFile(pattern: string, cwd: string): Promise<string[]> {
  const abs = path.resolve(cwd, pattern);
  const st = await fs.stat(abs).catch(() => null);
  return st?.isFile() ? [abs] : [];
}

/** fast-glob, loaded only for patterns that may be globs (it is ~30 ms and ~3 MB of start-up). */
async function glob(pattern: string, cwd: string): Promise<string[]> {
  const { default: fg } = await import('fast-glob');
  return fg(fg.isDynamicPattern(pattern) ? pattern : fg.escapePath(pattern), {
    cwd,
    absolute: true,
    onlyFiles: true,
    dot: true,
    followSymbolicLinks: true,
    suppressErrors: true,
  });
}

async function statCandidate(filePath: string, matched: boolean): Promise<Candidate | null> {
  const st = await fs.stat(filePath).catch(() => null);
  if (!st || !st.isFile()) return null;
  return { path: filePath, dev: st.dev, ino: st.ino, size: st.size, mtime: st.mtime, matched };
}

/** Files next to a cursor's path that logrotate may have renamed it to: app.log.1, app.log.1.gz, app.log-20240501. */
async function rotationSiblings(cursorPath: string): Promise<string[]> {
  const dir = path.dirname(cursorPath);
  const base = path.basename(cursorPath);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.startsWith(`${base}.`) || n.startsWith(`${base}-`))
    .map((n) => path.join(dir, n));
}

async function headMatches(filePath: string, head: Head, cache: Map<string, Head>): Promise<boolean> {
  const key = `${filePath}\0${head.bytes}`;
  let got = cache.get(key);
  if (!got) {
    got = await hashHead(filePath, head.bytes).catch(() => ({ hash: '', bytes: -1 }));
    cache.set(key, got);
  }
  return got.bytes === head.bytes && got.hash === head.hash;
}

/**
 * Decides what this run reads. Each cursor is looked for, in order:
 * 1. a file with its device and inode whose head still matches and which is
 *    not shorter than the offset (the same file, possibly renamed by rotation);
 * 2. a file next to it (app.log.1, app.log.1.gz, app.log-2024…) or matched by
 *    the globs whose decompressed head matches (compressed or copied by
 *    logrotate): read on from the same offset;
 * otherwise the cursor is dropped. Matched files no cursor claims are read
 * from the start (new files, files truncated or replaced in place).
 */
export async function planScan(opts: {
  files: string[];
  cursors: Cursor[];
  log: Logger;
}): Promise<{ targets: ScanTarget[]; dropped: Cursor[] }> {
  const candidates = new Map<string, Candidate>();
  for (const f of opts.files) {
    const c = await statCandidate(f, true);
    if (c) candidates.set(c.path, c);
  }
  for (const cursor of opts.cursors) {
    for (const f of [cursor.path, ...(await rotationSiblings(cursor.path))]) {
      if (candidates.has(f)) continue;
      const c = await statCandidate(f, false);
      if (c) candidates.set(c.path, c);
    }
  }
  const heads = new Map<string, Head>();
  const claimed = new Set<string>();
  const targets: ScanTarget[] = [];
  const dropped: Cursor[] = [];

  for (const cursor of opts.cursors) {
    let found: { c: Candidate; why: ScanTarget['why'] } | null = null;
    const same = [...candidates.values()].find(
      (c) => c.dev === cursor.dev && c.ino === cursor.ino && !claimed.has(c.path),
    );
    const compressedCursor = isCompressed(cursor.path);
    if (same && (await headMatches(same.path, cursor.head, heads))) {
      const shrunk = !isCompressed(same.path) && !compressedCursor && same.size < cursor.offset;
      if (!shrunk) found = { c: same, why: same.path === cursor.path ? 'continued' : 'rotated' };
    }
    if (!found) {
      for (const c of candidates.values()) {
        if (claimed.has(c.path) || (c.dev === cursor.dev && c.ino === cursor.ino)) continue;
        const plainTooShort = !isCompressed(c.path) && c.size < cursor.offset;
        if (plainTooShort) continue;
        if (await headMatches(c.path, cursor.head, heads)) {
          found = { c, why: 'rotated' };
          break;
        }
      }
    }
    if (!found) {
      dropped.push(cursor);
      continue;
    }
    const { c, why } = found;
    claimed.add(c.path);
    const unchanged =
      isCompressed(c.path) &&
      c.dev === cursor.dev &&
      c.ino === cursor.ino &&
      c.size === cursor.size &&
      cursor.offset >= cursor.end;
    targets.push({
      ...c,
      compressed: isCompressed(c.path),
      cursorId: cursor.id,
      start: { offset: cursor.offset, line: cursor.line },
      filed: { ...cursor.filed },
      unchanged,
      why,
      previousEnd: cursor.end,
    });
    if (why === 'rotated')
      opts.log.info(`${cursor.path} was rotated to ${c.path}: reading on from byte ${cursor.offset}`);
  }

  for (const c of candidates.values()) {
    if (!c.matched || claimed.has(c.path)) continue;
    const restarted = opts.cursors.some((k) => k.path === c.path);
    if (restarted) opts.log.info(`${c.path} was truncated or replaced: reading it from the start`);
    targets.push({
      ...c,
      compressed: isCompressed(c.path),
      cursorId: randomUUID(),
      start: { offset: 0, line: 1 },
      filed: {},
      unchanged: false,
      why: restarted ? 'restarted' : 'new',
      previousEnd: 0,
    });
  }
  targets.sort((a, b) => a.path.localeCompare(b.path));
  return { targets, dropped };
}

export { HEAD_BYTES };

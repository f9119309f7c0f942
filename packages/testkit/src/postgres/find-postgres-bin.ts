import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const SERVER_TOOLS = ['initdb', 'pg_ctl', 'postgres'] as const;

function hasServerTools(dir: string): boolean {
  return SERVER_TOOLS.every((tool) => fs.existsSync(path.join(dir, tool)));
}

function pgConfigBinDir(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** Debian/Ubuntu layout: /usr/lib/postgresql/<major>/bin, newest major first. */
function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  let majors: string[];
  try {
    majors = fs.readdirSync(root);
  } catch {
    return [];
  }
  return majors
    .filter((m) => /^\d+(\.\d+)?$/.test(m))
    .sort((a, b) => Number(b) - Number(a))
    .map((m) => path.join(root, m, 'bin'));
}

function pathDirs(searchPath: string | undefined): string[] {
  return (searchPath ?? '').split(path.delimiter).filter(Boolean);
}

/**
 * The directory holding PostgreSQL's server binaries (initdb, pg_ctl,
 * postgres): `binDir` if given, else `pg_config --bindir`, else the newest
 * /usr/lib/postgresql/<major>/bin, else a directory on `searchPath`.
 * Throws a message that says how to install it when none is found.
 */
export function findPostgresBin(opts: { binDir?: string; searchPath?: string } = {}): string {
  const candidates = opts.binDir
    ? [opts.binDir]
    : [pgConfigBinDir(), ...debianBinDirs(), ...pathDirs(opts.searchPath)].filter(
        (d): d is string => d !== undefined,
      );
  const found = candidates.find(hasServerTools);
  if (found) return found;
  throw new Error(
    `PostgreSQL server binaries (${SERVER_TOOLS.join(', ')}) not found in ${
      candidates.length ? candidates.join(', ') : 'any known place'
    }: install PostgreSQL (Debian: apt-get install postgresql) to run the tests that need a database`,
  );
}

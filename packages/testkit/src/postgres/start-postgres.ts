import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findPostgresBin } from './find-postgres-bin';

export interface PostgresServer {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** The temporary directory holding the data, socket and log (gone after stop). */
  dir: string;
  /** The superuser's password (it is in `url` too): for tests that check it never leaks. */
  password: string;
  /** A fresh, empty database on this server; returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (fast shutdown), keeping its data: "the database went away". */
  pause(): Promise<void>;
  /** Starts a paused server again on the same port. */
  resume(): Promise<void>;
  /** Stops the server and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Where initdb/pg_ctl live; found automatically when absent. */
  binDir?: string;
  /** Extra postgresql.conf lines, e.g. { max_connections: '50' }. */
  settings?: Record<string, string>;
}

interface RunAs {
  uid: number;
  gid: number;
}

const ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };

/** Root may not run PostgreSQL: use the `postgres` OS user (Debian's package creates it). */
function chooseUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = fs
    .readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error(
      'running as root, PostgreSQL needs a non-root OS user "postgres": create it (useradd postgres)',
    );
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function run(cmd: string, args: string[], user: RunAs | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: ENV, stdio: ['ignore', 'pipe', 'pipe'], ...user });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited ${code}: ${output.trim()}`)),
    );
  });
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A real PostgreSQL server for tests: initdb into a fresh temporary directory
 * and pg_ctl start on a free loopback port (as the `postgres` OS user when
 * running as root), fsync off and small buffers for speed, its unix socket in
 * the same directory. Password authentication over TCP, so URLs carry a
 * password like a real deployment's. `stop()` removes everything.
 */
export async function startPostgres(opts: StartPostgresOptions = {}): Promise<PostgresServer> {
  const bin = findPostgresBin(opts.binDir ? { binDir: opts.binDir } : {});
  const user = chooseUser();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-test-'));
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  const password = randomBytes(18).toString('base64url');
  if (user) fs.chownSync(root, user.uid, user.gid);
  fs.chmodSync(root, 0o700);

  const cleanUp = (): void => {
    spawnSync(path.join(bin, 'pg_ctl'), ['stop', '-D', dataDir, '-m', 'immediate', '-w'], {
      env: ENV,
      stdio: 'ignore',
      ...user,
    });
    fs.rmSync(root, { recursive: true, force: true });
  };
  // A test run that dies without calling stop() must not leave a server behind.
  process.once('exit', cleanUp);

  const pg = (tool: string, args: string[]) => run(path.join(bin, tool), args, user);
  let port = 0;
  const startServer = async (): Promise<void> => {
    await pg('pg_ctl', ['start', '-D', dataDir, '-l', logFile, '-w', '-t', '60', '-o', `-p ${port}`]);
  };

  try {
    const pwFile = path.join(root, 'pwfile');
    fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
    if (user) fs.chownSync(pwFile, user.uid, user.gid);
    await pg('initdb', [
      '-D', dataDir, '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions',
      '--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwFile}`,
    ]); // prettier-ignore
    fs.rmSync(pwFile);
    const conf = {
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: `'${root}'`,
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      shared_buffers: '16MB',
      max_connections: '200',
      ...opts.settings,
    };
    fs.appendFileSync(
      path.join(dataDir, 'postgresql.conf'),
      Object.entries(conf)
        .map(([k, v]) => `${k} = ${v}\n`)
        .join(''),
    );
    // The free port may be taken by someone else between the check and the bind: try another.
    for (let attempt = 1; ; attempt++) {
      port = await findFreePort();
      try {
        await startServer();
        break;
      } catch (err) {
        const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
        if (attempt >= 5 || !/could not bind|already in use/i.test(log)) {
          throw new Error(`${(err as Error).message}\n${log.trim()}`);
        }
      }
    }
  } catch (err) {
    process.removeListener('exit', cleanUp);
    cleanUp();
    throw err;
  }

  const urlFor = (db: string) => `postgres://postgres:${password}@127.0.0.1:${port}/${db}`;
  let databases = 0;
  let stopped = false;
  return {
    url: urlFor('postgres'),
    port,
    dir: root,
    password,
    async createDatabase(name = `test_${++databases}`) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      await pg('psql', ['-h', root, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1',
        '-c', `CREATE DATABASE ${name}`]); // prettier-ignore
      return urlFor(name);
    },
    async pause() {
      await pg('pg_ctl', ['stop', '-D', dataDir, '-m', 'fast', '-w']);
    },
    async resume() {
      await startServer();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', cleanUp);
      await pg('pg_ctl', ['stop', '-D', dataDir, '-m', 'immediate', '-w']).catch(() => undefined);
      await fs.promises.rm(root, { recursive: true, force: true });
    },
  };
}

import { spawn } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createGitLab, type GitLabPort } from '@devops/gitlab';
import { createLogger, type Logger } from '@devops/logger';
import { startGitLabDouble, tempDir, type GitLabDouble } from '@devops/testkit';
import type { MetricsSink } from '../src/metrics/publish-run-metrics';
import { runAndRecord } from '../src/run/run-and-record';
import type { RunOptions } from '../src/run/run-race-reporter';
import { openFileStore } from '../src/state/open-file-store';

export const fixtures = path.join(__dirname, 'fixtures');

export function quietLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return {
    log: createLogger({ service: 'race-reporter-test', level: 'debug', format: 'json', secrets: [], stream }),
    lines,
  };
}

/** A race report in Go's format, for functions a and b, at varying addresses/goroutines/lines. */
export function goReport(fnA: string, fnB: string, n = 1): string {
  const addr = `0x00c0000${(1000 + n).toString(16)}10`;
  return [
    '==================',
    'WARNING: DATA RACE',
    `Write at ${addr} by goroutine ${6 + n}:`,
    `  ${fnA}()`,
    `      /srv/app/a.go:${10 + n} +0x4${n % 10}`,
    '',
    `Previous read at ${addr} by main goroutine:`,
    `  ${fnB}()`,
    `      /srv/app/b.go:${20 + n} +0x2${n % 10}`,
    '',
    `Goroutine ${6 + n} (running) created at:`,
    '  main.main()',
    '      /srv/app/main.go:5 +0x10',
    '==================',
    '',
  ].join('\n');
}

export function portFor(double: GitLabDouble, log: Logger): GitLabPort {
  return createGitLab({
    url: double.url,
    token: double.token,
    log,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 },
  });
}

export async function run(
  double: GitLabDouble | null,
  project: number,
  opts: Partial<RunOptions> & {
    patterns: string[];
    statePath?: string;
    port?: GitLabPort;
    metrics?: MetricsSink;
  },
) {
  const { log, lines } = quietLog();
  const port = opts.port ?? (double ? portFor(double, log) : null);
  const { statePath, metrics, store, ...rest } = opts;
  const result = await runAndRecord({
    metrics: metrics ?? null,
    store: store ?? openFileStore(statePath ?? path.join(tempDir('state'), 'state.json')),
    cwd: process.cwd(),
    dryRun: false,
    host: 'test-host-1',
    labels: ['race condition'],
    gitlab: port ? { connect: async () => port, project } : null,
    log,
    now: () => new Date('2024-05-01T03:15:00Z'),
    ...rest,
  });
  return { result, logs: lines };
}

export function writes(double: GitLabDouble) {
  return double.requests.filter((r) => r.method !== 'GET');
}

/**
 * Holds the run lock on `statePath` from another process (as a running race-reporter would) until
 * the returned function kills it.
 */
export async function holdLockElsewhere(statePath: string): Promise<() => Promise<void>> {
  // The built package (jest maps @devops/* to sources, which a plain node process cannot load).
  const durableFs = path.join(
    path.dirname(require.resolve('@devops/durable-fs/package.json')),
    'dist/index.js',
  );
  const child = spawn(
    process.execPath,
    [
      '-e',
      `require(${JSON.stringify(durableFs)}).tryLock(${JSON.stringify(statePath)}).then((r) => { if (!r) process.exit(3); process.stdout.write('held\\n'); setInterval(() => {}, 1000); })`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited ${code}`)));
  });
  return async () => {
    child.kill('SIGKILL');
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
  };
}

/** Runs the built CLI (dist/main.js) as a real process with exactly `env` (plus PATH). */
export function cli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, '../dist/main.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** What a test of whole runs starts with: a GitLab double with one project, a folder, a log and a state path in it. */
export interface RunFixture {
  double: GitLabDouble;
  project: number;
  dir: string;
  logFile: string;
  statePath: string;
}

export async function startRunFixture(
  projectPath: string,
  tag: string,
  stateFile = 'state.json',
): Promise<RunFixture> {
  const double = await startGitLabDouble();
  const dir = tempDir(tag);
  return {
    double,
    project: double.addProject({ path: projectPath }).id,
    dir,
    logFile: path.join(dir, 'app.log'),
    statePath: path.join(dir, stateFile),
  };
}

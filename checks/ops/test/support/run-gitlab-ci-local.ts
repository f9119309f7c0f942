import { execFile } from 'node:child_process';
import path from 'node:path';

export interface PipelineRun {
  code: number;
  stdout: string;
  stderr: string;
}

const cli = path.join(path.dirname(require.resolve('gitlab-ci-local/package.json')), 'dist/index.js');

/**
 * `gitlab-ci-local <args>` in `cwd` (a git repository holding a .gitlab-ci.yml), with this
 * process's Node (it needs Node 22+). Asynchronous, so test doubles in this process keep answering.
 */
export function runGitlabCiLocal(
  cwd: string,
  args: string[],
  opts: { timeoutMs?: number; path?: string } = {},
): Promise<PipelineRun> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) throw new Error(`gitlab-ci-local needs Node.js 22 or newer; this is ${process.version}`);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, '--no-color', ...args],
      {
        cwd,
        encoding: 'utf8',
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 16 * 1024 * 1024,
        // Its own HOME: no ~/.gitlab-ci-local/variables.yml of the person running the tests.
        env: { PATH: opts.path ?? process.env.PATH ?? '', HOME: cwd, GCL_TIMESTAMPS: 'false' },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The job names of a `--list-csv` answer. */
export function listedJobs(run: PipelineRun): string[] {
  const lines = run.stdout.split('\n');
  const header = lines.findIndex((l) => l.startsWith('name;'));
  if (header < 0) throw new Error(`no job list in gitlab-ci-local's output:\n${run.stdout}\n${run.stderr}`);
  return lines
    .slice(header + 1)
    .filter((l) => l.includes(';'))
    .map((l) => l.split(';')[0]!);
}

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor, type GitLabDouble } from '@devops/testkit';

export interface SpawnedService {
  url: string;
  secret: string;
  /** WEBHOOK_SPOOL_DIR of the process (pass it to a second spawn to restart on the same spool). */
  spoolDir: string;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** Runs `node <mainJs> ...args` to its end with the same environment (e.g. `dead-letters list`). */
  run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  cleanup(): Promise<void>;
}

/**
 * `node <mainJs>` as a real process against `gitlab` (the same command its
 * container runs), on a random loopback port: for the process-level tests.
 */
export async function spawnWebhookService(opts: {
  service: string;
  mainJs: string;
  gitlab: GitLabDouble;
  /** The process's whole environment besides the GitLab/webhook settings (give it PATH): nothing is inherited. */
  env: Record<string, string>;
  /** An existing spool (a restart): kept by cleanup(). Default: a new temp dir, removed by cleanup(). */
  spoolDir?: string;
}): Promise<SpawnedService> {
  const secret = 'main-test-secret-0123456789';
  const spoolDir = opts.spoolDir ?? (await mkdtemp(path.join(tmpdir(), `${opts.service}-main-`)));
  const env = {
    ...opts.env,
    GITLAB_URL: opts.gitlab.url,
    GITLAB_TOKEN: opts.gitlab.token,
    GITLAB_WEBHOOK_SECRET: secret,
    WEBHOOK_SPOOL_DIR: spoolDir,
    PORT: '0',
    HOST: '127.0.0.1',
  };
  const child = spawn(process.execPath, [opts.mainJs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await waitFor(
    () => /listening on [\d.]+:(\d+)/.exec(out)?.[1],
    10_000,
    `${opts.service} to log its port`,
  );
  return {
    url: `http://127.0.0.1:${port}`,
    secret,
    spoolDir,
    output: () => out,
    run: (args) => runToEnd(opts.mainJs, args, env),
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async cleanup() {
      if (child.exitCode === null) child.kill('SIGKILL');
      if (!opts.spoolDir) await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

function runToEnd(
  mainJs: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

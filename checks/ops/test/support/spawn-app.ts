import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '@devops/testkit';
import { root } from './workspace';

export interface RunningApp {
  url: string;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, the exit code, and the temp working directory removed. */
  stop(): Promise<number | null>;
}

/**
 * `node apps/<app>/dist/main.js` as a real process (the command its container runs) on a free
 * loopback port, in an empty temp working directory (no .env), with only `env` besides PATH.
 */
export async function spawnApp(app: string, env: Record<string, string>): Promise<RunningApp> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), `ops-check-${app}-`));
  const child = spawn(process.execPath, [path.join(root, 'apps', app, 'dist/main.js')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await exited;
    fs.rmSync(cwd, { recursive: true, force: true });
    return code;
  };
  const port = await waitFor(
    () =>
      /listening on [\w.:[\]-]*?:(\d+)/.exec(out)?.[1] ?? (child.exitCode !== null ? 'exited' : undefined),
    30_000,
    `${app} to log its port`,
  ).catch(() => 'timed out');
  if (!/^\d+$/.test(port)) {
    await stop();
    throw new Error(`${app} did not start (${port}, exit ${child.exitCode}):\n${out}`);
  }
  return { url: `http://127.0.0.1:${port}`, output: () => out, stop };
}

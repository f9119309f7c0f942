import { spawn } from 'node:child_process';

export interface ScriptResult {
  script: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** The last OUTPUT_LIMIT bytes of stdout and stderr, interleaved as they came. */
  output: string;
  /** Set when the script could not be started at all. */
  error?: string;
}

export const OUTPUT_LIMIT = 64 * 1024;

/**
 * Runs `script <tgz> <release.env>` without a shell, in its own process group
 * (so a timeout also stops what it started), in `cwd`, with `env`. At the
 * timeout the group gets SIGTERM, then SIGKILL after `killGraceMs`.
 */
export function runReleaseScript(opts: {
  script: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  killGraceMs?: number;
  now?: () => number;
}): Promise<ScriptResult> {
  const now = opts.now ?? Date.now;
  const started = now();
  return new Promise((resolve) => {
    let output = Buffer.alloc(0);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const collect = (chunk: Buffer) => {
      output = Buffer.concat([output, chunk]);
      if (output.length > OUTPUT_LIMIT) output = output.subarray(output.length - OUTPUT_LIMIT);
    };
    const child = spawn(opts.script, opts.args, {
      cwd: opts.cwd,
      env: opts.env,
      shell: false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), opts.killGraceMs ?? 5000);
    }, opts.timeoutMs);
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    // Something the script started in the background may keep its output
    // open after it exited: stop waiting for that output soon after the exit.
    child.on('exit', () => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, 1000).unref();
    });
    let startError: string | undefined;
    child.on('error', (err) => {
      startError = `could not start ${opts.script}: ${err.message}`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      resolve({
        script: opts.script,
        exitCode: code,
        signal,
        timedOut,
        durationMs: now() - started,
        output: output.toString('utf8'),
        ...(startError ? { error: startError } : {}),
      });
    });
  });
}

export function scriptSucceeded(r: ScriptResult): boolean {
  return r.exitCode === 0 && !r.timedOut && r.error === undefined;
}

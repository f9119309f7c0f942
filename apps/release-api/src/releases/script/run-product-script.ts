import path from 'node:path';
import type { Logger } from '@devops/logger';
import { releaseEnvEntries } from '../publish/release-env-entries';
import { artifactName, versionDir, type ReleaseRecord } from '../publish/release-record';
import type { ReleaseMetrics } from '../release-metrics';
import { runReleaseScript, scriptSucceeded } from './run-release-script';
import { writeReleaseRecord } from '../publish/write-release-record';

/**
 * Runs the product's script for a stored release and records the result in
 * its release.json: `script <tgz> <release.env>`, cwd the version folder,
 * the RELEASE_<KEY> entries of release.env also in its environment.
 */
export async function runProductScript(opts: {
  record: ReleaseRecord;
  releaseDir: string;
  script: string;
  timeoutSeconds: number;
  baseEnv: Record<string, string>;
  log: Logger;
  metrics: ReleaseMetrics;
  now: () => Date;
  killGraceMs?: number;
}): Promise<ReleaseRecord> {
  const { record } = opts;
  const dir = versionDir(opts.releaseDir, record.product, record.version);
  const env: Record<string, string> = { ...opts.baseEnv };
  for (const [key, value] of releaseEnvEntries(record)) env[key] = value;
  const startedAt = opts.now().toISOString();
  await writeReleaseRecord(dir, { ...record, status: 'script-running', script: null });
  opts.log.info(`running ${opts.script} for ${record.product} ${record.version}`);
  const result = await runReleaseScript({
    script: opts.script,
    args: [path.join(dir, artifactName(record.product, record.version)), path.join(dir, 'release.env')],
    cwd: dir,
    env,
    timeoutMs: opts.timeoutSeconds * 1000,
    killGraceMs: opts.killGraceMs,
  });
  const ok = scriptSucceeded(result);
  opts.metrics.scripts.inc({ result: ok ? 'ok' : result.timedOut ? 'timeout' : 'failed' });
  const updated: ReleaseRecord = {
    ...record,
    status: ok ? 'published' : 'script-failed',
    script: { ...result, startedAt },
  };
  await writeReleaseRecord(dir, updated);
  if (ok) opts.log.info(`${record.product} ${record.version}: script exited 0 in ${result.durationMs} ms`);
  else
    opts.log.warn(
      `${record.product} ${record.version}: script ${result.timedOut ? `timed out after ${opts.timeoutSeconds} s` : `failed (exit ${result.exitCode}${result.signal ? `, ${result.signal}` : ''})`}${result.error ? `: ${result.error}` : ''}`,
    );
  return updated;
}

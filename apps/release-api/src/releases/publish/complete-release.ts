import path from 'node:path';
import { ConflictError } from '@devops/errors';
import type { Logger } from '@devops/logger';
import { publishRelease } from './publish-release';
import type { Received } from '../receive/receive-upload';
import { checksumMismatch, conflict, type Outcome } from '../refusals';
import { artifactName, describeRelease, versionDir, type ReleaseRecord } from './release-record';
import type { ReleaseMetrics } from '../release-metrics';
import { runProductScript } from '../script/run-product-script';
import { writeReleaseRecord } from './write-release-record';

export interface CompleteDeps {
  releaseDir: string;
  scriptTimeoutSeconds: number;
  metrics: ReleaseMetrics;
  /** The environment scripts start from (RELEASE_<KEY> is added); never holds the shared secret. */
  scriptEnv: Record<string, string>;
  now: () => Date;
  /** Between SIGTERM and SIGKILL when a script times out. */
  killGraceMs?: number;
}

/**
 * Stage 6 (publish), once the whole body is in: checksums (422), then the
 * 200 of a repeat, or publishing (or, for a rerun, reusing what was stored),
 * then the product's script (500 when it fails; the artifact stays).
 */
export async function completeRelease(received: Received, deps: CompleteDeps, log: Logger): Promise<Outcome> {
  const { fields, file } = received;
  if (file.md5 !== fields.md5) return checksumMismatch('md5', fields.md5, file.md5, file.size);
  if (fields.sha256 && file.sha256 !== fields.sha256) {
    return checksumMismatch('sha256', fields.sha256, file.sha256, file.size);
  }
  const script = received.product?.script;
  if (received.mode === 'existing' && received.existing) {
    log.info(`${fields.product} ${fields.version} is already published with md5 ${file.md5}: nothing to do`);
    return { status: 200, body: describeRelease(received.existing), result: 'existing' };
  }

  let record: ReleaseRecord;
  if (received.mode === 'rerun' && received.existing) {
    // A rerun works on what was stored the first time (its release.env stays as it is).
    record = received.existing;
    log.info(
      `${fields.product} ${fields.version} was stored before but its script did not succeed: running it again`,
    );
    if (!script) {
      record = { ...record, status: 'published' };
      await writeReleaseRecord(versionDir(deps.releaseDir, record.product, record.version), record);
      return { status: 201, body: describeRelease(record), result: 'rerun' };
    }
  } else {
    record = {
      product: fields.product,
      version: fields.version,
      md5: file.md5,
      sha256: file.sha256,
      size: file.size,
      artifact: path.posix.join(fields.product, fields.version, artifactName(fields.product, fields.version)),
      fields: Object.fromEntries(fields.metadata),
      receivedAt: deps.now().toISOString(),
      status: script ? 'script-running' : 'published',
      script: null,
    };
    try {
      await publishRelease({ releaseDir: deps.releaseDir, stagingDir: received.stagingDir!, record });
    } catch (err) {
      if (err instanceof ConflictError) return conflict(err.message);
      throw err;
    }
    log.info(`published ${record.artifact} (${file.size} bytes, md5 ${file.md5})`);
    if (!script) return { status: 201, body: describeRelease(record), result: 'created' };
  }

  const after = await runProductScript({
    record,
    releaseDir: deps.releaseDir,
    script,
    timeoutSeconds: received.product?.timeoutSeconds ?? deps.scriptTimeoutSeconds,
    baseEnv: deps.scriptEnv,
    log,
    metrics: deps.metrics,
    now: deps.now,
    killGraceMs: deps.killGraceMs,
  });
  if (after.status === 'published') {
    const result = received.mode === 'rerun' ? 'rerun' : 'created';
    return { status: 201, body: describeRelease(after), result };
  }
  const what = after.script?.timedOut ? 'timed out' : 'failed';
  return {
    status: 500,
    body: {
      error: `the release script ${what}; the artifact is kept: post it again to rerun the script`,
      ...describeRelease(after),
    },
    result: 'script_failed',
  };
}

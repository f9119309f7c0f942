import path from 'node:path';
import type { Request, RequestHandler, Response } from 'express';
import { ConflictError, describeError } from '@devops/errors';
import { requestLog } from '@devops/http-service';
import type { Logger } from '@devops/logger';
import { formatReleaseEnv } from './format-release-env';
import type { Products } from './load-products';
import { publishRelease, recordEnvEntries, releaseEnvEntries } from './publish-release';
import { receiveUpload, type Received } from './receive-upload';
import { badRequest, checksumMismatch, conflict, type Outcome } from './refusals';
import { describeRelease, versionDir, type ReleaseRecord } from './release-record';
import type { ReleaseMetrics } from './release-metrics';
import { runProductScript } from './run-product-script';
import { writeFileDurably } from './write-durably';

export interface ReleaseDeps {
  config: {
    RELEASE_SHARED_SECRET: string;
    RELEASE_DIR: string;
    RELEASE_MAX_BYTES: number;
    RELEASE_SCRIPT_TIMEOUT: number;
  };
  products: Products | undefined;
  metrics: ReleaseMetrics;
  /** The environment scripts start from (RELEASE_<KEY> is added); never holds the shared secret. */
  scriptEnv: Record<string, string>;
  now: () => Date;
  /** Between SIGTERM and SIGKILL when a script times out. */
  killGraceMs?: number;
  /** A young-generation GC, run every few MiB of an upload (see main.ts); optional. */
  collectYoung?: () => void;
}

/** After an early answer, how much of the rest of the body is read and dropped before the connection is closed. */
const DRAIN_LIMIT_MS = 2000;

/** `POST /releases`: see SPEC "release-api" and the README's response table. */
export function postRelease(deps: ReleaseDeps): RequestHandler {
  return (req, res) => {
    handleUpload(req, res, deps).catch((err: unknown) => {
      requestLog(req).error(`upload failed: ${describeError(err)}`);
      deps.metrics.uploads.inc({ result: 'error' });
      if (!res.headersSent) res.status(500).json({ error: 'internal error while storing the release' });
    });
  };
}

async function handleUpload(req: Request, res: Response, deps: ReleaseDeps): Promise<void> {
  const log = requestLog(req);
  const { config } = deps;
  const upload = receiveUpload(req, {
    secret: config.RELEASE_SHARED_SECRET,
    releaseDir: config.RELEASE_DIR,
    maxBytes: config.RELEASE_MAX_BYTES,
    products: deps.products,
    metrics: deps.metrics,
    log,
    collectYoung: deps.collectYoung,
  });
  let outcome: Outcome | undefined;
  let early = false;
  try {
    const decision = await upload.decision;
    if (decision.kind === 'aborted') {
      deps.metrics.uploads.inc({ result: 'aborted' });
      log.warn(`upload aborted: ${decision.reason}; nothing kept`);
    } else if (decision.kind === 'refused') {
      outcome = decision.outcome;
      early = true;
      log.info(`upload refused (${outcome.status}): ${String(outcome.body.error)}`);
    } else {
      outcome = await completeRelease(decision, upload.stagingDir(), deps, log);
    }
  } finally {
    // Temporary files gone and the lock released before anyone hears the answer.
    await upload.stop();
    await upload.unlock();
  }
  if (!outcome) return;
  deps.metrics.uploads.inc({ result: outcome.result });
  if (early) answerEarly(req, res, outcome);
  else res.status(outcome.status).json(outcome.body);
}

/**
 * Answers before the body was read to its end. The rest of the body is read
 * and dropped (upload.stop() resumed the request) for up to DRAIN_LIMIT_MS,
 * then the connection is cut. No `Connection: close`: Node would close the
 * socket as soon as the answer is written, and a client still sending would
 * then get a TCP reset that can arrive before it has read the answer.
 */
function answerEarly(req: Request, res: Response, outcome: Outcome): void {
  if (res.headersSent || res.destroyed) return;
  res.status(outcome.status).json(outcome.body);
  if (!req.complete) {
    res.on('finish', () => {
      setTimeout(() => {
        if (!req.complete) req.socket.destroy();
      }, DRAIN_LIMIT_MS).unref();
    });
  }
}

/** The whole body is in: checksums, then publish (or not), then the script. */
async function completeRelease(
  received: Received,
  stagingDir: string | undefined,
  deps: ReleaseDeps,
  log: Logger,
): Promise<Outcome> {
  const { fields, file } = received;
  if (file.md5 !== fields.md5) return checksumMismatch('md5', fields.md5, file.md5, file.size);
  if (fields.sha256 && file.sha256 !== fields.sha256) {
    return checksumMismatch('sha256', fields.sha256, file.sha256, file.size);
  }
  // A rerun works on what was stored the first time (its release.env stays as it is).
  const entries = received.existing ? recordEnvEntries(received.existing) : releaseEnvEntries(fields, file);
  const script = received.product?.script;

  if (received.mode === 'existing' && received.existing) {
    log.info(`${fields.product} ${fields.version} is already published with md5 ${file.md5}: nothing to do`);
    return { status: 200, body: describeRelease(received.existing), result: 'existing' };
  }

  let record: ReleaseRecord;
  if (received.mode === 'rerun' && received.existing) {
    record = received.existing;
    log.info(
      `${fields.product} ${fields.version} was stored before but its script did not succeed: running it again`,
    );
    if (!script) {
      record = { ...record, status: 'published' };
      await writeFileDurably(
        path.join(versionDir(deps.config.RELEASE_DIR, record.product, record.version), 'release.json'),
        `${JSON.stringify(record, null, 2)}\n`,
      );
      return { status: 201, body: describeRelease(record), result: 'rerun' };
    }
  } else {
    const env = formatReleaseEnv(entries);
    if (!env.text) return badRequest('invalid fields', env.problems);
    try {
      record = await publishRelease({
        releaseDir: deps.config.RELEASE_DIR,
        stagingDir: stagingDir!,
        fields,
        file,
        envText: env.text,
        hasScript: script !== undefined,
        now: deps.now,
      });
    } catch (err) {
      if (err instanceof ConflictError) return conflict(err.message);
      throw err;
    }
    log.info(`published ${record.artifact} (${file.size} bytes, md5 ${file.md5})`);
    if (!script) return { status: 201, body: describeRelease(record), result: 'created' };
  }

  const after = await runProductScript({
    record,
    releaseDir: deps.config.RELEASE_DIR,
    script,
    timeoutSeconds: received.product?.timeoutSeconds ?? deps.config.RELEASE_SCRIPT_TIMEOUT,
    envEntries: entries,
    baseEnv: deps.scriptEnv,
    log,
    metrics: deps.metrics,
    now: deps.now,
    killGraceMs: deps.killGraceMs,
  });
  if (after.status === 'published') {
    return {
      status: 201,
      body: describeRelease(after),
      result: received.mode === 'rerun' ? 'rerun' : 'created',
    };
  }
  const timedOut = after.script?.timedOut;
  return {
    status: 500,
    body: {
      error: timedOut
        ? 'the release script timed out; the artifact is kept: post it again to rerun the script'
        : 'the release script failed; the artifact is kept: post it again to rerun the script',
      ...describeRelease(after),
    },
    result: 'script_failed',
  };
}

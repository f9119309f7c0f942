import type { Request, RequestHandler, Response } from 'express';
import { describeError } from '@devops/errors';
import { requestLog } from '@devops/http-service';
import type { LockVersion } from './admit-upload';
import { createCleanups } from './cleanups';
import { completeRelease } from './complete-release';
import type { UnverifiedGate } from './limit-unverified';
import type { Products } from './load-products';
import { receiveUpload } from './receive-upload';
import type { Outcome } from './refusals';
import type { ReleaseMetrics } from './release-metrics';

export interface ReleaseDeps {
  config: {
    RELEASE_SHARED_SECRET: string;
    RELEASE_DIR: string;
    RELEASE_MAX_BYTES: number;
    RELEASE_SCRIPT_TIMEOUT: number;
    RELEASE_IDLE_TIMEOUT: number;
  };
  products: Products | undefined;
  metrics: ReleaseMetrics;
  lockVersion: LockVersion;
  unverified: UnverifiedGate;
  /** The environment scripts start from (RELEASE_<KEY> is added); never holds the shared secret. */
  scriptEnv: Record<string, string>;
  now: () => Date;
  /** Between SIGTERM and SIGKILL when a script times out. */
  killGraceMs?: number;
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
  const cleanups = createCleanups((err) => log.warn(`cleaning up after the upload: ${describeError(err)}`));
  let outcome: Outcome | undefined;
  let early = false;
  try {
    const decision = await receiveUpload(
      req,
      {
        secret: config.RELEASE_SHARED_SECRET,
        releaseDir: config.RELEASE_DIR,
        maxBytes: config.RELEASE_MAX_BYTES,
        idleMs: config.RELEASE_IDLE_TIMEOUT * 1000,
        products: deps.products,
        metrics: deps.metrics,
        lockVersion: deps.lockVersion,
        unverified: deps.unverified,
        log,
      },
      cleanups,
    );
    if (decision.kind === 'aborted') {
      deps.metrics.uploads.inc({ result: 'aborted' });
      log.warn(`upload aborted: ${decision.reason}; nothing kept`);
    } else if (decision.kind === 'refused') {
      outcome = decision.outcome;
      early = true;
      log.info(`upload refused (${outcome.status}): ${String(outcome.body.error)}`);
    } else {
      const completeDeps = {
        releaseDir: config.RELEASE_DIR,
        scriptTimeoutSeconds: config.RELEASE_SCRIPT_TIMEOUT,
        metrics: deps.metrics,
        scriptEnv: deps.scriptEnv,
        now: deps.now,
        killGraceMs: deps.killGraceMs,
      };
      outcome = await completeRelease(decision, completeDeps, log);
    }
  } finally {
    // Temporary files gone and the lock released before anyone hears the answer.
    await cleanups.run();
  }
  if (!outcome) return;
  deps.metrics.uploads.inc({ result: outcome.result });
  if (early) answerEarly(req, res, outcome);
  else res.status(outcome.status).json(outcome.body);
}

/**
 * Answers before the body was read to its end. The rest of the body is read
 * and dropped (the part reader resumed the request) for up to DRAIN_LIMIT_MS,
 * then the connection is cut. No `Connection: close`: Node would close the
 * socket as soon as the answer is written, and a client still sending would
 * then get a TCP reset that can arrive before it has read the answer.
 */
function answerEarly(req: Request, res: Response, outcome: Outcome): void {
  if (res.headersSent || res.destroyed) return;
  if (!req.readableFlowing) req.resume();
  res.set(outcome.headers ?? {});
  res.status(outcome.status).json(outcome.body);
  if (!req.complete) {
    res.on('finish', () => {
      setTimeout(() => {
        if (!req.complete) req.socket.destroy();
      }, DRAIN_LIMIT_MS).unref();
    });
  }
}

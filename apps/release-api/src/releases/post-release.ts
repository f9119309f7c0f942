import type { Request, RequestHandler, Response } from 'express';
import { describeError } from '@devops/errors';
import { closeRefusedRequest, requestLog } from '@devops/http-service';
import type { LockVersion } from './admit/admit-upload';
import { createCleanups } from './cleanups';
import { completeRelease } from './publish/complete-release';
import type { UnverifiedGate } from './receive/limit-unverified';
import type { Products } from './load-products';
import { receiveUpload } from './receive/receive-upload';
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
 * Answers a refusal. Before the body was read to its end (401, 404, 409, 413,
 * 503, ...), the connection closes once the answer is flushed and the rest of
 * the body is never read (http-service closeRefusedRequest); after it, the
 * connection stays open for the client's next request.
 */
function answerEarly(req: Request, res: Response, outcome: Outcome): void {
  if (res.headersSent || res.destroyed) return;
  if (req.complete)
    res
      .set(outcome.headers ?? {})
      .status(outcome.status)
      .json(outcome.body);
  else closeRefusedRequest(res, outcome.status, outcome.body, outcome.headers);
}

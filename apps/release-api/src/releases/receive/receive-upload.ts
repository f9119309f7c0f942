import type { IncomingMessage } from 'node:http';
import type { Logger } from '@devops/logger';
import { admitUpload, type Admission, type LockVersion } from '../admit/admit-upload';
import { checkRequestHead } from './check-request-head';
import { checkUploadFields } from './check-upload-fields';
import type { Cleanups } from '../cleanups';
import { expectEndOfBody } from './expect-end-of-body';
import type { UnverifiedGate } from './limit-unverified';
import type { Product, Products } from '../load-products';
import { readFieldsUntilFile } from './read-fields-until-file';
import { readParts, type PartReader } from './read-parts';
import type { ReceivedFile } from '../store/receive-file';
import { busy, UploadAborted, UploadRefused, type Outcome } from '../refusals';
import type { ReleaseMetrics } from '../release-metrics';
import { storeUpload } from '../store/store-upload';
import type { ReleaseFields } from './validate-fields';
import { watchBodyProgress } from './watch-body-progress';

export interface ReceiveDeps {
  secret: string;
  releaseDir: string;
  maxBytes: number;
  products: Products | undefined;
  metrics: ReleaseMetrics;
  log: Logger;
  lockVersion: LockVersion;
  unverified: UnverifiedGate;
  /** RELEASE_IDLE_TIMEOUT in ms: a body without progress that long is cut. */
  idleMs: number;
}

/** What a fully received upload carries on to publishing. */
export interface Received extends Admission {
  kind: 'received';
  fields: ReleaseFields;
  product: Product | undefined;
  file: ReceivedFile;
  /** The staging folder (inside RELEASE_DIR/.tmp) holding a 'new' upload. */
  stagingDir?: string;
}

export type Decision = Received | { kind: 'refused'; outcome: Outcome } | { kind: 'aborted'; reason: string };

/** Seconds a client refused for lack of room among unverified requests is told to wait. */
const BUSY_RETRY_AFTER_S = 5;

/**
 * Reads a `POST /releases` body, deciding as it streams, in stages:
 * authorize (headers, then the fields up to the file part), validate the
 * fields, admit (lock, what is published), store (stream + hash), then the
 * end of the body. Resolves with the first decisive result: a refusal (the
 * rest of the body unread), an aborted upload (client gone, body stalled),
 * or the received file. Whatever was taken or written on the way (lock,
 * staging folder, place among unverified requests) is undone by `cleanups`.
 */
export async function receiveUpload(
  req: IncomingMessage,
  deps: ReceiveDeps,
  cleanups: Cleanups,
): Promise<Decision> {
  const controller = new AbortController();
  const onClose = () => {
    if (!req.complete) {
      controller.abort(new UploadAborted('the client disconnected before the body was complete'));
    }
  };
  req.on('close', onClose);
  req.on('error', () => undefined);
  cleanups.add(() => void req.off('close', onClose));
  let parts: PartReader | undefined;
  try {
    const head = checkRequestHead(req.headers, { secret: deps.secret, maxBytes: deps.maxBytes });
    const leave = head.verified ? () => undefined : deps.unverified.enter();
    if (!leave) throw new UploadRefused(busy(BUSY_RETRY_AFTER_S));
    cleanups.add(leave);
    parts = readParts(req, { maxBytes: deps.maxBytes, signal: controller.signal });
    // After readParts: a 'data' listener added before the pipe would lose the body.
    const stopWatching = watchBodyProgress(req, {
      idleMs: deps.idleMs,
      onIdle: () => {
        const seconds = Math.round(deps.idleMs / 1000);
        controller.abort(new UploadAborted(`the body made no progress for ${seconds} s: connection closed`));
        req.socket.destroy();
      },
    });
    cleanups.add(stopWatching);

    // However slowly it trickles, a request gets RELEASE_IDLE_TIMEOUT to present its secret.
    const deadline = head.verified
      ? undefined
      : setTimeout(() => {
          const seconds = Math.round(deps.idleMs / 1000);
          controller.abort(new UploadAborted(`no valid secret within ${seconds} s: connection closed`));
          req.socket.destroy();
        }, deps.idleMs);
    const verified = () => {
      clearTimeout(deadline);
      leave();
    };
    cleanups.add(verified);
    const { received, file } = await readFieldsUntilFile(parts, {
      secret: deps.secret,
      verified: head.verified,
      onVerified: verified,
    });
    verified();
    const { fields, product } = checkUploadFields(received, { products: deps.products, secret: deps.secret });
    const admission = await admitUpload(fields, {
      releaseDir: deps.releaseDir,
      lockVersion: deps.lockVersion,
      cleanups,
    });
    const stored = await storeUpload(file, {
      fields,
      hashOnly: admission.mode !== 'new',
      releaseDir: deps.releaseDir,
      maxBytes: deps.maxBytes,
      signal: controller.signal,
      cleanups,
      onBytes: (n) => deps.metrics.bytes.inc(n),
    });
    await expectEndOfBody(parts);
    return { kind: 'received', fields, product, ...admission, ...stored };
  } catch (err) {
    if (controller.signal.aborted) {
      const reason = controller.signal.reason as Error;
      return { kind: 'aborted', reason: reason.message };
    }
    if (err instanceof UploadRefused) return { kind: 'refused', outcome: err.outcome };
    throw err;
  } finally {
    parts?.stop();
  }
}

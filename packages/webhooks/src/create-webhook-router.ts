import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { describeError } from '@devops/errors';
import { closeRefusedRequest } from '@devops/http-service';
import type { Logger } from '@devops/logger';
import { eventLabel, type DeliveryResult, type WebhookMetrics } from './create-webhook-metrics';
import { readDeliveryHeaders, type DeliveryHeaders } from './read-delivery-headers';
import type { EventHandlers, WebhookPayload } from './types';

export const WEBHOOK_PATH = '/webhooks/gitlab';
const invalid = Symbol('invalid');
/** GitLab's own limit for a webhook body (REQUEST_BODY_SIZE_LIMIT = 25.megabytes). */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;

export interface Delivery extends DeliveryHeaders {
  objectKind: string;
  payload: WebhookPayload;
  /** The body as received (valid JSON text). */
  raw: string;
}

export interface RouterDeps {
  verifyToken: (given: string | undefined) => boolean;
  handlers: EventHandlers;
  log: Logger;
  metrics: WebhookMetrics;
  /** Stores the delivery durably; resolves only once it is on disk. */
  accept: (delivery: Delivery) => Promise<'accepted' | 'duplicate'>;
}

/**
 * `POST /webhooks/gitlab`: token first (401, nothing read, stored or logged
 * beyond the fact), then the body (over 25 MB: 413; not JSON: 400), then the
 * handler's own `ignore` (200 {"ignored"}), then the spool (202 {"accepted"}
 * once the event is on disk). The only 5xx is a spool that cannot be written.
 */
export function createWebhookRouter(deps: RouterDeps): Router {
  const router = express.Router();
  const count = (req: Request, result: DeliveryResult) =>
    deps.metrics.deliveries.inc({ event: eventLabel(req.get('x-gitlab-event')), result });

  const checkToken = (req: Request, res: Response, next: NextFunction) => {
    if (deps.verifyToken(req.get('x-gitlab-token'))) return next();
    count(req, 'unauthorized');
    deps.log.warn(
      `webhook rejected: X-Gitlab-Token ${req.get('x-gitlab-token') === undefined ? 'missing' : 'does not match'}`,
      { ip: req.ip },
    );
    // Do not read (possibly 25 MB of) body from an unauthenticated sender: answer and close.
    closeRefusedRequest(res, 401, { error: 'X-Gitlab-Token is missing or wrong' });
  };

  // An announced body over the limit is refused before it is read (the body parser would read it all first).
  const checkLength = (req: Request, res: Response, next: NextFunction) => {
    if (Number(req.get('content-length') ?? 0) <= MAX_BODY_BYTES) return next();
    tooLarge(req, res);
  };
  const tooLarge = (req: Request, res: Response) => {
    count(req, 'too_large');
    deps.log.warn(`webhook rejected: body over ${MAX_BODY_BYTES} bytes`);
    closeRefusedRequest(res, 413, { error: 'body is larger than 25 MB' });
  };

  const ignored = (req: Request, res: Response, log: Logger, why: string) => {
    count(req, 'ignored');
    log.info(`ignored: ${why}`);
    res.status(200).json({ ignored: why });
  };

  const receive = async (req: Request, res: Response) => {
    const headers = readDeliveryHeaders(req);
    const log = deps.log.child({ deliveryId: headers.deliveryId });
    let raw: string;
    let parsed: unknown;
    if (Buffer.isBuffer(req.body) && req.body.length > 0) {
      raw = req.body.toString('utf8');
      try {
        parsed = JSON.parse(raw);
      } catch {
        parsed = invalid;
      }
    } else if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) {
      parsed = req.body; // an app parsed JSON before this router
      raw = JSON.stringify(parsed);
    } else {
      parsed = invalid;
      raw = '';
    }
    if (parsed === invalid) {
      count(req, 'invalid');
      log.warn('webhook rejected: body is not JSON');
      res.status(400).json({ error: 'body is not JSON' });
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return ignored(req, res, log, 'payload is not a JSON object');
    }
    const payload = parsed as WebhookPayload;
    const kind = payload.object_kind;
    if (typeof kind !== 'string' || kind === '') return ignored(req, res, log, 'payload has no object_kind');
    const handler = Object.hasOwn(deps.handlers, kind) ? deps.handlers[kind] : undefined;
    if (!handler) return ignored(req, res, log, `no handler for object_kind "${kind.slice(0, 64)}"`);
    let reason: string | undefined;
    try {
      reason = handler.ignore?.(payload);
    } catch (err) {
      // A bug in the filter must not lose the event: keep it, the handler decides.
      log.error(`ignore() failed, accepting the event: ${describeError(err)}`);
    }
    if (reason) return ignored(req, res, log, reason);

    let result: 'accepted' | 'duplicate';
    try {
      result = await deps.accept({ ...headers, objectKind: kind, payload, raw });
    } catch (err) {
      count(req, 'error');
      log.error(`could not spool the event: ${describeError(err)}`);
      closeRefusedRequest(res, 503, { error: 'the event could not be stored; please resend it' });
      return;
    }
    count(req, result);
    if (result === 'duplicate') {
      log.info(`duplicate delivery (Idempotency-Key already seen): not processed again`);
      res.status(202).json({ accepted: headers.deliveryId, duplicate: true });
    } else {
      log.info(`accepted ${headers.event || kind} event`, { objectKind: kind });
      res.status(202).json({ accepted: headers.deliveryId });
    }
  };

  router.post(
    WEBHOOK_PATH,
    checkToken,
    checkLength,
    express.raw({ type: () => true, limit: MAX_BODY_BYTES }),
    receive,
  );
  router.use(WEBHOOK_PATH, (err: unknown, req: Request, res: Response, next: NextFunction) => {
    const e = err as { type?: string; status?: number };
    if (res.headersSent) return next(err);
    if (e.type === 'entity.too.large') return tooLarge(req, res);
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      count(req, 'invalid');
      deps.log.warn(`webhook rejected: ${describeError(err)}`);
      res.status(400).json({ error: 'the body could not be read' });
      return;
    }
    next(err);
  });
  return router;
}

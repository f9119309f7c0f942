import type { Request, Response } from 'express';
import { ConflictError, PermanentError, TemporaryError, describeError } from '@devops/errors';
import { requestLog } from '@devops/http-service';
import { UnknownTicketError } from '../escalate/unknown-ticket-error';
import { BadRequest } from './parse-escalation-request';

/**
 * One place that turns a failure into a response. Messages go through
 * `mask` (every configured secret) before they reach the body; details that
 * only an operator needs stay in the log, next to the request id.
 */
export function sendError(req: Request, res: Response, err: unknown, mask: (text: string) => string): void {
  const log = requestLog(req);
  const message = mask(describeError(err));
  const id = res.getHeader('X-Request-Id');
  if (err instanceof BadRequest) {
    res.status(400).json({ error: 'invalid request', details: err.details });
    return;
  }
  if (err instanceof UnknownTicketError) {
    res.status(404).json({ error: message });
    return;
  }
  if (err instanceof TemporaryError) {
    log.warn(`escalation interrupted: ${message}`);
    res.status(503).json({
      error: `GitLab or Freshdesk is unavailable or rate-limiting (${message}). What was copied is kept: escalate again to resume.`,
      requestId: id,
    });
    return;
  }
  if (err instanceof PermanentError || err instanceof ConflictError) {
    log.error(`escalation failed: ${message}`);
    res.status(502).json({ error: `GitLab or Freshdesk refused a request: ${message}`, requestId: id });
    return;
  }
  log.error('escalation failed', { error: err });
  res
    .status(500)
    .json({ error: `the bridge failed: ${message}; see its log (request id ${String(id)})`, requestId: id });
}

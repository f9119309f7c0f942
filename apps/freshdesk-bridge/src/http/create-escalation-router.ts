import express, { Router } from 'express';
import { requestLog } from '@devops/http-service';
import { dryRunEscalation, escalateTicket, type EscalationDeps } from '../escalate/escalate-ticket';
import type { LookupCache } from '../escalate/create-lookup-cache';
import { lookUpEscalation } from '../escalate/look-up-escalation';
import { UnknownTicketError } from '../escalate/unknown-ticket-error';
import { checkApiKey } from './check-api-key';
import { BadRequest, parseEscalationRequest, parseTicketId } from './parse-escalation-request';
import { sendError } from './send-error';

/**
 * POST /escalations and GET /escalations/:ticketId (the linked issue and its
 * state, `open` or `closed`, cached briefly), both behind the API key.
 * The escalation goes on when the browser gives up waiting: it completes,
 * and the next click answers with the issue.
 */
export function createEscalationRouter(deps: {
  escalation: EscalationDeps;
  apiKeys: readonly string[];
  mask: (text: string) => string;
  /** Recent GET /escalations/:ticketId answers. */
  lookups: LookupCache;
}): Router {
  const router = Router();
  const { escalation, mask } = deps;
  const { metrics } = escalation;
  router.use('/escalations', checkApiKey(deps.apiKeys));

  router.post('/escalations', express.json({ limit: '16kb' }), async (req, res) => {
    const log = requestLog(req);
    try {
      const { ticketId, dryRun } = parseEscalationRequest(req.body);
      const scoped = { ...escalation, log: log.child({ ticketId }) };
      if (dryRun) {
        const preview = await dryRunEscalation(scoped, ticketId);
        metrics.escalations.inc({ result: 'dry_run' });
        res.status(200).json(preview);
        return;
      }
      const result = await escalateTicket(scoped, ticketId);
      deps.lookups.forget(ticketId);
      metrics.escalations.inc({
        result: result.created
          ? 'created'
          : result.copied.conversations + result.copied.attachments > 0
            ? 'resumed'
            : 'existing',
      });
      res.status(result.created ? 201 : 200).json(result);
    } catch (err) {
      metrics.escalations.inc({
        result:
          err instanceof BadRequest
            ? 'bad_request'
            : err instanceof UnknownTicketError
              ? 'not_found'
              : 'failed',
      });
      sendError(req, res, err, mask);
    }
  });

  router.get('/escalations/:ticketId', async (req, res) => {
    try {
      const ticketId = parseTicketId(req.params.ticketId);
      if (ticketId === null) throw new BadRequest(['the ticket id must be a positive integer']);
      const issue = await lookUpEscalation(escalation, deps.lookups, ticketId);
      if (!issue) {
        res.status(404).json({ error: `ticket ${ticketId} has not been escalated` });
        return;
      }
      res.json({ issue });
    } catch (err) {
      sendError(req, res, err, mask);
    }
  });

  // Malformed JSON, bodies over the limit.
  router.use('/escalations', ((err, req, res, next) => {
    const status = (err as { status?: number }).status;
    if (status === 400 || status === 413) {
      res
        .status(status)
        .json({ error: status === 413 ? 'request body too large' : 'the body is not valid JSON' });
      return;
    }
    sendError(req, res, err, mask);
    void next;
  }) as express.ErrorRequestHandler);
  return router;
}

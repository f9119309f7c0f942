import type { RequestHandler } from 'express';

/**
 * CORS for the Freshdesk origin only: its requests get
 * Access-Control-Allow-Origin (and preflights for Authorization +
 * Content-Type are answered 204); any other origin gets no CORS header at
 * all, and its preflight is refused (403), so browsers block it.
 */
export function allowFreshdeskOrigin(freshdeskUrl: string): RequestHandler {
  const allowed = new URL(freshdeskUrl).origin;
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    const isAllowed = origin === allowed;
    if (isAllowed) {
      res.setHeader('Access-Control-Allow-Origin', allowed);
    }
    if (req.method === 'OPTIONS') {
      if (!isAllowed) {
        res.status(403).end();
        return;
      }
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

import { Router, type Request, type RequestHandler, type Response } from 'express';
import { describeError } from '@devops/errors';
import { requestLog } from '@devops/http-service';
import { bearerToken, secretMatches } from '../receive/check-secret';
import { listReleases } from './list-releases';
import { paginate } from './paginate';
import { readReleaseRecord, versionDir } from '../publish/release-record';
import { unauthorized } from '../refusals';
import { summarizeRelease } from './summarize-release';
import { NAME } from '../receive/validate-fields';

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 100;

function authorized(req: Request, res: Response, secret: string): boolean {
  if (secretMatches(bearerToken(req.get('authorization')), secret)) return true;
  const { status, body } = unauthorized();
  res.status(status).json({ ...body, error: 'no valid shared secret: send Authorization: Bearer <secret>' });
  return false;
}

/** A failure reading the folders is a JSON 500 that says nothing about paths; the log has the cause. */
function answerErrors(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res) => {
    handler(req, res).catch((err: unknown) => {
      requestLog(req).error(`listing releases failed: ${describeError(err)}`);
      if (!res.headersSent) res.status(500).json({ error: 'could not read the published releases' });
    });
  };
}

/** A positive whole number from the query, its default when absent, or undefined when invalid. */
function wholeNumber(value: unknown, fallback: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^[1-9]\d{0,8}$/.test(value)) return undefined;
  return Math.min(Number(value), max);
}

/**
 * `GET /releases[?product=P&page=N&per_page=M]` (newest first, GitLab-style
 * pagination headers) and `GET /releases/:product/:version`, both with the
 * shared secret as `Authorization: Bearer` (else 401): what was published,
 * read from each version's release.json.
 */
export function serveReleaseListing(opts: { releaseDir: string; secret: string }): Router {
  const router = Router();
  router.get(
    '/releases',
    answerErrors(async (req, res) => {
      if (!authorized(req, res, opts.secret)) return;
      const { product } = req.query;
      const page = wholeNumber(req.query.page, 1, Number.MAX_SAFE_INTEGER);
      const perPage = wholeNumber(req.query.per_page, DEFAULT_PER_PAGE, MAX_PER_PAGE);
      const details = [
        ...(product !== undefined && (typeof product !== 'string' || !NAME.test(product))
          ? [{ field: 'product', problem: 'must match [A-Za-z0-9][A-Za-z0-9._+-]{0,63}' }]
          : []),
        ...(page === undefined ? [{ field: 'page', problem: 'must be a whole number ≥ 1' }] : []),
        ...(perPage === undefined ? [{ field: 'per_page', problem: 'must be a whole number ≥ 1' }] : []),
      ];
      if (details.length > 0 || page === undefined || perPage === undefined) {
        res.status(400).json({ error: 'invalid query', details });
        return;
      }
      const records = await listReleases(opts.releaseDir, product as string | undefined);
      const self = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
      const { items, headers } = paginate(records.map(summarizeRelease), page, perPage, self);
      res.set(headers).json(items);
    }),
  );
  router.get(
    '/releases/:product/:version',
    answerErrors(async (req, res) => {
      if (!authorized(req, res, opts.secret)) return;
      const product = String(req.params.product);
      const version = String(req.params.version);
      const record =
        NAME.test(product) && NAME.test(version)
          ? await readReleaseRecord(versionDir(opts.releaseDir, product, version))
          : undefined;
      if (!record || record === 'unreadable') {
        res.status(404).json({ error: `no release ${product} ${version} has been published` });
        return;
      }
      res.json(summarizeRelease(record));
    }),
  );
  return router;
}

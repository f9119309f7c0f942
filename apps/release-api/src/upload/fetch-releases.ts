import http from 'node:http';
import https from 'node:https';
import { TemporaryError } from '@devops/errors';
import type { ReleaseSummary } from '../releases/listing/summarize-release';

function getPage(url: URL, secret: string): Promise<{ status: number; body: string; next: string }> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(
      url,
      { headers: { Authorization: `Bearer ${secret}`, Accept: 'application/json' }, timeout: 30_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            next: String(res.headers['x-next-page'] ?? ''),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (err) =>
      reject(new TemporaryError(`could not reach ${url.origin}: ${err.message}`, { cause: err })),
    );
  });
}

/**
 * Every release the server lists (`GET /releases`, optionally of one
 * product), newest first, reading through every page (X-Next-Page).
 * A refusal (401, 400) is an Error carrying the server's message.
 */
export async function fetchReleases(opts: {
  url: string;
  secret: string;
  product?: string;
}): Promise<ReleaseSummary[]> {
  const all: ReleaseSummary[] = [];
  for (let page = '1'; page !== ''; ) {
    const url = new URL(`${opts.url.replace(/\/+$/, '')}/releases`);
    if (opts.product !== undefined) url.searchParams.set('product', opts.product);
    url.searchParams.set('page', page);
    url.searchParams.set('per_page', '100');
    const res = await getPage(url, opts.secret);
    if (res.status !== 200) {
      let message = res.body.slice(0, 500);
      try {
        message = String((JSON.parse(res.body) as { error?: unknown }).error ?? message);
      } catch {
        // not JSON: the start of the body
      }
      throw new Error(`release-api answered ${res.status}: ${message}`);
    }
    all.push(...(JSON.parse(res.body) as ReleaseSummary[]));
    page = res.next;
  }
  return all;
}

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RawAnswer } from './create-http-layer';
import { readRawAnswer } from './read-raw-answer';

/**
 * Sends a request with no body or a text body (gitbeaker's JSON) through node:http(s), not fetch: Node's
 * fetch (undici, its HTTP parser compiled WebAssembly) costs ~36 MiB more peak RSS for the same calls
 * (README, figures). Errors are node's own (`code` ECONNREFUSED, ECONNRESET, …; an AbortError when
 * `signal` fires), which the HTTP layer sorts like fetch's.
 */
export function sendTextRequest(
  req: { method: string; url: URL; headers: Record<string, string>; body?: string },
  signal: AbortSignal,
): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve, reject) => {
    const headers = { ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const send = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const out = send(req.url, { method: req.method, headers, signal }, (res) => {
      readRawAnswer(res).then(resolve, reject);
    });
    out.on('error', reject);
    out.end(req.body);
  });
}

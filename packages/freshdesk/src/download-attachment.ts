import { PassThrough, type Readable } from 'node:stream';
import type { AxiosBasicCredentials, AxiosInstance, AxiosResponse } from 'axios';
import { isAxiosError } from 'axios';
import { PermanentError, RefusedError, TemporaryError } from '@devops/errors';
import { AttachmentLinkExpiredError } from './attachment-link-expired-error';
import type { AttachmentDownload } from './port';
import { resolveAttachmentHost, type ResolveHost } from './resolve-attachment-host';
import { requestWithRetry, type RetryDeps } from './request-with-retry';
import { toFreshdeskError, type RequestLabel } from './to-freshdesk-error';

export interface DownloadDeps {
  http: AxiosInstance;
  /** `https://acme.freshdesk.com`: the only origin that ever receives the API key. */
  apiOrigin: string;
  auth: AxiosBasicCredentials;
  retry: RetryDeps;
  timeoutMs: number;
  /** When set: the only hosts (with port) a download and its redirects may reach. */
  allowedHosts?: ReadonlySet<string>;
  /** Plain http and non-public addresses allowed (test doubles only). */
  allowPrivateHosts?: boolean;
  resolve: ResolveHost;
}

const MAX_REDIRECTS = 3;

function labelOf(url: URL): RequestLabel {
  return { method: 'GET', where: `${url.origin}${url.pathname}` };
}

function discard(err: unknown): void {
  const data = isAxiosError(err) ? (err.response?.data as { destroy?: () => void } | undefined) : undefined;
  data?.destroy?.();
}

async function open(
  deps: DownloadDeps,
  url: URL,
  hops: number,
): Promise<{ res: AxiosResponse<Readable>; url: URL }> {
  // every hop (the first URL and each redirect) passes the same checks before it is contacted
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && deps.allowPrivateHosts)) {
    throw new RefusedError(`attachment URL must be https, not ${url.protocol}; not downloading from it`);
  }
  if (deps.allowedHosts && !deps.allowedHosts.has(url.host)) {
    throw new RefusedError(
      `attachment host ${url.host} is not one the Freshdesk API named; not downloading from it`,
    );
  }
  const pinned = deps.allowPrivateHosts ? undefined : await resolvePinned(deps, url);
  const label = labelOf(url);
  const res = await expiredAs403(deps, url, () =>
    requestWithRetry(deps.retry, label, async () => {
      try {
        return await deps.http.get<Readable>(url.toString(), {
          ...(pinned ? { lookup: pinned } : {}),
          // never through a proxy named by HTTPS_PROXY/HTTP_PROXY/ALL_PROXY (axios reads them unless told
          // not to): the proxy would resolve the host itself, around the address check and the pin above
          proxy: false,
          responseType: 'stream',
          // the key goes to Freshdesk only, never to S3/CDN (a pre-signed URL with a second credential is refused there anyway)
          ...(url.origin === deps.apiOrigin ? { auth: deps.auth } : {}),
          // redirects are followed by hand below, so that the key never follows one to another host
          maxRedirects: 0,
          timeout: deps.timeoutMs,
          decompress: false,
          headers: { Accept: '*/*' },
          validateStatus: (s) => (s >= 200 && s < 300) || [301, 302, 303, 307, 308].includes(s),
        });
      } catch (err) {
        discard(err);
        throw err;
      }
    }),
  );
  if (res.status >= 300) {
    res.data.destroy();
    const location = res.headers.location;
    if (typeof location !== 'string' || hops >= MAX_REDIRECTS) {
      throw new PermanentError(
        `Freshdesk GET ${label.where} redirected ${hops >= MAX_REDIRECTS ? 'too often' : 'nowhere'}`,
      );
    }
    return open(deps, new URL(location, url), hops + 1);
  }
  return { res, url };
}

/**
 * Resolves and checks the hop's host once; the request then connects to
 * exactly those addresses (axios `lookup`), so DNS cannot answer differently
 * the second time. A name that does not resolve is a temporary failure.
 */
async function resolvePinned(deps: DownloadDeps, url: URL) {
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await resolveAttachmentHost(url.hostname, deps.resolve);
  } catch (err) {
    if (err instanceof RefusedError) throw err;
    throw new TemporaryError(`attachment host ${url.hostname} could not be resolved`, { cause: err });
  }
  const pinned = addresses.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }) as const);
  return (_hostname: string, _opts: object, cb: (e: null, address: typeof pinned) => void) =>
    cb(null, pinned);
}

/** A storage host (not Freshdesk's API) answering 403: the pre-signed link has expired. */
async function expiredAs403<T>(deps: DownloadDeps, url: URL, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (url.origin !== deps.apiOrigin && err instanceof PermanentError && err.details.status === 403) {
      throw new AttachmentLinkExpiredError(
        `the attachment link on ${url.host} was refused (403): it has probably expired`,
        { cause: err },
      );
    }
    throw err;
  }
}

function parseLength(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * GET on an attachment URL, streamed: the returned stream carries the bytes
 * as they arrive (backpressure reaches the socket; nothing is buffered
 * whole). Fails with TemporaryError when the body stops early, is shorter
 * than Content-Length, or no byte moves for `timeoutMs` while the consumer
 * is reading; with PermanentError past `maxBytes`.
 */
export async function downloadAttachment(
  deps: DownloadDeps,
  rawUrl: string,
  opts: { maxBytes?: number; allowedHosts?: ReadonlySet<string>; allowPrivateHosts?: boolean } = {},
): Promise<AttachmentDownload> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new PermanentError('attachment URL is not a valid URL');
  }
  const opened = await open(
    {
      ...deps,
      ...(opts.allowedHosts ? { allowedHosts: opts.allowedHosts } : {}),
      ...(opts.allowPrivateHosts !== undefined ? { allowPrivateHosts: opts.allowPrivateHosts } : {}),
    },
    url,
    0,
  );
  const label = labelOf(opened.url);
  const data = opened.res.data;
  const size = parseLength(opened.res.headers['content-length']);
  const contentTypeHeader = opened.res.headers['content-type'];
  const contentType = typeof contentTypeHeader === 'string' ? contentTypeHeader : null;
  const maxBytes = opts.maxBytes;

  if (maxBytes !== undefined && size !== null && size > maxBytes) {
    data.destroy();
    throw new PermanentError(`attachment at ${label.where} is ${size} bytes, over the limit of ${maxBytes}`);
  }

  const out = new PassThrough();
  let received = 0;
  let ended = false;
  let timer: NodeJS.Timeout | undefined;

  const stopTimer = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const fail = (err: unknown) => {
    stopTimer();
    if (!data.destroyed) data.destroy();
    if (!out.destroyed) out.destroy(toFreshdeskError(err, label, (deps.retry.retry.now ?? Date.now)()));
  };
  // idle timer: armed only while bytes should be flowing (not while the consumer holds us back)
  const armTimer = () => {
    stopTimer();
    timer = setTimeout(
      () =>
        fail(new TemporaryError(`Freshdesk GET ${label.where} stalled: no data for ${deps.timeoutMs} ms`)),
      deps.timeoutMs,
    );
  };

  data.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (maxBytes !== undefined && received > maxBytes) {
      fail(new PermanentError(`attachment at ${label.where} is over the limit of ${maxBytes} bytes`));
      return;
    }
    if (out.write(chunk)) {
      armTimer();
    } else {
      stopTimer();
      data.pause();
    }
  });
  out.on('drain', () => {
    if (ended || out.destroyed) return;
    armTimer();
    data.resume();
  });
  data.on('end', () => {
    ended = true;
    stopTimer();
    if (size !== null && received !== size) {
      fail(new TemporaryError(`Freshdesk GET ${label.where} ended after ${received} of ${size} bytes`));
      return;
    }
    out.end();
  });
  data.on('error', fail);
  data.on('close', () => {
    if (!ended) fail(new TemporaryError(`Freshdesk GET ${label.where} failed: connection closed early`));
  });
  // the consumer gave up: let go of the socket
  out.on('close', () => {
    stopTimer();
    if (!ended && !data.destroyed) data.destroy();
  });
  armTimer();

  return { stream: out, size, contentType };
}

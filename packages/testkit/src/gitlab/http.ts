import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route handler gets. `params` are the URL-decoded path captures. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  url: URL;
  params: string[];
  /** Query string and body merged, as Grape does (body wins). */
  input: Record<string, unknown>;
  /** The double's public base URL (for Link headers and web_url). */
  baseUrl: string;
  /** Replaces what the request log shows as this request's body. */
  logBody(body: unknown): void;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body && 'message' in body ? String(body.message) : String(status));
  }
}

/** GitLab's `render_api_error!`: `{"message": ...}` */
export function apiError(status: number, message: unknown): HttpError {
  return new HttpError(status, { message });
}

export function notFound(what = ''): HttpError {
  return apiError(404, what ? `404 ${what} Not Found` : '404 Not Found');
}

export function badRequest(message: string): HttpError {
  return apiError(400, message);
}

/** `400 (Bad request) "title" not given` */
export function missing(attr: string): HttpError {
  return apiError(400, `400 (Bad request) "${attr}" not given`);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    ...toWireHeaders(headers),
  });
  res.end(bytes);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(text, 'utf8');
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(bytes.length),
    ...toWireHeaders(headers),
  });
  res.end(bytes);
}

/**
 * Header values as GitLab (Rails on Puma) sends them: the UTF-8 bytes of the value as they are
 * (`X-Gitlab-Ref: 日本/feature` goes out as E6 97 A5 …). Node refuses a header string with a character
 * above U+00FF (ERR_INVALID_CHAR), so each value is given as the latin1 string of its UTF-8 bytes; the
 * body is then sent as a Buffer, because with a string body Node writes the header block in the body's
 * encoding (UTF-8), which would encode those bytes a second time.
 */
export function toWireHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    out[name] = Buffer.from(value, 'utf8').toString('latin1');
  return out;
}

/** Reads a JSON or form-urlencoded body (everything except multipart). */
export async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'multipart/form-data') return {};
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if (type === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(text);
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : {};
    } catch {
      throw apiError(400, 'There was a problem with the JSON body');
    }
  }
  if (type === 'application/x-www-form-urlencoded') return queryToObject(new URLSearchParams(text));
  return {};
}

/** `a=1&labels[]=x&labels[]=y` -> `{a: '1', labels: ['x', 'y']}` */
export function queryToObject(params: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key.endsWith('[]')) {
      const k = key.slice(0, -2);
      out[k] = [...((out[k] as string[] | undefined) ?? []), value];
    } else out[key] = value;
  }
  return out;
}

/** A string param (numbers/booleans as text); undefined when absent. */
export function str(input: Record<string, unknown>, key: string): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

export function bool(input: Record<string, unknown>, key: string): boolean | undefined {
  const v = input[key];
  if (v === undefined || v === null || v === '') return undefined;
  return v === true || v === 'true' || v === '1' || v === 1;
}

/** GitLab's label lists: comma-separated string or array. */
export function labelList(input: Record<string, unknown>, key: string): string[] | undefined {
  const v = input[key];
  if (v === undefined || v === null) return undefined;
  const parts = Array.isArray(v) ? v.flatMap((x) => String(x).split(',')) : String(v).split(',');
  return [...new Set(parts.map((s) => s.trim()).filter(Boolean))];
}

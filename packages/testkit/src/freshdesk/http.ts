import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const MAX_BODY = 1024 * 1024;

/** The request's JSON body (at most 1 MiB of it is kept); `invalidJson` when it does not parse. */
export function readJson(req: IncomingMessage): Promise<{ body: unknown; invalidJson: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve({ body: undefined, invalidJson: false });
      try {
        resolve({ body: JSON.parse(text), invalidJson: false });
      } catch {
        resolve({ body: undefined, invalidJson: true });
      }
    });
    req.on('error', reject);
  });
}

/** A JSON (object) or plain-text (string) answer; no body and no content type for undefined. */
export function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...(body === undefined
      ? {}
      : {
          'content-type':
            typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
        }),
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Listens on `host:port`; resolves the port it got. */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

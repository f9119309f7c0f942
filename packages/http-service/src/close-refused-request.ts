import type { ServerResponse } from 'node:http';

/** How long a refused connection stays half-closed, unread, before it is destroyed. */
export const REFUSED_LINGER_MS = 2_000;

/**
 * Answers a request the service refuses before reading its body (401, 413,
 * 503, ...) and closes its connection, never reading the rest of the body:
 * `Connection: close`; once the answer is flushed, Node ends our side (FIN);
 * the socket is paused and destroyed REFUSED_LINGER_MS later. Destroying at
 * once (Node's own `destroySoon`) resets a connection the client is still
 * sending on, and its next write can fail (EPIPE) before it has read the
 * answer; the short linger lets it read the answer first, and costs no reads.
 */
export function closeRefusedRequest(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const socket = res.socket;
  if (res.headersSent || !socket) {
    res.destroy();
    return;
  }
  res.once('finish', () => {
    // Node's resOnFinish (a listener from before ours) has called socket.destroySoon(): end()
    // now, destroy() on the socket's 'finish'. Keep the end, postpone the destroy.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the very function destroySoon registered
    socket.removeListener('finish', socket.destroy);
    setImmediate(() => socket.pause()); // after Node's own resume of an unread request
    const timer = setTimeout(() => socket.destroy(), REFUSED_LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    Connection: 'close',
  });
  res.end(text);
}

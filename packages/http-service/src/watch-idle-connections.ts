import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** Default for every HTTP service (SPEC, Common rules). */
export const IDLE_TIMEOUT_MS = 30_000;

/**
 * Closes a connection that sends nothing, or stops sending, for `idleMs`:
 * silent from the start, stalled mid-headers or mid-body, or idle between
 * requests (Node's keep-alive timeout closes those sooner). Headers must also
 * be complete within `idleMs` in all (a one-byte dripper). A connection whose
 * request the service itself holds is left open: its body has arrived and the
 * answer is being worked on (a release script, a queue write), or the service
 * paused the body (backpressure from the disk). A request whose body stalled gets a short grace
 * (a quarter of `idleMs`, at most 5 s) before its socket goes, so that a service watching its own
 * bodies (release-api's RELEASE_IDLE_TIMEOUT, on the same clock) closes it first and says why.
 */
export function watchIdleConnections(server: Server, idleMs: number): void {
  const inFlight = new WeakMap<Socket, { req: IncomingMessage; res: ServerResponse }>();
  const graceMs = Math.min(5_000, Math.ceil(idleMs / 4));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    inFlight.set(socket, { req, res });
    res.once('close', () => {
      if (inFlight.get(socket)?.res === res) inFlight.delete(socket);
    });
  });
  server.timeout = idleMs; // no byte in or out for idleMs: 'timeout' below
  server.headersTimeout = idleMs; // 408 and closed when headers take longer in all
  server.on('timeout', (socket: Socket) => {
    const held = inFlight.get(socket);
    const serviceHolds =
      held !== undefined &&
      !held.res.writableEnded &&
      !held.res.writableNeedDrain && // a client that stopped reading the answer is stalling too
      (held.req.complete || held.req.readableFlowing === false);
    const bodyStalled = held !== undefined && !held.req.complete && !held.res.writableEnded;
    if (serviceHolds)
      socket.setTimeout(idleMs); // watch again: the client may stall once we read on
    else if (bodyStalled) {
      const before = socket.bytesRead;
      const grace = setTimeout(() => {
        if (socket.bytesRead === before) socket.destroy();
      }, graceMs);
      grace.unref();
      socket.once('close', () => clearTimeout(grace));
    } else socket.destroy();
  });
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '@devops/logger';
import { IDLE_TIMEOUT_MS, watchIdleConnections } from './watch-idle-connections';

export interface RunningServer {
  server: http.Server;
  url: string;
  /** Drain (`drainDelayMs`), stop accepting, let requests in flight finish (up to `graceMs`), then close. */
  close(): Promise<void>;
}

export interface ServeOptions {
  port: number;
  host: string;
  log: Logger;
  /** How long in-flight work may take after SIGTERM (SPEC: exit within 30 s). */
  graceMs?: number;
  /**
   * SHUTDOWN_DELAY: how long, once asked to stop, the server goes on serving while `/healthz`
   * answers 503 `{"status":"draining"}`, so a load balancer's health check takes this replica
   * out of rotation before it stops accepting (default 0: stop accepting at once).
   */
  drainDelayMs?: number;
  /** Called once the server has closed and its requests have finished (e.g. drain a queue). */
  onDrain?: () => Promise<void>;
  /**
   * serveUntilSignalled: the process's shutdown signal (@devops/cli's ctx.signal, aborted at SIGTERM/SIGINT),
   * shared with the ports and the queue so their waits end at the same moment; without it, its own listeners.
   */
  signal?: AbortSignal;
  /**
   * A connection that sends nothing, or stops sending, this long is closed (default 30 s,
   * SPEC; release-api: RELEASE_IDLE_TIMEOUT); its headers must be complete within it too.
   * See watchIdleConnections.
   */
  idleTimeoutMs?: number;
}

/**
 * How long an idle keep-alive connection stays open. A proxy in front must close its idle
 * connections sooner (Caddy: `keepalive 4s`), or it may send a request on one at the moment
 * this side closes it: a 502 for a request that never arrived.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export async function listen(
  app: Express | http.RequestListener,
  opts: ServeOptions,
): Promise<RunningServer> {
  const idleTimeout = opts.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  let draining = false;
  // While draining, every response closes its connection: a proxy holding keep-alive
  // connections to this process learns at once to send elsewhere, and close() is not
  // left waiting for connections that never go idle. /healthz says so (503), which is
  // what takes the replica out of a proxy's or Kubernetes' rotation during the drain delay.
  const server = http.createServer(
    { connectionsCheckingInterval: Math.min(30_000, Math.max(100, Math.floor(idleTimeout / 4))) },
    (req, res) => {
      if (draining) {
        res.setHeader('Connection', 'close');
        if (req.method === 'GET' && req.url?.split('?')[0] === '/healthz') {
          res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8' });
          res.end('{"status":"draining"}');
          return;
        }
      }
      (app as http.RequestListener)(req, res);
    },
  );
  // Uploads can be large and slow: do not let Node cut off a long request body.
  server.requestTimeout = 0;
  watchIdleConnections(server, idleTimeout);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      draining = true;
      const delay = opts.drainDelayMs ?? 0;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      const grace = Math.max(1_000, (opts.graceMs ?? 25_000) - delay);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), grace);
      try {
        // Requests already in (on connections the proxy still holds) finish first, with
        // everything they need (a webhook's queue) still open; then the background work drains.
        await closed;
      } finally {
        clearTimeout(timer);
      }
      if (opts.onDrain) await opts.onDrain();
    })();
    return closing;
  };
  return { server, url, close };
}

/**
 * Listens and resolves only when the process is asked to stop (SIGTERM or
 * SIGINT) and in-flight work has finished: the service's run() awaits this.
 */
export async function serveUntilSignalled(
  app: Express,
  opts: ServeOptions & { service: string },
): Promise<void> {
  const running = await listen(app, opts);
  opts.log.info(
    `${opts.service} listening on ${opts.host}:${(running.server.address() as AddressInfo).port}`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    // Ctrl-C in a terminal signals the whole process group and a supervisor may
    // follow with SIGTERM: the first signal starts the shutdown, later ones are noted only.
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      const delay = opts.drainDelayMs ?? 0;
      opts.log.info(
        delay > 0
          ? `${signal} received: draining (/healthz answers 503) for ${delay / 1000} s, then no new requests, finishing work in flight`
          : `${signal} received: no new requests, finishing work in flight`,
      );
      running.close().then(resolve, (err: unknown) => {
        opts.log.error('shutdown failed', { error: err });
        resolve();
      });
    };
    const { signal } = opts;
    if (signal) {
      const onAbort = () => stop((signal.reason as Error | undefined)?.message?.split(' ')[0] ?? 'shutdown');
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    } else {
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    }
  });
  opts.log.info('stopped');
}

import { createHash } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { startFreshdeskDouble, type FreshdeskDouble } from '@devops/testkit';
import { clientFor, failureOf } from './helpers';

/** The double serves attachments over plain http on loopback: allowed for doubles only. */
const DOUBLE = { allowPrivateHosts: true };
const PROXY_VARIABLES = ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'https_proxy', 'http_proxy', 'all_proxy'];

/** A loopback listener that records every connection made to it (and the first bytes sent), answering nothing. */
async function recordingListener(): Promise<{
  url: string;
  port: number;
  seen: string[];
  close(): Promise<void>;
}> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    seen.push('(connected)');
    socket.once('data', (chunk: Buffer) => {
      seen[seen.length - 1] = chunk.toString('latin1').split('\r\n')[0] ?? '';
      socket.destroy();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

describe('attachment downloads and proxy variables (SPEC: they never carry a download around the checks)', () => {
  let double: FreshdeskDouble;
  let proxy: Awaited<ReturnType<typeof recordingListener>>;
  const saved: Record<string, string | undefined> = {};

  beforeEach(async () => {
    double = await startFreshdeskDouble();
    proxy = await recordingListener();
    // axios reads these from the environment at request time unless told not to
    for (const name of [...PROXY_VARIABLES, 'NO_PROXY', 'no_proxy']) saved[name] = process.env[name];
    for (const name of PROXY_VARIABLES) process.env[name] = proxy.url;
    delete process.env.NO_PROXY;
    delete process.env.no_proxy;
  });
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await proxy.close();
    await double.close();
  });

  it('the API client reads tickets straight from FRESHDESK_URL; the proxy sees nothing', async () => {
    const ticket = double.addTicket({
      subject: 'Proxy-free',
      attachments: [{ name: 'a.txt', content: 'x' }],
    });
    const { freshdesk } = clientFor(double, { retry: { retries: 0 } });
    expect((await freshdesk.getTicket(ticket.id)).subject).toBe('Proxy-free');
    expect(proxy.seen).toEqual([]);
  });

  it('an http download goes straight to the storage host; the proxy sees nothing', async () => {
    const ticket = double.addTicket({
      attachments: [{ name: 'a.txt', contentType: 'text/plain', content: 'straight to storage' }],
    });
    const { freshdesk } = clientFor(double);

    const download = await freshdesk.downloadAttachment(ticket.attachments[0]!.url, DOUBLE);
    const hash = createHash('md5');
    for await (const chunk of download.stream) hash.update(chunk as Buffer);

    expect(hash.digest('hex')).toBe(createHash('md5').update('straight to storage').digest('hex'));
    expect(double.requests).toEqual([expect.objectContaining({ host: 'attachments', status: 200 })]);
    expect(proxy.seen).toEqual([]);
  });

  it('an https download connects to the named host itself, never a CONNECT through the proxy', async () => {
    // the "storage host" here is a bare listener: the TLS handshake fails, but who got the connection is the point
    const storage = await recordingListener();
    try {
      const { freshdesk } = clientFor(double, { retry: { retries: 0 } });
      const host = `127.0.0.1:${storage.port}`;
      const err = await failureOf(
        freshdesk.downloadAttachment(`https://${host}/bucket/report.pdf`, {
          ...DOUBLE,
          allowedHosts: new Set([host]),
        }),
      );
      expect(err.message).not.toContain(proxy.url);
      expect(storage.seen).toHaveLength(1);
      // a TLS ClientHello, not a proxy's CONNECT line
      expect(storage.seen[0]).not.toMatch(/^CONNECT /);
      expect(proxy.seen).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});

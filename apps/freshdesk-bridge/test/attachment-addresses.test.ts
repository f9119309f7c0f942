import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJson, startBridge, type Bridge } from './helpers/start-bridge';
import { seedTicket } from './helpers/seed-ticket';

let b: Bridge;
const servers: http.Server[] = [];
afterEach(async () => {
  await b?.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A plain listener on loopback that records every request it gets. */
async function serve(handler: http.RequestListener): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, hits };
}

describe('attachment addresses with the private-host rule on (BRIDGE_ALLOW_PRIVATE_HOSTS=false)', () => {
  it('refuses plain http, loopback, link-local (metadata) and private addresses, literal or resolved, before connecting; the escalation completes', async () => {
    const trap = await serve((_req, res) => res.end('secret'));
    b = await startBridge({
      config: { BRIDGE_ALLOW_PRIVATE_HOSTS: false },
      // what DNS would answer for these names
      resolveHost: async (name) => {
        const answers: Record<string, string[]> = {
          'files.internal.example': ['10.0.0.7'],
          'rebind.example': ['93.184.216.34', '127.0.0.1'],
          'metadata.example': ['169.254.169.254'],
          'mapped.example': ['::ffff:127.0.0.1'],
        };
        const found = answers[name];
        if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
        return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
      },
    });
    const links = [
      `http://localhost:${trap.port}/plain-http.txt`,
      `https://127.0.0.1:${trap.port}/loopback.txt`,
      `https://[::1]:${trap.port}/loopback6.txt`,
      'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'https://10.1.2.3/private.txt',
      'https://192.168.0.10/private.txt',
      `https://files.internal.example:${trap.port}/resolved-private.txt`,
      `https://rebind.example:${trap.port}/one-private-answer.txt`,
      'https://metadata.example/latest/meta-data/',
      `https://mapped.example:${trap.port}/mapped.txt`,
    ];
    const { ticket } = seedTicket(b.freshdesk, {
      conversations: 1,
      ticketAttachments: links.map((_, i) => ({ name: `file-${i}.txt`, content: 'x' })),
    });
    // the API names each attachment on one of these links
    ticket.attachments.forEach((a, i) => {
      b.freshdesk.attachment(a.id)!.url = links[i]!;
    });

    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(body.copied).toEqual({ conversations: 1, attachments: 0 });
    const reasons = body.skipped.map((s: { reason: string }) => s.reason);
    expect(reasons).toHaveLength(links.length);
    expect(reasons[0]).toMatch(/must be https/);
    for (const reason of reasons.slice(1))
      expect(reason).toMatch(/non-public address \(.* is a (loopback|linkLocal|private) address\)/);
    expect(trap.hits).toEqual([]);
    expect(b.freshdesk.requests.filter((r) => r.host === 'attachments')).toEqual([]);
    expect(b.gitlab.state(b.project.id).uploads).toEqual([]);
    // each is listed on the issue, with why
    const description = b.gitlab.state(b.project.id).issues[0]!.description ?? '';
    expect(description.match(/— not copied: /g)).toHaveLength(links.length);
  });
});

describe('attachment redirects', () => {
  it.each([
    ['loopback', 'http://127.0.0.1:1/stolen'],
    ['the metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', 'http://10.0.0.1/admin'],
  ])('a redirect to %s is refused before it is followed', async (_, target) => {
    b = await startBridge();
    const named = await serve((_req, res) => res.writeHead(302, { location: target }).end());
    const { ticket } = seedTicket(b.freshdesk, {
      conversations: 0,
      ticketAttachments: [{ name: 'moved.bin', content: 'x' }],
    });
    b.freshdesk.attachment(ticket.attachments[0]!.id)!.url = `http://127.0.0.1:${named.port}/moved.bin`;
    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(named.hits).toEqual(['/moved.bin']);
    expect(body.skipped).toEqual([
      expect.objectContaining({
        name: 'moved.bin',
        reason: expect.stringContaining(
          `attachment host ${new URL(target).host} is not one the Freshdesk API named`,
        ),
      }),
    ]);
    expect(b.gitlab.state(b.project.id).uploads).toEqual([]);
  });
});

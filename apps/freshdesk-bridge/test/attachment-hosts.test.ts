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

async function serve(handler: http.RequestListener): Promise<{ url: string; hits: http.IncomingMessage[] }> {
  const hits: http.IncomingMessage[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe('attachment hosts', () => {
  it('never fetches from a host the Freshdesk API did not name (a redirect off the named host)', async () => {
    b = await startBridge();
    const foreign = await serve((_req, res) => res.end('stolen'));
    const named = await serve((_req, res) =>
      res.writeHead(302, { location: `${foreign.url}/payload.bin` }).end(),
    );
    const { ticket, conversations } = seedTicket(b.freshdesk, {
      conversations: 1,
      conversationAttachments: {
        0: [
          { name: 'ok.txt', content: 'fine' },
          { name: 'moved.bin', content: 'x' },
        ],
      },
    });
    // the API now names this attachment on `named`, which redirects to `foreign`
    const moved = conversations[0]!.attachments[1]!;
    b.freshdesk.attachment(moved.id)!.url = `${named.url}/moved.bin?sig=abc`;

    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(body.copied).toEqual({ conversations: 1, attachments: 1 });
    expect(body.skipped).toEqual([
      {
        name: 'moved.bin',
        size: moved.size,
        url: `${named.url}/moved.bin?sig=abc`,
        from: conversations[0]!.id,
        reason: expect.stringContaining(
          `attachment host ${new URL(foreign.url).host} is not one the Freshdesk API named`,
        ),
      },
    ]);
    expect(named.hits).toHaveLength(1);
    expect(named.hits[0]!.headers.authorization).toBeUndefined();
    expect(foreign.hits).toHaveLength(0);
    expect(b.gitlab.state(b.project.id).uploads.map((u) => u.filename)).toEqual(['ok.txt']);
    const note = b.notes(body.issue.iid)[0]!.body;
    expect(note).toContain('moved.bin');
    expect(note).toContain('not copied');
  });
});

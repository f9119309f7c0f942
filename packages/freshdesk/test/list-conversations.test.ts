import { startFreshdeskDouble, type FreshdeskDouble } from '@devops/testkit';
import { clientFor } from './helpers';

describe('listConversations', () => {
  let double: FreshdeskDouble;
  beforeEach(async () => {
    double = await startFreshdeskDouble();
  });
  afterEach(() => double.close());

  it.each([
    [0, [1]],
    [30, [1]],
    [100, [1]],
    [137, [1, 2]],
    [250, [1, 2, 3]],
  ])('reads all %i conversations, oldest first, over pages %j of 100', async (count, pages) => {
    const ticket = double.addTicket();
    const bodies = Array.from({ length: count }, (_, i) => `<p>message ${i + 1}</p>`);
    for (const [i, body] of bodies.entries())
      double.addConversation(ticket.id, { body, incoming: i % 2 === 0, private: i % 5 === 4 });
    const { freshdesk } = clientFor(double);

    const conversations = await freshdesk.listConversations(ticket.id);

    expect(conversations.map((c) => c.body)).toEqual(bodies);
    expect(conversations.map((c) => c.incoming)).toEqual(bodies.map((_, i) => i % 2 === 0));
    expect(conversations.map((c) => c.private)).toEqual(bodies.map((_, i) => i % 5 === 4));
    expect(double.requests.map((r) => r.query)).toEqual(
      pages.map((p) => (p === 1 ? { per_page: '100' } : { per_page: '100', page: String(p) })),
    );
  });

  it('retries a page that failed with 503 and still returns every conversation once', async () => {
    const ticket = double.addTicket();
    for (let i = 0; i < 150; i++) double.addConversation(ticket.id, { body: `<p>${i}</p>` });
    double.injectFault({ status: 503, times: 1, path: /conversations$/, method: 'GET' });
    double.clearRequests();
    const { freshdesk } = clientFor(double);
    const conversations = await freshdesk.listConversations(ticket.id);
    expect(conversations.map((c) => c.body)).toEqual(Array.from({ length: 150 }, (_, i) => `<p>${i}</p>`));
    expect(double.requests.map((r) => r.status)).toEqual([503, 200, 200]);
  });

  it('maps attachments of conversations', async () => {
    const ticket = double.addTicket();
    const c = double.addConversation(ticket.id, {
      incoming: true,
      attachments: [{ name: 'log.txt', contentType: 'text/plain', content: 'hello' }],
    });
    const { freshdesk } = clientFor(double);
    const [conversation] = await freshdesk.listConversations(ticket.id);
    expect(conversation).toMatchObject({
      id: c.id,
      ticketId: ticket.id,
      incoming: true,
      fromEmail: ticket.requester.email,
    });
    expect(conversation!.attachments).toEqual([
      expect.objectContaining({
        name: 'log.txt',
        contentType: 'text/plain',
        size: 5,
        url: c.attachments[0]!.url,
      }),
    ]);
  });
});

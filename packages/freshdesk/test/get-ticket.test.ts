import { NotFoundError, PermanentError } from '@devops/errors';
import { startFreshdeskDouble, type FreshdeskDouble } from '@devops/testkit';
import { clientFor, failureOf } from './helpers';

describe('getTicket', () => {
  let double: FreshdeskDouble;
  beforeEach(async () => {
    double = await startFreshdeskDouble({ customFields: ['cf_gitlab_issue', 'cf_product'] });
  });
  afterEach(() => double.close());

  it('returns the fields the bridge needs, requester embedded, attachments on the storage host', async () => {
    const added = double.addTicket({
      subject: 'Printer on fire',
      description: '<div>It <b>burns</b>.</div>',
      status: 3,
      priority: 4,
      type: 'Incident',
      requester: { name: 'Ada Customer', email: 'ada@example.com' },
      tags: ['hardware', 'urgent'],
      customFields: { cf_product: 'P-100' },
      attachments: [{ name: 'photo.jpg', contentType: 'image/jpeg', content: Buffer.from('jpeg bytes') }],
    });
    const { freshdesk } = clientFor(double);

    const ticket = await freshdesk.getTicket(added.id);

    expect(ticket).toMatchObject({
      id: added.id,
      subject: 'Printer on fire',
      description: '<div>It <b>burns</b>.</div>',
      descriptionText: 'It burns.',
      status: 3,
      priority: 4,
      type: 'Incident',
      tags: ['hardware', 'urgent'],
      customFields: { cf_gitlab_issue: null, cf_product: 'P-100' },
      createdAt: added.createdAt,
    });
    expect(ticket.requester).toEqual({
      id: added.requester.id,
      name: 'Ada Customer',
      email: 'ada@example.com',
    });
    expect(ticket.attachments).toHaveLength(1);
    const [attachment] = ticket.attachments;
    expect(attachment).toMatchObject({
      name: 'photo.jpg',
      contentType: 'image/jpeg',
      size: 'jpeg bytes'.length,
    });
    expect(new URL(attachment!.url).host).not.toBe(new URL(double.url).host);
    expect(double.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: `/api/v2/tickets/${added.id}`,
        query: { include: 'requester' },
      }),
    ]);
  });

  it('links to the ticket page for agents', () => {
    const { freshdesk } = clientFor(double, { url: 'https://acme.freshdesk.com/' });
    expect(freshdesk.ticketUrl(87)).toBe('https://acme.freshdesk.com/a/tickets/87');
  });

  it('sorts 404 into NotFoundError and does not retry it', async () => {
    const { freshdesk } = clientFor(double);
    const err = await failureOf(freshdesk.getTicket(4242));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err.message).toContain('/api/v2/tickets/4242');
    expect(double.requests).toHaveLength(1);
  });

  it('sorts 401 into PermanentError, does not retry, and never shows the key', async () => {
    const wrongKey = 'wrong-key-Zq81xTTv5';
    const { freshdesk, lines } = clientFor(double, { apiKey: wrongKey });
    const ticket = double.addTicket();
    const err = await failureOf(freshdesk.getTicket(ticket.id));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toContain('401');
    expect(err.message).toContain('FRESHDESK_API_KEY');
    expect(double.requests).toHaveLength(1);
    const everything = [
      err.message,
      err.stack ?? '',
      JSON.stringify(err),
      String((err as Error & { cause?: unknown }).cause),
      ...lines,
    ].join('\n');
    expect(everything).not.toContain(wrongKey);
    expect(everything).not.toContain(Buffer.from(`${wrongKey}:X`).toString('base64'));
  });

  it('keeps the key out of errors and logs on every failure path', async () => {
    const { freshdesk, lines } = clientFor(double);
    double.injectFault({ status: 500, times: Infinity });
    const ticket = double.addTicket();
    const errors = [
      await failureOf(freshdesk.getTicket(ticket.id)),
      await failureOf(freshdesk.getTicket(999)),
      await failureOf(freshdesk.updateTicket(ticket.id, { tags: ['x'] })),
    ];
    const text = [...errors.flatMap((e) => [e.message, e.stack ?? '', JSON.stringify(e)]), ...lines].join(
      '\n',
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(double.apiKey);
    expect(text).not.toContain(Buffer.from(`${double.apiKey}:X`).toString('base64'));
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses ticket id %p without calling Freshdesk', async (id) => {
    const { freshdesk } = clientFor(double);
    await expect(freshdesk.getTicket(id)).rejects.toBeInstanceOf(PermanentError);
    expect(double.requests).toHaveLength(0);
  });
});

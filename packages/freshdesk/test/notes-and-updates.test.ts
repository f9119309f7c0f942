import { PermanentError } from '@devops/errors';
import { startFreshdeskDouble, type FreshdeskDouble } from '@devops/testkit';
import { clientFor, failureOf } from './helpers';

describe('addPrivateNote and updateTicket', () => {
  let double: FreshdeskDouble;
  beforeEach(async () => {
    double = await startFreshdeskDouble({ customFields: ['cf_gitlab_issue'] });
  });
  afterEach(() => double.close());

  it('adds a private note that the ticket then shows', async () => {
    const ticket = double.addTicket();
    double.addConversation(ticket.id, { body: '<p>customer asks</p>', incoming: true });
    const { freshdesk } = clientFor(double);
    const html = '<p>Escalated: <a href="https://gitlab.example.com/g/p/-/issues/7">#7</a></p>';

    const note = await freshdesk.addPrivateNote(ticket.id, html);

    const live = double.ticket(ticket.id)!.conversations;
    expect(live).toHaveLength(2);
    expect(live[1]).toMatchObject({ id: note.id, body: html, private: true, source: 2 });
    expect(note).toMatchObject({ ticketId: ticket.id, body: html, private: true });
    expect(double.requests.at(-1)).toMatchObject({
      method: 'POST',
      status: 201,
      body: { body: html, private: true },
    });
    const listed = await freshdesk.listConversations(ticket.id);
    expect(listed.map((c) => [c.body, c.private])).toEqual([
      ['<p>customer asks</p>', false],
      [html, true],
    ]);
  });

  it('refuses an empty note without calling Freshdesk', async () => {
    const ticket = double.addTicket();
    const { freshdesk } = clientFor(double);
    await expect(freshdesk.addPrivateNote(ticket.id, '  ')).rejects.toBeInstanceOf(PermanentError);
    expect(double.requests).toHaveLength(0);
  });

  it('sets a custom field and replaces the tags', async () => {
    const ticket = double.addTicket({ tags: ['billing'] });
    const { freshdesk } = clientFor(double);
    const link = 'https://gitlab.example.com/g/p/-/issues/7';

    const updated = await freshdesk.updateTicket(ticket.id, {
      customFields: { cf_gitlab_issue: link },
      tags: ['billing', 'escalated'],
    });

    expect(updated.customFields).toEqual({ cf_gitlab_issue: link });
    expect(updated.tags).toEqual(['billing', 'escalated']);
    expect(double.ticket(ticket.id)).toMatchObject({
      customFields: { cf_gitlab_issue: link },
      tags: ['billing', 'escalated'],
    });
    expect(double.requests.at(-1)).toMatchObject({
      method: 'PUT',
      body: { custom_fields: { cf_gitlab_issue: link }, tags: ['billing', 'escalated'] },
    });
  });

  it("reports Freshdesk's validation errors as PermanentError naming the field, without retrying", async () => {
    const ticket = double.addTicket();
    const { freshdesk } = clientFor(double);
    const err = await failureOf(
      freshdesk.updateTicket(ticket.id, { customFields: { cf_no_such_field: 'x' } }),
    );
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toContain('400');
    expect(err.message).toContain('cf_no_such_field: Unexpected/invalid field in request (invalid_field)');
    expect(double.requests).toHaveLength(1);
    expect(double.ticket(ticket.id)!.customFields).toEqual({ cf_gitlab_issue: null });
  });

  it('refuses an update with nothing in it', async () => {
    const ticket = double.addTicket();
    const { freshdesk } = clientFor(double);
    await expect(freshdesk.updateTicket(ticket.id, {})).rejects.toBeInstanceOf(PermanentError);
    expect(double.requests).toHaveLength(0);
  });
});

import { loadWebhookFixture } from '@devops/testkit';
import { readJson, startBridge, type Bridge } from './helpers/start-bridge';
import { seedTicket } from './helpers/seed-ticket';

const SECRET = 'hook-secret-6f1d2a';
let b: Bridge;
afterEach(async () => {
  await b?.close();
});

type IssuePayload = {
  object_attributes: Record<string, unknown>;
  project: Record<string, unknown>;
};

async function escalated() {
  b = await startBridge({ config: { GITLAB_WEBHOOK_SECRET: SECRET } });
  const { ticket } = seedTicket(b.freshdesk, { conversations: 1 });
  const { issue } = await readJson(await b.escalate(ticket.id));
  const record = b.gitlab.state(b.project.id).issues[0]!;
  const payload = (action: 'close' | 'reopen', at: string) => {
    const p = loadWebhookFixture<IssuePayload>(`issue.${action}`);
    Object.assign(p.project, { id: b.project.id, path_with_namespace: b.project.path });
    Object.assign(p.object_attributes, {
      iid: issue.iid,
      url: issue.url,
      description: record.description,
      action,
      closed_at: action === 'close' ? at : null,
      updated_at: at,
    });
    return p;
  };
  return { ticket, issue, payload };
}

function eventNotes(ticketId: number) {
  return b.freshdesk
    .ticket(ticketId)!
    .conversations.filter((c) => c.private && /GitLab issue .* was (closed|reopened)/.test(c.body));
}

async function deliver(payload: unknown, opts: { token?: string; key?: string } = {}) {
  const res = await b.gitlab.sendWebhook(`${b.url}/webhooks/gitlab`, {
    event: 'Issue Hook',
    token: opts.token ?? SECRET,
    payload,
    ...(opts.key ? { idempotencyKey: opts.key } : {}),
  });
  await b.bridge.receiver!.idle();
  return res;
}

describe('POST /webhooks/gitlab (Issue Hook)', () => {
  it('closing and reopening an escalated issue adds one private note each to the ticket', async () => {
    const { ticket, issue, payload } = await escalated();
    expect((await deliver(payload('close', '2024-06-01T12:00:00Z'))).status).toBe(202);
    expect((await deliver(payload('reopen', '2024-06-02T08:00:00Z'))).status).toBe(202);
    const notes = eventNotes(ticket.id);
    expect(notes).toHaveLength(2);
    expect(notes[0]!.body).toContain(`GitLab issue ${issue.url} was closed (2024-06-01T12:00:00Z).`);
    expect(notes[0]!.body).toContain('By Administrator.');
    expect(notes[1]!.body).toContain(`GitLab issue ${issue.url} was reopened (2024-06-02T08:00:00Z).`);
    expect(notes.every((n) => n.private)).toBe(true);
  });

  it('the same event twice (a redelivery under a new key) adds the note once', async () => {
    const { ticket, payload } = await escalated();
    const p = payload('close', '2024-06-01T12:00:00Z');
    await deliver(p, { key: 'k1' });
    await deliver(p, { key: 'k2' });
    await deliver(p, { key: 'k1' });
    expect(eventNotes(ticket.id)).toHaveLength(1);
    // a later close is a new event
    await deliver(payload('close', '2024-06-05T12:00:00Z'));
    expect(eventNotes(ticket.id)).toHaveLength(2);
  });

  it('ignores issues that were not escalated, other projects and other actions', async () => {
    const { ticket, payload } = await escalated();
    const plain = payload('close', '2024-06-01T12:00:00Z');
    plain.object_attributes.description = 'just an issue <!-- freshdesk-ticket:1 --> not on the first line';
    const other = payload('close', '2024-06-01T12:00:00Z');
    other.project.id = 99999;
    other.project.path_with_namespace = 'someone/else';
    const update = payload('close', '2024-06-01T12:00:00Z');
    update.object_attributes.action = 'update';
    for (const p of [plain, other, update]) {
      const res = await deliver(p);
      expect(res.status).toBe(200);
      expect((await readJson(res)).ignored).toBeTruthy();
    }
    expect(eventNotes(ticket.id)).toHaveLength(0);
  });

  it('refuses a wrong token with 401 and does nothing', async () => {
    const { ticket, payload } = await escalated();
    const res = await deliver(payload('close', '2024-06-01T12:00:00Z'), { token: 'wrong' });
    expect(res.status).toBe(401);
    expect(eventNotes(ticket.id)).toHaveLength(0);
  });

  it('is not mounted without GITLAB_WEBHOOK_SECRET', async () => {
    b = await startBridge();
    const res = await fetch(`${b.url}/webhooks/gitlab`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
  });
});

import { Client } from 'pg';
import { startFreshdeskDouble, startGitLabDouble, startPostgres, type PostgresServer } from '@devops/testkit';
import { conversationIdFromMarker } from '../src/render/markers';
import { readJson, startBridge, type Bridge } from './helpers/start-bridge';
import { seedTicket } from './helpers/seed-ticket';

let pg: PostgresServer;
const cleanups: Array<() => Promise<void>> = [];
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});
afterEach(async () => {
  for (const close of cleanups.splice(0).reverse()) await close();
});

/** Two bridge replicas on one PostgreSQL, one GitLab and one Freshdesk. */
async function startReplicas(): Promise<[Bridge, Bridge]> {
  const gitlab = await startGitLabDouble();
  const freshdesk = await startFreshdeskDouble();
  cleanups.push(
    () => gitlab.close(),
    () => freshdesk.close(),
  );
  const a = await startBridge({
    gitlabDouble: gitlab,
    freshdeskDouble: freshdesk,
    config: { DATABASE_URL: pg.url },
  });
  cleanups.push(() => a.close());
  const b = await startBridge({
    gitlabDouble: gitlab,
    freshdeskDouble: freshdesk,
    project: a.project,
    config: { DATABASE_URL: pg.url },
  });
  cleanups.push(() => b.close());
  return [a, b];
}

async function rows(): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  try {
    const res = await client.query(
      'SELECT ticket_id::int AS ticket, issue_iid AS iid, state, conversations_copied AS conversations FROM freshdesk_bridge_escalations ORDER BY ticket_id',
    );
    return res.rows;
  } finally {
    await client.end();
  }
}

async function clearRows(): Promise<void> {
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  await client.query('DELETE FROM freshdesk_bridge_escalations').catch(() => undefined);
  await client.end();
}

describe('DATABASE_URL at start', () => {
  it('an unreachable database stops the start with a ConfigError naming DATABASE_URL, never its password', async () => {
    const url = new URL(pg.url);
    url.password = 'hunter2-secret-pw';
    url.port = '1';
    await expect(startBridge({ config: { DATABASE_URL: url.toString() } })).rejects.toThrow(
      expect.objectContaining({ name: 'ConfigError', message: expect.stringContaining('DATABASE_URL') }),
    );
    await startBridge({ config: { DATABASE_URL: url.toString() } }).catch((err: Error) => {
      expect(err.message).not.toContain('hunter2-secret-pw');
    });
  }, 60_000);
});

describe('[slow] two replicas on one PostgreSQL', () => {
  beforeEach(clearRows);

  it('20 concurrent escalations of 5 tickets spread across both make exactly 5 issues, every conversation once', async () => {
    const [a, b] = await startReplicas();
    const tickets = Array.from({ length: 5 }, (_, i) =>
      seedTicket(a.freshdesk, { conversations: 4, subject: `Ticket ${i}` }),
    );
    const calls = Array.from({ length: 20 }, (_, k) => {
      const replica = k % 2 === 0 ? a : b;
      return replica.escalate(tickets[k % 5]!.ticket.id);
    });
    const answers = await Promise.all(calls.map(async (c) => ({ status: (await c).status })));
    expect(answers.every((x) => x.status === 200 || x.status === 201)).toBe(true);
    expect(answers.filter((x) => x.status === 201)).toHaveLength(5);

    const issues = a.gitlab.state(a.project.id).issues;
    expect(issues).toHaveLength(5);
    for (const { ticket, conversations } of tickets) {
      const mine = issues.filter((i) => i.title.startsWith(`[FD#${ticket.id}]`));
      expect(mine).toHaveLength(1);
      const ids = a.notes(mine[0]!.iid).map((n) => conversationIdFromMarker(n.body));
      expect(ids).toEqual(conversations.map((c) => c.id));
      // one private note on the ticket
      const bridgeNotes = a.freshdesk
        .ticket(ticket.id)!
        .conversations.filter((c) => c.body.includes('Escalated to GitLab'));
      expect(bridgeNotes).toHaveLength(1);
    }
    expect(await rows()).toEqual(
      tickets.map(({ ticket }) => ({
        ticket: ticket.id,
        iid: issues.find((i) => i.title.startsWith(`[FD#${ticket.id}]`))!.iid,
        state: 'complete',
        conversations: 4,
      })),
    );
  }, 120_000);

  it('a copy broken on one replica resumes on the other, without repeating what was copied', async () => {
    const [a, b] = await startReplicas();
    const { ticket, conversations } = seedTicket(a.freshdesk, { conversations: 3 });
    // replica a: GitLab refuses the notes for good (403), after the issue was created
    a.gitlab.injectFault({ method: 'POST', path: /\/notes$/, status: 403, times: 1 });
    const broken = await a.escalate(ticket.id);
    expect(broken.status).toBe(502);
    const issue = a.gitlab.state(a.project.id).issues[0]!;
    expect(a.notes(issue.iid)).toHaveLength(0);
    expect(await rows()).toEqual([{ ticket: ticket.id, iid: issue.iid, state: 'copying', conversations: 0 }]);

    const resumed = await b.escalate(ticket.id);
    const body = await readJson(resumed);
    expect(resumed.status).toBe(200);
    expect(body).toMatchObject({ created: false, issue: { iid: issue.iid }, copied: { conversations: 3 } });
    expect(a.gitlab.state(a.project.id).issues).toHaveLength(1);
    expect(a.notes(issue.iid).map((n) => conversationIdFromMarker(n.body))).toEqual(
      conversations.map((c) => c.id),
    );
    expect(await rows()).toEqual([
      { ticket: ticket.id, iid: issue.iid, state: 'complete', conversations: 3 },
    ]);
  }, 60_000);
});

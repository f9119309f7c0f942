import path from 'node:path';
import {
  startFreshdeskDouble,
  startGitLabDouble,
  type FreshdeskDouble,
  type GitLabDouble,
} from '@devops/testkit';
import { spawnWebhookService, waitFor, type SpawnedService } from '@devops/webhook-harness';
import { seedTicket } from './helpers/seed-ticket';

const API_KEY = 'bridge-key-for-catch-up-0123';
let gitlab: GitLabDouble;
let freshdesk: FreshdeskDouble;
let service: SpawnedService | undefined;
afterEach(async () => {
  await service?.cleanup();
  await gitlab?.close();
  await freshdesk?.close();
});

function passes(projectId: number): number {
  const re = new RegExp(`^/api/v4/projects/(${projectId}|support%2Fescalations)/issues$`);
  return gitlab.requests.filter((r) => r.method === 'GET' && re.test(r.path) && r.query.updated_after).length;
}

describe('freshdesk-bridge catch-up (real process, GitLab and Freshdesk doubles, 1 s passes)', () => {
  it('[slow] an escalated issue closed, then reopened, in GitLab with no webhook: one private note each on the ticket, after many passes', async () => {
    gitlab = await startGitLabDouble();
    freshdesk = await startFreshdeskDouble();
    const project = gitlab.addProject({ path: 'support/escalations' });
    service = await spawnWebhookService({
      service: 'freshdesk-bridge',
      mainJs: path.join(__dirname, '../dist/main.js'),
      gitlab,
      env: {
        PATH: process.env.PATH ?? '',
        FRESHDESK_URL: freshdesk.url,
        FRESHDESK_API_KEY: freshdesk.apiKey,
        BRIDGE_GITLAB_PROJECT: project.path,
        BRIDGE_API_KEYS: API_KEY,
        BRIDGE_PUBLIC_URL: 'http://127.0.0.1:3002',
        BRIDGE_ALLOW_PRIVATE_HOSTS: 'true',
        RECONCILE_INTERVAL: '1',
      },
    });
    const { ticket } = seedTicket(freshdesk, { conversations: 1 });
    const res = await fetch(`${service.url}/escalations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ticketId: ticket.id }),
    });
    expect(res.status).toBe(201);
    const { issue } = (await res.json()) as { issue: { iid: number; url: string } };

    const closed = gitlab.changes.closeIssue(project.id, issue.iid);
    const notes = () =>
      freshdesk.ticket(ticket.id)!.conversations.filter((c) => c.private && /was closed/.test(c.body));
    await waitFor(() => (notes().length > 0 ? true : undefined), 30_000);
    const seen = passes(project.id);
    await waitFor(() => (passes(project.id) >= seen + 3 ? true : undefined), 30_000);
    expect(notes()).toHaveLength(1);
    expect(notes()[0]!.body).toContain(`GitLab issue ${issue.url} was closed (${closed.closedAt}).`);

    // Reopened, no webhook either: one note for it too (the time of GitLab's "reopened" system note).
    gitlab.changes.reopenIssue(project.id, issue.iid);
    const reopened = () =>
      freshdesk.ticket(ticket.id)!.conversations.filter((c) => c.private && /was reopened/.test(c.body));
    await waitFor(() => (reopened().length > 0 ? true : undefined), 30_000);
    const later = passes(project.id);
    await waitFor(() => (passes(project.id) >= later + 3 ? true : undefined), 30_000);
    expect(reopened()).toHaveLength(1);
    expect(notes()).toHaveLength(1);
  }, 90_000);
});

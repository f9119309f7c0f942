import path from 'node:path';
import {
  startFreshdeskDouble,
  startGitLabDouble,
  type FreshdeskDouble,
  type GitLabDouble,
} from '@devops/testkit';
import { spawnWebhookService, waitFor, type SpawnedService } from '@devops/webhook-harness';
import { conversationIdFromMarker } from '../src/render/markers';
import { API_KEY } from './helpers/start-bridge';
import { seedTicket } from './helpers/seed-ticket';

const mainJs = path.join(__dirname, '../dist/main.js');
let gitlab: GitLabDouble | undefined;
let freshdesk: FreshdeskDouble | undefined;
const services: SpawnedService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.cleanup();
  await gitlab?.close();
  await freshdesk?.close();
});

const escalate = (url: string, ticketId: number) =>
  fetch(`${url}/escalations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ ticketId }),
  });

describe('SIGTERM while an escalation waits out a 120 s Retry-After', () => {
  it('[slow] exits 0 well within 30 s; the next escalation of the ticket completes it, one issue, every note once', async () => {
    gitlab = await startGitLabDouble();
    freshdesk = await startFreshdeskDouble();
    const project = gitlab.addProject({ path: 'support/escalations' });
    const { ticket, conversations } = seedTicket(freshdesk, { conversations: 3 });
    const env = {
      PATH: process.env.PATH ?? '',
      FRESHDESK_URL: freshdesk.url,
      FRESHDESK_API_KEY: freshdesk.apiKey,
      BRIDGE_GITLAB_PROJECT: project.path,
      BRIDGE_API_KEYS: API_KEY,
      BRIDGE_PUBLIC_URL: 'http://127.0.0.1:1',
      BRIDGE_ALLOW_PRIVATE_HOSTS: 'true',
    };
    // The issue is created; every note is refused with GitLab's 429 and a two-minute Retry-After.
    gitlab.injectFault({ method: 'POST', path: /\/notes$/, status: 429, retryAfter: 120, times: Infinity });
    const first = await spawnWebhookService({ service: 'freshdesk-bridge', mainJs, gitlab, env });
    services.push(first);

    const pending = escalate(first.url, ticket.id).then(
      (res) => res.status,
      () => 'no answer',
    );
    await waitFor(() => (/retrying in \d{6} ms/.test(first.output()) ? true : undefined), 15_000);

    const signalled = Date.now();
    expect(await first.stop()).toBe(0);
    // SPEC: exit 0 within 30 s (Kubernetes' grace period), nowhere near the 120 s wait.
    expect(Date.now() - signalled).toBeLessThan(30_000);
    expect(await pending).not.toBe(201); // the escalation did not complete: it is resumed next time
    expect(gitlab.state(project.id).issues).toHaveLength(1);

    gitlab.clearFaults();
    const second = await spawnWebhookService({ service: 'freshdesk-bridge', mainJs, gitlab, env });
    services.push(second);
    const res = await escalate(second.url, ticket.id);
    expect([200, 201]).toContain(res.status);
    expect(await second.stop()).toBe(0);

    const issues = gitlab.state(project.id).issues;
    expect(issues).toHaveLength(1);
    const copied = issues[0]!.notes
      .map((n) => conversationIdFromMarker(n.body))
      .filter((id) => id !== undefined);
    expect(copied).toEqual(conversations.map((c) => c.id));
    expect(first.output() + second.output()).not.toContain(gitlab.token);
    expect(first.output() + second.output()).not.toContain(freshdesk.apiKey);
  });
});

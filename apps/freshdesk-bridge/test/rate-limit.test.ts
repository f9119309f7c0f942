import { startGitLabDouble } from '@devops/testkit';
import { conversationIdFromMarker } from '../src/render/markers';
import { readJson, startBridge, type Bridge } from './helpers/start-bridge';
import { seedTicket } from './helpers/seed-ticket';

let b: Bridge;
const doubles: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await b?.close();
  await Promise.all(doubles.splice(0).map((d) => d.close()));
});

describe('GitLab rate limits', () => {
  it('a copy refused with 429 and only RateLimit-Reset (no Retry-After) waits the window out and completes, every note once', async () => {
    // one clock for GitLab and the bridge's retries: waiting advances it, no real second passes
    let clock = Date.parse('2024-06-01T12:00:00Z');
    const waits: number[] = [];
    const gitlab = await startGitLabDouble({ now: () => new Date(clock) });
    doubles.push(gitlab);
    b = await startBridge({
      gitlabDouble: gitlab,
      gitlabRetry: {
        retries: 3,
        baseDelayMs: 5,
        maxDelayMs: 50,
        now: () => clock,
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
      },
    });
    const { ticket, conversations } = seedTicket(b.freshdesk, { conversations: 6 });
    // GitLab's application limit on note creation: every note refused until the window resets in 60 s
    gitlab.injectFault({ method: 'POST', path: /\/notes$/, rateLimitReset: 60, times: Infinity });
    const started = clock;

    const res = await b.escalate(ticket.id);
    const body = await readJson(res);
    expect(res.status).toBe(201);
    expect(body.copied.conversations).toBe(6);

    const issue = gitlab.state(b.project.id).issues[0]!;
    expect(b.notes(issue.iid).map((n) => conversationIdFromMarker(n.body))).toEqual(
      conversations.map((c) => c.id),
    );
    const refused = gitlab.requests.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    // the wait came from RateLimit-Reset: about one window, not a pile of short backoffs
    expect(clock - started).toBeGreaterThanOrEqual(60_000);
    expect(clock - started).toBeLessThan(120_000);
    expect(Math.max(...waits)).toBeGreaterThan(50_000);
  });
});

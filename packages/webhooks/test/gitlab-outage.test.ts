import { Registry } from 'prom-client';
import { createGitLab, type GitLabPort } from '@devops/gitlab';
import { listen } from '@devops/http-service';
import { createWebhookApp, type HandlerContext } from '../src';
import { defineTestApp, testConfig } from './support/define-test-app';
import { waitFor } from '@devops/testkit';
import { SECRET, captureLogger, metricValue, useGitLabDoubleAndSpool } from './support/start-receiver';

interface IssueEvent {
  object_kind: 'issue';
  project: { id: number };
  object_attributes: { iid: number; action: string };
}

/**
 * A handler written the way the apps must write theirs: it looks at GitLab's
 * own state (a marker in the notes) before acting, so running it again after a
 * failure half-way never posts twice.
 */
async function noteOnIssue({ payload, gitlab, deliveryId }: HandlerContext<IssueEvent>): Promise<void> {
  const { project, object_attributes: issue } = payload;
  const marker = `<!-- webhook-delivery:${deliveryId} -->`;
  const notes = await gitlab.listIssueNotes(project.id, issue.iid);
  if (notes.some((n) => n.body.includes(marker))) return;
  await gitlab.createIssueNote(project.id, issue.iid, `Issue ${issue.action}d upstream.\n\n${marker}`);
}

describe('GitLab unavailable for a while', () => {
  const env = useGitLabDoubleAndSpool();

  it('[slow] processes every event after GitLab recovers from 503s, none twice', async () => {
    const { log, lines } = captureLogger([env.double.token, SECRET]);
    /** Successful handler runs per delivery: the receiver itself must not run a finished event again. */
    const completed = new Map<string, number>();
    // The client's waits are recorded, not slept: Retry-After is honoured by asking for the wait.
    const clientWaits: number[] = [];
    const gitlab: GitLabPort = createGitLab({
      url: env.double.url,
      token: env.double.token,
      log,
      retry: {
        retries: 1,
        baseDelayMs: 10,
        maxDelayMs: 20,
        sleep: async (ms) => void clientWaits.push(ms),
      },
    });
    const definition = defineTestApp('outage-test', {
      issue: {
        handle: async (ctx: HandlerContext<IssueEvent>) => {
          await noteOnIssue(ctx);
          completed.set(ctx.deliveryId, (completed.get(ctx.deliveryId) ?? 0) + 1);
        },
      },
    });
    const service = createWebhookApp(definition, {
      config: testConfig(env.spoolDir),
      log,
      gitlab,
      defaultMetrics: false,
      retry: { baseDelayMs: 100, maxDelayMs: 400 },
    });
    const { app, registry, receiver } = service;
    expect(registry).toBeInstanceOf(Registry);
    const server = await listen(app, { port: 0, host: '127.0.0.1', log });
    await service.start();
    try {
      const p1 = env.double.addProject({ path: 'group/one' });
      const p2 = env.double.addProject({ path: 'group/two' });
      const issues = [
        { project: p1.id, iid: env.double.addIssue(p1.id, { title: 'a' }).iid },
        { project: p1.id, iid: env.double.addIssue(p1.id, { title: 'b' }).iid },
        { project: p2.id, iid: env.double.addIssue(p2.id, { title: 'c' }).iid },
      ];
      // GitLab is down: every note it is asked to create answers 503, and the first three calls of any kind too.
      env.double.injectFault({ status: 503, times: Infinity, path: /\/notes/, method: 'POST' });
      env.double.injectFault({ status: 503, times: 3, retryAfter: 1 });

      const sent: Array<{ uuid: string; project: number; iid: number }> = [];
      for (const [i, issue] of [...issues, issues[0]!].entries()) {
        const uuid = `0000000${i}-aaaa-4bbb-8ccc-dddddddddddd`;
        const res = await env.double.sendWebhook(`${server.url}/webhooks/gitlab`, {
          event: 'Issue Hook',
          token: SECRET,
          uuid,
          payload: {
            object_kind: 'issue',
            project: { id: issue.project },
            object_attributes: { iid: issue.iid, action: 'close' },
          },
        });
        expect(res.status).toBe(202);
        expect(await res.json()).toEqual({ accepted: uuid });
        sent.push({ uuid, ...issue });
      }
      // Retries happen while GitLab is down, and nothing was posted.
      await waitFor(
        async () =>
          (metricValue(await registry.metrics(), 'gitlab_webhook_events_retried_total', {
            object_kind: 'issue',
          }) ?? 0) >= 4,
        10_000,
        'retries during the outage',
      );
      expect(
        issues.flatMap((i) => env.double.state(i.project).issues.find((x) => x.iid === i.iid)!.notes),
      ).toEqual([]);

      env.double.clearFaults(); // GitLab is back
      await receiver!.idle();
      // GitLab's Retry-After: 1 was what the client asked to wait (plus up to one backoff step).
      expect(clientWaits.filter((ms) => ms >= 1000 && ms <= 1020).length).toBeGreaterThanOrEqual(1);

      expect(Object.fromEntries(completed)).toEqual(Object.fromEntries(sent.map((s) => [s.uuid, 1])));
      for (const s of sent) {
        const notes = env.double.state(s.project).issues.find((x) => x.iid === s.iid)!.notes;
        expect(notes.filter((n) => n.body.includes(`webhook-delivery:${s.uuid}`))).toHaveLength(1);
      }
      // Issue a got two events (two deliveries), so two notes; the others one each.
      expect(env.double.state(p1.id).issues.find((x) => x.iid === issues[0]!.iid)!.notes).toHaveLength(2);
      expect(env.double.state(p2.id).issues.find((x) => x.iid === issues[2]!.iid)!.notes).toHaveLength(1);
      const text = await registry.metrics();
      expect(metricValue(text, 'gitlab_webhook_events_processed_total', { object_kind: 'issue' })).toBe(4);
      expect(metricValue(text, 'gitlab_webhook_events_dead_total', { object_kind: 'issue' })).toBeUndefined();
      expect(lines.join('\n')).not.toContain(env.double.token);
    } finally {
      await server.close();
      await service.stop();
    }
  });
});

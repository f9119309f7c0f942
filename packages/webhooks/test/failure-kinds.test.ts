import { createGitLab } from '@devops/gitlab';
import { listen } from '@devops/http-service';
import { waitFor } from '@devops/testkit';
import { createWebhookApp, type HandlerContext } from '../src';
import { defineTestApp, testConfig } from './support/define-test-app';
import { SECRET, captureLogger, metricValue, useGitLabDoubleAndSpool } from './support/start-receiver';

interface IssueEvent {
  object_kind: 'issue';
  project: { id: number };
  object_attributes: { iid: number; title: string };
  /** Tests only: the issue the note goes to, when not the event's own (two events of one issue, two outcomes). */
  note_on?: number;
}

/**
 * One handler for every case, as an app writes them: it reads the issue's
 * notes and adds one, through the real GitLab client. What GitLab answers
 * (404 for an issue that does not exist, 409 injected) or a bug on a payload
 * it did not expect decides what happens to the event.
 */
async function noteOnIssue({ payload, gitlab }: HandlerContext<IssueEvent>): Promise<void> {
  const { project, object_attributes: issue } = payload;
  if (issue.title === 'bug') {
    // A handler bug: reads a field this payload does not have.
    const labels = (payload as unknown as { labels: Array<{ title: string }> }).labels;
    void labels[0]!.title;
  }
  const target = payload.note_on ?? issue.iid;
  await gitlab.listIssueNotes(project.id, target);
  await gitlab.createIssueNote(project.id, target, `note for ${issue.title}`);
}

describe('failure kinds through the real receiver, worker and GitLab client', () => {
  const env = useGitLabDoubleAndSpool();

  it('dead-letters a 404, a TypeError and a 409 after one attempt each; the later event of the project is processed', async () => {
    const { log, lines } = captureLogger([env.double.token, SECRET]);
    const gitlab = createGitLab({ url: env.double.url, token: env.double.token, log, retry: { retries: 0 } });
    const service = createWebhookApp(defineTestApp('kinds-test', { issue: { handle: noteOnIssue } }), {
      // WEBHOOK_HOLD_MAX at its default (900 s): a failing event retried instead would hold the last one for 15 minutes.
      config: testConfig(env.spoolDir),
      log,
      gitlab,
      defaultMetrics: false,
      retry: { baseDelayMs: 10, maxDelayMs: 20 },
    });
    const server = await listen(service.app, { port: 0, host: '127.0.0.1', log });
    await service.start();
    try {
      const project = env.double.addProject({ path: 'group/kinds' });
      const conflict = env.double.addIssue(project.id, { title: 'conflict' });
      const good = env.double.addIssue(project.id, { title: 'good' });
      const bug = env.double.addIssue(project.id, { title: 'bug' });
      env.double.injectFault({
        status: 409,
        times: 1,
        method: 'POST',
        path: `/issues/${conflict.iid}/notes`,
      });
      const events = [
        { iid: 999, title: 'missing' }, // no such issue: 404
        { iid: bug.iid, title: 'bug' },
        { iid: conflict.iid, title: 'conflict' },
        { iid: good.iid, title: 'good' },
      ];
      for (const e of events) {
        const res = await env.double.sendWebhook(`${server.url}/webhooks/gitlab`, {
          event: 'Issue Hook',
          token: SECRET,
          payload: { object_kind: 'issue', project: { id: project.id }, object_attributes: e },
        });
        expect(res.status).toBe(202);
      }
      await service.receiver!.idle();

      const notes = (iid: number) =>
        env.double
          .state(project.id)
          .issues.find((i) => i.iid === iid)!
          .notes.map((n) => n.body);
      expect(notes(good.iid)).toEqual(['note for good']);
      expect(notes(conflict.iid)).toEqual([]);
      expect(notes(bug.iid)).toEqual([]);

      const queue = await service.receiver!.queue();
      const letters = await queue.deadLetters.list();
      const byTitle = Object.fromEntries(
        await Promise.all(
          letters.map(async (l) => {
            const letter = await queue.deadLetters.show(l.id);
            const attrs = (letter!.payload as unknown as IssueEvent).object_attributes;
            return [attrs.title, { attempts: l.attempts, error: l.error }];
          }),
        ),
      );
      expect(Object.keys(byTitle).sort()).toEqual(['bug', 'conflict', 'missing']);
      expect(byTitle.missing).toMatchObject({
        attempts: 1,
        error: expect.stringMatching(/^NotFoundError: /),
      });
      expect(byTitle.bug).toMatchObject({ attempts: 1, error: expect.stringMatching(/^TypeError: /) });
      expect(byTitle.conflict).toMatchObject({
        attempts: 1,
        error: expect.stringMatching(/^ConflictError: /),
      });

      const text = await service.registry.metrics();
      expect(metricValue(text, 'gitlab_webhook_dead_letters')).toBe(3);
      expect(metricValue(text, 'gitlab_webhook_events_dead_total', { object_kind: 'issue' })).toBe(3);
      expect(metricValue(text, 'gitlab_webhook_events_processed_total', { object_kind: 'issue' })).toBe(1);
      expect(
        metricValue(text, 'gitlab_webhook_events_retried_total', { object_kind: 'issue' }),
      ).toBeUndefined();
      expect(lines.join('\n')).not.toContain(env.double.token);
    } finally {
      await server.close();
      await service.stop();
    }
  });

  it('lets later events of the project go ahead of one that keeps failing once WEBHOOK_HOLD_MAX has passed, and counts them', async () => {
    const { log } = captureLogger([env.double.token, SECRET]);
    const gitlab = createGitLab({ url: env.double.url, token: env.double.token, log, retry: { retries: 0 } });
    // The clock is the test's: the hold (1 s) ends when the test moves it, not after a real wait.
    let now = Date.now();
    const service = createWebhookApp(defineTestApp('hold-test', { issue: { handle: noteOnIssue } }), {
      config: testConfig(env.spoolDir, { WEBHOOK_HOLD_MAX: '1' }),
      log,
      gitlab,
      defaultMetrics: false,
      now: () => now,
      retry: { baseDelayMs: 10, maxDelayMs: 20 },
    });
    const server = await listen(service.app, { port: 0, host: '127.0.0.1', log });
    await service.start();
    try {
      const project = env.double.addProject({ path: 'group/hold' });
      const stuck = env.double.addIssue(project.id, { title: 'stuck' });
      const next = env.double.addIssue(project.id, { title: 'next' });
      // GitLab keeps answering 503 for the first issue's notes: temporary, retried.
      env.double.injectFault({ status: 503, times: Infinity, path: `/issues/${stuck.iid}/notes` });
      // Two events of the stuck issue (one order key): the second one's note goes to the other issue.
      for (const e of [
        { title: 'stuck', noteOn: stuck.iid },
        { title: 'next', noteOn: next.iid },
      ]) {
        await env.double.sendWebhook(`${server.url}/webhooks/gitlab`, {
          event: 'Issue Hook',
          token: SECRET,
          payload: {
            object_kind: 'issue',
            project: { id: project.id },
            object_attributes: { iid: stuck.iid, title: e.title },
            note_on: e.noteOn,
          },
        });
      }
      const notesOf = (iid: number) => env.double.state(project.id).issues.find((i) => i.iid === iid)!.notes;
      const retried = async () =>
        metricValue(await service.registry.metrics(), 'gitlab_webhook_events_retried_total', {
          object_kind: 'issue',
        }) ?? 0;
      // The stuck event is retried (the clock stands still: every retry is due at once after a real 10-20 ms).
      now += 30; // past the first backoff
      await waitFor(async () => (await retried()) >= 1, 10_000, 'the first retry');
      expect(notesOf(next.iid)).toEqual([]); // held behind it
      now += 1_000; // WEBHOOK_HOLD_MAX passes
      await waitFor(() => notesOf(next.iid).length > 0, 10_000, 'the held event to overtake');
      expect(notesOf(next.iid).map((n) => n.body)).toEqual(['note for next']);
      expect(notesOf(stuck.iid)).toEqual([]);
      const text = await service.registry.metrics();
      expect(metricValue(text, 'gitlab_webhook_events_overtaken_total', { object_kind: 'issue' })).toBe(1);
      expect(metricValue(text, 'gitlab_webhook_dead_letters')).toBe(0);
      env.double.clearFaults();
      now += 60_000;
      await waitFor(() => notesOf(stuck.iid).length > 0, 10_000, 'the stuck event to pass');
      expect(notesOf(stuck.iid).map((n) => n.body)).toEqual(['note for stuck']);
    } finally {
      await server.close();
      await service.stop();
    }
  });
});

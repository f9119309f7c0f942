import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '@devops/config';
import { createGitLab, type GitLabPort } from '@devops/gitlab';
import { listen, type RunningServer } from '@devops/http-service';
import { createLogger } from '@devops/logger';
import { loadWebhookFixture, startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { createApp } from '../src/app';
import { settings } from '../src/config';

export const SECRET = 'hook-secret-4f1c9e';

export interface Harness {
  gitlab: GitLabDouble;
  /** The production client pointed at the double (what a person's UI would do, in tests). */
  port: GitLabPort;
  url: string;
  logLines: Record<string, unknown>[];
  /** POSTs a webhook (default a Merge Request Hook) through the receiver and waits until it is processed. */
  deliver(
    payload: unknown,
    opts?: { token?: string; idempotencyKey?: string; event?: string },
  ): Promise<Response>;
  /** The PUTs to issues the app made so far. */
  issueUpdates(): { path: string; body?: unknown }[];
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const gitlab = await startGitLabDouble();
  const spoolDir = await mkdtemp(join(tmpdir(), 'board-sync-spool-'));
  const logLines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig(settings, {
    GITLAB_URL: gitlab.url,
    GITLAB_TOKEN: gitlab.token,
    GITLAB_WEBHOOK_SECRET: SECRET,
    WEBHOOK_SPOOL_DIR: spoolDir,
    ...env,
  });
  const log = createLogger({
    service: 'board-sync',
    level: 'debug',
    stream,
    secrets: [SECRET, gitlab.token],
  });
  const port = createGitLab({
    url: gitlab.url,
    token: gitlab.token,
    log,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  const app = createApp({ config, log, gitlab: port, retry: { baseDelayMs: 5, maxDelayMs: 20 } });
  const { receiver } = app.service;
  const server: RunningServer = await listen(app, { port: 0, host: '127.0.0.1', log, graceMs: 1000 });
  await receiver.start();

  return {
    gitlab,
    port,
    url: server.url,
    logLines,
    async deliver(payload, opts = {}) {
      const res = await gitlab.sendWebhook(`${server.url}/webhooks/gitlab`, {
        event: opts.event ?? 'Merge Request Hook',
        token: opts.token ?? SECRET,
        payload,
        ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      });
      await receiver.idle();
      return res;
    },
    issueUpdates: () =>
      gitlab.requests.filter((r) => r.method === 'PUT' && /\/issues\/\d+$/.test(r.path) && r.status === 200),
    async close() {
      await server.close();
      await receiver.stop();
      await gitlab.close();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

interface FixturePayload {
  project: Record<string, unknown>;
  object_attributes: Record<string, unknown>;
  changes?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface MrPayloadInput {
  action: 'open' | 'reopen' | 'update' | 'merge' | 'close';
  projectId: number;
  projectPath: string;
  iid: number;
  title: string;
  description?: string;
  sourceBranch: string;
  draft?: boolean;
  changes?: Record<string, unknown>;
}

/** GitLab's documented Merge Request Hook payload for `action`, adjusted to the test's project and MR. */
export function mergeRequestPayload(input: MrPayloadInput): FixturePayload {
  const payload = loadWebhookFixture<FixturePayload>(`merge_request.${input.action}`);
  payload.project.id = input.projectId;
  payload.project.path_with_namespace = input.projectPath;
  const attrs = payload.object_attributes;
  attrs.iid = input.iid;
  attrs.title = input.title;
  attrs.description = input.description ?? '';
  attrs.source_branch = input.sourceBranch;
  attrs.target_project_id = input.projectId;
  attrs.source_project_id = input.projectId;
  attrs.draft = input.draft ?? false;
  attrs.work_in_progress = input.draft ?? false;
  if (input.changes) payload.changes = input.changes;
  return payload;
}

/** GitLab's documented Push Hook payload creating `branch` (or pushing to it, with `before`). */
export function pushPayload(input: {
  projectId: number;
  projectPath: string;
  branch: string;
  before?: string;
}) {
  const payload = loadWebhookFixture<FixturePayload>('push.create-branch');
  payload.project_id = input.projectId;
  payload.project.id = input.projectId;
  payload.project.path_with_namespace = input.projectPath;
  payload.ref = `refs/heads/${input.branch}`;
  if (input.before) payload.before = input.before;
  return payload;
}

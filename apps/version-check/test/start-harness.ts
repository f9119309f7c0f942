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
  /** POSTs a Merge Request Hook through the receiver and waits until it is processed. */
  deliver(payload: unknown, opts?: { token?: string; idempotencyKey?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const gitlab = await startGitLabDouble();
  const spoolDir = await mkdtemp(join(tmpdir(), 'version-check-spool-'));
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
    service: 'version-check',
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
        event: 'Merge Request Hook',
        token: opts.token ?? SECRET,
        payload,
        ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      });
      await receiver.idle();
      return res;
    },
    async close() {
      await server.close();
      await receiver.stop();
      await gitlab.close();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

export interface MrPayloadInput {
  action: string;
  projectId: number;
  projectPath: string;
  iid: number;
  sourceBranch: string;
  targetBranch: string;
  sourceProjectId?: number;
  oldrev?: string;
  changes?: Record<string, unknown>;
}

interface FixturePayload {
  project: Record<string, unknown>;
  object_attributes: Record<string, unknown>;
  changes?: Record<string, unknown>;
}

/** GitLab's documented Merge Request Hook payload, adjusted to the test's project and branches. */
export function mergeRequestPayload(input: MrPayloadInput): FixturePayload {
  const fixture = input.action === 'update' ? 'merge_request.update' : `merge_request.${input.action}`;
  const payload = loadWebhookFixture<FixturePayload>(fixture);
  payload.project.id = input.projectId;
  payload.project.path_with_namespace = input.projectPath;
  const attrs = payload.object_attributes;
  attrs.action = input.action;
  attrs.iid = input.iid;
  attrs.source_branch = input.sourceBranch;
  attrs.target_branch = input.targetBranch;
  attrs.target_project_id = input.projectId;
  attrs.source_project_id = input.sourceProjectId ?? input.projectId;
  delete attrs.oldrev;
  if (input.oldrev) attrs.oldrev = input.oldrev;
  if (input.changes) payload.changes = input.changes;
  return payload;
}

import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { Registry } from 'prom-client';
import { createGitLab, type GitLabPort } from '@devops/gitlab';
import { listen, type RunningServer } from '@devops/http-service';
import { createLogger, type Logger } from '@devops/logger';
import { listSpooledEvents, type SpooledEvent } from '@devops/event-queue';
import { startGitLabDouble, tempDir, type GitLabDouble } from '@devops/testkit';
import { createWebhookReceiver, type WebhookReceiver, type WebhookReceiverOptions } from '../../src';

export const SECRET = 'hook-secret-4f1e9a0c7b';

/** A logger whose JSON lines are kept in `lines`. */
export function captureLogger(secrets: string[] = []): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger({ service: 'webhooks-test', level: 'debug', stream, secrets }), lines };
}

/** A real GitLab client for handlers that must not reach GitLab: nothing listens on its address. */
export function unreachableGitLab(log: Logger): GitLabPort {
  return createGitLab({ url: 'http://127.0.0.1:9', token: 'unused-token', log, retry: { retries: 0 } });
}

export interface TestReceiver {
  url: string;
  receiver: WebhookReceiver;
  registry: Registry;
  lines: string[];
  spoolDir: string;
  /** Ids of the events stored in the spool that a start would run (not dead letters). */
  spooled(): Promise<string[]>;
  /** Those events as stored. */
  stored(): Promise<SpooledEvent[]>;
  dead(): Promise<string[]>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

/** A receiver on a real loopback HTTP server (port 0) with a real spool directory. */
export async function startReceiver(
  opts: Partial<WebhookReceiverOptions> & Pick<WebhookReceiverOptions, 'handlers'> & { autoStart?: boolean },
): Promise<TestReceiver> {
  const { log, lines } = captureLogger();
  const spoolDir = opts.spoolDir ?? tempDir('webhooks');
  const registry = opts.registry ?? new Registry();
  const receiver = createWebhookReceiver({
    app: 'test-app',
    secret: SECRET,
    gitlab: opts.gitlab ?? unreachableGitLab(log),
    log,
    registry,
    ...opts,
    spoolDir,
  });
  const app = express();
  app.use(receiver.router);
  const server: RunningServer = await listen(app, { port: 0, host: '127.0.0.1', log, graceMs: 1000 });
  if (opts.autoStart !== false) await receiver.start();
  const list = async (dir: string, suffix: string) =>
    (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(suffix)).sort();
  return {
    url: `${server.url}/webhooks/gitlab`,
    receiver,
    registry,
    lines,
    spoolDir,
    spooled: async () => (await listSpooledEvents(spoolDir)).map((e) => e.id),
    stored: () => listSpooledEvents(spoolDir),
    dead: () => list(path.join(spoolDir, 'dead'), '.json'),
    metrics: () => registry.metrics(),
    async close() {
      await server.close();
      await receiver.stop();
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export interface PostOptions {
  token?: string | null;
  event?: string;
  idempotencyKey?: string;
  uuid?: string;
  body?: string | Buffer;
}

/** POSTs like GitLab does (its headers); `token: null` omits X-Gitlab-Token. */
export async function post(url: string, payload: unknown, o: PostOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'User-Agent': 'GitLab/17.4.0',
    'X-Gitlab-Event': o.event ?? 'Merge Request Hook',
  };
  if (o.token !== null) headers['X-Gitlab-Token'] = o.token ?? SECRET;
  if (o.idempotencyKey) headers['Idempotency-Key'] = o.idempotencyKey;
  if (o.uuid) headers['X-Gitlab-Event-UUID'] = o.uuid;
  return fetch(url, { method: 'POST', headers, body: o.body ?? JSON.stringify(payload) });
}

/** A merge request event for project `projectId`, marked with `marker` so tests can tell events apart. */
export function mrEvent(marker: string, projectId = 1, iid = 7): Record<string, unknown> {
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    project: { id: projectId, path_with_namespace: `group/p${projectId}` },
    object_attributes: { iid, action: 'open', title: marker },
  };
}

export function markerOf(payload: Record<string, unknown>): string {
  return String((payload.object_attributes as { title?: unknown }).title);
}

/** A promise with its resolve exposed. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

/** One metric sample's value from Prometheus text, or undefined. */
export function metricValue(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries(
      [...(m[3] ?? '').matchAll(/([a-z_]+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[4]);
  }
  return undefined;
}

/** Handlers that record each merge_request event's marker in `handled`. */
export function recordingHandlers(handled: string[]) {
  return {
    merge_request: {
      handle: async ({ payload }: { payload: Record<string, unknown> }) =>
        void handled.push(markerOf(payload)),
    },
  };
}

/** A fresh spool directory per call, all removed after the describe block. */
export function useSpoolDirs(): () => Promise<string> {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await removeDir(d);
  });
  return async () => {
    const d = tempDir('webhooks');
    dirs.push(d);
    return d;
  };
}

/** A GitLab double and a spool directory, fresh for each test of the describe block. */
export function useGitLabDoubleAndSpool(): { double: GitLabDouble; spoolDir: string } {
  const fixture = {} as { double: GitLabDouble; spoolDir: string };
  beforeEach(async () => {
    fixture.double = await startGitLabDouble();
    fixture.spoolDir = tempDir('webhooks');
  });
  afterEach(async () => {
    await fixture.double.close();
    await removeDir(fixture.spoolDir);
  });
  return fixture;
}

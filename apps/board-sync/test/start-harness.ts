import { startWebhookApp, HARNESS_SECRET, type WebhookAppHarness } from '@devops/webhook-harness';
import { loadWebhookFixture, type GitLabDouble } from '@devops/testkit';
import { createApp } from '../src/app';
import { settings } from '../src/config';

export const SECRET = HARNESS_SECRET;

export interface Harness extends WebhookAppHarness {
  /** The PUTs to issues the app made so far. */
  issueUpdates(): { path: string; body?: unknown }[];
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const h = await startWebhookApp({ service: 'board-sync', settings, createApp, env });
  return {
    ...h,
    issueUpdates: () =>
      h.gitlab.requests.filter(
        (r) => r.method === 'PUT' && /\/issues\/\d+$/.test(r.path) && r.status === 200,
      ),
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
  /** `object_attributes.author_id` (the fixture's: 51, see MR_AUTHOR). */
  authorId?: number;
  /** A merge request from a fork: its source project (default: the target project). */
  sourceProjectId?: number;
}

/** The author of GitLab's documented Merge Request Hook payloads (`object_attributes.author_id`). */
export const MR_AUTHOR = { id: 51, username: 'mr-author', name: 'MR Author' };

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
  attrs.source_project_id = input.sourceProjectId ?? input.projectId;
  if (input.authorId !== undefined) attrs.author_id = input.authorId;
  attrs.draft = input.draft ?? false;
  attrs.work_in_progress = input.draft ?? false;
  if (input.changes) payload.changes = input.changes;
  return payload;
}

/** Sends a Merge Request Hook, as GitLab does, to board-sync running as a process (spawnWebhookService). */
export function sendMergeRequestHook(
  gitlab: GitLabDouble,
  service: { url: string; secret: string },
  input: MrPayloadInput,
): Promise<Response> {
  return gitlab.sendWebhook(`${service.url}/webhooks/gitlab`, {
    event: 'Merge Request Hook',
    token: service.secret,
    payload: mergeRequestPayload(input),
  });
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

import { startWebhookApp, HARNESS_SECRET, type WebhookAppHarness } from '@devops/webhook-harness';
import { loadWebhookFixture } from '@devops/testkit';
import { createApp } from '../src/app';
import { settings } from '../src/config';

export const SECRET = HARNESS_SECRET;
export type Harness = WebhookAppHarness;

export function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  return startWebhookApp({ service: 'version-check', settings, createApp, env });
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

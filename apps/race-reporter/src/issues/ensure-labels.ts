import { ConflictError } from '@devops/errors';
import type { GitLabPort, ProjectRef } from '@devops/gitlab';
import type { Logger } from '@devops/logger';

const COLOR = '#d9534f';

/** Lists the project's labels once and creates the missing ones (a label created meanwhile is fine). */
export async function ensureLabels(
  gitlab: GitLabPort,
  project: ProjectRef,
  labels: string[],
  log: Logger,
): Promise<void> {
  const existing = new Set((await gitlab.listLabels(project)).map((l) => l.name.toLowerCase()));
  for (const name of labels) {
    if (existing.has(name.toLowerCase())) continue;
    try {
      await gitlab.createLabel(project, {
        name,
        color: COLOR,
        description: 'Go data races found by race-reporter',
      });
      log.info(`created label "${name}"`);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }
}

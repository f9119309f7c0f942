import { mergeRequestPayload, type Harness, type MrPayloadInput } from './start-harness';

export const BOARD = ['To Do', 'In Development', 'In Review', 'Test', 'Testing'];

export interface World {
  server: { id: number; path: string };
  client: { id: number; path: string };
  labels(project: number, iid: number): string[];
  mr(action: MrPayloadInput['action'], extra?: Partial<MrPayloadInput>): object;
}

/**
 * acme/server (where the MR lives) and acme/client in the harness's GitLab
 * double, each with issues #1..#3 carrying `labels[i]` (default `To Do`), plus
 * a `bug` label that must survive every move.
 */
export function createWorld(
  h: Harness,
  opts: { serverLabels?: string[][]; clientLabels?: string[][]; closed?: number[] } = {},
): World {
  const server = h.gitlab.addProject({ path: 'acme/server', defaultBranch: 'main' });
  const client = h.gitlab.addProject({ path: 'acme/client', defaultBranch: 'main' });
  const seed = (project: number, labels: string[][] | undefined) => {
    for (let i = 0; i < 3; i++) {
      h.gitlab.addIssue(project, {
        title: `issue ${i + 1}`,
        labels: ['bug', ...(labels?.[i] ?? ['To Do'])],
        state: project === server.id && opts.closed?.includes(i + 1) ? 'closed' : 'opened',
      });
    }
  };
  seed(server.id, opts.serverLabels);
  seed(client.id, opts.clientLabels);
  return {
    server,
    client,
    labels: (project, iid) => h.gitlab.state(project).issues.find((i) => i.iid === iid)!.labels,
    mr: (action, extra = {}) =>
      mergeRequestPayload({
        action,
        projectId: server.id,
        projectPath: server.path,
        iid: 1,
        title: 'Login page',
        description: 'Closes #1',
        sourceBranch: 'login',
        ...extra,
      }),
  };
}

/** The issue sits in exactly `column` of the board and kept its other labels. */
export function expectOn(labels: string[], column: string, board: string[] = BOARD) {
  expect(labels.filter((l) => board.includes(l))).toEqual([column]);
  expect(labels).toContain('bug');
}

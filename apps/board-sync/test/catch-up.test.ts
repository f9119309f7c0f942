import { spawn } from 'node:child_process';
import path from 'node:path';
import { startGitLabDouble, type GitLabDouble } from '@devops/testkit';
import { spawnWebhookService, waitFor, type SpawnedService } from '@devops/webhook-harness';
import { sendMergeRequestHook } from './start-harness';

const mainJs = path.join(__dirname, '../dist/main.js');
let gitlab: GitLabDouble;
const services: SpawnedService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.cleanup();
  await gitlab?.close();
});

async function start(env: Record<string, string>): Promise<SpawnedService> {
  const s = await spawnWebhookService({
    service: 'board-sync',
    mainJs,
    gitlab,
    env: { PATH: process.env.PATH ?? '', RECONCILE_SCOPE: 'acme', RECONCILE_LOOKBACK: '3600', ...env },
  });
  services.push(s);
  return s;
}

/** The issue updates the service made to one issue (successful PUTs). */
function putsTo(projectId: number, iid: number): number {
  const re = new RegExp(`/projects/(${projectId}|acme%2Fapp)/issues/${iid}$`);
  return gitlab.requests.filter((r) => r.method === 'PUT' && re.test(r.path) && r.status === 200).length;
}

/** How many passes have read the group's merge requests so far. */
function passes(): number {
  return gitlab.requests.filter((r) => r.path === '/api/v4/groups/acme/merge_requests').length;
}

async function afterPasses(n: number): Promise<void> {
  const target = passes() + n;
  await waitFor(() => (passes() >= target ? true : undefined), 30_000);
}

const labels = (projectId: number, iid: number) =>
  gitlab.state(projectId).issues.find((i) => i.iid === iid)!.labels;

describe('board-sync catch-up (real process, GitLab double, 1 s passes over group "acme")', () => {
  beforeEach(async () => {
    gitlab = await startGitLabDouble();
  });

  it('[slow] moves an issue for an MR opened then merged with no webhook at all, once each, and never fights a person', async () => {
    const project = gitlab.addProject({ path: 'acme/app' });
    const issue = gitlab.addIssue(project.id, { title: 'login', labels: ['To Do'] });
    await start({ RECONCILE_INTERVAL: '1' });

    const mr = gitlab.addMergeRequest(project.id, {
      title: `Fix login (#${issue.iid})`,
      sourceBranch: 'login',
    });
    await waitFor(() => (labels(project.id, issue.iid).includes('In Review') ? true : undefined), 30_000);
    expect(labels(project.id, issue.iid)).toEqual(['In Review']);

    gitlab.changes.mergeMergeRequest(project.id, mr.iid);
    await waitFor(() => (labels(project.id, issue.iid).includes('Test') ? true : undefined), 30_000);
    await afterPasses(3);
    expect(labels(project.id, issue.iid)).toEqual(['Test']);
    expect(putsTo(project.id, issue.iid)).toBe(2); // In Review, then Test: once each

    // A person moves it back: later passes (which still read the MR) leave it there.
    gitlab.changes.setIssueLabels(project.id, issue.iid, ['In Development']);
    await afterPasses(3);
    expect(labels(project.id, issue.iid)).toEqual(['In Development']);
    expect(putsTo(project.id, issue.iid)).toBe(2);
  }, 90_000);

  it('[slow] an MR whose webhook came is moved once, not again by the passes', async () => {
    const project = gitlab.addProject({ path: 'acme/app' });
    const issue = gitlab.addIssue(project.id, { title: 'export', labels: ['To Do'] });
    const service = await start({ RECONCILE_INTERVAL: '1' });
    const mr = gitlab.addMergeRequest(project.id, {
      title: `Export (#${issue.iid})`,
      sourceBranch: 'export',
    });
    const res = await sendMergeRequestHook(gitlab, service, {
      action: 'open',
      projectId: project.id,
      projectPath: project.path,
      iid: mr.iid,
      title: mr.title,
      sourceBranch: mr.sourceBranch,
    });
    expect(res.status).toBe(202);
    await waitFor(() => (labels(project.id, issue.iid).includes('In Review') ? true : undefined), 30_000);
    await afterPasses(4);
    expect(putsTo(project.id, issue.iid)).toBe(1);
  }, 90_000);

  it('[slow] four branches pushed at once with no push hook: the one named for an issue moves it once', async () => {
    const project = gitlab.addProject({ path: 'acme/app' });
    gitlab.addCommit(project.id, { branch: 'main', message: 'initial', files: { README: 'x' } });
    gitlab.addIssue(project.id, { title: 'one', labels: ['To Do'] });
    gitlab.addIssue(project.id, { title: 'two', labels: ['To Do'] });
    const issue = gitlab.addIssue(project.id, { title: 'three', labels: ['To Do'] });
    await start({ RECONCILE_INTERVAL: '1' });
    for (const name of ['docs', 'release/x', `${issue.iid}-fix-crash`, 'spike'])
      gitlab.changes.pushBranch(project.id, name);
    await waitFor(
      () => (labels(project.id, issue.iid).includes('In Development') ? true : undefined),
      30_000,
    );
    await afterPasses(3);
    expect(labels(project.id, issue.iid)).toEqual(['In Development']);
    expect(putsTo(project.id, issue.iid)).toBe(1);
    expect(labels(project.id, 1)).toEqual(['To Do']);
    expect(labels(project.id, 2)).toEqual(['To Do']);
  }, 90_000);

  it('[slow] reconcile --dry-run --json prints the repair and changes nothing; reconcile then repairs it', async () => {
    const project = gitlab.addProject({ path: 'acme/app' });
    const issue = gitlab.addIssue(project.id, { title: 'lost', labels: ['To Do'] });
    const service = await start({ RECONCILE_INTERVAL: '0' });
    const mr = gitlab.addMergeRequest(project.id, {
      title: `Lost hook (#${issue.iid})`,
      sourceBranch: 'lost',
    });

    const dry = await service.run(['reconcile', '--since', '600', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const report = JSON.parse(dry.stdout) as {
      repairs: { kind: string; project: string; target: string; detail: string }[];
      passFrom: string;
      passTo: string;
    };
    expect(report.repairs).toEqual([
      expect.objectContaining({ kind: 'board_move', project: 'acme/app', target: `!${mr.iid} opened` }),
    ]);
    expect(report.repairs[0]!.detail).toContain('In Review');
    expect(Date.parse(report.passTo) - Date.parse(report.passFrom)).toBeGreaterThanOrEqual(600_000);
    expect(labels(project.id, issue.iid)).toEqual(['To Do']);
    expect(putsTo(project.id, issue.iid)).toBe(0);

    const real = await service.run(['reconcile', '--since', '600']);
    expect(real.code).toBe(0);
    expect(real.stdout).toContain(`!${mr.iid} opened`);
    expect(labels(project.id, issue.iid)).toEqual(['In Review']);
    const again = await service.run(['reconcile', '--since', '600', '--json']);
    expect(JSON.parse(again.stdout).repairs).toEqual([]);
    expect(putsTo(project.id, issue.iid)).toBe(1);
  }, 90_000);

  it('[slow] reports repairs and the last successful pass on /metrics', async () => {
    const project = gitlab.addProject({ path: 'acme/app' });
    const issue = gitlab.addIssue(project.id, { title: 'm', labels: ['To Do'] });
    const service = await start({ RECONCILE_INTERVAL: '1' });
    gitlab.addMergeRequest(project.id, { title: `M (#${issue.iid})`, sourceBranch: 'm' });
    await waitFor(() => (labels(project.id, issue.iid).includes('In Review') ? true : undefined), 30_000);
    await afterPasses(1);
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(text).toMatch(/gitlab_reconcile_repairs_total\{kind="board_move"[^}]*\} 1\n/);
    const last = Number(/gitlab_reconcile_last_success_timestamp_seconds\{[^}]*\} (\d+)/.exec(text)?.[1]);
    expect(Math.abs(last - Date.now() / 1000)).toBeLessThan(60);
  }, 90_000);

  it('RECONCILE_INTERVAL that is not a number: exit 78 naming it', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [mainJs], {
        env: {
          PATH: process.env.PATH ?? '',
          GITLAB_URL: 'http://127.0.0.1:9',
          GITLAB_TOKEN: 'glpat-unused-token-000',
          GITLAB_WEBHOOK_SECRET: 'a-secret-of-enough-length',
          RECONCILE_INTERVAL: 'five minutes',
          RECONCILE_LOOKBACK: '-1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('RECONCILE_INTERVAL');
    expect(result.stderr).toContain('RECONCILE_LOOKBACK');
  });
});

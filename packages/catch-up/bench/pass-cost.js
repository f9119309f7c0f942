// Catch-up pass cost (a benchmark, not a timed test): board-sync's real binary runs `reconcile` over a
// group of 200 projects in the GitLab double, (1) with nothing changed since the window, (2) with 1,000
// merge requests changed (each referring to an issue that must move). Prints requests made and wall time.
// Needs `pnpm turbo run build --filter @devops/board-sync...` first.
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startGitLabDouble } = require('@devops/testkit');

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 200);
const CHANGED = Number(process.env.BENCH_CHANGED ?? 1000);
const mainJs = path.join(__dirname, '../../../apps/board-sync/dist/main.js');

function reconcile(gitlab, spool, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [mainJs, 'reconcile', ...args], {
      env: {
        PATH: process.env.PATH ?? '',
        GITLAB_URL: gitlab.url,
        GITLAB_TOKEN: gitlab.token,
        GITLAB_WEBHOOK_SECRET: 'bench-secret-0123456789',
        WEBHOOK_SPOOL_DIR: spool,
        RECONCILE_SCOPE: 'bench',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) return reject(new Error(`reconcile exited ${code}: ${stderr}`));
      resolve({ ms, report: JSON.parse(stdout) });
    });
  });
}

/** Node start-up and config alone (`--help`), to tell the pass from the process. */
function startupMs() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [mainJs, '--help'], { stdio: 'ignore' });
    child.on('close', () => resolve(Number(process.hrtime.bigint() - started) / 1e6));
  });
}

async function main() {
  let clock = Date.now() - 3 * 86_400_000; // seeded three days ago: outside any window
  const gitlab = await startGitLabDouble({ now: () => new Date(clock) });
  const spool = mkdtempSync(path.join(os.tmpdir(), 'catch-up-bench-'));
  try {
    const projects = [];
    for (let i = 0; i < PROJECTS; i++) {
      const p = gitlab.addProject({ path: `bench/team-${i % 10}/service-${i}` });
      gitlab.addCommit(p.id, { branch: 'main', message: 'initial', files: { README: 'x' } });
      projects.push(p);
    }
    const mrs = [];
    for (let i = 0; i < CHANGED; i++) {
      const p = projects[i % PROJECTS];
      const issue = gitlab.addIssue(p.id, { title: `work ${i}`, labels: ['To Do'] });
      mrs.push({
        p,
        mr: gitlab.addMergeRequest(p.id, { title: `Work (#${issue.iid})`, sourceBranch: `b${i}` }),
      });
    }
    clock = Date.now();
    gitlab.clearRequests();
    const start = await startupMs();

    // 1. nothing changed in the last hour (the window plus the branch slack)
    const quiet = await reconcile(gitlab, spool, ['--since', '600', '--json']);
    const quietRequests = gitlab.requests.length;
    const quietPaths = [...new Set(gitlab.requests.map((r) => r.path))];

    // 2. 1,000 merge requests changed now (opened in the window: each moves its issue to In Review)
    for (const { mr } of mrs) mr.updatedAt = new Date().toISOString();
    gitlab.clearRequests();
    const busy = await reconcile(gitlab, spool, ['--since', '600', '--json']);
    const busyRequests = gitlab.requests.length;
    const puts = gitlab.requests.filter((r) => r.method === 'PUT').length;

    const rows = {
      machine: `${os.cpus().length} cores, load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
      projects: PROJECTS,
      processStartMs: Math.round(start),
      quiet: {
        requests: quietRequests,
        wallMs: Math.round(quiet.ms),
        paths: quietPaths,
        repairs: quiet.report.repairs.length,
      },
      changed: {
        mergeRequests: CHANGED,
        requests: busyRequests,
        issueUpdates: puts,
        wallMs: Math.round(busy.ms),
        repairs: busy.report.repairs.length,
        perSecond: Math.round((busy.report.repairs.length / (busy.ms - start)) * 1000),
      },
    };
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } finally {
    await gitlab.close();
    rmSync(spool, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

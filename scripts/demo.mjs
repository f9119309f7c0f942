// pnpm demo: drives all six apps end to end against the test doubles (never a
// real GitLab or Freshdesk, whatever .env says) and prints what each did.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import {
  SERVICES,
  freePort,
  load,
  root,
  serviceEnv,
  spawnApp,
  startDoubles,
  waitHealthy,
} from './lib/suite.mjs';

const run = promisify(execFile);
const testkit = load('packages/testkit/dist/index.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'devops-demo-'));
const check = (ok, what) => {
  if (!ok) throw new Error(what);
};
const say = (app, text) => process.stdout.write(`\n== ${app}\n${text.replace(/^/gm, '   ')}\n`);

async function until(what, check, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function cli(app, args, env) {
  try {
    const r = await run(process.execPath, [path.join(root, 'apps', app, 'dist/main.js'), ...args], {
      cwd: work,
      env,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? String(err) };
  }
}

// ---- the doubles and their demo data --------------------------------------------------------------
const doubles = await startDoubles({}, { seed: false });
const { gitlab, freshdesk } = doubles;
const secrets = {
  RELEASE_SHARED_SECRET: randomBytes(16).toString('hex'),
  GITLAB_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
  BRIDGE_API_KEYS: randomBytes(16).toString('hex'),
};
const base = {
  PATH: process.env.PATH,
  ...doubles.env,
  ...secrets,
  LOG_LEVEL: 'warn',
  RELEASE_DIR: path.join(work, 'releases'),
  BRIDGE_GITLAB_PROJECT: 'support/escalations',
};

const server = gitlab.addProject({ path: 'product/server', defaultBranch: 'main' });
const main0 = gitlab.addCommit(server.id, {
  branch: 'main',
  message: 'chore: 5.4 line',
  files: { VERSION: '5.4.0\n' },
});
gitlab.createBranch(server.id, 'release/5.3', main0);
gitlab.addCommit(server.id, {
  branch: 'release/5.3',
  message: 'fix: 5.3 hotfix',
  files: { VERSION: '5.3.2\n' },
});
for (const [name, color] of [
  ['To Do', '#428BCA'],
  ['In Development', '#F0AD4E'],
  ['In Review', '#5843AD'],
  ['Test', '#69D100'],
  ['Testing', '#009966'],
])
  gitlab.addLabel(server.id, { name, color });
const bug = gitlab.addIssue(server.id, { title: 'Login fails with SSO', labels: ['In Development'] });
gitlab.createBranch(server.id, `${bug.iid}-fix-sso-login`, main0);
gitlab.addCommit(server.id, {
  branch: `${bug.iid}-fix-sso-login`,
  message: 'fix: SSO login',
  files: { 'auth.go': 'package auth\n' },
});

const lib = gitlab.addProject({ path: 'platform/libs/go-common', defaultBranch: 'main' });
const l1 = gitlab.addCommit(lib.id, {
  branch: 'main',
  message: 'feat: initial import',
  files: { 'go.mod': 'module example.com/platform/go-common\n' },
});
gitlab.addTag(lib.id, { name: 'v1.4.2', ref: l1, message: 'v1.4.2' });
const l2 = gitlab.addCommit(lib.id, {
  branch: 'main',
  message: 'fix: handle empty input\n\nThe parser no longer panics on an empty file.',
});

gitlab.addProject({ path: 'support/escalations', defaultBranch: 'main' });
const ticket = freshdesk.addTicket({
  subject: 'Export to PDF crashes the server',
  description:
    '<p>When I export the <b>monthly report</b>, the server crashes.</p><ul><li>Version 5.4.0</li></ul>',
  attachments: [{ name: 'server.log', size: 4096, contentType: 'text/plain' }],
});
for (let i = 1; i <= 3; i++)
  freshdesk.addConversation(ticket.id, {
    body: `<p>Follow-up ${i} from the customer.</p>`,
    private: i === 3,
  });

// ---- the four services ------------------------------------------------------------------------------
const logDir = path.join(work, 'logs');
fs.mkdirSync(logDir);
const ports = await Promise.all(SERVICES.map(() => freePort()));
const children = SERVICES.map(([app], i) => {
  const port = ports[i];
  const env = {
    ...serviceEnv(base, port),
    WEBHOOK_SPOOL_DIR: path.join(work, 'spool', app),
    BRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`,
  };
  return { app, port, child: spawnApp(app, env, { quiet: true }) };
});
const url = (app) => `http://127.0.0.1:${children.find((c) => c.app === app).port}`;
let failed = false;
try {
  for (const { app, port, child } of children) {
    const healthy = await waitHealthy(`http://127.0.0.1:${port}`, 30_000);
    if (!healthy || child.exitCode !== null) throw new Error(`${app} did not start (exit ${child.exitCode})`);
  }

  // 1. release-api: the upload client streams a release to the service.
  {
    const tgz = path.join(work, 'server-5.4.1.tgz');
    fs.writeFileSync(tgz, zlib.gzipSync(randomBytes(256 * 1024)));
    const up = await run(
      process.execPath,
      [
        path.join(root, 'apps/release-api/dist/upload.js'),
        '--url',
        url('release-api'),
        '--product',
        'server',
        '--version',
        '5.4.1',
        '--field',
        'channel=stable',
        tgz,
      ],
      { cwd: work, env: { PATH: process.env.PATH, RELEASE_SHARED_SECRET: secrets.RELEASE_SHARED_SECRET } },
    );
    const body = JSON.parse(up.stdout.trim().split('\n').pop());
    const md5 = createHash('md5').update(fs.readFileSync(tgz)).digest('hex');
    const stored = path.join(base.RELEASE_DIR, 'server/5.4.1/server-5.4.1.tgz');
    check(body.md5 === md5 && fs.existsSync(stored), 'release-api did not store the release');
    say(
      'release-api',
      `uploaded server 5.4.1 (${body.size} bytes, md5 ${body.md5}${body.md5 === md5 ? ', matches' : ', MISMATCH'})\nstored as ${path.relative(work, stored)}: ${fs.existsSync(stored) ? 'yes' : 'NO'}`,
    );
  }

  // 2. freshdesk-bridge: escalate the ticket.
  {
    const res = await fetch(`${url('freshdesk-bridge')}/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.BRIDGE_API_KEYS}` },
      body: JSON.stringify({ ticketId: ticket.id }),
    });
    const body = await res.json();
    if (res.status !== 201) throw new Error(`escalation answered ${res.status}: ${JSON.stringify(body)}`);
    const linkNote = freshdesk
      .ticket(ticket.id)
      .conversations.find((c) => c.private && c.body.includes(body.issue.url));
    check(linkNote, 'freshdesk-bridge left no link on the ticket');
    say(
      'freshdesk-bridge',
      `escalated Freshdesk ticket #${ticket.id} into GitLab issue ${body.issue.url}\ncopied ${body.copied.conversations} conversations and ${body.copied.attachments} attachment(s); private note with the link on the ticket: ${linkNote ? 'yes' : 'NO'}`,
    );
  }

  // 3 + 4. version-check and board-sync: a merge request from release/5.3 into main that fixes the bug.
  const mr = gitlab.addMergeRequest(server.id, {
    title: 'Fix SSO login',
    description: `Fixes #${bug.iid}`,
    sourceBranch: `${bug.iid}-fix-sso-login`,
    targetBranch: 'main',
  });
  const mismatched = gitlab.addMergeRequest(server.id, {
    title: 'Merge the 5.3 hotfix',
    description: 'Cherry-pick of the 5.3 fix',
    sourceBranch: 'release/5.3',
    targetBranch: 'main',
  });
  const mrHook = (m, action, extra = {}) => {
    const p = testkit.loadWebhookFixture(`merge_request.${action === 'open' ? 'open' : action}`);
    p.project = {
      ...p.project,
      id: server.id,
      path_with_namespace: server.path,
      web_url: `${gitlab.url}/${server.path}`,
    };
    Object.assign(p.object_attributes, {
      id: m.id,
      iid: m.iid,
      action,
      title: m.title,
      description: m.description,
      source_branch: m.sourceBranch,
      target_branch: m.targetBranch,
      source_project_id: server.id,
      target_project_id: server.id,
      draft: false,
      work_in_progress: false,
      state: action === 'merge' ? 'merged' : 'opened',
      ...extra,
    });
    return p;
  };
  for (const [app, m] of [
    ['version-check', mismatched],
    ['board-sync', mr],
  ]) {
    const res = await gitlab.sendWebhook(`${url(app)}/webhooks/gitlab`, {
      event: 'Merge Request Hook',
      token: secrets.GITLAB_WEBHOOK_SECRET,
      payload: mrHook(m, 'open'),
    });
    if (res.status !== 202) throw new Error(`${app} answered ${res.status}`);
  }
  const thread = await until(
    'the version-check thread',
    () => gitlab.state(server.id).mergeRequests.find((m) => m.iid === mismatched.iid).discussions[0],
  );
  say(
    'version-check',
    `merge request !${mismatched.iid} (release/5.3 → main): opened a blocking thread:\n"${thread.notes[0].body.split('\n').find((l) => l.trim() && !l.startsWith('<!--'))}"`,
  );
  const labelOf = () =>
    gitlab
      .state(server.id)
      .issues.find((i) => i.iid === bug.iid)
      .labels.join(', ');
  await until('In Review', () => labelOf().includes('In Review'));
  const afterOpen = labelOf();
  await gitlab.sendWebhook(`${url('board-sync')}/webhooks/gitlab`, {
    event: 'Merge Request Hook',
    token: secrets.GITLAB_WEBHOOK_SECRET,
    payload: mrHook(mr, 'merge'),
  });
  await until('Test', () => labelOf().split(', ').includes('Test'));
  say(
    'board-sync',
    `issue #${bug.iid}: In Development → ${afterOpen} (merge request !${mr.iid} opened) → ${labelOf()} (merged)`,
  );

  // 4b. board-sync: an event that fails for good is dead-lettered, then replayed by the operator.
  {
    const docs = gitlab.addIssue(server.id, { title: 'Document the SSO setting', labels: ['To Do'] });
    const docsMr = gitlab.addMergeRequest(server.id, {
      title: `Docs for #${docs.iid}`,
      description: `Closes #${docs.iid}`,
      sourceBranch: `${docs.iid}-sso-docs`,
      targetBranch: 'main',
    });
    // GitLab refuses the label change once (403: a permission problem, not worth retrying for a day).
    gitlab.injectFault({ status: 403, method: 'PUT', path: `/issues/${docs.iid}`, times: 1 });
    await gitlab.sendWebhook(`${url('board-sync')}/webhooks/gitlab`, {
      event: 'Merge Request Hook',
      token: secrets.GITLAB_WEBHOOK_SECRET,
      payload: mrHook(docsMr, 'open'),
    });
    const env = { ...base, WEBHOOK_SPOOL_DIR: path.join(work, 'spool', 'board-sync') };
    const letters = await until('the dead letter', async () => {
      const r = await cli('board-sync', ['dead-letters', 'list', '--json'], env);
      const list = r.code === 0 ? JSON.parse(r.stdout) : [];
      return list.length > 0 ? list : undefined;
    });
    const replay = await cli('board-sync', ['dead-letters', 'replay', letters[0].id, '--json'], env);
    check(replay.code === 0, `dead-letters replay exited ${replay.code}: ${replay.stderr}`);
    const docsLabels = () =>
      gitlab
        .state(server.id)
        .issues.find((i) => i.iid === docs.iid)
        .labels.join(', ');
    await until('the replayed move', () => docsLabels().includes('In Review'));
    say(
      'board-sync (dead letters)',
      `merge request !${docsMr.iid}: GitLab refused the move (403), so the event was dead-lettered at once:\n` +
        `  dead-letters list → ${letters[0].id}: ${letters[0].error.split('\n')[0]}\n` +
        `  dead-letters replay ${letters[0].id} → processed once by the running service: issue #${docs.iid} is now ${docsLabels()}`,
    );
  }

  // 4c. board-sync catch-up: a merge request whose webhook never came (GitLab lost it) is healed by a pass.
  {
    const lost = gitlab.addIssue(server.id, { title: 'SSO logout', labels: ['To Do'] });
    const lostMr = gitlab.addMergeRequest(server.id, {
      title: `Fix SSO logout (#${lost.iid})`,
      sourceBranch: `${lost.iid}-sso-logout`,
      targetBranch: 'main',
    });
    const lostLabels = () =>
      gitlab
        .state(server.id)
        .issues.find((i) => i.iid === lost.iid)
        .labels.join(', ');
    const before = lostLabels();
    const env = { ...base, WEBHOOK_SPOOL_DIR: path.join(work, 'spool', 'board-sync') };
    const r = await cli('board-sync', ['reconcile', '--since', '600', '--json'], env);
    check(r.code === 0, `reconcile exited ${r.code}: ${r.stderr}`);
    const { repairs } = JSON.parse(r.stdout);
    check(lostLabels().includes('In Review'), 'the catch-up pass did not heal the lost event');
    say(
      'board-sync (catch-up)',
      `merge request !${lostMr.iid} opened, its webhook never sent: issue #${lost.iid} stayed ${before}\n` +
        `  reconcile --since 600 (what the service does every RECONCILE_INTERVAL) → ${repairs.length} repair(s): ` +
        `${repairs.map((x) => `${x.kind} ${x.project} ${x.target}`).join(', ')}\n` +
        `  issue #${lost.iid} is now ${lostLabels()}`,
    );
  }

  // 5. lib-tagger: the CI job on the library's default branch.
  {
    const r = await cli('lib-tagger', ['--json'], {
      PATH: process.env.PATH,
      CI_SERVER_URL: gitlab.url,
      GITLAB_TOKEN: gitlab.token,
      CI_PROJECT_ID: String(lib.id),
      CI_COMMIT_SHA: l2,
      CI_COMMIT_BRANCH: 'main',
      CI_DEFAULT_BRANCH: 'main',
      LOG_LEVEL: 'warn',
    });
    if (r.code !== 0) throw new Error(`lib-tagger exited ${r.code}: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    const tag = gitlab.state(lib.id).tags.find((t) => t.name === out.tag);
    say(
      'lib-tagger',
      `tagged ${lib.path} at ${l2.slice(0, 8)}: ${out.previous} → ${out.tag} (annotated: "${tag.message.split('\n')[0]}")`,
    );
  }

  // 6. race-reporter: a Go test log with two reports of one race.
  {
    const log = path.join(work, 'race.log');
    const report = fs.readFileSync(path.join(root, 'scripts/demo-race.log'), 'utf8');
    fs.writeFileSync(
      log,
      `2026-11-27 03:00:00 starting tests\n${report}${report}--- FAIL: TestCache (0.01s)\n`,
    );
    const r = await cli('race-reporter', ['--json', log], {
      PATH: process.env.PATH,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: gitlab.token,
      RACE_REPORTER_PROJECT: server.path,
      RACE_REPORTER_STATE: path.join(work, 'race-state.json'),
      LOG_LEVEL: 'warn',
    });
    if (r.code !== 0) throw new Error(`race-reporter exited ${r.code}: ${r.stderr}`);
    const out = JSON.parse(r.stdout);
    const issues = gitlab.state(server.id).issues.filter((i) => i.title.startsWith('Data race in'));
    check(issues.length === 1, 'race-reporter did not file exactly one issue');
    say(
      'race-reporter',
      `found ${out.reports.reduce((n, x) => n + x.occurrences, 0)} report(s) of ${out.reports.length} distinct race(s); GitLab issues: ${issues.map((i) => `#${i.iid} "${i.title}"`).join(', ')}`,
    );
  }
  process.stdout.write('\nAll six apps ran against the test doubles.\n');
} catch (err) {
  failed = true;
  process.stderr.write(`\ndemo failed: ${err.message}\n`);
} finally {
  for (const { child } of children) child.kill('SIGTERM');
  await Promise.all(
    children.map(({ child }) => (child.exitCode === null ? new Promise((r) => child.once('exit', r)) : null)),
  );
  await gitlab.close();
  await freshdesk.close();
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

// bench/throughput.js's GitLab double in a process of its own (forked, IPC channel): the double
// answers two requests per event (~400/s at 200 deliveries/s), and in the load generator's process
// that work delays autocannon's timers and reads, which inflated the latency it reports.
// Messages in: {id, cmd: 'seed', projects, mrs, latencyMs} -> {id, url, token, projects: [ids]};
// {id, cmd: 'count'} -> {id, count} (requests logged so far); {id, cmd: 'report'} -> {id, count,
// status429, edits: [[projectId, iid, seq, status], ...] (every PUT of an issue, in arrival order),
// unknown}; {id, cmd: 'close'} -> {id} and the process exits. A failure answers {id, error}.
// `startGitLabDoubleProcess()` (below) forks it and returns the same calls as promises.
'use strict';
const { fork } = require('node:child_process');
const path = require('node:path');

async function serve() {
  const { startGitLabDouble } = require('@devops/testkit');
  let gitlab;
  const commands = {
    async seed({ projects: projectCount, mrs, latencyMs }) {
      gitlab = await startGitLabDouble();
      const projects = [];
      for (let p = 0; p < projectCount; p++) {
        const { id } = gitlab.addProject({ path: `bench/p${p}` });
        for (let m = 1; m <= mrs; m++) {
          gitlab.addIssue(id, { title: `issue ${m}` });
          gitlab.addMergeRequest(id, { title: `mr ${m}`, sourceBranch: `b${m}` });
        }
        projects.push(id);
      }
      if (latencyMs) gitlab.injectFault({ latencyMs, times: Infinity });
      return { url: gitlab.url, token: gitlab.token, projects };
    },
    count: () => ({ count: gitlab.requests.length }),
    report() {
      const edits = [];
      let status429 = 0;
      for (const r of gitlab.requests) {
        if (r.status === 429) status429++;
        if (r.method !== 'PUT') continue;
        const m = /projects\/(\d+)\/issues\/(\d+)$/.exec(r.path);
        if (!m) continue;
        const seq = Number(/bench seq (\d+)/.exec(String(r.body?.description))?.[1]);
        edits.push([Number(m[1]), Number(m[2]), seq, r.status]);
      }
      return { count: gitlab.requests.length, status429, edits, unknown: gitlab.unknownRequests() };
    },
    async close() {
      await gitlab?.close();
      return {};
    },
  };
  process.on('message', ({ id, cmd, ...args }) => {
    Promise.resolve()
      .then(() => commands[cmd](args))
      .then(
        (reply) => process.send({ id, ...reply }, () => cmd === 'close' && process.exit(0)),
        (err) => process.send({ id, error: String(err?.stack ?? err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Forks this file; returns {seed, count, report, close}, each sending one command and resolving with its answer. */
function startGitLabDoubleProcess() {
  const child = fork(path.join(__dirname, 'gitlab-double-process.js'), ['--serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let next = 0;
  child.on('message', ({ id, error, ...reply }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error) p?.reject(new Error(`GitLab double process: ${error}`));
    else p?.resolve(reply);
  });
  child.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`GitLab double process exited with ${code}`));
    pending.clear();
  });
  const call = (cmd, args = {}) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, cmd, ...args });
    });
  return {
    pid: child.pid,
    seed: (args) => call('seed', args),
    count: async () => (await call('count')).count,
    report: () => call('report'),
    async close() {
      const exited = new Promise((r) => child.once('exit', r));
      await call('close');
      await exited;
    },
  };
}

if (require.main === module && process.argv.includes('--serve')) {
  serve().catch((err) => {
    process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  });
}

module.exports = { startGitLabDoubleProcess };

// How the bridge answers /healthz while it escalates a 1 MB hostile ticket (issue 22: escaping used to be
// quadratic and blocked the event loop for seconds). A benchmark, not a test.
// Run: pnpm --filter @devops/freshdesk-bridge bench:hostile   (after pnpm turbo run build --filter @devops/freshdesk-bridge...)
// The GitLab and Freshdesk doubles run in this process too, so their work (serving 1 MB bodies) is in the figures.
const os = require('node:os');
const { Worker } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { Writable } = require('node:stream');
const { startFreshdeskDouble, startGitLabDouble } = require('@devops/testkit');
const { createFreshdesk } = require('@devops/freshdesk');
const { createGitLab } = require('@devops/gitlab');
const { createLogger } = require('@devops/logger');
const { listen } = require('@devops/http-service');
const { createApp } = require('../dist/app.js');

const MB = 1_000_000;
const KEY = 'bench-key-0123456789abcdef';
const fill = (unit) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
const quiet = createLogger({
  service: 'bench',
  level: 'error',
  stream: new Writable({ write: (_c, _e, cb) => cb() }),
});

/** 1 MB ticket descriptions (Freshdesk HTML), one per hostile shape. */
const SHAPES = {
  '<code>a</code> on one line': `<p>${fill('<code>a</code> ')}</p>`,
  '<pre> with /close, then 1 MB': `<pre>/close\n/label ~"wontfix"\n${fill('0123456789 log line\n')}</pre>`,
  '](@all) on one line': `<p>${fill('](@all) ')}</p>`,
  'café@all Жа@root': `<p>${fill('café@all Жа@root ')}</p>`,
  '<img src=https://tracker…>': fill('<img src="https://tracker.example/p.gif">'),
  'backtick runs': `<p>${fill('` `` ``` x ')}</p>`,
  'paragraphs of /close': fill('<p>/close</p>'),
};

/** Asks /healthz every 20 ms; each answer's latency, measured from when the request was sent. */
const PROBER = `
const { parentPort, workerData } = require('node:worker_threads');
const latencies = [];
let stop = false;
parentPort.on('message', () => { stop = true; });
(async () => {
  parentPort.postMessage('ready');
  while (!stop) {
    const t = performance.now();
    await fetch(workerData).then((r) => r.arrayBuffer());
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 20));
  }
  parentPort.postMessage(latencies);
})();
`;

async function measure(gitlab, freshdesk, name, html) {
  const project = gitlab.addProject({ path: `bench/h${Math.random().toString(36).slice(2, 8)}` });
  const ticket = freshdesk.addTicket({ subject: name, description: html });
  const bridge = createApp({
    config: {
      PORT: 0,
      HOST: '127.0.0.1',
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: gitlab.token,
      FRESHDESK_API_KEY: freshdesk.apiKey,
      WEBHOOK_HOLD_MAX: 900,
      FRESHDESK_URL: freshdesk.url,
      BRIDGE_GITLAB_PROJECT: project.path,
      BRIDGE_API_KEYS: [KEY],
      BRIDGE_PUBLIC_URL: 'http://127.0.0.1:1',
      BRIDGE_LABELS: ['freshdesk'],
      BRIDGE_LINK_FIELD: undefined,
      BRIDGE_MAX_ATTACHMENT_BYTES: 100 * MB,
      BRIDGE_ALLOW_PRIVATE_HOSTS: true,
      GITLAB_WEBHOOK_SECRET: undefined,
      WEBHOOK_SPOOL_DIR: '/tmp/unused',
    },
    log: quiet,
    gitlab: createGitLab({ url: gitlab.url, token: gitlab.token, log: quiet }),
    freshdesk: createFreshdesk({ url: freshdesk.url, apiKey: freshdesk.apiKey, log: quiet }),
    notePacing: { perMinute: Infinity, burst: 1 },
    defaultMetrics: false,
  });
  const server = await listen(bridge.app, { port: 0, host: '127.0.0.1', log: quiet });
  // the prober has its own event loop (a worker thread): a blocked bridge cannot delay its clock
  const prober = new Worker(PROBER, { eval: true, workerData: `${server.url}/healthz` });
  await new Promise((r) => prober.once('message', r));
  try {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const res = await fetch(`${server.url}/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ ticketId: ticket.id }),
    });
    await res.arrayBuffer();
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    prober.postMessage('stop');
    const latencies = await new Promise((r) => prober.once('message', r));
    latencies.sort((a, b) => a - b);
    const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    console.log(
      `${name.padEnd(32)} HTTP ${res.status}  escalation ${ms.toFixed(0).padStart(6)} ms wall ${((used.user + used.system) / 1000).toFixed(0).padStart(6)} ms CPU` +
        `  /healthz n=${String(latencies.length).padStart(3)} p50 ${p(0.5).toFixed(0).padStart(4)} ms  max ${p(1).toFixed(0).padStart(5)} ms`,
    );
  } finally {
    await prober.terminate();
    await server.close();
  }
}

async function main() {
  console.log(
    `node ${process.version}, load average ${os.loadavg()[0].toFixed(1)}, 1 MB ticket descriptions`,
  );
  const gitlab = await startGitLabDouble({ keepUploadBytesUpTo: 0 });
  const freshdesk = await startFreshdeskDouble();
  try {
    for (const [name, html] of Object.entries(SHAPES)) await measure(gitlab, freshdesk, name, html);
  } finally {
    await gitlab.close();
    await freshdesk.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

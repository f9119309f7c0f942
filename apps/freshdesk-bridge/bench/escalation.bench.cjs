// Benchmarks for freshdesk-bridge against the GitLab and Freshdesk doubles on loopback.
// Run: pnpm --filter @devops/freshdesk-bridge bench   (turbo builds first)
// 1. Peak memory of one attachment copy (Freshdesk → GitLab uploads) in a child process, for
//    several sizes, with and without forced GC (see copy-one-attachment.cjs).
// 2. A whole escalation: a ticket with 137 conversations and 4 attachments through the real app,
//    no note pacing (gitlab.com's ~60 notes/minute would make it ~80 s by design).
const { execFile } = require('node:child_process');
const path = require('node:path');
const { promisify } = require('node:util');
const { Writable } = require('node:stream');
const { startFreshdeskDouble, startGitLabDouble } = require('@devops/testkit');
const { createFreshdesk } = require('@devops/freshdesk');
const { createGitLab } = require('@devops/gitlab');
const { createLogger } = require('@devops/logger');
const { listen } = require('@devops/http-service');
const { createApp } = require('../dist/app.js');

const run = promisify(execFile);
const MB = 1024 * 1024;
const SIZES = (process.env.BENCH_SIZES_MB || '5,50,200').split(',').map(Number);
const quiet = createLogger({
  service: 'bench',
  level: 'error',
  stream: new Writable({ write: (_c, _e, cb) => cb() }),
});

async function memory(gitlab, freshdesk) {
  const project = gitlab.addProject({ path: 'bench/memory' });
  console.log('attachment copy, one child process per run (VmHWM growth during the copy)');
  for (const forced of [true, false]) {
    for (const mb of SIZES) {
      const t = freshdesk.addTicket({ attachments: [{ name: `b${mb}.bin`, size: mb * MB, seed: `b${mb}` }] });
      const a = t.attachments[0];
      const args = JSON.stringify({
        gitlabUrl: gitlab.url,
        gitlabToken: gitlab.token,
        project: project.path,
        freshdeskUrl: freshdesk.url,
        freshdeskKey: freshdesk.apiKey,
        maxBytes: 10 * 1024 * MB,
        attachment: {
          id: a.id,
          name: a.name,
          contentType: a.contentType,
          size: a.size,
          url: a.url,
          createdAt: null,
        },
      });
      const flags = forced ? ['--expose-gc'] : [];
      const { stdout } = await run(process.execPath, [
        ...flags,
        path.join(__dirname, 'copy-one-attachment.cjs'),
        args,
      ]);
      const r = JSON.parse(stdout);
      console.log(
        `  ${String(mb).padStart(4)} MB  gc ${forced ? 'forced ' : 'lazy   '} peak growth ${(r.growthKb / 1024).toFixed(1).padStart(5)} MB` +
          `  live buffers max ${forced ? `${(r.maxArrayBuffersKb / 1024).toFixed(1)} MB` : 'n/a'}` +
          `  ${(mb / (r.ms / 1000)).toFixed(0)} MB/s`,
      );
    }
  }
}

async function escalation(gitlab, freshdesk) {
  const project = gitlab.addProject({ path: 'bench/escalations' });
  const ticket = freshdesk.addTicket({
    subject: 'bench',
    attachments: [
      { name: 'a.bin', size: 2 * MB },
      { name: 'b.txt', content: 'hello' },
    ],
  });
  for (let i = 0; i < 137; i += 1) {
    freshdesk.addConversation(ticket.id, {
      body: `<p>message ${i} <b>bold</b> and <a href="https://example.com/${i}">a link</a></p>`,
      incoming: i % 2 === 0,
      createdAt: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
      attachments: i % 60 === 0 ? [{ name: `c${i}.log`, size: 512 * 1024 }] : [],
    });
  }
  const bridge = createApp({
    config: {
      PORT: 0,
      HOST: '127.0.0.1',
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: gitlab.token,
      FRESHDESK_API_KEY: freshdesk.apiKey,
      WEBHOOK_HOLD_MAX: 900,
      WEBHOOK_CONCURRENCY: 8,
      FRESHDESK_URL: freshdesk.url,
      BRIDGE_GITLAB_PROJECT: project.path,
      BRIDGE_API_KEYS: ['bench-key-0123456789abcdef'],
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
  try {
    const started = Date.now();
    const res = await fetch(`${server.url}/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-key-0123456789abcdef' },
      body: JSON.stringify({ ticketId: ticket.id }),
    });
    const body = await res.json();
    const ms = Date.now() - started;
    console.log(
      `escalation: HTTP ${res.status}, ${body.copied.conversations} notes + ${body.copied.attachments} attachments in ${ms} ms` +
        ` (${(ms / body.copied.conversations) | 0} ms per note, GitLab and Freshdesk doubles on loopback)`,
    );
    const again = Date.now();
    const dup = await fetch(`${server.url}/escalations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-key-0123456789abcdef' },
      body: JSON.stringify({ ticketId: ticket.id }),
    });
    console.log(`second click (already escalated): HTTP ${dup.status} in ${Date.now() - again} ms`);
  } finally {
    await server.close();
  }
}

async function main() {
  const gitlab = await startGitLabDouble({ keepUploadBytesUpTo: 0 });
  const freshdesk = await startFreshdeskDouble();
  try {
    await memory(gitlab, freshdesk);
    await escalation(gitlab, freshdesk);
  } finally {
    await gitlab.close();
    await freshdesk.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

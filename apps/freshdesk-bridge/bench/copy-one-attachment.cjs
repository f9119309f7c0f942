// Copies one Freshdesk attachment into GitLab's uploads with the bridge's own code
// (dist/copy/copy-attachment.js over the real clients), in its own process, and
// prints how much the process's peak resident memory (VmHWM) grew during the copy.
// Used by test/attachment-memory.test.ts and bench/escalation.bench.cjs.
// Run with --expose-gc, it collects garbage every 10 ms during the copy, so VmHWM shows what the
// copy holds, not how lazily V8 frees spent 64 KiB chunks (without it, HWM grows with throughput
// until V8's external-memory limit, ~64 MB, triggers a collection).
// argv[2]: JSON {gitlabUrl, gitlabToken, project, freshdeskUrl, freshdeskKey, attachment, maxBytes}
const { readFileSync } = require('node:fs');
const { Writable } = require('node:stream');
const { createFreshdesk } = require('@devops/freshdesk');
const { createGitLab } = require('@devops/gitlab');
const { createLogger } = require('@devops/logger');
const { copyAttachment } = require('../dist/copy/copy-attachment.js');

function statusKb(field) {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function main() {
  const a = JSON.parse(process.argv[2]);
  const log = createLogger({
    service: 'bench',
    level: 'error',
    stream: new Writable({ write: (_c, _e, d) => d() }),
  });
  const gitlab = createGitLab({ url: a.gitlabUrl, token: a.gitlabToken, log });
  const freshdesk = createFreshdesk({ url: a.freshdeskUrl, apiKey: a.freshdeskKey, log });
  // warm up: load every module and open the connections' code paths before measuring
  await gitlab.getProject(a.project);
  if (globalThis.gc) globalThis.gc();
  const before = statusKb('VmHWM');
  let maxArrayBuffers = 0;
  const sampler = setInterval(() => {
    if (globalThis.gc) globalThis.gc();
    maxArrayBuffers = Math.max(maxArrayBuffers, process.memoryUsage().arrayBuffers);
  }, 10);
  const started = process.hrtime.bigint();
  const outcome = await copyAttachment(
    {
      gitlab,
      freshdesk,
      project: a.project,
      maxBytes: a.maxBytes,
      allowedHosts: new Set([new URL(a.attachment.url).host]),
      // the Freshdesk double serves plain http on loopback
      allowPrivateHosts: true,
      refresh: async () => null,
      log,
    },
    a.attachment,
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(sampler);
  const after = statusKb('VmHWM');
  process.stdout.write(
    JSON.stringify({
      kind: outcome.kind,
      hwmBeforeKb: before,
      hwmAfterKb: after,
      growthKb: after - before,
      maxArrayBuffersKb: Math.round(maxArrayBuffers / 1024),
      forcedGc: Boolean(globalThis.gc),
      ms,
    }) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});

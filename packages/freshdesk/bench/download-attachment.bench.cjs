// Benchmarks for @devops/freshdesk against the Freshdesk double on loopback.
// Run: pnpm --filter @devops/freshdesk bench   (builds first through turbo; needs node --expose-gc, set in the script)
// 1. downloadAttachment: throughput and memory while streaming a large generated attachment.
// 2. listConversations: a ticket at Freshdesk's 5,000-conversation ceiling (50 pages of 100).
const { createHash } = require('node:crypto');
const { Writable } = require('node:stream');
const { createFreshdesk } = require('../dist');
const { startFreshdeskDouble } = require('@devops/testkit');
const { createLogger } = require('@devops/logger');

const MB = 1024 * 1024;
const SIZE = Number(process.env.BENCH_ATTACHMENT_MB || 200) * MB;

const quiet = createLogger({
  service: 'bench',
  level: 'error',
  stream: new Writable({ write: (_c, _e, cb) => cb() }),
});
const mem = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, external: m.arrayBuffers };
};
const mb = (n) => `${(n / MB).toFixed(1)} MB`;

async function main() {
  const double = await startFreshdeskDouble();
  const freshdesk = createFreshdesk({ url: double.url, apiKey: double.apiKey, log: quiet });
  try {
    const ticket = double.addTicket({ attachments: [{ name: 'big.bin', size: SIZE, seed: 'bench' }] });
    const expected = await double.attachmentMd5(ticket.attachments[0].id);
    globalThis.gc?.();
    const before = mem();
    let peak = { ...before };
    const sampler = setInterval(() => {
      const now = mem();
      for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], now[k]);
    }, 20);
    const started = process.hrtime.bigint();
    const { stream } = await freshdesk.downloadAttachment(ticket.attachments[0].url, {
      allowPrivateHosts: true,
    });
    const hash = createHash('md5');
    let bytes = 0;
    for await (const chunk of stream) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const ok = hash.digest('hex') === expected && bytes === SIZE;
    console.log(
      `downloadAttachment ${mb(SIZE)}: ${seconds.toFixed(2)} s, ${(SIZE / MB / seconds).toFixed(0)} MB/s (server and client in one process), md5 ${ok ? 'ok' : 'MISMATCH'}`,
    );
    console.log(
      `  peak growth over baseline: rss +${mb(peak.rss - before.rss)}, heap +${mb(peak.heap - before.heap)}, array buffers +${mb(peak.external - before.external)}`,
    );

    const busy = double.addTicket();
    for (let i = 0; i < 5000; i++) double.addConversation(busy.id, { body: `<p>conversation ${i}</p>` });
    const t0 = process.hrtime.bigint();
    const all = await freshdesk.listConversations(busy.id);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`listConversations 5000 (50 pages): ${ms.toFixed(0)} ms, got ${all.length}`);
    if (!ok || all.length !== 5000) process.exitCode = 1;
  } finally {
    await double.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

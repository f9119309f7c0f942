// Benchmark: a 256 MiB upload through createGitLab().uploadFile streams (memory stays flat), and how long a
// 1,000-tag listing takes. Run after a build: `pnpm bench` (or `node bench/upload-memory.js [MiB]`).
// The double runs in this process and keeps no upload bytes, so peak RSS covers client and server together.
const { createReadStream, createWriteStream } = require('node:fs');
const { mkdtemp, rm } = require('node:fs/promises');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { randomBytes } = require('node:crypto');
const { once } = require('node:events');
const { startGitLabDouble } = require('@devops/testkit');
const { createGitLab } = require('../dist');

const MiB = 1024 * 1024;
const silent = { warn() {}, debug() {} };

async function writeFile(path, bytes) {
  const out = createWriteStream(path);
  const chunk = randomBytes(MiB);
  for (let written = 0; written < bytes; written += MiB) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

async function main() {
  const sizeMiB = Number(process.argv[2] ?? 256);
  const dir = await mkdtemp(join(tmpdir(), 'gitlab-bench-'));
  const gitlab = await startGitLabDouble({ keepUploadBytesUpTo: 0 });
  try {
    const file = join(dir, 'big.bin');
    await writeFile(file, sizeMiB * MiB);
    const client = createGitLab({ url: gitlab.url, token: gitlab.token, log: silent });
    const p = gitlab.addProject({ path: 'bench/app' });

    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const started = process.hrtime.bigint();
    await client.uploadFile(p.id, {
      filename: 'big.bin',
      content: createReadStream(file),
      size: sizeMiB * MiB,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    clearInterval(sampler);
    const stored = gitlab.state(p.id).uploads[0];
    if (stored.size !== sizeMiB * MiB) throw new Error(`stored ${stored.size} bytes`);

    const sha = gitlab.addCommit(p.id, { branch: 'main', message: 'x' });
    for (let i = 0; i < 1000; i++) gitlab.addTag(p.id, { name: `v1.${i}.0`, ref: sha });
    const t0 = process.hrtime.bigint();
    const tags = await client.listTags(p.id, { search: '^v1.' });
    const listMs = Number(process.hrtime.bigint() - t0) / 1e6;

    console.log(
      JSON.stringify({
        uploadMiB: sizeMiB,
        uploadMs: Math.round(ms),
        uploadMiBps: Math.round((sizeMiB / ms) * 1000),
        rssBaselineMiB: Math.round(baseline / MiB),
        rssPeakDeltaMiB: Math.round((peak - baseline) / MiB),
        listTags: tags.length,
        listTagsMs: Math.round(listMs),
      }),
    );
  } finally {
    await gitlab.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

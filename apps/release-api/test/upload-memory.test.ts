import { execFile } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '@devops/testkit';
import { SECRET, startServer, type TestServer } from './helpers';

const MiB = 1024 * 1024;
const UPLOAD = path.join(__dirname, '../dist/upload.js');

/** A `size`-byte file starting with the gzip magic bytes, written 1 MiB at a time (never whole in memory). */
function writeArtifact(file: string, size: number): string {
  const hash = createHash('md5');
  const block = Buffer.alloc(MiB);
  const fd = fs.openSync(file, 'wx');
  for (let at = 0; at < size; at += block.length) {
    randomFillSync(block);
    if (at === 0) block.set([0x1f, 0x8b, 8, 0]);
    fs.writeSync(fd, block);
    hash.update(block);
  }
  fs.closeSync(fd);
  return hash.digest('hex');
}

/** The production upload client in its own process, so that only the server's memory is ours. */
function upload(url: string, file: string, version: string) {
  return new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(
      process.execPath,
      [UPLOAD, '--url', url, '--product', 'big', '--version', version, file],
      { env: { PATH: process.env.PATH ?? '', RELEASE_SHARED_SECRET: SECRET } },
      (err, stdout) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

/** Runs `work` while sampling this process's ArrayBuffer memory; returns the highest rise above the start. */
async function peakArrayBuffers<T>(work: () => Promise<T>): Promise<{ result: T; rise: number }> {
  const start = process.memoryUsage().arrayBuffers;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 5);
  try {
    const result = await work();
    return { result, rise: peak - start };
  } finally {
    clearInterval(timer);
  }
}

describe('memory of an upload: body chunks are freed as they are written', () => {
  let server: TestServer;
  let file: string;
  let sum: string;
  const SIZE = 160 * MiB;
  beforeAll(async () => {
    server = await startServer({ maxBytes: 1024 * MiB });
    file = path.join(tempDir('big'), 'big-1.0.0.tgz');
    sum = writeArtifact(file, SIZE);
  });
  afterAll(async () => {
    await server.close();
  });

  it('[slow] a 160 MiB upload stores the exact bytes while the ArrayBuffer memory rises by under 16 MiB', async () => {
    // Left to V8's collector, the parser's 64 KiB chunks piled up past 40 MiB here.
    const { result, rise } = await peakArrayBuffers(() => upload(server.url, file, '1.0.0'));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ md5: sum, size: SIZE });
    const stored = path.join(server.dir, 'big', '1.0.0', 'big-1.0.0.tgz');
    expect(createHash('md5').update(fs.readFileSync(stored)).digest('hex')).toBe(sum);
    expect(rise).toBeLessThan(16 * MiB);
  });

  it('[slow] a repeat, only hashed, answers 200 with the same low memory', async () => {
    const { result, rise } = await peakArrayBuffers(() => upload(server.url, file, '1.0.0'));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ md5: sum, size: SIZE });
    expect(rise).toBeLessThan(16 * MiB);
  });
});

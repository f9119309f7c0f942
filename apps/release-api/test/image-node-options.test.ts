import { spawn } from 'node:child_process';
import path from 'node:path';
import { measureNewSpace, readImageNodeOptions, tempDir } from '@devops/testkit';
import { SECRET, gzipData, releaseParts, upload } from './helpers';

const MiB = 1024 * 1024;
/** The V8 setting the image gives the service (never the code): see README, Figures. */
const IMAGE_NODE_OPTIONS = '--max-semi-space-size=1';

/** The real service (dist/main.js) with exactly `nodeOptions`: its heap figures from GET /metrics after an upload. */
async function serviceHeap(nodeOptions: string | undefined): Promise<{ total: number; newSpace: number }> {
  const child = spawn(process.execPath, [path.join(__dirname, '../dist/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      RELEASE_SHARED_SECRET: SECRET,
      RELEASE_DIR: tempDir('heap'),
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on [\d.]+:(\d+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the service exited (${code}): ${out}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const stored = await upload(url, releaseParts(gzipData(16 * MiB)));
    expect(stored.status).toBe(201);
    const text = await (await fetch(`${url}/metrics`)).text();
    const gauge = (re: RegExp) => Number(re.exec(text)?.[1]);
    return {
      total: gauge(/^nodejs_heap_size_total_bytes\{[^}]*\} (\d+)$/m),
      newSpace: gauge(/^nodejs_heap_space_size_total_bytes\{space="new",[^}]*\} (\d+)$/m),
    };
  } finally {
    child.kill('SIGKILL');
  }
}

describe(`NODE_OPTIONS=${IMAGE_NODE_OPTIONS} (the release-api image's setting)`, () => {
  it('is what the Dockerfile sets', () => {
    expect(readImageNodeOptions(path.join(__dirname, '../Dockerfile'))).toBe(IMAGE_NODE_OPTIONS);
  });

  it('still caps the young generation on this Node (2 MiB where it grows past 16 MiB)', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
    expect(measureNewSpace(IMAGE_NODE_OPTIONS)).toBeLessThanOrEqual(4 * MiB);
    expect(measureNewSpace()).toBeGreaterThan(16 * MiB);
  });

  it('[slow] the service started with it holds a heap at least 8 MiB smaller after an upload (seen: 16 MiB against 30 MiB)', async () => {
    const capped = await serviceHeap(IMAGE_NODE_OPTIONS);
    const plain = await serviceHeap(undefined);
    expect(capped.newSpace).toBeLessThanOrEqual(4 * MiB);
    expect(plain.newSpace).toBeGreaterThan(8 * MiB);
    expect(plain.total - capped.total).toBeGreaterThanOrEqual(8 * MiB);
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The one V8 setting race-reporter relies on, set in its image's environment (never by the code):
 * Node 24's young generation grows to 64 MiB of semi-spaces under a long scan's steady garbage
 * (strings of report lines, inflated .gz chunks); capped at 1 MiB per semi-space it stays at 2 MiB,
 * and the garbage is collected as it is made (README, Benchmark, for what it saves).
 */
const IMAGE_NODE_OPTIONS = '--max-semi-space-size=1';

/** Allocates like a scan (short-lived objects, a few survivors) and prints the new space's size. */
const WORKLOAD = `
const v8 = require('node:v8');
let keep = [];
for (let i = 0; i < 3e6; i++) {
  const o = { i, s: 'line ' + i };
  if (i % 20 === 0) keep.push(o);
  if (keep.length > 50000) keep = [];
}
const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
process.stdout.write(String(space.space_size));
`;

function newSpaceBytes(nodeOptions?: string): number {
  const out = execFileSync(process.execPath, ['-e', WORKLOAD], {
    env: { PATH: process.env.PATH ?? '', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
    encoding: 'utf8',
  });
  return Number(out);
}

describe(`NODE_OPTIONS=${IMAGE_NODE_OPTIONS} (the image's setting)`, () => {
  it('runs on Node 24', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
  });

  it('is accepted in NODE_OPTIONS and keeps the young generation near 2 MiB where it grows past 16 MiB', () => {
    const capped = newSpaceBytes(IMAGE_NODE_OPTIONS);
    const grown = newSpaceBytes();
    // Seen: 2 MiB (2.5 MiB on a loaded machine) with the flag, 64 MiB without.
    expect(capped).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(grown).toBeGreaterThan(16 * 1024 * 1024);
  });

  it('if the Dockerfile sets NODE_OPTIONS, it is this value', () => {
    const dockerfile = fs.readFileSync(path.join(__dirname, '../Dockerfile'), 'utf8');
    const set = /^ENV\s+NODE_OPTIONS=("?)([^"\n]*)\1\s*$/m.exec(dockerfile);
    if (set) expect(set[2]).toBe(IMAGE_NODE_OPTIONS);
  });
});

import { execFileSync } from 'node:child_process';

/**
 * Allocates as a long-running service does (short-lived objects, a few
 * survivors), samples the size of V8's new space (the young generation) 30
 * times along the way and prints the median. One reading at the end was not
 * enough: with the 1 MiB cap it read 2 MiB 135 times in 150 but up to 7 MiB
 * when it landed mid-collection; the median read 2 MiB in 60 of 60.
 */
const WORKLOAD = `
const v8 = require('node:v8');
let keep = [];
const samples = [];
for (let i = 0; i < 3e6; i++) {
  const o = { i, s: 'line ' + i };
  if (i % 20 === 0) keep.push(o);
  if (keep.length > 50000) keep = [];
  if (i % 100000 === 99999) {
    samples.push(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
  }
}
samples.sort((a, b) => a - b);
process.stdout.write(String(samples[Math.floor(samples.length / 2)]));
`;

/**
 * The young generation's size, in bytes, after a steady allocation workload
 * in a fresh `node` (this one's binary) whose NODE_OPTIONS is exactly
 * `nodeOptions` (none when undefined): shows whether an image's V8 setting
 * still has its effect on the current Node. Node 24.22, median of the run:
 * 32 MiB without a flag (it grows to 64), 2 MiB with `--max-semi-space-size=1`.
 */
export function measureNewSpace(nodeOptions?: string): number {
  const out = execFileSync(process.execPath, ['-e', WORKLOAD], {
    // An environment of its own: only the NODE_OPTIONS under test (the binary is named by path).
    env: nodeOptions ? { NODE_OPTIONS: nodeOptions } : {},
    encoding: 'utf8',
  });
  return Number(out);
}

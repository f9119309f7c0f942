import { execFileSync } from 'node:child_process';

/**
 * Allocates as a long-running service does (short-lived objects, a few
 * survivors), then prints the size of V8's new space (the young generation).
 */
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

/**
 * The young generation's size, in bytes, after a steady allocation workload
 * in a fresh `node` (this one's binary) whose NODE_OPTIONS is exactly
 * `nodeOptions` (none when undefined): shows whether an image's V8 setting
 * still has its effect on the current Node. Node 24.22: ~64 MiB without a
 * flag, 2 MiB with `--max-semi-space-size=1`.
 */
export function measureNewSpace(nodeOptions?: string): number {
  const out = execFileSync(process.execPath, ['-e', WORKLOAD], {
    // An environment of its own: only the NODE_OPTIONS under test (the binary is named by path).
    env: nodeOptions ? { NODE_OPTIONS: nodeOptions } : {},
    encoding: 'utf8',
  });
  return Number(out);
}

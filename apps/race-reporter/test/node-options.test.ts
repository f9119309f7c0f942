import path from 'node:path';
import { measureNewSpace, readImageNodeOptions } from '@devops/testkit';

/**
 * The one V8 setting race-reporter relies on, set in its image's environment (never by the code):
 * Node 24's young generation grows to 64 MiB of semi-spaces under a long scan's steady garbage
 * (strings of report lines, inflated .gz chunks); capped at 1 MiB per semi-space it stays at 2 MiB,
 * and the garbage is collected as it is made (README, Benchmark, for what it saves).
 */
const IMAGE_NODE_OPTIONS = '--max-semi-space-size=1';

describe(`NODE_OPTIONS=${IMAGE_NODE_OPTIONS} (the image's setting)`, () => {
  it('runs on Node 24', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
  });

  it('is accepted in NODE_OPTIONS and keeps the young generation near 2 MiB where it grows past 16 MiB', () => {
    const capped = measureNewSpace(IMAGE_NODE_OPTIONS);
    const grown = measureNewSpace();
    // Median over the run (measureNewSpace): 2 MiB with the flag, 32 MiB without (growing to 64).
    expect(capped).toBeLessThanOrEqual(4 * 1024 * 1024);
    expect(grown).toBeGreaterThan(16 * 1024 * 1024);
  });

  it('is what the Dockerfile sets', () => {
    expect(readImageNodeOptions(path.join(__dirname, '../Dockerfile'))).toBe(IMAGE_NODE_OPTIONS);
  });
});

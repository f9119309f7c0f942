import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expandPatterns } from '../src/files/plan-scan';

describe('expandPatterns', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'race-expand-'));
    for (const name of ['app.log', 'app.log.1', 'other.txt']) fs.writeFileSync(path.join(dir, name), 'x\n');
    fs.mkdirSync(path.join(dir, 'sub.log'));
    fs.symlinkSync(path.join(dir, 'app.log'), path.join(dir, 'link.log'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('plain paths (relative to cwd, symbolic links followed) are files; directories and missing ones match nothing', async () => {
    const got = await expandPatterns(['app.log', 'link.log', 'sub.log', 'missing.log'], dir);
    expect(got.files).toEqual([path.join(dir, 'app.log'), path.join(dir, 'link.log')]);
    expect(got.unmatched).toEqual(['sub.log', 'missing.log']);
  });

  it('globs are expanded (regular files only, sorted, each file once)', async () => {
    const got = await expandPatterns([path.join(dir, 'app.log*'), 'app.log', '*.txt'], dir);
    expect(got.files).toEqual([
      path.join(dir, 'app.log'),
      path.join(dir, 'app.log.1'),
      path.join(dir, 'other.txt'),
    ]);
    expect(got.unmatched).toEqual([]);
  });

  it('a glob matching nothing is reported', async () => {
    expect(await expandPatterns(['*.gz'], dir)).toEqual({ files: [], unmatched: ['*.gz'] });
  });
});

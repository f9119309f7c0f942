import fs from 'node:fs';
import path from 'node:path';
import { startGitLabDouble, tempDir, type GitLabDouble } from '@devops/testkit';
import { report, writeHostileCorpus, type HostileCorpus } from '../bench/hostile-corpus.cjs';
import { MAX_RACES_PER_RUN } from '../src/run/run-race-reporter';
import type { RaceState } from '../src/state/race-state';
import { run, writes } from './run-helpers';

// [slow] ~100 MB of generated logs (a 60 x 1,000,000-char report in a .gz, random bytes, a 64 MiB
// gz bomb, 100,000 tiny reports); the bench runs the same corpus at full size for peak RSS.
describe('hostile or broken logs [slow]', () => {
  let double: GitLabDouble;
  let project: number;
  let dir: string;
  let corpus: HostileCorpus;
  let statePath: string;

  beforeAll(async () => {
    dir = tempDir('hostile');
    corpus = await writeHostileCorpus(path.join(dir, 'logs'), {
      hugeLines: 60,
      hugeLineBytes: 1_000_000,
      garbageMiB: 4,
      bombMiB: 64,
      tinyReports: 100_000,
      tinyRaces: 150,
    });
    statePath = path.join(dir, 'state.json');
    double = await startGitLabDouble();
    project = double.addProject({ path: 'qa/hostile' }).id;
  }, 120_000);
  afterAll(async () => {
    await double.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const issues = () => double.state(project).issues;
  const titled = (fn: string) => issues().find((i) => i.title === `Data race in ${fn}`);
  const cursorOf = (file: string) => {
    const state = JSON.parse(fs.readFileSync(statePath, 'utf8')) as RaceState;
    return state.cursors.find((c) => c.path === file)!;
  };
  const patterns = () => [path.join(dir, 'logs', '*')];

  it('every file is read through: one issue per race of each file, at most 100 races per run, cursors forward', async () => {
    const first = await run(double, project, { patterns: patterns(), statePath });
    expect(first.result.failed).toBe(false);
    expect(issues()).toHaveLength(MAX_RACES_PER_RUN);
    for (const f of [corpus.huge, corpus.garbage, corpus.bomb, corpus.noEnd])
      expect(titled(f.functions[1]!) ?? titled(f.functions[0]!)).toBeDefined();

    // The huge report: filed, every line at most 4 KiB (and marked as cut), the text bounded.
    const huge = titled('main.hugeWriter')!;
    expect(huge.description!.length).toBeLessThan(256 * 1024);
    // `  main.deep0(` + 1,000,000 x + `)`; asserted without printing a huge text on failure.
    const cut = `[line cut: ${'  main.deep0('.length + 1_000_000 + 1} bytes, first 4096 kept]`;
    expect(huge.description!.includes(cut)).toBe(true);
    expect(Math.max(...huge.description!.split('\n').map((l) => l.length))).toBeLessThan(4096 + 64);

    // Cursors: .gz files (complete) and the garbage read to their end; the report without an end
    // waits at its WARNING line; tiny.log stops at the first report of the 101st race.
    for (const f of [corpus.huge, corpus.bomb]) {
      const c = cursorOf(f.path);
      expect(c.offset).toBe(c.end);
      expect(c.end).toBeGreaterThan(fs.statSync(f.path).size);
    }
    expect(cursorOf(corpus.garbage.path).offset).toBe(fs.statSync(corpus.garbage.path).size);
    expect(cursorOf(corpus.noEnd.path).offset).toBe(corpus.noEnd.unclosedAt);
    const tinyFiledFirst = MAX_RACES_PER_RUN - 4; // four races come from the files before tiny.log
    const firstDeferred = Buffer.byteLength(
      Array.from({ length: tinyFiledFirst }, (_, i) => report(`main.tiny${i}`, 'main.tinyReader', i)).join(
        '',
      ),
    );
    // ... at its WARNING line, after the `==================` line that precedes it.
    expect(cursorOf(corpus.tiny.path).offset).toBe(firstDeferred + '==================\n'.length);
    expect(first.result.summary.deferred).toBeGreaterThan(0);

    // The next run files the rest (no comment: the first run's occurrences are remembered as filed).
    const second = await run(double, project, { patterns: patterns(), statePath });
    expect(second.result.failed).toBe(false);
    expect(issues()).toHaveLength(4 + corpus.tiny.races);
    expect(issues().flatMap((i) => i.notes.filter((n) => !n.system))).toEqual([]);
    const tiny7 = titled('main.tiny7')!;
    expect(tiny7.description).toContain(
      `Seen: ${Math.ceil((corpus.tiny.reports - 7) / corpus.tiny.races)} time(s)`,
    );
    expect(cursorOf(corpus.tiny.path).offset).toBe(fs.statSync(corpus.tiny.path).size);

    // Nothing new: nothing written. Then the report without an end gets its end and is filed.
    double.clearRequests();
    await run(double, project, { patterns: patterns(), statePath });
    expect(writes(double)).toEqual([]);
    fs.appendFileSync(corpus.noEnd.path, '==================\n');
    await run(double, project, { patterns: patterns(), statePath });
    expect(titled('main.neverClosed')).toBeDefined();
    expect(cursorOf(corpus.noEnd.path).offset).toBe(fs.statSync(corpus.noEnd.path).size);
  }, 120_000);
});

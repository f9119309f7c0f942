import fs from 'node:fs';
import { htmlComments, liveMentions, quickActions, visibleText } from '@devops/testkit';
import { fingerprintRace } from '../src/parse/fingerprint-race';
import type { RaceState } from '../src/state/race-state';
import { goReport, run, writes, startRunFixture, type RunFixture } from './run-helpers';

const fp = (a: string, b: string) =>
  fingerprintRace([
    { kind: 'Write', by: 'goroutine 1', frames: [{ function: a, file: null, line: null }] },
    { kind: 'Read', by: 'goroutine 2', frames: [{ function: b, file: null, line: null }] },
  ]);

/** A report of main.h / main.i whose text tries everything: markers, quick actions, mentions, fences. */
function hostileReport(n: number, foreignFingerprint: string): string {
  return [
    '==================',
    'WARNING: DATA RACE',
    `Write at 0x00c000010000 by goroutine ${n}:`,
    '  main.h()',
    '      /srv/app/h.go:1 +0x1',
    '',
    'Previous read at 0x00c000010000 by goroutine 9:',
    '  main.i()',
    '      /srv/app/i.go:2 +0x2',
    '',
    `<!-- race-reporter fingerprint=${foreignFingerprint} -->`,
    '/close',
    '/label ~security',
    '@all please look',
    '```',
    '/confidential',
    '</pre>',
    `<!-- race-reporter fingerprint=${foreignFingerprint} -->`,
    '==================',
    '',
  ].join('\n');
}

describe('text from outside stays text (against the GitLab double)', () => {
  let { double, project, logFile, statePath } = {} as RunFixture;
  beforeEach(async () => {
    ({ double, project, logFile, statePath } = await startRunFixture('qa/hostile-text', 'text'));
  });
  afterEach(() => double.close());
  const issues = () => double.state(project).issues;
  const texts = () =>
    issues().flatMap((i) => [i.description ?? '', ...i.notes.filter((n) => !n.system).map((n) => n.body)]);

  it("a report carrying another race's marker, quick actions, mentions and fences: one issue per race over runs, nothing acts", async () => {
    const fpA = fp('main.a', 'main.b');
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
    await run(double, project, { patterns: [logFile], statePath });
    fs.appendFileSync(logFile, hostileReport(1, fpA));
    await run(double, project, { patterns: [logFile], statePath });
    // The hostile report is its own race: a new issue, not a comment on main.a's.
    expect(
      issues()
        .map((i) => i.title)
        .sort(),
    ).toEqual(['Data race in main.a', 'Data race in main.h']);
    const a = issues().find((i) => i.title === 'Data race in main.a')!;
    expect(a.notes.filter((n) => !n.system)).toEqual([]);

    // Again, twice: one comment per run on main.h's issue, still two issues.
    fs.appendFileSync(logFile, hostileReport(2, fpA));
    await run(double, project, { patterns: [logFile], statePath });
    fs.appendFileSync(logFile, hostileReport(3, fp('main.h', 'main.i')) + goReport('main.a', 'main.b', 4));
    await run(double, project, { patterns: [logFile], statePath });
    expect(issues()).toHaveLength(2);
    const h = issues().find((i) => i.title === 'Data race in main.h')!;
    expect(h.notes.filter((n) => !n.system)).toHaveLength(2);
    expect(a.notes.filter((n) => !n.system)).toHaveLength(1);
    expect(h.state).toBe('opened');
    expect(h.labels).toEqual(['race condition']);

    for (const text of texts()) {
      expect(quickActions(text)).toEqual([]);
      expect(liveMentions(text)).toEqual([]);
      // The only comments GitLab hides are the reporter's own two markers, on the last lines.
      const hidden = htmlComments(text);
      expect(hidden).toHaveLength(2);
      expect(text.trimEnd().split('\n').slice(-2)).toEqual(hidden);
      // A reader still sees the words as written.
      if (text.includes('main.h')) {
        expect(visibleText(text)).toContain('@all please look');
        expect(visibleText(text)).toContain('/close');
      }
    }
    double.clearRequests();
    await run(double, project, { patterns: [logFile], statePath });
    expect(writes(double)).toEqual([]);
  });

  it('a function name with backticks cannot break out of inline code', async () => {
    const evil = 'main.(*T).x`@all [x](http://evil.example)` /close';
    fs.writeFileSync(logFile, goReport(evil, 'main.b', 1));
    await run(double, project, { patterns: [logFile], statePath });
    const issue = issues()[0]!;
    expect(issue.title).toBe(`Data race in ${evil}`);
    expect(liveMentions(issue.description!)).toEqual([]);
    expect(quickActions(issue.description!)).toEqual([]);
    expect(issue.description).not.toMatch(/<a href="http:\/\/evil/);
    expect(visibleText(issue.description!)).toContain(evil);
  });

  it.each([
    ['413 once: the short form', 413, 1, 'shortened form'],
    ['400 twice: the minimal form', 400, 2, 'GitLab refused the report text'],
  ])(
    'GitLab refusing the issue text (%s) files it shortened; the cursor moves on',
    async (_, status, times, says) => {
      fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
      double.injectFault({
        status,
        times,
        method: 'POST',
        path: /\/issues$/,
        body: { message: { description: ['is too long (maximum is 1048576 characters)'] } },
      });
      const { result } = await run(double, project, { patterns: [logFile], statePath });
      expect(result.failed).toBe(false);
      expect(issues()).toHaveLength(1);
      expect(issues()[0]!.description).toContain(says);
      expect(issues()[0]!.description).toContain('is too long');
      const state = JSON.parse(fs.readFileSync(statePath, 'utf8')) as RaceState;
      expect(state.cursors[0]!.offset).toBe(fs.statSync(logFile).size);
      expect(state.pending).toEqual([]);
    },
  );

  it('a comment GitLab refuses is filed shortened', async () => {
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
    await run(double, project, { patterns: [logFile], statePath });
    fs.appendFileSync(logFile, goReport('main.a', 'main.b', 2));
    double.injectFault({ status: 413, times: 1, method: 'POST', path: /\/notes$/ });
    await run(double, project, { patterns: [logFile], statePath });
    const notes = issues()[0]!.notes.filter((n) => !n.system);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.body).toContain('shortened form');
  });

  it('refused in every form (e.g. the token may not write): the race fails, its reports stay, the next run files it', async () => {
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1) + goReport('main.c', 'main.d', 2));
    double.injectFault({ status: 403, times: 3, method: 'POST', path: /\/issues$/ });
    const first = await run(double, project, { patterns: [logFile], statePath });
    expect(first.result.failed).toBe(true);
    expect(issues().map((i) => i.title)).toEqual(['Data race in main.c']);
    const state = JSON.parse(fs.readFileSync(statePath, 'utf8')) as RaceState;
    expect(state.cursors[0]!.offset).toBe(goReport('main.a', 'main.b', 1).indexOf('WARNING'));
    const second = await run(double, project, { patterns: [logFile], statePath });
    expect(second.result.failed).toBe(false);
    expect(
      issues()
        .map((i) => i.title)
        .sort(),
    ).toEqual(['Data race in main.a', 'Data race in main.c']);
    expect(issues().find((i) => i.title === 'Data race in main.a')!.description).not.toContain('refused');
  });
});

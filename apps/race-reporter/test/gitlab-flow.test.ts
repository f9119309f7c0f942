import fs from 'node:fs';
import path from 'node:path';
import { goReport, portFor, quietLog, run, writes, startRunFixture, type RunFixture } from './run-helpers';

describe('race-reporter against the GitLab double', () => {
  let { double, project, logFile, statePath } = {} as RunFixture;
  beforeEach(async () => {
    ({ double, project, logFile, statePath } = await startRunFixture(
      'qa/races',
      'flow',
      path.join('state', 'state.json'),
    ));
  });
  afterEach(() => double.close());

  const issues = () => double.state(project).issues;
  const byTitle = (t: string) => issues().find((i) => i.title === t)!;

  it('first run: one issue per distinct race with label, marker, report and counts; second run with no new lines writes nothing', async () => {
    fs.writeFileSync(
      logFile,
      `boot\n${goReport('main.a', 'main.b', 1)}noise\n${goReport('main.a', 'main.b', 2)}${goReport('main.c', 'main.d', 3)}`,
    );
    const { result } = await run(double, project, { patterns: [logFile], statePath });
    expect(result.failed).toBe(false);
    expect(
      issues()
        .map((i) => i.title)
        .sort(),
    ).toEqual(['Data race in main.a', 'Data race in main.c']);
    expect(double.state(project).labels.map((l) => l.name)).toContain('race condition');
    const a = byTitle('Data race in main.a');
    expect(a.labels).toEqual(['race condition']);
    expect(a.description).toMatch(/<!-- race-reporter fingerprint=[0-9a-f]{16} -->/);
    expect(a.description).toContain('Seen: 2 time(s) on host `test-host-1`');
    expect(a.description).toContain(`\`${logFile}\``);
    expect(a.description).toContain(
      '```text\nWARNING: DATA RACE\nWrite at 0x00c00003e910 by goroutine 7:\n  main.a()',
    );
    expect(result.summary).toMatchObject({
      reportsFound: 3,
      distinctRaces: 2,
      issuesCreated: 2,
      commented: 0,
      reopened: 0,
    });

    double.clearRequests();
    const second = await run(double, project, { patterns: [logFile], statePath });
    expect(writes(double)).toEqual([]);
    expect(second.result.summary).toMatchObject({ reportsFound: 0, issuesCreated: 0, commented: 0 });
  });

  it('new occurrences give one comment per issue per run; a renamed issue is still matched; a closed one is reopened', async () => {
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1) + goReport('main.c', 'main.d', 2));
    await run(double, project, { patterns: [logFile], statePath });
    const a = byTitle('Data race in main.a');
    const c = byTitle('Data race in main.c');
    const { log } = quietLog();
    const port = portFor(double, log);
    await port.editIssue(project, a.iid, { title: 'Renamed by a human: flaky counter' });
    await port.editIssue(project, c.iid, { stateEvent: 'close' });

    fs.appendFileSync(
      logFile,
      goReport('main.a', 'main.b', 3) + goReport('main.b', 'main.a', 4) + goReport('main.c', 'main.d', 5),
    );
    double.clearRequests();
    const { result } = await run(double, project, { patterns: [logFile], statePath });
    expect(result.summary).toMatchObject({ issuesCreated: 0, commented: 2, reopened: 1 });
    expect(issues()).toHaveLength(2);
    const aNow = issues().find((i) => i.iid === a.iid)!;
    const cNow = issues().find((i) => i.iid === c.iid)!;
    expect(aNow.title).toBe('Renamed by a human: flaky counter');
    const userNotes = (i: typeof aNow) => i.notes.filter((n) => !n.system);
    expect(userNotes(aNow)).toHaveLength(1);
    // main.a/main.b and main.b/main.a are the same race: the functions are sorted before hashing.
    expect(userNotes(aNow)[0]!.body).toContain('Seen: 2 time(s)');
    expect(cNow.state).toBe('opened');
    expect(userNotes(cNow)).toHaveLength(1);
    expect(userNotes(cNow)[0]!.body).toContain('reopened');
    const reopen = writes(double).find((r) => r.method === 'PUT');
    expect(reopen?.body).toMatchObject({ state_event: 'reopen' });
  });

  // The client never resends a POST after a 500 (GitLab may have acted); 503 is resent until retries run out.
  it.each([
    [500, 1],
    [503, 3],
  ])(
    'GitLab answering %i to the second issue creation (%i attempt(s)) loses and duplicates nothing on the next run',
    async (status, attempts) => {
      fs.writeFileSync(
        logFile,
        goReport('main.a', 'main.b', 1) + goReport('main.c', 'main.d', 2) + goReport('main.e', 'main.f', 3),
      );
      const { log } = quietLog();
      const real = portFor(double, log);
      let created = 0;
      const port = {
        ...real,
        createIssue: async (...args: Parameters<typeof real.createIssue>) => {
          const issue = await real.createIssue(...args);
          if (++created === 1)
            double.injectFault({ status, times: attempts, method: 'POST', path: /\/issues$/ });
          return issue;
        },
      };
      const first = await run(double, project, { patterns: [logFile], statePath, port });
      expect(first.result.failed).toBe(true);
      expect(
        issues()
          .map((i) => i.title)
          .sort(),
      ).toEqual(['Data race in main.a', 'Data race in main.e']);
      expect(double.requests.filter((r) => r.method === 'POST' && r.status === status)).toHaveLength(
        attempts,
      );

      const second = await run(double, project, { patterns: [logFile], statePath });
      expect(second.result.failed).toBe(false);
      expect(
        issues()
          .map((i) => i.title)
          .sort(),
      ).toEqual(['Data race in main.a', 'Data race in main.c', 'Data race in main.e']);
      expect(issues().flatMap((i) => i.notes.filter((n) => !n.system))).toEqual([]);
      double.clearRequests();
      await run(double, project, { patterns: [logFile], statePath });
      expect(writes(double)).toEqual([]);
    },
  );

  it.each(['create', 'comment'] as const)(
    'a crash right after the %s (before the state is saved) does not repeat it',
    async (step) => {
      fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1));
      const { log } = quietLog();
      const real = portFor(double, log);
      if (step === 'comment') {
        await run(double, project, { patterns: [logFile], statePath });
        fs.appendFileSync(logFile, goReport('main.a', 'main.b', 2));
      }
      const crashing = {
        ...real,
        createIssue: async (...args: Parameters<typeof real.createIssue>) => {
          await real.createIssue(...args);
          throw new Error('process killed');
        },
        createIssueNote: async (...args: Parameters<typeof real.createIssueNote>) => {
          await real.createIssueNote(...args);
          throw new Error('process killed');
        },
      };
      const crashed = await run(double, project, { patterns: [logFile], statePath, port: crashing });
      expect(crashed.result.failed).toBe(true);
      const saved = JSON.parse(fs.readFileSync(statePath, 'utf8'));
      expect(saved.pending).toHaveLength(1);

      double.clearRequests();
      await run(double, project, { patterns: [logFile], statePath });
      expect(issues()).toHaveLength(1);
      expect(issues()[0]!.notes.filter((n) => !n.system)).toHaveLength(step === 'comment' ? 1 : 0);
      expect(writes(double)).toEqual([]);
      expect(JSON.parse(fs.readFileSync(statePath, 'utf8')).pending).toEqual([]);
    },
  );

  it('requests per run: one issue listing plus one write per race (labels listed once when creating)', async () => {
    for (let i = 0; i < 120; i++)
      double.addIssue(project, { title: `other ${i}`, labels: ['race condition'] });
    fs.writeFileSync(logFile, goReport('main.a', 'main.b', 1) + goReport('main.c', 'main.d', 2));
    double.clearRequests();
    await run(double, project, { patterns: [logFile], statePath });
    const listings = double.requests.filter((r) => r.method === 'GET' && /\/issues$/.test(r.path));
    expect(listings.length).toBe(2); // 122 issues at 100 per page: both pages of the one listing
    expect(writes(double).filter((r) => /\/issues$/.test(r.path))).toHaveLength(2);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { startGitLabDouble, tempDir } from '@devops/testkit';
import { cli, fixtures, holdLockElsewhere } from './run-helpers';

describe('race-reporter CLI (real process)', () => {
  it('--dry-run --json: the JSON document on stdout, human summary on stderr, no state written, exit 0', async () => {
    const dir = tempDir('cli');
    const state = path.join(dir, 'state.json');
    const out = await cli(['--dry-run', '--json', '--state', state, path.join(fixtures, '*.log')], {}, dir);
    expect(out.code).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(Object.keys(doc)).toEqual(['reports', 'actions']);
    const titles = doc.reports.map((r: { title: string }) => r.title);
    expect(titles).toContain('Data race in main.(*Server).handle');
    expect(titles).toContain('Data race in main.store');
    const handle = doc.reports.find(
      (r: { title: string }) => r.title === 'Data race in main.(*Server).handle',
    );
    expect(handle).toEqual({
      fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
      title: 'Data race in main.(*Server).handle',
      function: 'main.(*Server).handle',
      accesses: [
        { kind: 'Write', function: 'main.(*Server).handle', file: 'C:/src/srv/server.go', line: 42 },
        { kind: 'Previous read', function: 'main.(*Server).stats', file: 'C:/src/srv/server.go', line: 57 },
      ],
      occurrences: 1,
      sources: [{ path: path.join(fixtures, 'crlf-windows.log'), line: 3 }],
    });
    expect(
      doc.actions.every(
        (a: { status: string; action: string }) => a.status === 'planned' && a.action === 'file',
      ),
    ).toBe(true);
    expect(out.stderr).toContain('[dry run] scanned 12 file(s)');
    expect(fs.existsSync(state)).toBe(false);
    expect(fs.existsSync(`${state}.lock`)).toBe(false);
  });

  it('exit 78 without GitLab settings (not a dry run) and without any log path, naming the variables', async () => {
    const dir = tempDir('cli78');
    const noGitlab = await cli([path.join(fixtures, 'go-run-simple.log')], {}, dir);
    expect(noGitlab.code).toBe(78);
    expect(noGitlab.stderr).toMatch(/GITLAB_URL/);
    expect(noGitlab.stderr).toMatch(/RACE_REPORTER_PROJECT/);
    const noLogs = await cli(['--dry-run'], {}, dir);
    expect(noLogs.code).toBe(78);
    expect(noLogs.stderr).toMatch(/RACE_REPORTER_LOGS/);
  });

  it('loads the GitLab client (gitbeaker) only when a run has something to file or list', async () => {
    const double = await startGitLabDouble();
    try {
      double.addProject({ path: 'qa/lazy' });
      const dir = tempDir('cli-lazy');
      const flag = path.join(dir, 'gitbeaker-loaded');
      const env = {
        GITLAB_URL: double.url,
        GITLAB_TOKEN: double.token,
        RACE_REPORTER_PROJECT: 'qa/lazy',
        NODE_OPTIONS: `-r ${path.join(__dirname, 'gitbeaker-loaded.cjs')}`,
        GITBEAKER_LOADED_FILE: flag,
      };
      const loaded = async (args: string[], extra: Record<string, string> = env) => {
        const out = await cli(args, extra, dir);
        expect(out.code).toBe(0);
        return fs.readFileSync(flag, 'utf8');
      };
      const noRace = path.join(dir, 'quiet.log');
      fs.writeFileSync(noRace, 'nothing raced\n');
      const { GITLAB_URL: _u, GITLAB_TOKEN: _t, ...noGitLab } = env;
      expect(await loaded(['--dry-run', path.join(fixtures, 'two-reports.log')], noGitLab)).toBe('false');
      expect(await loaded([noRace])).toBe('false');
      expect(await loaded([path.join(fixtures, 'two-reports.log')])).toBe('true');
    } finally {
      await double.close();
    }
  });

  it('files issues through the real client (exit 0); a damaged state file is exit 1; a held lock is exit 2', async () => {
    const double = await startGitLabDouble();
    try {
      const project = double.addProject({ path: 'qa/cli' });
      const dir = tempDir('cli-run');
      const env = {
        GITLAB_URL: double.url,
        GITLAB_TOKEN: double.token,
        RACE_REPORTER_PROJECT: 'qa/cli',
        RACE_REPORTER_LOGS: path.join(fixtures, 'two-reports.log'),
        RACE_REPORTER_HOST: 'ci-7',
      };
      const ok = await cli([], env, dir);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('issues created 2');
      expect(ok.stdout + ok.stderr).not.toContain(double.token);
      expect(
        double
          .state(project.id)
          .issues.map((i) => i.title)
          .sort(),
      ).toEqual(['Data race in main.h', 'Data race in main.main.func2']);
      expect(fs.existsSync(path.join(dir, 'data/race-reporter-state.json'))).toBe(true);

      const release = await holdLockElsewhere(path.join(dir, 'data/race-reporter-state.json'));
      const stateBefore = fs.readFileSync(path.join(dir, 'data/race-reporter-state.json'), 'utf8');
      const locked = await cli([], env, dir);
      await release();
      expect(locked.code).toBe(2);
      expect(locked.stderr).toContain('another race-reporter run holds');
      expect(fs.readFileSync(path.join(dir, 'data/race-reporter-state.json'), 'utf8')).toBe(stateBefore);
      fs.rmSync(path.join(dir, 'data/race-reporter-state.json.lock'), { recursive: true, force: true });

      fs.writeFileSync(path.join(dir, 'data/race-reporter-state.json'), '{"version": 1, "cursors": [');
      const damaged = await cli([], env, dir);
      expect(damaged.code).toBe(1);
      expect(damaged.stderr).toContain('is not valid JSON');
      expect(fs.readFileSync(path.join(dir, 'data/race-reporter-state.json'), 'utf8')).toBe(
        '{"version": 1, "cursors": [',
      );
    } finally {
      await double.close();
    }
  });
});

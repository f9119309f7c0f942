import fs from 'node:fs';
import { externalLoads, liveMentions, quickActions, rawHtml, visibleText } from '@devops/testkit';
import { goReport, run, startRunFixture, type RunFixture } from './run-helpers';

/** Everything GitLab would do with a text: run, notify, render as HTML, load. */
const actions = (text: string) => [
  ...quickActions(text),
  ...liveMentions(text),
  ...rawHtml(text),
  ...externalLoads(text),
];

/** Issue 22's inputs as function names (and report lines): each acts when posted raw. */
const rows = [
  'main.](@all)',
  'main.](@root)',
  'main.[click](@security-team)',
  'main.café@all',
  'main.Жа@root',
  'main.日本@security-team/leads',
  'main.<img src=https://tracker.example/p.gif>',
  'main.![](https://tracker.example/p.gif)',
  'main.<details>',
  '<!-- main.hidden',
];

/** A report whose function name, extra lines and (when it has no space) writing thread are `evil`. */
function report(evil: string): string {
  const byThread = /\s/.test(evil)
    ? (l: string) => l
    : (l: string) => l.replace(/by goroutine 7:$/, `by thread ${evil}:`);
  const lines = goReport(evil, 'main.b', 1).split('\n').map(byThread);
  lines.splice(lines.length - 2, 0, evil, `>>>`, `/close`, evil);
  return lines.join('\n');
}

describe('issue 22: hostile function names and report lines, as GitLab reads them', () => {
  let { double, project, logFile, statePath } = {} as RunFixture;
  beforeEach(async () => {
    ({ double, project, logFile, statePath } = await startRunFixture('qa/hostile-22', 'text'));
  });
  afterEach(() => double.close());

  it.each(rows)('%j acts when posted raw', (evil) => {
    expect(actions(`${evil}\n/close`).length).toBeGreaterThan(0);
    expect(actions(evil).length).toBeGreaterThan(0);
  });

  it.each(rows)(
    '%j: the issue does nothing in GitLab beyond its own markers and names it as written',
    async (evil) => {
      fs.writeFileSync(logFile, report(evil));
      await run(double, project, { patterns: [logFile], statePath });
      const [issue] = double.state(project).issues;
      expect(issue!.title).toBe(`Data race in ${evil}`);
      const text = issue!.description!;
      const ownMarkers = text.trimEnd().split('\n').slice(-2);
      expect(ownMarkers.every((line) => line.startsWith('<!-- race-reporter'))).toBe(true);
      expect(actions(text)).toEqual(ownMarkers);
      expect(visibleText(text)).toContain(evil);
      if (!/\s/.test(evil)) expect(visibleText(text)).toContain(`by thread ${evil}`);
    },
  );
});

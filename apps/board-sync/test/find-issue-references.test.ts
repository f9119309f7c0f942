import { findIssueReferences } from '../src/references/find-issue-references';
import { issueNumberFromBranch } from '../src/references/issue-number-from-branch';

const ctx = { projectPath: 'acme/platform/server', gitlabUrl: 'https://gitlab.example.com' };
const here = (iid: number) => ({ project: 'acme/platform/server', iid });

describe('findIssueReferences in a description', () => {
  it.each<[string, string, { project: string; iid: number }[]]>([
    ['bare #12', 'Fixes #12', [here(12)]],
    ['at the start', '#7 is done', [here(7)]],
    ['in parentheses and lists', '- closes (#3)\n- see #4.', [here(3), here(4)]],
    [
      'relative project#12 in the MR namespace',
      'see client#12',
      [{ project: 'acme/platform/client', iid: 12 }],
    ],
    ['group/project#12', 'see acme/web#5', [{ project: 'acme/web', iid: 5 }]],
    ['group/sub/project#12', 'see acme/sub/deep/project#9', [{ project: 'acme/sub/deep/project', iid: 9 }]],
    ['dots and dashes in paths', 'acme/my-lib.go#2', [{ project: 'acme/my-lib.go', iid: 2 }]],
    [
      'issue URL on this host',
      'https://gitlab.example.com/acme/web/-/issues/42',
      [{ project: 'acme/web', iid: 42 }],
    ],
    [
      'work item URL on this host',
      'see https://gitlab.example.com/acme/platform/server/-/work_items/8.',
      [here(8)],
    ],
    [
      'URL with a note anchor, in a Markdown link',
      '[the bug](https://gitlab.example.com/acme/web/-/issues/42#note_1234)',
      [{ project: 'acme/web', iid: 42 }],
    ],
    ['URL on another host is not a reference', 'https://gitlab.com/acme/web/-/issues/42', []],
    ['merge request URL is not an issue', 'https://gitlab.example.com/acme/web/-/merge_requests/42', []],
    ['!12 is a merge request', 'depends on !12', []],
    ['#12abc is not a number', 'color #12abc and #0f0', []],
    ['number in a URL fragment', 'docs at https://docs.example.com/v1.2#3 say so', []],
    ['heading markers', '# Title\n## 12 steps', []],
    ['##12 is not a reference', 'see ##12', []],
    ['inline code span', 'run `git log #12` first', []],
    ['double-backtick code span', 'run `` a ` #12 `` first, then #13', [here(13)]],
    ['fenced code block', 'text\n```\n#12\n```\nafter #14', [here(14)]],
    ['tilde fence', '~~~sh\necho #12\n~~~\n', []],
    ['unclosed fence runs to the end', '```\n#12\n#13', []],
    ['CRLF lines', 'Fixes #1\r\n```\r\n#2\r\n```\r\nand #3', [here(1), here(3)]],
    ['unmatched backtick is literal', 'a ` b #5', [here(5)]],
    ['each issue once, first mention first', '#2 #1 #2 acme/platform/server#1', [here(2), here(1)]],
    ['#0 is no issue', 'item #0', []],
    ['empty', '', []],
  ])('%s', (_name, description, expected) => {
    expect(findIssueReferences({ description }, ctx)).toEqual(expected);
  });
});

describe('findIssueReferences with GITLAB_URL under a path', () => {
  it.each<[string, string, number[]]>([
    ['URL under the base path', 'https://git.example.com/gitlab/acme/platform/server/-/issues/5', [5]],
    ['URL outside the base path', 'https://git.example.com/other/acme/platform/server/-/issues/5', []],
    ['other port is another host', 'https://git.example.com:8443/gitlab/acme/platform/server/-/issues/5', []],
  ])('%s', (_name, description, iids) => {
    const refs = findIssueReferences(
      { description },
      { ...ctx, gitlabUrl: 'https://git.example.com/gitlab' },
    );
    expect(refs).toEqual(iids.map(here));
  });
});

describe('findIssueReferences from title, description and source branch', () => {
  it('collects all three, in that order, without duplicates', () => {
    const refs = findIssueReferences(
      { title: 'Resolve "login" #3', description: 'Closes #4 and #3', sourceBranch: 'feature/5-login' },
      ctx,
    );
    expect(refs).toEqual([here(3), here(4), here(5)]);
  });

  it('handles a missing description (null)', () => {
    expect(findIssueReferences({ title: 'x', description: null, sourceBranch: '7-x' }, ctx)).toEqual([
      here(7),
    ]);
  });
});

describe('issueNumberFromBranch', () => {
  it.each<[string, number | null]>([
    ['12-fix-login', 12],
    ['feature/12-fix-login', 12],
    ['users/ann/42-thing', 42],
    ['12-', 12],
    ['feature/fix-12', null],
    ['release/5.4', null],
    ['main', null],
    ['v12-rc', null],
    ['0-zero', null],
    ['', null],
  ])('%s → %s', (branch, expected) => {
    expect(issueNumberFromBranch(branch)).toBe(expected);
  });
});

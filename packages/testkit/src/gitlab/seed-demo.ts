import type { GitLabDouble } from './start-gitlab-double';

/** What seedDemo created, for printing and for tests. */
export interface DemoSeed {
  library: { id: number; path: string };
  app: { id: number; path: string };
}

/**
 * A small demo world: a Go library with tags, and an application with workflow labels, issues and an MR that
 * closes one of them. Used by `node dist/main.js` (pnpm start) and by anyone who wants a populated double.
 */
export function seedDemo(gitlab: GitLabDouble): DemoSeed {
  const library = gitlab.addProject({ path: 'platform/libs/go-common', defaultBranch: 'main' });
  const c1 = gitlab.addCommit(library.id, {
    branch: 'main',
    message: 'feat: initial import',
    files: { 'go.mod': 'module example.com/platform/go-common\n\ngo 1.22\n', 'README.md': '# go-common\n' },
  });
  gitlab.addTag(library.id, { name: 'v1.0.0', ref: c1, message: 'v1.0.0' });
  const c2 = gitlab.addCommit(library.id, { branch: 'main', message: 'fix: handle empty input', files: {} });
  gitlab.addTag(library.id, { name: 'v1.0.1', ref: c2, message: 'v1.0.1' });
  gitlab.addCommit(library.id, {
    branch: 'main',
    message: 'feat: add retry helper\n\nRetries with backoff.',
  });

  const app = gitlab.addProject({ path: 'product/server', defaultBranch: 'main' });
  const a1 = gitlab.addCommit(app.id, {
    branch: 'main',
    message: 'chore: scaffold',
    files: {
      'go.mod':
        'module example.com/product/server\n\ngo 1.22\n\nrequire example.com/platform/go-common v1.0.0\n',
    },
  });
  for (const [name, color] of [
    ['workflow::ready', '#428BCA'],
    ['workflow::in development', '#F0AD4E'],
    ['workflow::in review', '#5843AD'],
    ['workflow::done', '#69D100'],
    ['bug', '#D9534F'],
  ] as const)
    gitlab.addLabel(app.id, { name, color });
  gitlab.addIssue(app.id, {
    title: 'Login fails with SSO',
    description: 'Steps to reproduce…',
    labels: ['bug', 'workflow::ready'],
  });
  gitlab.addIssue(app.id, { title: 'Export report as PDF', labels: ['workflow::in development'] });
  gitlab.createBranch(app.id, 'feature/2-export-pdf', a1);
  gitlab.addCommit(app.id, { branch: 'feature/2-export-pdf', message: 'feat: export as PDF\n\nCloses #2' });
  gitlab.addMergeRequest(app.id, {
    title: 'Draft: Export report as PDF',
    description: 'Closes #2',
    sourceBranch: 'feature/2-export-pdf',
    targetBranch: 'main',
  });
  return { library, app };
}

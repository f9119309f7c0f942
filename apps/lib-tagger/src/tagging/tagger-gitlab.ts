import type { GitLabPort } from '@devops/gitlab';

/** The part of the GitLab port lib-tagger uses (tests can see at a glance what it touches). */
export type TaggerGitLab = Pick<
  GitLabPort,
  'getCommit' | 'readFile' | 'getTag' | 'createTag' | 'listTagsPage' | 'listTagNamesContaining'
>;

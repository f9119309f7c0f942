export { gitlabSettings } from './settings';
export type * from './port';
export type * from './catch-up-port';
export { createGitLab, type GitLabOptions } from './create-gitlab';
export type { RetryOptions } from '@devops/failures';
export type { LogLike } from './create-http-layer';

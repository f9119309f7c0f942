export { createFreshdesk, type FreshdeskOptions } from './create-freshdesk';
export { freshdeskSettings } from './settings';
export type { RetryOptions } from '@devops/failures';
export type * from './port';

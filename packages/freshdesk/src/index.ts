export { createFreshdesk, type FreshdeskOptions } from './create-freshdesk';
export { freshdeskSettings } from './settings';
export type { RetryOptions } from '@devops/failures';
export type * from './port';
export { AttachmentLinkExpiredError } from './attachment-link-expired-error';
export { describeBlockedAddress, type ResolveHost } from './resolve-attachment-host';

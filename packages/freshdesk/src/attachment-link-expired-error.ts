import { PermanentError } from '@devops/errors';

/**
 * The storage host refused a pre-signed attachment link (403): Freshdesk's
 * links expire. Read the ticket again for a fresh link; retrying the same
 * one cannot help.
 */
export class AttachmentLinkExpiredError extends PermanentError {}

import type { Attachment } from '@devops/freshdesk';

export type { Attachment, Conversation, Ticket } from '@devops/freshdesk';

/** An attachment that was not copied, and why. */
export interface SkippedAttachment {
  name: string;
  size: number | null;
  url: string;
  /** 'ticket' or the id of the conversation it belongs to. */
  from: 'ticket' | number;
  reason: string;
}

/** An attachment as it ends up in GitLab text: copied (with its upload's Markdown) or skipped. */
export type AttachmentOutcome =
  | {
      kind: 'copied';
      attachment: Attachment;
      /** The bytes actually downloaded and uploaded (the declared size when only previewed). */
      bytes: number | null;
      /** Where GitLab keeps it (`/uploads/<secret>/<name>`); null in a dry run. */
      upload: { url: string; image: boolean } | null;
    }
  | { kind: 'skipped'; attachment: Attachment; reason: string };

import { createHash } from 'node:crypto';
import type { AttachmentInput, FreshdeskDouble } from '@devops/testkit';

/** sha256 (hex) of an attachment's bytes as the Freshdesk double serves them. */
export async function sourceSha256(freshdesk: FreshdeskDouble, attachmentId: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of freshdesk.attachmentContent(attachmentId)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * A ticket with `conversations` conversations, a minute apart, alternating
 * customer messages, agent replies and private notes; attachments where asked.
 */
export function seedTicket(
  freshdesk: FreshdeskDouble,
  opts: {
    conversations: number;
    ticketAttachments?: AttachmentInput[];
    conversationAttachments?: Record<number, AttachmentInput[]>;
    subject?: string;
  },
) {
  const ticket = freshdesk.addTicket({
    subject: opts.subject ?? 'Export hangs at 99%',
    description: '<div>The export <b>hangs</b> at 99%.<br>Steps:<ol><li>open</li><li>export</li></ol></div>',
    status: 2,
    priority: 3,
    type: 'Incident',
    requester: { name: 'Grace Hopper', email: 'grace@example.com' },
    tags: ['export', 'vip'],
    createdAt: '2024-03-01T09:00:00Z',
    attachments: opts.ticketAttachments ?? [],
  });
  const start = Date.parse('2024-03-01T10:00:00Z');
  const conversations = [];
  for (let i = 0; i < opts.conversations; i += 1) {
    const kind = i % 3;
    conversations.push(
      freshdesk.addConversation(ticket.id, {
        body: `<p>Message ${i + 1} <i>of</i> ${opts.conversations}</p>`,
        incoming: kind === 0,
        private: kind === 2,
        ...(kind === 0 ? {} : { fromEmail: 'agent@acme.example' }),
        createdAt: new Date(start + i * 60_000).toISOString().replace('.000Z', 'Z'),
        attachments: opts.conversationAttachments?.[i] ?? [],
      }),
    );
  }
  return { ticket, conversations };
}

/**
 * Where escalations are recorded (PostgreSQL, with DATABASE_URL): one row
 * per ticket, with its issue and how far the copy got. GitLab stays the
 * source of truth for what was copied (the markers); the row makes the
 * ticket → issue link strongly consistent across replicas (no wait for
 * GitLab's search) and shows operators where a copy stopped.
 */
export interface EscalationRecords {
  /** The iid of the issue recorded for the ticket, or null. */
  issueOf(ticketId: number): Promise<number | null>;
  recordIssue(ticketId: number, issue: { iid: number; url: string }): Promise<void>;
  recordProgress(
    ticketId: number,
    progress: { conversations: number; attachments: number; complete: boolean },
  ): Promise<void>;
}

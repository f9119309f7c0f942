import { TemporaryError } from '@devops/errors';
import { migrate, openDatabase, tryAdvisoryLock, type Database } from '@devops/db';
import type { Logger } from '@devops/logger';
import { createTicketLocks, type TicketLocks } from './create-ticket-locks';
import { ESCALATION_MIGRATIONS } from './escalation-migrations';
import type { EscalationRecords } from './escalation-records';

export interface DatabaseEscalations {
  locks: TicketLocks;
  records: EscalationRecords;
  /** Opens the database and applies the migrations (ConfigError for a bad DATABASE_URL). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

const APP = 'freshdesk-bridge';

/**
 * Escalations in PostgreSQL, for replicas: a per-ticket advisory lock
 * (session-level, on a dedicated connection: a replica that dies releases
 * it) so two clicks on two replicas make one issue, and one row per ticket.
 * Within one process, calls for a ticket queue in memory first, so only one
 * of them polls the database lock.
 */
export function openDatabaseEscalations(opts: {
  url: string;
  log: Logger;
  /** How often a waiting escalation tries the lock again (default 100 ms). */
  pollMs?: number;
  /** How long it waits for another replica's copy of the ticket (default 15 min). */
  maxWaitMs?: number;
}): DatabaseEscalations {
  let db: Database | undefined;
  const local = createTicketLocks();
  const pollMs = opts.pollMs ?? 100;
  const maxWaitMs = opts.maxWaitMs ?? 15 * 60_000;
  const open = (): Database => {
    if (!db) throw new Error('the escalation database is not open yet (start() first)');
    return db;
  };

  async function withDatabaseLock<T>(ticketId: number, work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    for (;;) {
      const release = await tryAdvisoryLock(open(), APP, `ticket:${ticketId}`);
      if (release) {
        try {
          return await work();
        } finally {
          await release();
        }
      }
      if (Date.now() - started > maxWaitMs) {
        throw new TemporaryError(`another replica is still escalating ticket ${ticketId}; try again later`);
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  return {
    locks: { withLock: (ticketId, work) => local.withLock(ticketId, () => withDatabaseLock(ticketId, work)) },
    records: {
      async issueOf(ticketId) {
        const { rows } = await open().query<{ issue_iid: number | null }>(
          'SELECT issue_iid FROM freshdesk_bridge_escalations WHERE ticket_id = $1',
          [ticketId],
        );
        return rows[0]?.issue_iid ?? null;
      },
      async recordIssue(ticketId, issue) {
        await open().query(
          `INSERT INTO freshdesk_bridge_escalations (ticket_id, issue_iid, issue_url, state)
           VALUES ($1, $2, $3, 'copying')
           ON CONFLICT (ticket_id) DO UPDATE
             SET issue_iid = EXCLUDED.issue_iid, issue_url = EXCLUDED.issue_url, updated_at = now()`,
          [ticketId, issue.iid, issue.url],
        );
      },
      async recordProgress(ticketId, progress) {
        await open().query(
          `UPDATE freshdesk_bridge_escalations
             SET conversations_copied = $2, attachments_copied = attachments_copied + $3,
                 state = CASE WHEN $4 THEN 'complete' ELSE 'copying' END, updated_at = now()
           WHERE ticket_id = $1`,
          [ticketId, progress.conversations, progress.attachments, progress.complete],
        );
      },
    },
    async start() {
      db = await openDatabase(opts.url, { log: opts.log, app: APP });
      await migrate(db, APP, ESCALATION_MIGRATIONS, { log: opts.log });
    },
    async stop() {
      await db?.close();
      db = undefined;
    },
  };
}

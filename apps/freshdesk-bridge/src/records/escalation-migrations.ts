import type { Migration } from '@devops/db';

/** The bridge's tables (never edit a shipped migration: add one). */
export const ESCALATION_MIGRATIONS: Migration[] = [
  {
    id: '001-escalations',
    sql: `
      CREATE TABLE freshdesk_bridge_escalations (
        ticket_id bigint PRIMARY KEY,
        issue_iid integer,
        issue_url text,
        state text NOT NULL DEFAULT 'started' CHECK (state IN ('started', 'copying', 'complete')),
        conversations_copied integer NOT NULL DEFAULT 0,
        attachments_copied integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
];

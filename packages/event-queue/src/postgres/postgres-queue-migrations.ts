import type { Migration } from '@devops/db';

/**
 * The webhook queue's own tables beside pg-boss's schema (which pg-boss
 * migrates itself): Idempotency-Keys seen, and dead letters. Shared by every
 * webhook app on one database, keyed by app.
 */
export const POSTGRES_QUEUE_MIGRATIONS: Migration[] = [
  {
    id: '001-deliveries-and-dead-letters',
    sql: `
      CREATE TABLE webhook_deliveries (
        app text NOT NULL,
        idempotency_key text NOT NULL,
        event_id text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (app, idempotency_key)
      );
      CREATE INDEX webhook_deliveries_received_at ON webhook_deliveries (received_at);
      CREATE TABLE webhook_dead_letters (
        app text NOT NULL,
        id text NOT NULL,
        delivery_id text NOT NULL,
        idempotency_key text,
        event text NOT NULL,
        object_kind text NOT NULL,
        order_key text NOT NULL,
        received_at bigint NOT NULL,
        dead_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL,
        error text NOT NULL,
        raw text,
        PRIMARY KEY (app, id)
      );
    `,
  },
];

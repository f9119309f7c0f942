import type { Migration } from '@devops/db';

/** The catch-up tables (shared by the apps, keyed by app). Never edit one that has shipped: add another. */
export const catchUpMigrations: Migration[] = [
  {
    id: '001-catch-up',
    sql: `
      CREATE TABLE IF NOT EXISTS catch_up_applied (
        app text NOT NULL,
        key text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (app, key)
      );
      CREATE TABLE IF NOT EXISTS catch_up_projects (
        app text NOT NULL,
        project text NOT NULL,
        PRIMARY KEY (app, project)
      );
      CREATE TABLE IF NOT EXISTS catch_up_passes (
        app text PRIMARY KEY,
        last_pass_at bigint NOT NULL
      );`,
  },
];

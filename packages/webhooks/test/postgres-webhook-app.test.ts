import { readdir } from 'node:fs/promises';
import { ConfigError } from '@devops/errors';
import { listen, type RunningServer } from '@devops/http-service';
import { startPostgres, tempDir, waitFor, type PostgresServer } from '@devops/testkit';
import { createWebhookApp, type WebhookApp } from '../src';
import { defineTestApp, testConfig } from './support/define-test-app';
import {
  captureLogger,
  mrEvent,
  post,
  recordingHandlers,
  removeDir,
  unreachableGitLab,
} from './support/start-receiver';

let pg: PostgresServer;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

interface Replica {
  service: WebhookApp;
  server: RunningServer;
  lines: string[];
}

async function startReplica(
  name: string,
  databaseUrl: string,
  spoolDir: string,
  handled: string[],
): Promise<Replica> {
  const { log, lines } = captureLogger([pg.password]);
  const service = createWebhookApp(defineTestApp(name, recordingHandlers(handled)), {
    config: testConfig(spoolDir, { DATABASE_URL: databaseUrl }),
    log,
    gitlab: unreachableGitLab(log),
    defaultMetrics: false,
  });
  await service.start();
  const server = await listen(service.app, { port: 0, host: '127.0.0.1', log });
  return { service, server, lines };
}

async function stopReplica(r: Replica): Promise<void> {
  await r.server.close();
  await r.service.stop();
}

describe('a webhook app with DATABASE_URL', () => {
  it('queues in PostgreSQL: two replicas on one database process each delivery once, duplicates across replicas included; the spool stays empty', async () => {
    const url = await pg.createDatabase();
    const spoolDir = tempDir('webhooks');
    const handled: string[] = [];
    const a = await startReplica('board-sync', url, spoolDir, handled);
    const b = await startReplica('board-sync', url, spoolDir, handled);
    try {
      const sent: string[] = [];
      for (let i = 0; i < 20; i++) {
        const target = i % 2 === 0 ? a : b;
        const marker = `event-${i}`;
        sent.push(marker);
        const res = await post(`${target.server.url}/webhooks/gitlab`, mrEvent(marker, 1 + (i % 3)), {
          idempotencyKey: `key-${i}`,
        });
        expect(res.status).toBe(202);
        // GitLab's retry of the same delivery lands on the other replica: accepted, not processed again.
        const other = target === a ? b : a;
        const again = await post(`${other.server.url}/webhooks/gitlab`, mrEvent(marker, 1 + (i % 3)), {
          idempotencyKey: `key-${i}`,
        });
        expect(again.status).toBe(202);
        expect(await again.json()).toMatchObject({ duplicate: true });
      }
      await waitFor(() => handled.length >= sent.length, 20_000, 'every event handled');
      await a.service.receiver!.idle();
      expect([...handled].sort()).toEqual([...sent].sort());
      // Per project, in arrival order.
      for (const project of [1, 2, 3]) {
        const mine = sent.filter((_m, i) => 1 + (i % 3) === project);
        expect(handled.filter((m) => mine.includes(m))).toEqual(mine);
      }
      expect(await readdir(spoolDir)).toEqual([]);
      expect(a.lines.join('\n')).not.toContain(pg.password);
    } finally {
      await stopReplica(a);
      await stopReplica(b);
      await removeDir(spoolDir);
    }
  });

  it('answers 503 while the database is away and shows it on /healthz; accepts and processes again once it is back', async () => {
    const url = await pg.createDatabase();
    const spoolDir = tempDir('webhooks');
    const handled: string[] = [];
    const r = await startReplica('version-check', url, spoolDir, handled);
    try {
      expect(await (await fetch(`${r.server.url}/healthz`)).json()).toEqual({ status: 'ok', database: 'up' });
      await pg.pause();
      try {
        const refused = await post(`${r.server.url}/webhooks/gitlab`, mrEvent('while-away'));
        expect(refused.status).toBe(503);
        const health = await fetch(`${r.server.url}/healthz`);
        expect(health.status).toBe(200);
        const body = (await health.json()) as { status: string; database: string; error?: string };
        expect(body).toMatchObject({ status: 'degraded', database: 'down' });
        expect(JSON.stringify(body)).not.toContain(pg.password);
      } finally {
        await pg.resume();
      }
      await waitFor(
        async () => (await post(`${r.server.url}/webhooks/gitlab`, mrEvent('after'))).status === 202,
      );
      await waitFor(() => handled.includes('after'), 20_000, 'the event after the outage handled');
      expect(handled).not.toContain('while-away');
      expect(await (await fetch(`${r.server.url}/healthz`)).json()).toEqual({ status: 'ok', database: 'up' });
      expect(r.lines.join('\n')).not.toContain(pg.password);
    } finally {
      await stopReplica(r);
      await removeDir(spoolDir);
    }
  });

  it('refuses to start on a wrong password with a ConfigError naming DATABASE_URL, without the password', async () => {
    const wrong = new URL(await pg.createDatabase());
    wrong.password = 'Wr0ng-But-Long-Secret-77';
    const { log } = captureLogger();
    const spoolDir = tempDir('webhooks');
    const service = createWebhookApp(defineTestApp('board-sync', {}), {
      config: testConfig(spoolDir, { DATABASE_URL: wrong.toString() }),
      log,
      gitlab: unreachableGitLab(log),
      defaultMetrics: false,
    });
    const err = await service.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]?.variable).toBe('DATABASE_URL');
    expect((err as Error).message).not.toContain('Wr0ng-But-Long-Secret-77');
    await removeDir(spoolDir);
  });
});

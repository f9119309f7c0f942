/**
 * Two replicas of board-sync (real processes, dist/main.js) behind Caddy on one
 * PostgreSQL database: deliveries at ~100/s through the proxy while one replica
 * is SIGKILLed and restarted, then both are restarted one after the other.
 * Every delivery the proxy accepted has its effect exactly once in the GitLab
 * double; none is refused during the rolling restart. What makes the restart
 * clean: each replica drains for SHUTDOWN_DELAY (its /healthz answers 503, so
 * Caddy's health check takes it out) before it stops accepting. A delivery in
 * flight to the SIGKILLed replica is answered 502 (refused, never accepted), and
 * none is sent again once it reached a replica, nor with another's body. Then
 * catch-up (`reconcile`, one pass) heals the deliveries that were refused: every
 * delivery sent has its effect, once (one issue update each), 502s included.
 * FAILOVER_LOG=<file> appends the phases as they happen; FAILOVER_CADDY_LOG=<file>
 * keeps Caddy's debug log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { openDatabase } from '@devops/db';
import { createLogger } from '@devops/logger';
import {
  freePort,
  startGitLabDouble,
  startPostgres,
  waitFor,
  type GitLabDouble,
  type PostgresServer,
} from '@devops/testkit';
import { mergeRequestPayload } from './start-harness';

const DELIVERIES = 2000;
const PER_SECOND = 100;
const PROJECTS = 20;
const MAX_IN_FLIGHT = 50;
const SECRET = 'failover-webhook-secret-1234';
const MAIN = path.join(__dirname, '../dist/main.js');

/** The pacing of the load (deliveries per second), not a wait for anything. */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

interface Replica {
  port: number;
  child?: ChildProcess;
  exited?: Promise<number | null>;
  output: string;
  /** Every run's log lines (info and up), kept across restarts, for a failure's diagnosis. */
  history: string;
}

describe('board-sync replicas on PostgreSQL behind Caddy', () => {
  let pg: PostgresServer;
  let gitlab: GitLabDouble;
  let dir: string;
  let caddy: ChildProcess | undefined;
  const replicas: Replica[] = [];

  afterAll(async () => {
    for (const r of replicas) r.child?.kill('SIGKILL');
    caddy?.kill('SIGKILL');
    await gitlab?.close();
    await pg?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('[slow] loses no accepted delivery and does none twice through a SIGKILL and a rolling restart', async () => {
    pg = await startPostgres();
    const databaseUrl = await pg.createDatabase('board_sync');
    gitlab = await startGitLabDouble();
    dir = await mkdtemp(path.join(tmpdir(), 'failover-'));
    const projects = Array.from({ length: PROJECTS }, (_, p) => gitlab.addProject({ path: `acme/app-${p}` }));
    const perProject = Math.ceil((DELIVERIES * 2) / PROJECTS); // room for a stream that runs long
    for (const project of projects) {
      for (let i = 0; i < perProject; i++)
        gitlab.addIssue(project.id, { title: `issue ${i + 1}`, labels: ['To Do'] });
    }

    const phases: string[] = [];
    // The reasons the replicas gave for answering 503 (their logs), the first few of each kind.
    const refusals = new Map<string, number>();
    const noteRefusals = (b: Buffer) => {
      for (const m of b.toString().matchAll(/could not spool the event: ([^"\\]{0,160})/g)) {
        refusals.set(m[1]!, (refusals.get(m[1]!) ?? 0) + 1);
      }
    };
    const start = async (r: Replica) => {
      r.output = '';
      r.history += `--- started ${new Date().toISOString()}\n`;
      const child = spawn(process.execPath, [MAIN], {
        env: {
          PATH: process.env.PATH ?? '',
          GITLAB_URL: gitlab.url,
          GITLAB_TOKEN: gitlab.token,
          GITLAB_WEBHOOK_SECRET: SECRET,
          WEBHOOK_SPOOL_DIR: path.join(dir, `spool-${r.port}`),
          DATABASE_URL: databaseUrl,
          PORT: String(r.port),
          HOST: '127.0.0.1',
          // Above the proxy's 500 ms health-check interval: it stops sending here before we stop accepting.
          SHUTDOWN_DELAY: '2',
          // info: a failure's diagnosis shows each missing delivery's own lines.
          LOG_LEVEL: 'info',
          // Scheduled passes off: the stream's own effects first, then one catch-up pass at the end.
          RECONCILE_INTERVAL: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (b: Buffer) => {
        r.output += b.toString();
        r.history += b.toString();
        noteRefusals(b);
      });
      child.stderr.on('data', (b: Buffer) => {
        r.output += b.toString();
        r.history += b.toString();
      });
      r.child = child;
      r.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
      await waitFor(
        () => answers(`http://127.0.0.1:${r.port}/healthz`),
        60_000,
        `replica on ${r.port} up`,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${phases.join('\n')}\n${r.output.slice(-3000)}`);
      });
    };
    for (let i = 0; i < 2; i++) replicas.push({ port: await freePort(), output: '', history: '' });
    await Promise.all(replicas.map(start));

    const proxyPort = await freePort();
    const caddyfile = path.join(dir, 'Caddyfile');
    await writeFile(
      caddyfile,
      `{
	admin off
	auto_https off${process.env.FAILOVER_CADDY_LOG ? '\n\tdebug' : ''}
}
http://:${proxyPort} {
	bind 127.0.0.1
	reverse_proxy ${replicas.map((r) => `127.0.0.1:${r.port}`).join(' ')} {
		# As deploy/caddy/Caddyfile. Not round_robin: in Caddy 2.6, two requests choosing at once can
		# both step past the one replica that is up (a shared counter), and "no upstreams available"
		# is a 503 at once for a POST.
		lb_policy least_conn
		# As deploy/caddy/Caddyfile: nothing is resent. With buffer_requests, Caddy 2.6 handed a POST
		# resent after a refused dial another request's body (delivery 504 acted as 505, 1 run in ~8);
		# without it, the resent POST failed on the healthy replica and took that one out as well
		# (bursts of 503s). A delivery that meets the SIGKILLed replica is answered 502 (refused,
		# never accepted); a draining one is taken out by its /healthz (503) before it stops
		# accepting (SHUTDOWN_DELAY), so a rolling restart meets no refused dial.
		# Which replica answered (the test waits for a restarted one to be in rotation again).
		header_down X-Upstream {http.reverse_proxy.upstream.hostport}
		health_uri /healthz
		health_interval 500ms
		health_timeout 5s
		fail_duration 2s
		max_fails 3
		# Below the services' keep-alive timeout (5 s), as in deploy/caddy/Caddyfile.
		transport http {
			keepalive 4s
		}
	}
}
`,
    );
    caddy = spawn('caddy', ['run', '--config', caddyfile, '--adapter', 'caddyfile'], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir },
      stdio: process.env.FAILOVER_CADDY_LOG
        ? ['ignore', 'ignore', (await import('node:fs')).openSync(process.env.FAILOVER_CADDY_LOG, 'w')]
        : 'ignore',
    });
    const proxy = `http://127.0.0.1:${proxyPort}`;
    await waitFor(() => answers(`${proxy}/healthz`), 60_000, 'caddy up');

    // The stream: delivery i moves issue #(i / PROJECTS + 1) of project i % PROJECTS to In Review.
    // It runs at ~100/s until DELIVERIES are sent and the rolling restart is over (so some are sent during it).
    const results: Array<{ status: number; at: number }> = [];
    const errors: string[] = [];
    const pending: Promise<void>[] = [];
    let sent = 0;
    let rolled = false;
    const began = Date.now();
    const stream = (async () => {
      let inFlight = 0;
      for (let i = 0; i < perProject * PROJECTS && (i < DELIVERIES || !rolled); i++) {
        // ~100/s, never in bursts to catch up after a stall, and at most MAX_IN_FLIGHT unanswered
        // (GitLab's webhook workers are a bounded pool too).
        await sleep(1000 / PER_SECOND);
        while (inFlight >= MAX_IN_FLIGHT) await sleep(5);
        inFlight++;
        const project = projects[i % PROJECTS]!;
        const iid = Math.floor(i / PROJECTS) + 1;
        // The merge request exists in GitLab whatever becomes of its delivery (catch-up reads it there).
        gitlab.addMergeRequest(project.id, { title: `Fixes #${iid}`, sourceBranch: `b-${i}` });
        const at = Date.now();
        sent = i + 1;
        pending.push(
          gitlab
            .sendWebhook(`${proxy}/webhooks/gitlab`, {
              event: 'Merge Request Hook',
              token: SECRET,
              idempotencyKey: `delivery-${i}`,
              uuid: `delivery-${i}`,
              // GitLab gives up after 10 s; on the shared 2-core test machine a saturated CPU alone
              // can exceed that (seen at load 18, before any replica was touched), which is not what
              // this test is about. Timeouts still count as refused (status 0), with the reason logged.
              timeoutMs: 30_000,
              payload: mergeRequestPayload({
                action: 'open',
                projectId: project.id,
                projectPath: project.path,
                iid,
                title: `Fixes #${iid}`,
                sourceBranch: `b-${i}`,
              }),
            })
            .then(
              (res) => void (results[i] = { status: res.status, at }),
              (err: Error) => {
                results[i] = { status: 0, at };
                const why = `${err.name}: ${(err.cause as Error | undefined)?.message ?? err.message}`;
                if (errors.length < 5) errors.push(`${Date.now() - began} ms: ${why}`);
              },
            )
            .finally(() => inFlight--),
        );
      }
    })();

    const mark = (what: string) => {
      phases.push(
        `${Date.now() - began} ms, ${sent} sent, ${results.filter(Boolean).length} answered: ${what}`,
      );
      if (process.env.FAILOVER_LOG) appendFileSync(process.env.FAILOVER_LOG, `${phases.at(-1)}\n`);
    };
    const [a, b] = replicas as [Replica, Replica];
    // A crash mid-stream: SIGKILL, back after 1.5 s worth of deliveries were sent to the proxy.
    await waitFor(() => sent >= DELIVERIES / 4, 120_000, 'a quarter sent');
    mark('SIGKILL a');
    a.child!.kill('SIGKILL');
    await a.exited;
    const sentAtKill = sent;
    await waitFor(
      () => sent >= sentAtKill + 1.5 * PER_SECOND,
      120_000,
      '1.5 s of deliveries while a is down',
    );
    await start(a);
    mark('a back');
    // Then a rolling restart: each replica in turn drains (SIGTERM) and comes back.
    await waitFor(() => sent >= DELIVERIES / 2, 120_000, 'half sent');
    const rollStart = Date.now();
    for (const r of [a, b]) {
      mark(`SIGTERM ${r.port}`);
      r.child!.kill('SIGTERM');
      expect(await r.exited).toBe(0);
      mark(`exited ${r.port}`);
      await start(r);
      // As a readiness gate would: the next one stops only once the proxy sends to this one again.
      await waitFor(
        async () => {
          const res = await fetch(`${proxy}/healthz`, { signal: AbortSignal.timeout(5000) }).catch(
            () => undefined,
          );
          return res?.headers.get('x-upstream') === `127.0.0.1:${r.port}`;
        },
        60_000,
        `the proxy sends to ${r.port} again`,
      );
      mark(`back ${r.port}`);
    }
    const rollEnd = Date.now();
    rolled = true;
    await stream;
    await Promise.all(pending);
    mark(`all answered; first errors: ${errors.join(' | ') || 'none'}`);
    // Every answer that was not 202, by status and second (a refusal is GitLab's delivery failing visibly).
    const refused = new Map<string, number>();
    for (const r of results) {
      if (r && r.status !== 202) {
        const k = `${r.status}@${Math.floor((r.at - began) / 1000)}s`;
        refused.set(k, (refused.get(k) ?? 0) + 1);
      }
    }
    mark(`not 202: ${[...refused].map(([k, n]) => `${n}x${k}`).join(' ') || 'none'}`);
    if (refusals.size) mark(`replicas' reasons: ${[...refusals].map(([k, n]) => `${n}x ${k}`).join(' | ')}`);
    console.log(phases.join('\n'));

    const accepted = results.map((r, i) => ({ ...r, i })).filter((r) => r.status === 202);
    const duringRoll = results.filter((r) => r.at >= rollStart && r.at <= rollEnd);
    expect(duringRoll.length).toBeGreaterThan(50);
    expect(duringRoll.filter((r) => r.status !== 202)).toEqual([]);
    expect(accepted.length).toBeGreaterThan(sent * 0.95);

    const issueOf = (i: number) => ({ project: projects[i % PROJECTS]!, iid: Math.floor(i / PROJECTS) + 1 });
    const moved = (i: number) => {
      const { project, iid } = issueOf(i);
      return gitlab
        .state(project.id)
        .issues.find((x) => x.iid === iid)!
        .labels.includes('In Review');
    };
    mark(`${accepted.length} accepted`);
    await waitFor(
      () => accepted.every((r) => moved(r.i)),
      180_000,
      'every accepted delivery has its effect',
    ).catch(async (err: Error) => {
      // What the queue holds for the deliveries still without their effect, and what the replicas said.
      const missing = accepted.filter((r) => !moved(r.i)).slice(0, 10);
      const lines = (i: number) =>
        replicas.flatMap((r) =>
          r.history
            .split('\n')
            .filter((l) => l.includes(`"delivery-${i}"`) || l.startsWith('--- started'))
            .map((l) => `  ${r.port}: ${l.slice(0, 400)}`),
        );
      const calls = (i: number) => {
        const { project, iid } = issueOf(i);
        const paths = [`/${project.id}/issues/${iid}`, `/${encodeURIComponent(project.path)}/issues/${iid}`];
        return gitlab.requests
          .filter((q) => paths.some((p) => q.path.endsWith(p)))
          .map((q) => `  GitLab: ${q.method} ${q.path} ${q.status}${q.fault ? ' (fault)' : ''}`);
      };
      throw new Error(
        [
          `${err.message}: ${missing.length} missing (${missing.map((r) => `delivery-${r.i}`).join(', ')})`,
          ...phases,
          ...missing.flatMap((r) => [`delivery-${r.i}:`, ...lines(r.i), ...calls(r.i)]),
          await describeJobs(
            databaseUrl,
            missing.map((r) => `delivery-${r.i}`),
          ),
        ].join('\n'),
      );
    });
    mark('every accepted delivery has its effect');
    // Catch-up: one pass beside the running replicas heals every delivery that was refused (502, timeout).
    const unmoved = results.map((r, i) => i).filter((i) => !moved(i));
    const pass = await runReconcile(['--since', '3600', '--json'], {
      PATH: process.env.PATH ?? '',
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: gitlab.token,
      GITLAB_WEBHOOK_SECRET: SECRET,
      WEBHOOK_SPOOL_DIR: path.join(dir, 'spool-reconcile'),
      DATABASE_URL: databaseUrl,
      RECONCILE_SCOPE: 'acme',
    });
    mark(`reconcile: exit ${pass.code}, ${unmoved.length} without their effect before it`);
    expect(pass.code).toBe(0);
    const repaired = (JSON.parse(pass.stdout) as { repairs: { target: string; project: string }[] }).repairs;
    // (a delivery that timed out may still have reached a replica: its event, not the pass, moved it)
    expect(repaired.length).toBeLessThanOrEqual(unmoved.length);
    for (let i = 0; i < sent; i++)
      expect({ delivery: i, moved: moved(i) }).toEqual({ delivery: i, moved: true });
    // Exactly once: one label change per issue (a second run of an event would write it again).
    const writes = new Map<string, number>();
    for (const req of gitlab.requests) {
      const m = /^\/api\/v4\/projects\/([^/]+)\/issues\/(\d+)$/.exec(req.path);
      if (req.method === 'PUT' && m && req.status < 300)
        writes.set(`${m[1]}#${m[2]}`, (writes.get(`${m[1]}#${m[2]}`) ?? 0) + 1);
    }
    for (const r of results.map((x, i) => ({ ...x, i }))) {
      const { project, iid } = issueOf(r.i);
      const key = [...writes.keys()].find(
        (k) => k === `${project.id}#${iid}` || k === `${encodeURIComponent(project.path)}#${iid}`,
      );
      expect({ delivery: r.i, writes: key ? writes.get(key) : 0 }).toEqual({ delivery: r.i, writes: 1 });
      expect(gitlab.state(project.id).issues.find((x) => x.iid === iid)!.labels).toEqual(['In Review']);
    }
    for (const r of replicas) expect(r.output).not.toContain(pg.password);
  }, 900_000);
});

/** `node dist/main.js reconcile ...` to its end. */
function runReconcile(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, 'reconcile', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

/** The queue's rows for these deliveries and for their projects' unfinished jobs (a failure's diagnosis). */
async function describeJobs(url: string, keys: string[]): Promise<string> {
  const db = await openDatabase(url, {
    log: createLogger({ service: 'test', stream: new PassThrough() }),
    app: 'test',
  });
  try {
    const cols = `state, retry_count, singleton_key, data->'event'->>'idempotencyKey' AS key, start_after,
      started_on, completed_on, heartbeat_on, blocked, blocking, output`;
    const { rows: jobs } = await db.query(
      `SELECT ${cols} FROM pgboss.job WHERE data->'event'->>'idempotencyKey' = ANY($1)`,
      [keys],
    );
    const { rows: open } = await db.query(
      `SELECT ${cols} FROM pgboss.job WHERE state IN ('created', 'retry', 'active')
       ORDER BY singleton_key, created_on LIMIT 40`,
    );
    const { rows: dead } = await db.query('SELECT count(*)::int AS n FROM webhook_dead_letters');
    return [
      'jobs of the missing deliveries:',
      ...jobs.map((j) => JSON.stringify(j)),
      'unfinished jobs (first 40):',
      ...open.map((j) => JSON.stringify(j)),
      `dead letters: ${JSON.stringify(dead[0])}`,
    ].join('\n');
  } catch (err) {
    return `(could not read the queue: ${(err as Error).message})`;
  } finally {
    await db.close();
  }
}

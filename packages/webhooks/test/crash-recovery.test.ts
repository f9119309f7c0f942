import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { listSpooledEvents } from '@devops/event-queue';
import { tempDir, waitFor } from '@devops/testkit';
import { SECRET, mrEvent, post, removeDir } from './support/start-receiver';

interface Child {
  proc: ChildProcess;
  url: string;
  stderr: string[];
}

async function startServer(env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'receiver-server.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  proc.stderr.on('data', (d: Buffer) => stderr.push(d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // {"url"} from the fixture, or (MODE=run) the service's own "listening on host:port" log line.
      const line = out.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
      const listening = /listening on ([\d.]+):(\d+)/.exec(out);
      if (listening) resolve(`http://${listening[1]}:${listening[2]}/webhooks/gitlab`);
    });
    proc.once('exit', (code) => reject(new Error(`server exited ${code}: ${stderr.join('')}`)));
  });
  return { proc, url, stderr };
}

function refusesConnections(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

async function kill9(child: Child): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  const exited = new Promise((r) => child.proc.once('exit', r));
  child.proc.kill('SIGKILL');
  await exited;
}

const readLines = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);

describe('crash recovery in a real process', () => {
  let dir: string;
  const children: Child[] = [];
  beforeEach(async () => {
    dir = tempDir('webhooks-crash');
  });
  afterEach(async () => {
    for (const c of children.splice(0)) await kill9(c);
    await removeDir(dir);
  });

  it('[slow] an event answered 202 and SIGKILLed before processing is processed exactly once after restart', async () => {
    const env = {
      SPOOL_DIR: path.join(dir, 'spool'),
      SECRET,
      GATE_FILE: path.join(dir, 'gate'),
      OUT_FILE: path.join(dir, 'out.txt'),
    };
    const first = await startServer(env);
    children.push(first);
    const res = await post(first.url, mrEvent('survives-kill-9'), { idempotencyKey: 'key-kill-9' });
    expect(res.status).toBe(202);
    await kill9(first); // the handler is blocked on the gate: nothing was processed
    expect(await readLines(env.OUT_FILE)).toEqual([]);

    await writeFile(env.GATE_FILE, 'open');
    const second = await startServer(env);
    children.push(second);
    await waitFor(async () => (await readLines(env.OUT_FILE)).length > 0, 15_000, 'the replayed event');
    // Its spool file goes once it is recorded as finished.
    await waitFor(
      async () => (await listSpooledEvents(env.SPOOL_DIR)).length === 0,
      5_000,
      'the spool to empty',
    );

    // GitLab resending the same delivery now is answered and not run again.
    const resent = await post(second.url, mrEvent('survives-kill-9'), { idempotencyKey: 'key-kill-9' });
    expect(resent.status).toBe(202);
    expect(await resent.json()).toMatchObject({ duplicate: true });
    await kill9(second);

    // A third start finds nothing to do.
    const third = await startServer(env);
    children.push(third);
    // Nothing replayed: a later event of the same merge request (processed in order, after
    // anything the start found spooled) is the sign that the restart got past its replay.
    expect((await post(third.url, mrEvent('after-restart'), { idempotencyKey: 'key-after' })).status).toBe(
      202,
    );
    await waitFor(async () => (await readLines(env.OUT_FILE)).length >= 2, 15_000, 'the later event');
    expect(await readLines(env.OUT_FILE)).toEqual(['survives-kill-9', 'after-restart']);
    expect(second.stderr.join('')).not.toContain(SECRET);
  }, 60_000);

  it('[slow] runWebhookApp on SIGTERM finishes the event in hand, keeps the rest spooled, exits 0', async () => {
    const env = {
      MODE: 'run',
      SPOOL_DIR: path.join(dir, 'spool'),
      SECRET,
      GATE_FILE: path.join(dir, 'gate'),
      OUT_FILE: path.join(dir, 'out.txt'),
    };
    const first = await startServer(env);
    children.push(first);
    for (const m of ['in-hand', 'waiting-1', 'waiting-2']) {
      expect((await post(first.url, mrEvent(m))).status).toBe(202);
    }
    const exited = new Promise<number | null>((r) => first.proc.once('exit', (code) => r(code)));
    first.proc.kill('SIGTERM');
    // Past the point where it would exit without the event in hand: it refuses connections.
    await waitFor(() => refusesConnections(first.url), 10_000, 'the server to close');
    expect(first.proc.exitCode).toBeNull(); // still finishing the event in hand
    await writeFile(env.GATE_FILE, 'open');
    expect(await exited).toBe(0);
    expect(await readLines(env.OUT_FILE)).toEqual(['in-hand']);
    expect(await listSpooledEvents(env.SPOOL_DIR)).toHaveLength(2);

    const second = await startServer(env);
    children.push(second);
    await waitFor(async () => (await readLines(env.OUT_FILE)).length === 3, 15_000, 'the spooled events');
    expect(await readLines(env.OUT_FILE)).toEqual(['in-hand', 'waiting-1', 'waiting-2']);
  }, 60_000);
});

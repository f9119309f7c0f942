import { spawn } from 'node:child_process';
import { appendFile, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { removeTempDirs, tempDir, waitFor } from '@devops/testkit';
import { createIntakeJournal, INTAKE_DIR } from '../src/spool/create-intake-journal';
import { createSpoolQueue } from '../src/spool/create-spool-queue';
import { listSpooledEvents } from '../src/spool/list-spooled-events';
import { DEFAULT_QUEUE_POLICY, type QueuedEvent } from '../src/queue/event-queue';

/**
 * The spool's intake journal: acknowledged appends survive a SIGKILL, a torn tail is never an event,
 * segments go once their events are finished, and a spool folder removed under a running service
 * fails the append instead of acknowledging into a deleted file.
 */

afterAll(removeTempDirs);

const line = (id: string, extra = '') => JSON.stringify({ meta: { id }, payload: { extra } });
const segmentsIn = async (dir: string) =>
  (await readdir(path.join(dir, INTAKE_DIR)).catch(() => [] as string[])).filter((n) => n.endsWith('.log'));

describe('createIntakeJournal', () => {
  it('stores concurrent appends whole and in order, and a fresh journal loads them all', async () => {
    const dir = tempDir('journal');
    const journal = createIntakeJournal(dir);
    await journal.load();
    const ids = Array.from({ length: 300 }, (_, i) => `e${String(i).padStart(4, '0')}`);
    await Promise.all(ids.map((id, i) => journal.append(id, line(id, 'x'.repeat(i * 37)))));
    expect(JSON.parse(await journal.read('e0123'))).toEqual({
      meta: { id: 'e0123' },
      payload: { extra: 'x'.repeat(123 * 37) },
    });
    await journal.close();

    const again = createIntakeJournal(dir);
    const { entries, broken } = await again.load();
    expect(entries.map((e) => e.id)).toEqual(ids);
    expect(entries.map((e) => JSON.parse(e.line).payload.extra.length)).toEqual(ids.map((_, i) => i * 37));
    expect(broken).toEqual([]);
    await again.close();
  });

  it('takes a torn last line for what it is (never acknowledged) and sets a broken whole line aside', async () => {
    const dir = tempDir('journal');
    await mkdir(path.join(dir, INTAKE_DIR), { recursive: true });
    const file = path.join(dir, INTAKE_DIR, '0000000007.log');
    await writeFile(file, `${line('a')}\n{"meta": broken\n${line('b')}\n${line('c').slice(0, 20)}`);
    const journal = createIntakeJournal(dir);
    const { entries, broken } = await journal.load();
    expect(entries.map((e) => e.id)).toEqual(['a', 'b']);
    expect(broken).toEqual([{ name: '0000000007-2', bytes: '{"meta": broken' }]);
    // New appends never go after a torn line: they open the next segment.
    await journal.append('d', line('d'));
    expect((await segmentsIn(dir)).sort()).toEqual(['0000000007.log', '0000000008.log']);
    await journal.close();
  });

  it('removes a segment once every event in it is released, the current one included when idle', async () => {
    const dir = tempDir('journal');
    const journal = createIntakeJournal(dir);
    await journal.load();
    // Past one segment's 1 MiB: the second batch goes to a new segment.
    const big = 'y'.repeat(600 * 1024);
    await Promise.all(['a', 'b'].map((id) => journal.append(id, line(id, big))));
    await journal.append('c', line('c', big));
    expect(await segmentsIn(dir)).toHaveLength(2);
    await journal.release('a');
    expect(await segmentsIn(dir)).toHaveLength(2);
    await journal.release('b');
    expect(await segmentsIn(dir)).toEqual(['0000000002.log']);
    expect(journal.has('c')).toBe(true);
    await journal.release('c');
    expect(await segmentsIn(dir)).toEqual([]);
    // The next append opens a new segment.
    await journal.append('d', line('d'));
    expect(await segmentsIn(dir)).toEqual(['0000000003.log']);
    await journal.close();
  });

  it('fails the append when the spool folder was removed under it, and again after that', async () => {
    const dir = tempDir('journal');
    const journal = createIntakeJournal(dir);
    await journal.load();
    await journal.append('a', line('a'));
    await rm(dir, { recursive: true, force: true });
    await expect(journal.append('b', line('b'))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(journal.append('c', line('c'))).rejects.toMatchObject({ code: 'ENOENT' });
    await journal.close();
  });

  it('[slow] keeps every acknowledged append of a process killed with SIGKILL mid-stream', async () => {
    const dir = tempDir('journal');
    const dist = path.join(__dirname, '..', 'dist', 'spool', 'create-intake-journal.js');
    // The child appends without pause, 16 at a time, and prints each id once its append resolved.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `
        const { createIntakeJournal } = require(${JSON.stringify(dist)});
        const journal = createIntakeJournal(${JSON.stringify(dir)});
        let n = 0;
        const one = () => {
          const id = 'k' + String(n++).padStart(7, '0');
          return journal.append(id, JSON.stringify({ meta: { id }, payload: { pad: 'z'.repeat(n % 3000) } }))
            .then(() => { process.stdout.write(id + '\\n'); return one(); });
        };
        journal.load().then(() => { for (let i = 0; i < 16; i++) one(); });
      `,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.split('\n').length > 3000, 30_000, '3000 acknowledged appends');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const acknowledged = out.split('\n').filter((l) => /^k\d{7}$/.test(l));

    const journal = createIntakeJournal(dir);
    const { entries, broken } = await journal.load();
    const stored = new Set(entries.map((e) => e.id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(broken).toEqual([]);
    await journal.close();
  }, 60_000);
});

describe('the spool queue over the journal', () => {
  const meta = (id: string, orderKey: string): QueuedEvent => ({
    id,
    deliveryId: `d-${id}`,
    idempotencyKey: `k-${id}`,
    event: 'Merge Request Hook',
    objectKind: 'merge_request',
    orderKey,
    receivedAt: 1,
  });

  it('still runs and removes the one-file-per-event spool of an older version, in order with new events', async () => {
    const dir = tempDir('spool');
    await mkdir(dir, { recursive: true });
    for (const id of ['0000000000001-000001-aaaaaa', '0000000000002-000002-bbbbbb']) {
      await writeFile(
        path.join(dir, `${id}.event.json`),
        JSON.stringify({ meta: meta(id, 'project:1:mr:1'), payload: { old: id } }),
      );
    }
    const seen: unknown[] = [];
    const queue = createSpoolQueue({ dir, policy: DEFAULT_QUEUE_POLICY });
    expect(
      (
        await queue.enqueue({
          deliveryId: 'new',
          idempotencyKey: 'k-new',
          event: 'Merge Request Hook',
          objectKind: 'merge_request',
          orderKey: 'project:1:mr:1',
          raw: '{\n  "new": true\n}',
        })
      ).status,
    ).toBe('accepted');
    await queue.start(async (_event, payload) => {
      seen.push(payload);
    });
    await queue.idle();
    expect(seen).toEqual([
      { old: '0000000000001-000001-aaaaaa' },
      { old: '0000000000002-000002-bbbbbb' },
      { new: true },
    ]);
    await queue.stop();
    expect((await readdir(dir)).filter((n) => n.endsWith('.event.json'))).toEqual([]);
    expect(await listSpooledEvents(dir)).toEqual([]);
    expect(await segmentsIn(dir)).toEqual([]);
  });

  it('does not run again an event whose "finished" record outlived a crash that kept its journal line', async () => {
    const dir = tempDir('spool');
    const first = createSpoolQueue({ dir, policy: DEFAULT_QUEUE_POLICY });
    await first.enqueue({
      deliveryId: 'one',
      idempotencyKey: 'k-one',
      event: 'Merge Request Hook',
      objectKind: 'merge_request',
      orderKey: 'project:1:mr:1',
      raw: '{"n":1}',
    });
    await first.stop();
    const [stored] = await listSpooledEvents(dir);
    await appendFile(
      path.join(dir, 'deliveries.log'),
      `${JSON.stringify({ id: stored!.id, k: 'k-one', t: Date.now(), o: 'processed' })}\n`,
    );
    const seen: unknown[] = [];
    const second = createSpoolQueue({ dir, policy: DEFAULT_QUEUE_POLICY });
    await second.start(async (_e, payload) => {
      seen.push(payload);
    });
    await second.idle();
    await second.stop();
    expect(seen).toEqual([]);
    expect(await segmentsIn(dir)).toEqual([]);
  });
});

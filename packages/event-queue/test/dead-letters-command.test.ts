import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { PermanentError } from '@devops/errors';
import { runDeadLettersCommand } from '../src';
import { createSpoolQueue } from '../src/spool/create-spool-queue';
import { FAST_POLICY } from './contract/describe-event-queue-contract';

/** A spool holding dead letters of the given titles (the handler refused each). */
async function spoolWithDeadLetters(dir: string, titles: string[]): Promise<string[]> {
  const queue = createSpoolQueue({ dir, policy: FAST_POLICY });
  const ids: string[] = [];
  for (const title of titles) {
    const payload = { object_kind: 'merge_request', project: { id: 1 }, object_attributes: { title } };
    const r = await queue.enqueue({
      deliveryId: `d-${ids.length}`,
      idempotencyKey: null,
      event: 'Merge Request Hook',
      objectKind: 'merge_request',
      orderKey: 'project:1',
      raw: JSON.stringify(payload),
    });
    if (r.status === 'accepted') ids.push(r.id);
  }
  await queue.start(async (_e, payload) => {
    throw new PermanentError(`refused: ${JSON.stringify(payload.object_attributes)}`);
  });
  await queue.idle();
  await queue.stop();
  return ids;
}

async function run(dir: string, args: string[], flags: { json?: boolean; all?: boolean } = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (b: Buffer) => (out += b.toString()));
  stderr.on('data', (b: Buffer) => (err += b.toString()));
  const queue = createSpoolQueue({ dir, policy: FAST_POLICY });
  const code = await runDeadLettersCommand({
    args,
    json: flags.json ?? false,
    all: flags.all ?? false,
    stdout,
    stderr,
    deadLetters: queue.deadLetters,
  });
  await queue.stop();
  return { code, out, err };
}

describe('dead-letters list | show | replay | drop', () => {
  const dirs: string[] = [];
  const spoolDir = async () => {
    dirs.push(await mkdtemp(path.join(tmpdir(), 'dead-letters-')));
    return dirs.at(-1)!;
  };
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('lists oldest first, for people and as JSON; an empty spool is "nothing to do", exit 0', async () => {
    const empty = await spoolDir();
    expect(await run(empty, ['list'])).toEqual({ code: 0, out: 'no dead letters\n', err: '' });
    expect(await run(empty, ['list'], { json: true })).toEqual({ code: 0, out: '[]\n', err: '' });

    const dir = await spoolDir();
    const ids = await spoolWithDeadLetters(dir, ['first', 'second']);
    const human = await run(dir, ['list']);
    expect(human.code).toBe(0);
    const lines = human.out.trim().split('\n');
    expect(lines[0]).toBe('2 dead letter(s), oldest first:');
    expect(lines[1]).toMatch(
      new RegExp(`^${ids[0]}  dead \\S+  Merge Request Hook  project:1  attempts 1  `),
    );
    expect(lines[1]).toContain('PermanentError: refused: {"title":"first"}');
    const json = JSON.parse((await run(dir, ['list'], { json: true })).out) as Array<{ id: string }>;
    expect(json.map((l) => l.id)).toEqual(ids);
  });

  it('shows a letter with its payload, control characters from outside made visible', async () => {
    const dir = await spoolDir();
    const [id] = await spoolWithDeadLetters(dir, ['evil \u001b]0;owned\u0007 title']);
    const shown = await run(dir, ['show', id!]);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`id:              ${id}`);
    expect(shown.out).toContain('\\u001b]0;owned\\u0007');
    for (const raw of ['\u001b', '\u0007']) expect(shown.out).not.toContain(raw);
    const json = JSON.parse((await run(dir, ['show', id!], { json: true })).out);
    expect(json.payload.object_attributes.title).toBe('evil \u001b]0;owned\u0007 title');
  });

  it('exits 1 for an unknown id and 78 for a wrong command line, changing nothing', async () => {
    const dir = await spoolDir();
    await spoolWithDeadLetters(dir, ['kept']);
    for (const args of [
      ['show', 'nope'],
      ['drop', 'nope'],
      ['replay', 'nope'],
    ]) {
      const r = await run(dir, args);
      expect({ args, code: r.code, out: r.out }).toEqual({ args, code: 1, out: '' });
      expect(r.err).toContain('no dead letter "nope"');
    }
    for (const args of [
      [],
      ['show'],
      ['frobnicate'],
      ['list', 'extra'],
      ['drop', 'a', 'b'],
      ['show', '../x'],
    ]) {
      const r = await run(dir, args);
      expect({ args, code: r.code }).toEqual({ args, code: args[1] === '../x' ? 2 : 78 });
    }
    expect((await run(dir, ['list'], { all: true })).code).toBe(78);
    expect(JSON.parse((await run(dir, ['list'], { json: true })).out)).toHaveLength(1);
  });

  it('replays every letter with --all, refusing an unreadable one (exit 2) and keeping it', async () => {
    const dir = await spoolDir();
    const ids = await spoolWithDeadLetters(dir, ['a', 'b']);
    await writeFile(path.join(dir, 'dead', '0000000000000-000000-broken.event.json'), '{"meta": tru');
    const r = await run(dir, ['replay'], { all: true, json: true });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({ replayed: ids, refused: ['0000000000000-000000-broken.event'] });
    expect(r.err).toContain('cannot be replayed: its event file is unreadable');
    expect((await readdir(path.join(dir, 'replay'))).sort()).toEqual(ids.map((id) => `${id}.json`));
    expect(await readdir(path.join(dir, 'dead'))).toEqual(['0000000000000-000000-broken.event.json']);
  });

  it('drops a letter', async () => {
    const dir = await spoolDir();
    const [id, other] = await spoolWithDeadLetters(dir, ['gone', 'stays']);
    expect(await run(dir, ['drop', id!])).toEqual({ code: 0, out: `dropped ${id}\n`, err: '' });
    expect(await readdir(path.join(dir, 'dead'))).toEqual([`${other}.json`]);
  });
});

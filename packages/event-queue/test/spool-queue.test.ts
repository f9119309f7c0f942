import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSpoolQueue } from '../src/spool/create-spool-queue';
import { describeEventQueueContract } from './contract/describe-event-queue-contract';

describeEventQueueContract('local spool', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'spool-queue-'));
  return {
    open: async (options) => createSpoolQueue({ ...options, dir, replayScanMs: 20 }),
    destroy: () => rm(dir, { recursive: true, force: true }),
    virtualTime: true,
  };
});

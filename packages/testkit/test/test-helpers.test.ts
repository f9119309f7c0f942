import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, removeTempDirs, tempDir, waitFor } from '../src';

describe('waitFor', () => {
  it('returns what the probe found once it finds it (sync or async), probing until then', async () => {
    let calls = 0;
    expect(await waitFor(() => (++calls >= 3 ? `found on ${calls}` : undefined), { intervalMs: 1 })).toBe(
      'found on 3',
    );
    let n = 0;
    expect(await waitFor(async () => ++n >= 2, { intervalMs: 1 })).toBe(true);
    expect(n).toBe(2);
    expect(await waitFor(() => 0)).toBe(0); // 0 and '' are values, not "not yet"
  });

  it('times out with an error naming what was awaited, and passes on the probe’s own error', async () => {
    await expect(waitFor(() => false, 50, 'the moon')).rejects.toThrow(
      'timed out after 50 ms waiting for the moon',
    );
    await expect(waitFor(() => null, { timeoutMs: 30, what: 'a reply' })).rejects.toThrow(
      /waiting for a reply$/,
    );
    await expect(
      waitFor(() => {
        throw new Error('probe broke');
      }),
    ).rejects.toThrow('probe broke');
  });
});

describe('tempDir', () => {
  it('makes a new empty directory each call, all removed by removeTempDirs', async () => {
    const a = tempDir('helpers');
    const b = tempDir('helpers');
    expect(a).not.toBe(b);
    expect(path.dirname(a)).toBe(os.tmpdir());
    expect(path.basename(a)).toMatch(/^devops-helpers-/);
    expect(fs.readdirSync(a)).toEqual([]);
    fs.writeFileSync(path.join(a, 'f'), 'x');
    await removeTempDirs();
    expect([fs.existsSync(a), fs.existsSync(b)]).toEqual([false, false]);
  });
});

describe('freePort', () => {
  it('gives a loopback port nothing listens on, that a server can then take', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(false)));
      s.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    expect((server.address() as net.AddressInfo).port).toBe(port);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

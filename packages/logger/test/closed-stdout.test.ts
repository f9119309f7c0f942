import { spawn } from 'node:child_process';
import path from 'node:path';

describe('a service whose stdout reader goes away', () => {
  it('keeps running when its log lines hit a closed pipe (EPIPE)', async () => {
    // The real process boundary: a child logging through the built logger to its real stdout pipe.
    const child = spawn(process.execPath, [path.join(__dirname, 'fixtures/log-until-told.js')], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const first = await new Promise<string>((resolve) =>
      child.stdout.once('data', (c: Buffer) => resolve(c.toString())),
    );
    expect(JSON.parse(first.split('\n')[0]!)).toMatchObject({
      message: 'first line',
      service: 'epipe-fixture',
    });
    child.stdout.destroy(); // the reading end closes: every later write is EPIPE
    child.stdin.write('your stdout is closed\n');

    expect({ code: await exited, stderr }).toEqual({ code: 0, stderr: 'still running\n' });
  });
});

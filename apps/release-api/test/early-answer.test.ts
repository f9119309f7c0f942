import fs from 'node:fs';
import path from 'node:path';
import { sendRelease } from '../src/upload/send-release';
import { tempDir } from '@devops/testkit';
import { gzipData, startServer, type TestServer } from './helpers';

/**
 * A refusal is sent before the body is read (401 wrong secret): a client that
 * is still sending must still get that answer, every time, not a TCP reset.
 */
describe('early answers reach a client that is still sending', () => {
  let server: TestServer;
  let file: string;
  let size: number;
  beforeAll(async () => {
    server = await startServer({});
    const data = gzipData(8 * 1024 * 1024);
    size = data.length;
    file = path.join(tempDir('early'), 'big.tgz');
    fs.writeFileSync(file, data);
  });
  afterAll(async () => {
    await server.close();
  });

  it('[slow] 25 uploads with a wrong secret all read the 401 answer', async () => {
    const results = [];
    for (let i = 0; i < 25; i++) {
      const r = await sendRelease({
        url: server.url,
        secret: 'wrong-secret',
        fields: [
          ['product', 'p'],
          ['version', `1.0.${i}`],
          ['md5', '0'.repeat(32)],
        ],
        file,
        size,
      }).then(
        (res) => res.status,
        (err: Error) => err.message,
      );
      results.push(r);
    }
    expect(results).toEqual(Array(25).fill(401));
    expect(fs.readdirSync(server.dir).filter((d) => !d.startsWith('.'))).toEqual([]);
  });
});

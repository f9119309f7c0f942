import { PassThrough } from 'node:stream';
import { createLogger, REDACTED } from '../src';

const SECRET = 'glpat-Zx9$Secret"Value';

function capture(format?: 'json' | 'pretty') {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const log = createLogger({
    service: 'test',
    secrets: [SECRET, 'other-key'],
    stream,
    level: 'debug',
    format,
  });
  const lines = async () => {
    await new Promise((r) => setImmediate(r));
    return chunks.join('').split('\n').filter(Boolean);
  };
  return { log, lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with service, level, message and metadata', async () => {
    const { log, lines } = capture();
    log.info('created tag v1.4.3 on abc123', { project: 42 });
    log.debug('details');
    const out = (await lines()).map((l) => JSON.parse(l));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({
      level: 'info',
      message: 'created tag v1.4.3 on abc123',
      service: 'test',
      project: 42,
    });
    expect(out[0].timestamp).toEqual(expect.any(String));
    expect(out[1]).toMatchObject({ level: 'debug', message: 'details' });
  });

  it('respects the level', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const log = createLogger({ service: 't', level: 'warn', stream });
    log.info('hidden');
    log.warn('shown');
    await new Promise((r) => setImmediate(r));
    expect(chunks.join('')).toContain('shown');
    expect(chunks.join('')).not.toContain('hidden');
  });

  it('child loggers carry their id on every line', async () => {
    const { log, lines } = capture();
    const child = log.child({ deliveryId: 'd-1' });
    child.info('one');
    child.warn('two');
    const out = (await lines()).map((l) => JSON.parse(l));
    expect(out.map((o) => o.deliveryId)).toEqual(['d-1', 'd-1']);
  });

  describe('never prints a configured secret', () => {
    it.each(['json', 'pretty'] as const)('in the message (%s)', async (format) => {
      const { log, lines } = capture(format);
      log.info(`token is ${SECRET} and other-key`);
      const text = (await lines()).join('\n');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain('other-key');
      expect(text).toContain(REDACTED);
    });

    it('in metadata objects, nested and JSON-escaped', async () => {
      const { log, lines } = capture();
      log.info('request', {
        headers: { 'PRIVATE-TOKEN': SECRET },
        list: [`Bearer ${SECRET}`],
        encoded: encodeURIComponent(SECRET),
      });
      const text = (await lines()).join('\n');
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(JSON.stringify(SECRET).slice(1, -1));
      expect(text).not.toContain(encodeURIComponent(SECRET));
      expect(JSON.parse(text).headers['PRIVATE-TOKEN']).toBe(REDACTED);
    });

    it.each(['json', 'pretty'] as const)('in an error stack (%s)', async (format) => {
      const { log, lines } = capture(format);
      const err = new Error(`401 with token ${SECRET}`);
      log.error(err);
      log.error('call failed', { error: new Error(`boom ${SECRET}`) });
      const text = (await lines()).join('\n');
      expect(text).not.toContain(SECRET);
      expect(text).toContain('create-logger.test.ts'); // the stack is there, masked
    });

    it('in a URL with credentials', async () => {
      const { log, lines } = capture();
      log.info('cloning https://oauth2:unconfigured-pass@gitlab.example.com/g/p.git');
      log.info('proxy', { url: 'http://user:pw@proxy.example.com:8080/' });
      const text = (await lines()).join('\n');
      expect(text).not.toContain('unconfigured-pass');
      expect(text).not.toContain('user:pw');
      expect(text).toContain(`https://${REDACTED}@gitlab.example.com/g/p.git`);
    });
  });
});

import { PassThrough } from 'node:stream';
import { createLogger, createMasker, REDACTED } from '../src';

// Spaces and !'()~ make form encoding differ from encodeURIComponent.
const KEY = "Fd key (v2) it's~mine!";
const TOKEN = 'glpat-AbCdEfGhIjKlMnOpQrSt';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('masking every form of a secret', () => {
  const mask = createMasker([KEY, TOKEN]);

  it.each([
    ['Freshdesk Basic auth, base64(key:X)', `Authorization: Basic ${b64(`${KEY}:X`)}`],
    ['Basic auth, base64(user:secret)', `Authorization: Basic ${b64(`oauth2:${TOKEN}`)}`],
    ['user names of every length mod 3', `${b64(`a:${TOKEN}`)} ${b64(`ab:${TOKEN}`)} ${b64(`abc:${TOKEN}`)}`],
    ['base64 of the bare secret', b64(TOKEN)],
    ['the secret in the middle of base64', b64(`prefix ${KEY} suffix`)],
    ['form-encoded body', new URLSearchParams({ api_key: KEY, token: TOKEN }).toString()],
    ['percent-encoded query', `?key=${encodeURIComponent(KEY)}`],
    [
      'lower-case percent escapes',
      `?key=${encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())}`,
    ],
    ['JSON-escaped', JSON.stringify({ k: KEY })],
  ])('%s', (_name, text) => {
    const out = mask(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain(TOKEN);
    // No decoding of what is left gives the secret back either.
    for (const word of out.split(/[\s=&?:"{}]+/)) {
      const decoded = Buffer.from(word, 'base64').toString('utf8');
      expect(decoded).not.toContain(KEY);
      expect(decoded).not.toContain(TOKEN);
    }
    expect(new URLSearchParams(out).toString()).not.toContain(encodeURIComponent(KEY));
  });

  it('leaves ordinary base64 and text that carry no secret alone', () => {
    const text = `Basic ${b64('someone:else-entirely-0123456789')} and a plain sentence with form+encoding`;
    expect(mask(text)).toBe(text);
  });

  it('masks the Basic form in a real log line, headers included', async () => {
    const stream = new PassThrough();
    let out = '';
    stream.on('data', (c: Buffer) => (out += c.toString()));
    const log = createLogger({ service: 't', secrets: [KEY], stream });
    const header = `Basic ${b64(`${KEY}:X`)}`;
    log.info('GET /api/v2/tickets/1', {
      headers: { Authorization: header },
      body: `key=${KEY.replace(/ /g, '+')}`,
    });
    await new Promise((r) => setImmediate(r));
    expect(out).not.toContain(b64(`${KEY}:X`));
    expect(JSON.parse(out).headers.Authorization).toBe(`Basic ${REDACTED}`);
    expect(out).not.toContain(KEY.replace(/ /g, '+'));
  });
});

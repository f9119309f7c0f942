import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@devops/errors';
import {
  bytes,
  describeSettings,
  integer,
  list,
  loadConfig,
  oneOf,
  readEnvironment,
  regex,
  secretValues,
  SECRET_MIN_LENGTH,
  text,
  url,
} from '../src';

const schema = {
  GITLAB_URL: url({ required: true, description: 'GitLab', hint: 'set it to your GitLab base URL' }),
  GITLAB_TOKEN: text({
    required: true,
    secret: true,
    minLength: 1,
    description: 'token',
    hint: 'create a project access token',
  }),
  PORT: integer({ default: 3001, min: 0, max: 65535, description: 'port' }),
  MODE: oneOf(['major', 'minor', 'patch'] as const, { default: 'minor', description: 'mode' }),
  LABELS: list({ default: ['a', 'b'], description: 'labels' }),
  MAX: bytes({ default: 1024, description: 'max' }),
  OPTIONAL: text({ description: 'optional' }),
};

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns typed values with defaults applied', () => {
    const config = loadConfig(schema, {
      GITLAB_URL: 'https://gitlab.example.com/',
      GITLAB_TOKEN: 'glpat-123',
    });
    expect(config).toEqual({
      GITLAB_URL: 'https://gitlab.example.com',
      GITLAB_TOKEN: 'glpat-123',
      PORT: 3001,
      MODE: 'minor',
      LABELS: ['a', 'b'],
      MAX: 1024,
      OPTIONAL: undefined,
    });
  });

  it('reports every bad or missing variable at once, with the reason', () => {
    const problems = problemsOf(() =>
      loadConfig(schema, { GITLAB_URL: 'not a url', PORT: '70000', MODE: 'huge', MAX: '12 parsecs' }),
    );
    expect(problems.map((p) => p.variable)).toEqual(['GITLAB_URL', 'GITLAB_TOKEN', 'PORT', 'MODE', 'MAX']);
    expect(problems.find((p) => p.variable === 'GITLAB_TOKEN')!.reason).toBe(
      'is not set: create a project access token',
    );
    expect(problems.find((p) => p.variable === 'PORT')!.reason).toMatch(/above the maximum 65535/);
    expect(problems.find((p) => p.variable === 'MODE')!.reason).toMatch(/not one of major, minor, patch/);
  });

  it('never repeats a secret value in a problem', () => {
    const s = { TOKEN: text({ required: true, secret: true, pattern: /^glpat-/, description: 't' }) };
    const problems = problemsOf(() => loadConfig(s, { TOKEN: 'hunter2-very-secret' }));
    expect(JSON.stringify(problems)).not.toContain('hunter2-very-secret');
  });

  it('treats an empty value as unset unless the setting keeps empties', () => {
    const s = {
      A: text({ default: 'x', description: 'a' }),
      B: text({ default: 'y', allowEmpty: true, description: 'b' }),
    };
    expect(loadConfig(s, { A: '', B: '' })).toEqual({ A: 'x', B: '' });
  });

  it('reads a fallback variable when the setting itself is unset', () => {
    const s = { GITLAB_URL: url({ required: true, fallback: 'CI_SERVER_URL', description: 'u' }) };
    expect(loadConfig(s, { CI_SERVER_URL: 'https://ci.example.com' }).GITLAB_URL).toBe(
      'https://ci.example.com',
    );
    expect(
      loadConfig(s, { GITLAB_URL: 'https://a.example.com', CI_SERVER_URL: 'https://b.example.com' })
        .GITLAB_URL,
    ).toBe('https://a.example.com');
  });

  it.each([
    ['1048576', 1048576],
    ['100MiB', 100 * 1024 ** 2],
    ['10GiB', 10 * 1024 ** 3],
    ['2k', 2048],
  ])('parses the size %s', (raw, expected) => {
    expect(loadConfig({ S: bytes({ default: 1, description: 's' }) }, { S: raw }).S).toBe(expected);
  });

  it('checks the capture groups of a regex setting', () => {
    const s = { P: regex({ groups: 1, description: 'p' }) };
    expect(loadConfig(s, { P: 'v(\\d+)' }).P!.source).toBe('v(\\d+)');
    expect(problemsOf(() => loadConfig(s, { P: 'v\\d+' }))[0]!.reason).toMatch(/capture group/);
    expect(problemsOf(() => loadConfig(s, { P: '(' }))[0]!.reason).toMatch(/not a valid regular expression/);
  });

  it('lists the secret values for masking', () => {
    const s = {
      T: text({ secret: true, description: 't' }),
      K: list({ secret: true, description: 'k' }),
      N: text({ description: 'n' }),
    };
    const [t, k1, k2] = ['token-0123456789abcdef', 'key-one-0123456789ab', 'key-two-0123456789ab'];
    const config = loadConfig(s, { T: t, K: `${k1},${k2}`, N: 'public' });
    expect(secretValues(s, config)).toEqual([t, k1, k2]);
  });
});

describe('url({ httpsUnlessLoopback }): a URL browsers are given is https, plain http only on loopback', () => {
  const s = { PUBLIC_URL: url({ required: true, httpsUnlessLoopback: true, description: 'public' }) };

  it.each([
    'https://bridge.example.com',
    'https://10.0.0.5:8443',
    'http://localhost:3002',
    'http://LOCALHOST:3002',
    'http://127.0.0.1:3002',
    'http://127.8.9.10',
    'http://127.1:3002', // the URL parser reads it as 127.0.0.1
    'http://[::1]:3002',
    'http://[0:0:0:0:0:0:0:1]:3002',
  ])('accepts %s', (value) => {
    expect(loadConfig(s, { PUBLIC_URL: value }).PUBLIC_URL).toBe(value);
  });

  it.each([
    ['http://bridge.example.com', 'bridge.example.com'],
    ['http://10.0.0.5:3002', '10.0.0.5:3002'],
    ['http://0.0.0.0:3002', '0.0.0.0:3002'],
    ['http://128.0.0.1', '128.0.0.1'],
    ['http://localhost.example.com', 'localhost.example.com'],
    ['http://127.0.0.1.nip.io', '127.0.0.1.nip.io'],
    ['http://[::ffff:127.0.0.1]', '[::ffff:7f00:1]'],
    ['http://[::2]', '[::2]'],
  ])('refuses %s, naming the variable and why', (value, host) => {
    const problems = problemsOf(() => loadConfig(s, { PUBLIC_URL: value }));
    expect(problems).toEqual([
      {
        variable: 'PUBLIC_URL',
        reason: `must be an https:// URL (plain http:// only for a loopback host: localhost, 127.0.0.1, [::1]), not http://${host}`,
      },
    ]);
  });

  it('without the option, http is accepted anywhere (GITLAB_URL on a private network)', () => {
    expect(loadConfig(schema, { GITLAB_URL: 'http://10.0.0.5', GITLAB_TOKEN: 't' }).GITLAB_URL).toBe(
      'http://10.0.0.5',
    );
  });
});

describe('secrets the suite checks are at least SECRET_MIN_LENGTH (16) characters', () => {
  const s = {
    RELEASE_SHARED_SECRET: text({ required: true, secret: true, description: 'shared secret' }),
    BRIDGE_API_KEYS: list({ required: true, secret: true, description: 'keys' }),
    GITLAB_TOKEN: text({ required: true, secret: true, minLength: 1, description: 'checked by GitLab' }),
  };
  const long = 'a-secret-of-16ch';

  it('accepts 16 characters, and a credential that sets its own minimum', () => {
    expect(SECRET_MIN_LENGTH).toBe(16);
    const config = loadConfig(s, {
      RELEASE_SHARED_SECRET: long,
      BRIDGE_API_KEYS: `${long},${long}x`,
      GITLAB_TOKEN: 't',
    });
    expect(config).toEqual({
      RELEASE_SHARED_SECRET: long,
      BRIDGE_API_KEYS: [long, `${long}x`],
      GITLAB_TOKEN: 't',
    });
  });

  it('refuses a shorter one, naming the variable (and the list item) but never the value', () => {
    const short = 'fifteen-chars!!';
    const problems = problemsOf(() =>
      loadConfig(s, { RELEASE_SHARED_SECRET: short, BRIDGE_API_KEYS: `${long}, k3y-1`, GITLAB_TOKEN: 't' }),
    );
    expect(problems).toEqual([
      {
        variable: 'RELEASE_SHARED_SECRET',
        reason: 'is shorter than 16 characters: use a longer secret (e.g. openssl rand -hex 24)',
      },
      {
        variable: 'BRIDGE_API_KEYS',
        reason: 'item 2 is shorter than 16 characters: use a longer secret (e.g. openssl rand -hex 24)',
      },
    ]);
    const message = new ConfigError(problems).message;
    expect(message).not.toContain(short);
    expect(message).not.toContain('k3y-1');
  });

  it('says so in --help: a checked secret shows its minimum, a credential checked elsewhere does not', () => {
    const help = describeSettings(s).split('\n');
    expect(help.find((l) => l.includes('RELEASE_SHARED_SECRET'))).toContain(
      '[required; secret; at least 16 characters]',
    );
    expect(help.find((l) => l.includes('GITLAB_TOKEN'))).toContain('[required; secret]');
  });

  it('quotes a non-secret value that is too short', () => {
    const p = problemsOf(() => loadConfig({ N: text({ minLength: 3, description: 'n' }) }, { N: 'ab' }));
    expect(p).toEqual([{ variable: 'N', reason: '"ab" is shorter than 3 characters' }]);
  });
});

describe('readEnvironment', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads .env from the working directory and lets the real environment win', () => {
    fs.writeFileSync(path.join(dir, '.env'), 'FROM_FILE=file\nBOTH=file\nQUOTED="a # b"\n');
    const env = readEnvironment({ BOTH: 'real', ONLY_REAL: 'r' }, dir);
    expect(env).toMatchObject({ FROM_FILE: 'file', BOTH: 'real', ONLY_REAL: 'r', QUOTED: 'a # b' });
  });

  it('works without a .env file', () => {
    expect(readEnvironment({ A: '1' }, dir)).toEqual({ A: '1' });
  });
});

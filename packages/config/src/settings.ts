/**
 * Setting builders: each describes one environment variable, how to parse it,
 * and what to say when it is wrong. A schema is a plain object of settings.
 */

export class SettingProblem extends Error {}

export interface Setting<T> {
  readonly description: string;
  /** Masked in logs and never echoed back in problems. */
  readonly secret: boolean;
  readonly required: boolean;
  /** How the default reads in --help (if any). */
  readonly defaultText?: string;
  /** Another variable read when this one is unset (e.g. CI_SERVER_URL). */
  readonly fallback?: string;
  /** Fewest characters a value (or each list item) must have, when there is a minimum. */
  readonly minLength?: number;
  /** Turns the raw value (undefined when unset) into T, or throws SettingProblem. */
  parse(raw: string | undefined): T;
}

export type Schema = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Schema> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

interface Common {
  description: string;
  secret?: boolean;
  /** What to do when it is missing: "create a project access token with api scope". */
  hint?: string;
  fallback?: string;
  /** An explicitly empty value is kept (otherwise empty counts as unset). */
  allowEmpty?: boolean;
  /**
   * Fewest characters (text) or per item (list). Secrets default to
   * SECRET_MIN_LENGTH: the suite's own shared secrets, webhook secrets and API
   * keys must be hard to guess. A credential another system issues and checks
   * (GITLAB_TOKEN, FRESHDESK_API_KEY) sets its own, e.g. `minLength: 1`.
   */
  minLength?: number;
}

/** SPEC: secrets the suite checks are at least 16 characters. */
export const SECRET_MIN_LENGTH = 16;

const minLengthOf = (o: Common) => o.minLength ?? (o.secret ? SECRET_MIN_LENGTH : 0);

/** Refuses a value shorter than the setting's minimum, never quoting a secret. */
function checkLength(o: Common, value: string, item?: string): void {
  const min = minLengthOf(o);
  if (value.length >= min) return;
  throw new SettingProblem(
    o.secret
      ? `${item ? `${item} ` : ''}is shorter than ${min} characters: use a longer secret (e.g. openssl rand -hex 24)`
      : `${item ? `${item} ` : ''}"${value}" is shorter than ${min} characters`,
  );
}
type Req = { required: true; default?: never };
type Def<T> = { required?: false; default: T };
type Opt = { required?: false; default?: never };

function build<T>(
  opts: Common & { required?: boolean; default?: unknown },
  convert: (raw: string) => T,
  defaultText?: string,
  /** The minimum length applies to each item (list), not to the raw value. */
  itemwise = false,
): Setting<T | undefined> {
  const required = opts.required === true;
  return {
    description: opts.description,
    secret: opts.secret === true,
    required,
    defaultText: opts.default === undefined ? undefined : (defaultText ?? String(opts.default)),
    fallback: opts.fallback,
    minLength: minLengthOf(opts) || undefined,
    parse(raw) {
      if (raw === undefined || (raw === '' && !opts.allowEmpty)) {
        if (required) throw new SettingProblem(`is not set${opts.hint ? `: ${opts.hint}` : ''}`);
        return opts.default as T | undefined;
      }
      if (!itemwise) checkLength(opts, raw);
      return convert(raw);
    },
  };
}

type TextOpts = Common & { pattern?: RegExp; patternText?: string };
export function text(o: TextOpts & Req): Setting<string>;
export function text(o: TextOpts & Def<string>): Setting<string>;
export function text(o: TextOpts & Opt): Setting<string | undefined>;
export function text(o: TextOpts & { required?: boolean; default?: string }): Setting<string | undefined> {
  return build(
    o,
    (raw) => {
      if (o.pattern && !o.pattern.test(raw)) {
        throw new SettingProblem(
          o.secret
            ? `has the wrong form (${o.patternText ?? o.pattern})`
            : `"${raw}" is not ${o.patternText ?? `of the form ${o.pattern}`}`,
        );
      }
      return raw;
    },
    o.default === '' ? '(empty)' : o.default,
  );
}

type UrlOpts = Common & {
  /**
   * https only, except for a loopback host (`localhost`, 127.0.0.0/8, `::1`):
   * for a URL browsers are given, where plain http would carry credentials
   * in clear text across the network.
   */
  httpsUnlessLoopback?: boolean;
};

/** Whether a URL's host name (as `new URL` normalises it) is this machine: localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** An http(s) URL without a trailing slash, e.g. https://gitlab.example.com */
export function url(o: UrlOpts & Req): Setting<string>;
export function url(o: UrlOpts & Def<string>): Setting<string>;
export function url(o: UrlOpts & Opt): Setting<string | undefined>;
export function url(o: UrlOpts & { required?: boolean; default?: string }): Setting<string | undefined> {
  return build(o, (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new SettingProblem(
        o.secret ? 'is not a URL' : `"${raw}" is not a URL (expected e.g. https://host.example.com)`,
      );
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new SettingProblem(`must be an http:// or https:// URL, not ${parsed.protocol}`);
    }
    if (parsed.username || parsed.password) {
      throw new SettingProblem('must not carry credentials in the URL; use the token setting instead');
    }
    if (o.httpsUnlessLoopback && parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
      throw new SettingProblem(
        `must be an https:// URL (plain http:// only for a loopback host: localhost, 127.0.0.1, [::1])${o.secret ? '' : `, not http://${parsed.host}`}`,
      );
    }
    return raw.replace(/\/+$/, '');
  });
}

type IntOpts = Common & { min?: number; max?: number };
export function integer(o: IntOpts & Req): Setting<number>;
export function integer(o: IntOpts & Def<number>): Setting<number>;
export function integer(o: IntOpts & Opt): Setting<number | undefined>;
export function integer(o: IntOpts & { required?: boolean; default?: number }): Setting<number | undefined> {
  return build(o, (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new SettingProblem(`"${raw}" is not a whole number`);
    const n = Number(raw.trim());
    if (!Number.isSafeInteger(n)) throw new SettingProblem(`"${raw}" is too large`);
    if (o.min !== undefined && n < o.min) throw new SettingProblem(`${n} is below the minimum ${o.min}`);
    if (o.max !== undefined && n > o.max) throw new SettingProblem(`${n} is above the maximum ${o.max}`);
    return n;
  });
}

export function port(o: Common & Def<number>): Setting<number> {
  return integer({ ...o, min: 0, max: 65535 });
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/** A byte count: 1048576, 100MiB, 10GiB (binary units). */
export function bytes(o: Common & Def<number>): Setting<number> {
  return build(
    o,
    (raw) => {
      const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
      const unit = m ? SIZE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
      if (!m || unit === undefined)
        throw new SettingProblem(`"${raw}" is not a size (e.g. 1048576, 100MiB, 10GiB)`);
      const n = Math.floor(Number(m[1]) * unit);
      if (n <= 0 || !Number.isSafeInteger(n)) throw new SettingProblem(`"${raw}" is out of range`);
      return n;
    },
    formatBytes(o.default),
  ) as Setting<number>;
}

function formatBytes(n: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}

export function oneOf<const V extends string>(values: readonly V[], o: Common & Def<V>): Setting<V>;
export function oneOf<const V extends string>(values: readonly V[], o: Common & Req): Setting<V>;
export function oneOf<const V extends string>(values: readonly V[], o: Common & Opt): Setting<V | undefined>;
export function oneOf<const V extends string>(
  values: readonly V[],
  o: Common & { required?: boolean; default?: V },
): Setting<V | undefined> {
  return build(o, (raw) => {
    const v = raw.trim().toLowerCase() as V;
    if (!values.includes(v)) throw new SettingProblem(`"${raw}" is not one of ${values.join(', ')}`);
    return v;
  });
}

/** Comma-separated values, trimmed, empties dropped. */
export function list(o: Common & Req): Setting<string[]>;
export function list(o: Common & Def<string[]>): Setting<string[]>;
export function list(o: Common & Opt): Setting<string[] | undefined>;
export function list(o: Common & { required?: boolean; default?: string[] }): Setting<string[] | undefined> {
  return build(
    o,
    (raw) => {
      const items = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (o.required && items.length === 0) throw new SettingProblem('lists nothing');
      items.forEach((item, i) => checkLength(o, item, `item ${i + 1}`));
      return items;
    },
    o.default?.join(','),
    true,
  );
}

export function boolean(o: Common & Def<boolean>): Setting<boolean> {
  return build(o, (raw) => {
    const v = raw.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(v)) return true;
    if (['0', 'false', 'no', 'off'].includes(v)) return false;
    throw new SettingProblem(`"${raw}" is not true or false`);
  }) as Setting<boolean>;
}

/** A regular expression (source text). */
export function regex(o: Common & Opt & { groups?: number }): Setting<RegExp | undefined> {
  return build(o, (raw) => {
    let re: RegExp;
    try {
      re = new RegExp(raw, 'm');
    } catch (e) {
      throw new SettingProblem(`is not a valid regular expression: ${(e as Error).message}`);
    }
    if (o.groups !== undefined) {
      const count = new RegExp(`${raw}|`).exec('')!.length - 1;
      if (count < o.groups) throw new SettingProblem(`needs ${o.groups} capture group(s), has ${count}`);
    }
    return re;
  });
}

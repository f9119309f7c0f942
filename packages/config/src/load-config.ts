import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigProblem } from '@devops/errors';
import { SettingProblem, type ConfigOf, type Schema } from './settings';

export type Env = Record<string, string | undefined>;

/**
 * The process environment merged over `<cwd>/.env` (if present): the real
 * environment always wins. Reads the file; never writes to `process.env`.
 */
export function readEnvironment(env: Env, cwd: string): Env {
  const file = path.join(cwd, '.env');
  let fromFile: Record<string, string> = {};
  try {
    const text = fs.readFileSync(file);
    // Loaded only when there is a .env file to read (~10 ms of start-up otherwise).
    const dotenv = require('dotenv') as typeof import('dotenv');
    fromFile = dotenv.parse(text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const merged: Env = { ...fromFile };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return merged;
}

/** Parses every setting of `schema` from `env`; throws one ConfigError listing every problem. */
export function loadConfig<S extends Schema>(schema: S, env: Env): ConfigOf<S> {
  const problems: ConfigProblem[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(schema)) {
    let raw = env[name];
    let source = name;
    if ((raw === undefined || raw === '') && setting.fallback && env[setting.fallback]) {
      raw = env[setting.fallback];
      source = setting.fallback;
    }
    try {
      out[name] = setting.parse(raw);
    } catch (err) {
      if (!(err instanceof SettingProblem)) throw err;
      problems.push({
        variable: source === name ? name : `${name} (from ${source})`,
        reason: err.message,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<S>;
}

/** The values of every secret setting that is set: for the logger to mask. */
export function secretValues<S extends Schema>(schema: S, config: ConfigOf<S>): string[] {
  const values: string[] = [];
  for (const [name, setting] of Object.entries(schema)) {
    if (!setting.secret) continue;
    const v = (config as Record<string, unknown>)[name];
    if (typeof v === 'string' && v) values.push(v);
    if (Array.isArray(v)) for (const item of v) if (typeof item === 'string' && item) values.push(item);
  }
  return values;
}

/** The settings section of --help. */
export function describeSettings(schema: Schema): string {
  const names = Object.keys(schema);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  return names
    .map((name) => {
      const s = schema[name]!;
      const tags: string[] = [];
      if (s.required) tags.push('required');
      if (s.defaultText !== undefined) tags.push(`default: ${s.defaultText}`);
      if (s.fallback) tags.push(`falls back to ${s.fallback}`);
      if (s.secret) tags.push('secret');
      if (s.minLength && s.minLength > 1) tags.push(`at least ${s.minLength} characters`);
      return `  ${name.padEnd(width)}${s.description}${tags.length ? ` [${tags.join('; ')}]` : ''}`;
    })
    .join('\n');
}

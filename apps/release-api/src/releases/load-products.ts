import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, type ConfigProblem } from '@devops/errors';
import { FIELD_NAME } from './receive/validate-fields';

export interface Product {
  requiredFields: string[];
  /** Absolute path of the release script, if the product has one. */
  script?: string;
  timeoutSeconds?: number;
}

export type Products = Record<string, Product>;

/**
 * Reads `RELEASE_PRODUCTS_FILE` once at start:
 * `{"products": {"<name>": {"requiredFields": [...], "script": "...", "timeoutSeconds": 600}}}`.
 * Every problem is reported at once as a ConfigError (the service exits 78).
 * A relative script path is taken relative to the products file.
 */
export function loadProducts(file: string | undefined): Products | undefined {
  if (file === undefined) return undefined;
  const problem = (reason: string): ConfigProblem => ({ variable: 'RELEASE_PRODUCTS_FILE', reason });
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT'
        ? `${file} does not exist`
        : `${file} is not readable JSON: ${(err as Error).message}`;
    throw new ConfigError([problem(reason)]);
  }
  const problems: ConfigProblem[] = [];
  const products: Products = {};
  const root = parsed as { products?: unknown };
  if (
    typeof root !== 'object' ||
    root === null ||
    typeof root.products !== 'object' ||
    root.products === null
  ) {
    throw new ConfigError([problem(`${file} must be {"products": {"<name>": {...}}}`)]);
  }
  for (const [name, raw] of Object.entries(root.products as Record<string, unknown>)) {
    const where = `${file}: product "${name}"`;
    if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/.test(name)) {
      problems.push(problem(`${where}: not a valid product name`));
      continue;
    }
    const p = (raw ?? {}) as Record<string, unknown>;
    const required = p.requiredFields ?? [];
    if (!Array.isArray(required) || required.some((f) => typeof f !== 'string' || !FIELD_NAME.test(f))) {
      problems.push(problem(`${where}: requiredFields must be a list of field names`));
      continue;
    }
    if (p.script !== undefined && (typeof p.script !== 'string' || p.script === '')) {
      problems.push(problem(`${where}: script must be a path`));
      continue;
    }
    const timeout = p.timeoutSeconds;
    if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 1)) {
      problems.push(problem(`${where}: timeoutSeconds must be a whole number of seconds ≥ 1`));
      continue;
    }
    products[name] = {
      requiredFields: required as string[],
      script: p.script === undefined ? undefined : path.resolve(path.dirname(file), p.script),
      timeoutSeconds: timeout,
    };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return products;
}

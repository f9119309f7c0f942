import type { Product } from '../load-products';

export const NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
export const MAX_FIELD_BYTES = 4096;
export const MAX_METADATA_FIELDS = 100;

/** The fields every upload has; they are not metadata. */
export const BASE_FIELDS = ['product', 'version', 'md5', 'sha256'] as const;
/** release.env keys (after RELEASE_) written by the service itself. */
export const BASE_KEYS = ['PRODUCT', 'VERSION', 'MD5', 'SHA256', 'SIZE', 'FILE'] as const;
/** C0 controls (newline, CR, tab, NUL, ESC, ...), DEL and C1 controls: never accepted in a value. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The release.env (and script environment) name of a field: RELEASE_ + the name upper-cased. */
export function envKey(name: string): string {
  return `RELEASE_${name.toUpperCase()}`;
}

export interface FieldProblem {
  field: string;
  problem: string;
}

export interface ReleaseFields {
  product: string;
  version: string;
  /** Lower-case hex. */
  md5: string;
  sha256?: string;
  /** Metadata fields in the order they were sent, names as sent. */
  metadata: [string, string][];
}

export interface ReceivedField {
  name: string;
  value: string;
  /** The value was longer than MAX_FIELD_BYTES (busboy cut it). */
  truncated: boolean;
}

/**
 * Checks the fields received before the file part against SPEC and the
 * product's required fields. Returns every problem at once.
 */
export function validateFields(
  received: ReceivedField[],
  product: Product | undefined,
): { fields?: ReleaseFields; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const base: Record<string, string> = {};
  const metadata: [string, string][] = [];
  const seenKeys = new Map<string, string>();
  const seenNames = new Set<string>();

  for (const { name, value, truncated } of received) {
    if (seenNames.has(name)) {
      problems.push({ field: name, problem: 'sent more than once' });
      continue;
    }
    seenNames.add(name);
    if (truncated) {
      problems.push({ field: name, problem: `value is longer than ${MAX_FIELD_BYTES} bytes` });
      continue;
    }
    if ((BASE_FIELDS as readonly string[]).includes(name)) {
      base[name] = value;
      continue;
    }
    if (!FIELD_NAME.test(name)) {
      problems.push({ field: name, problem: 'field names must match [A-Za-z][A-Za-z0-9_]{0,63}' });
      continue;
    }
    const key = name.toUpperCase();
    if ((BASE_KEYS as readonly string[]).includes(key)) {
      problems.push({ field: name, problem: `reserved: release.env already has ${envKey(name)}` });
      continue;
    }
    const other = seenKeys.get(key);
    if (other !== undefined) {
      problems.push({ field: name, problem: `same release.env key ${envKey(name)} as field "${other}"` });
      continue;
    }
    seenKeys.set(key, name);
    const control = CONTROL.exec(value);
    if (control) {
      const code = control[0].charCodeAt(0).toString(16).padStart(2, '0');
      problems.push({
        field: name,
        problem: `value contains a control character (U+00${code.toUpperCase()} at offset ${control.index}): only printable text is accepted`,
      });
      continue;
    }
    metadata.push([name, value]);
  }

  if (metadata.length > MAX_METADATA_FIELDS) {
    problems.push({
      field: '(metadata)',
      problem: `${metadata.length} fields; at most ${MAX_METADATA_FIELDS}`,
    });
  }
  for (const name of ['product', 'version'] as const) {
    const v = base[name];
    if (v === undefined || v === '') problems.push({ field: name, problem: 'missing' });
    else if (!NAME.test(v))
      problems.push({ field: name, problem: 'must match [A-Za-z0-9][A-Za-z0-9._+-]{0,63}' });
  }
  if (base.md5 === undefined || base.md5 === '') problems.push({ field: 'md5', problem: 'missing' });
  else if (!/^[0-9a-fA-F]{32}$/.test(base.md5))
    problems.push({ field: 'md5', problem: 'must be 32 hex digits' });
  if (base.sha256 !== undefined && !/^[0-9a-fA-F]{64}$/.test(base.sha256)) {
    problems.push({ field: 'sha256', problem: 'must be 64 hex digits' });
  }
  for (const required of product?.requiredFields ?? []) {
    const found = metadata.find(([n]) => n === required);
    if (!found || found[1] === '') problems.push({ field: required, problem: 'required for this product' });
  }

  if (problems.length > 0) return { problems };
  return {
    problems,
    fields: {
      product: base.product!,
      version: base.version!,
      md5: base.md5!.toLowerCase(),
      sha256: base.sha256?.toLowerCase(),
      metadata,
    },
  };
}

import { PermanentError } from '@devops/errors';

/** Small readers for Freshdesk's JSON: blank fields arrive as null ("Blank fields are included as null"). */
export type Json = Record<string, unknown>;

export function asObject(value: unknown, what: string): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new PermanentError(`Freshdesk answered with something that is not ${what} (check FRESHDESK_URL)`);
  }
  return value as Json;
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function requireId(obj: Json, what: string): number {
  const id = num(obj.id);
  if (id === null) throw new PermanentError(`Freshdesk answered with ${what} that has no numeric id`);
  return id;
}

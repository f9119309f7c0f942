const ISO = /(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?/;
const GO_LOG = /(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)/;

/**
 * The time a line prefix carries, when it carries one we can read without
 * guessing: RFC 3339 / ISO 8601 (`2024-05-01T12:00:00.123Z`) or Go's log
 * package (`2024/05/01 12:00:00`). Times without a zone are read as UTC.
 */
export function parseLoggedAt(prefix: string): Date | null {
  let text: string | null = null;
  const iso = ISO.exec(prefix);
  if (iso) text = `${iso[1]}T${iso[2]!.slice(0, 12)}${normaliseZone(iso[3])}`;
  const go = iso ? null : GO_LOG.exec(prefix);
  if (go) text = `${go[1]}-${go[2]}-${go[3]}T${go[4]!.slice(0, 12)}Z`;
  if (!text) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

function normaliseZone(zone: string | undefined): string {
  if (!zone) return 'Z';
  if (zone === 'Z') return zone;
  return zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
}

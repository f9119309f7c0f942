import type { ReleaseSummary } from '../releases/listing/summarize-release';

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes / 1024;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return `${n.toFixed(1)} ${units[unit]}`;
}

function scriptResult(r: ReleaseSummary): string {
  if (!r.script) return r.status === 'script-running' ? 'running' : '-';
  const took = `${(r.script.durationMs / 1000).toFixed(1)} s`;
  if (r.script.timedOut) return `timed out after ${took}`;
  if (r.script.exitCode === null) return `killed (${r.script.signal ?? 'signal'}) after ${took}`;
  return `exit ${r.script.exitCode} in ${took}`;
}

/** The releases as an aligned text table, one line each, newest first as given. */
export function formatReleaseTable(releases: ReleaseSummary[]): string {
  const rows = [
    ['PRODUCT', 'VERSION', 'PUBLISHED', 'SIZE', 'STATUS', 'SCRIPT', 'MD5'],
    ...releases.map((r) => [
      r.product,
      r.version,
      r.publishedAt.replace(/\.\d+Z$/, 'Z'),
      size(r.size),
      r.status,
      scriptResult(r),
      r.md5,
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

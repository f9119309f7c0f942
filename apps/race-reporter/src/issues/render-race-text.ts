import type { RaceGroup } from '../run/race-group';
import { batchMarker, fingerprintMarker } from './race-marker';

/** GitLab refuses notes and descriptions over 1,000,000 characters; stay well below. */
export const TEXT_LIMIT = 900_000;
/** The verbatim report is cut to this many characters (stacks can be very deep). */
const REPORT_LIMIT = 60_000;
const FILES_LISTED = 20;

export interface RenderContext {
  host: string;
  now: Date;
  batch: string;
}

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** The report in a code block, cut (and saying so) when it is too long. */
export function renderReport(group: RaceGroup, limit = REPORT_LIMIT): string {
  let text = group.report.lines.join('\n');
  const notes: string[] = [];
  if (group.report.droppedLines > 0) notes.push(`${group.report.droppedLines} more line(s) not kept`);
  if (text.length > limit) {
    const cut = text.lastIndexOf('\n', limit);
    const keep = cut > 0 ? cut : limit;
    notes.push(`cut after ${keep} of ${text.length} characters`);
    text = text.slice(0, keep);
  }
  const f = fence(text);
  const where = `\`${group.report.path}\` line ${group.report.line}`;
  const truncated =
    notes.length > 0 ? `\n\n_Report truncated (${notes.join('; ')}): the full text is in ${where}._` : '';
  return `${f}text\n${text}\n${f}${truncated}`;
}

function renderFiles(group: RaceGroup): string {
  const shown = group.files
    .slice(0, FILES_LISTED)
    .map((f) => `  - \`${f.path}\`: ${f.count} (first at line ${f.firstLine})`);
  const more =
    group.files.length > FILES_LISTED ? [`  - … and ${group.files.length - FILES_LISTED} more file(s)`] : [];
  return [...shown, ...more].join('\n');
}

function renderAccesses(group: RaceGroup): string {
  return group.accesses
    .slice(0, 2)
    .map((a) => {
      const top = a.frames[0];
      const at = top?.file ? ` at \`${top.file}:${top.line}\`` : '';
      return `  - ${a.kind} by ${a.by}: \`${top?.function ?? '[failed to restore the stack]'}\`${at}`;
    })
    .join('\n');
}

function seen(group: RaceGroup, ctx: RenderContext): string {
  return (
    `- Seen: ${group.occurrences} time(s) on host \`${ctx.host}\`, first ${group.firstSeen.toISOString()}, ` +
    `last ${group.lastSeen.toISOString()}`
  );
}

/** Shortens the report until the whole text fits under TEXT_LIMIT. */
function fit(build: (reportLimit: number) => string): string {
  let limit = REPORT_LIMIT;
  let text = build(limit);
  while (text.length > TEXT_LIMIT && limit > 1000) {
    limit = Math.floor(limit / 2);
    text = build(limit);
  }
  return text.length > TEXT_LIMIT ? `${text.slice(0, TEXT_LIMIT)}\n\n_Text truncated._` : text;
}

/** The new issue's description: the first report verbatim, host, file, counts, and the hidden markers. */
export function renderIssueDescription(group: RaceGroup, ctx: RenderContext): string {
  return fit((limit) =>
    [
      `The Go race detector reported a data race in \`${group.function}\`.`,
      '',
      `- Accesses:\n${renderAccesses(group)}`,
      seen(group, ctx),
      `- Files:\n${renderFiles(group)}`,
      `- Fingerprint: \`${group.fingerprint}\` (both accesses' functions; the same race on any host or run has the same one)`,
      '',
      `First report (\`${group.report.path}\` line ${group.report.line}, host \`${ctx.host}\`):`,
      '',
      renderReport(group, limit),
      '',
      `_Filed by race-reporter on ${ctx.now.toISOString()}. Later runs comment here; keep the hidden marker below when editing._`,
      '',
      fingerprintMarker(group.fingerprint),
      batchMarker(ctx.batch),
    ].join('\n'),
  );
}

/** The once-per-run comment on an existing issue: count, hosts, first and last seen, one report. */
export function renderRaceComment(group: RaceGroup, ctx: RenderContext & { reopened: boolean }): string {
  return fit((limit) =>
    [
      ctx.reopened
        ? `This race happened again after the issue was closed, so it was reopened.`
        : `This race happened again.`,
      '',
      seen(group, ctx),
      `- Files:\n${renderFiles(group)}`,
      '',
      `One report (\`${group.report.path}\` line ${group.report.line}, host \`${ctx.host}\`):`,
      '',
      renderReport(group, limit),
      '',
      fingerprintMarker(group.fingerprint),
      batchMarker(ctx.batch),
    ].join('\n'),
  );
}

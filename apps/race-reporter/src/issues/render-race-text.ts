import { codeBlock, escapeText, inlineCode } from '@devops/safe-text';
import type { RaceGroup } from '../run/race-group';
import { ownMarkers } from './race-marker';

/** GitLab refuses notes over 1,000,000 characters (descriptions over 1,048,576); stay well below. */
export const TEXT_LIMIT = 900_000;
/** The verbatim report is cut to this many characters in the full form (stacks can be very deep). */
const REPORT_LIMIT = 60_000;
/** ... and to this many in the short form, filed when GitLab refuses the full one. */
const SHORT_REPORT_LIMIT = 4096;
const FILES_LISTED = 20;

/**
 * How much of the race a text carries: `full` first; `short` (report cut to 4 KiB, 5 files) when
 * GitLab refused the full text; `minimal` (no report text at all, the refusal said) when it refused
 * that too.
 */
export type TextForm = 'full' | 'short' | 'minimal';

export interface RenderContext {
  host: string;
  now: Date;
  batch: string;
  form?: TextForm;
  /** Why GitLab refused the longer form (shown in the shorter ones). */
  refusal?: string;
}

/** Control characters (tab and newline aside) become U+FFFD: GitLab stores text, not bytes. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\uFFFD');
}

function code(text: string): string {
  return inlineCode(printable(text));
}

function where(group: RaceGroup): string {
  return `${code(group.report.path)} line ${group.report.line}`;
}

/** The report in a code block, cut (and saying so) when it is too long. */
export function renderReport(group: RaceGroup, limit = REPORT_LIMIT): string {
  let text = printable(group.report.lines.join('\n'));
  const notes: string[] = [];
  if (group.report.droppedLines > 0)
    notes.push(`${group.report.droppedLines} more line(s) not kept (a report keeps at most 256 KiB)`);
  if (group.report.cutLines > 0)
    notes.push(`${group.report.cutLines} line(s) longer than 4 KiB cut (marked "line cut")`);
  if (text.length > limit) {
    const cut = text.lastIndexOf('\n', limit);
    const keep = cut > 0 ? cut : limit;
    notes.push(`cut after ${keep} of ${text.length} characters`);
    text = text.slice(0, keep);
  }
  const truncated =
    notes.length > 0
      ? `\n\n_Report truncated (${notes.join('; ')}): the full text is in ${where(group)}._`
      : '';
  return `${codeBlock(text, 'text')}${truncated}`;
}

function renderFiles(group: RaceGroup, listed: number): string {
  const shown = group.files
    .slice(0, listed)
    .map((f) => `  - ${code(f.path)}: ${f.count} (first at line ${f.firstLine})`);
  const more = group.files.length > listed ? [`  - … and ${group.files.length - listed} more file(s)`] : [];
  return [...shown, ...more].join('\n');
}

function renderAccesses(group: RaceGroup): string {
  return group.accesses
    .slice(0, 2)
    .map((a) => {
      const top = a.frames[0];
      const at = top?.file ? ` at ${code(`${top.file}:${top.line}`)}` : '';
      const fn = top ? code(top.function) : '\\[failed to restore the stack\\]';
      return `  - ${escapeText(printable(`${a.kind} by ${a.by}`))}: ${fn}${at}`;
    })
    .join('\n');
}

function seen(group: RaceGroup, ctx: RenderContext): string {
  return (
    `- Seen: ${group.occurrences} time(s) on host ${code(ctx.host)}, first ${group.firstSeen.toISOString()}, ` +
    `last ${group.lastSeen.toISOString()}`
  );
}

/** The report part of a text in the given form. */
function reportPart(group: RaceGroup, ctx: RenderContext, limit: number): string {
  const form = ctx.form ?? 'full';
  const refused = ctx.refusal ? ` (${escapeText(printable(ctx.refusal))})` : '';
  if (form === 'minimal')
    return `_GitLab refused the report text${refused}; it is in ${where(group)} on host ${code(ctx.host)}._`;
  const intro =
    form === 'short' ? `_GitLab refused the full text${refused}; this is a shortened form._\n\n` : '';
  return `${intro}${renderReport(group, form === 'short' ? Math.min(limit, SHORT_REPORT_LIMIT) : limit)}`;
}

/** Shortens the report until the whole text fits under TEXT_LIMIT. */
function fit(build: (reportLimit: number) => string): string {
  let limit = REPORT_LIMIT;
  let text = build(limit);
  while (text.length > TEXT_LIMIT && limit > 1000) {
    limit = Math.floor(limit / 2);
    text = build(limit);
  }
  return text;
}

/** The new issue's description: the first report verbatim, host, file, counts, then the hidden markers. */
export function renderIssueDescription(group: RaceGroup, ctx: RenderContext): string {
  const listed = ctx.form === 'full' || !ctx.form ? FILES_LISTED : 5;
  return fit((limit) =>
    [
      `The Go race detector reported a data race in ${code(group.function)}.`,
      '',
      `- Accesses:\n${renderAccesses(group)}`,
      seen(group, ctx),
      `- Files:\n${renderFiles(group, listed)}`,
      `- Fingerprint: \`${group.fingerprint}\` (both accesses' functions; the same race on any host or run has the same one)`,
      '',
      `First report (${where(group)}, host ${code(ctx.host)}):`,
      '',
      reportPart(group, ctx, limit),
      '',
      `_Filed by race-reporter on ${ctx.now.toISOString()}. Later runs comment here; keep the hidden marker on the last line when editing._`,
      '',
      ownMarkers(group.fingerprint, ctx.batch),
    ].join('\n'),
  );
}

/** The once-per-run comment on an existing issue: count, hosts, first and last seen, one report. */
export function renderRaceComment(group: RaceGroup, ctx: RenderContext & { reopened: boolean }): string {
  const listed = ctx.form === 'full' || !ctx.form ? FILES_LISTED : 5;
  return fit((limit) =>
    [
      ctx.reopened
        ? `This race happened again after the issue was closed, so it was reopened.`
        : `This race happened again.`,
      '',
      seen(group, ctx),
      `- Files:\n${renderFiles(group, listed)}`,
      '',
      `One report (${where(group)}, host ${code(ctx.host)}):`,
      '',
      reportPart(group, ctx, limit),
      '',
      ownMarkers(group.fingerprint, ctx.batch),
    ].join('\n'),
  );
}

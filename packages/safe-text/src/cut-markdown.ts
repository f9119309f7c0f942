const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})([^]*)$/;

/**
 * Markdown cut to at most about `maxChars`, still balanced: the cut falls on
 * a line break when there is one (so no code span, entity or escape is split),
 * and a fenced code block left open by the cut is closed with its own fence,
 * so nothing after the cut (and nothing GitLab's quick-action extractor reads
 * after an open fence) leaves the block. The closing fence may add a few
 * characters beyond `maxChars` (at most the opening fence's length + 1).
 * Meant for text escaped by this package, whose fences are its own.
 */
export function cutMarkdown(markdown: string, maxChars: number): string {
  if (markdown.length <= maxChars) return markdown;
  let end = markdown.lastIndexOf('\n', maxChars);
  if (end <= 0) {
    end = maxChars;
    const code = markdown.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1; // keep a surrogate pair whole
  }
  const kept = markdown.slice(0, end);
  const fence = openFenceAtEnd(kept);
  return fence ? `${kept}\n${fence}` : kept;
}

/** The fence of the code block still open at the end of `text`, if any. */
function openFenceAtEnd(text: string): string | undefined {
  let open: string | undefined;
  let close: RegExp | undefined;
  for (const line of text.split('\n')) {
    if (open) {
      if (close!.test(line)) open = undefined;
      continue;
    }
    const m = FENCE_OPEN.exec(line);
    if (m && !(m[1]!.startsWith('`') && m[2]!.includes('`'))) {
      open = m[1]!;
      close = new RegExp(`^ {0,3}${open[0] === '`' ? '`' : '~'}{${open.length},}[ \\t]*$`);
    }
  }
  return open;
}

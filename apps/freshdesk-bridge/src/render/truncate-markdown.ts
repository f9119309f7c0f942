import { cutMarkdown } from '@devops/safe-text';

/** GitLab refuses descriptions and notes over 1,000,000 characters; stay well below. */
export const MAX_TEXT_CHARS = 900_000;

/**
 * The text, cut with a pointer to the original when it is too long for GitLab.
 * The cut happens on escaped text, so it re-balances what it cuts (`cutMarkdown`:
 * on a line break, an open code block closed): a `<pre>` holding `/close`
 * cut in the middle stays a code block, and no quick action follows it.
 */
export function truncateMarkdown(text: string, originalUrl: string, max = MAX_TEXT_CHARS): string {
  if (text.length <= max) return text;
  const tail = `\n\n… (cut: too long for GitLab; read the rest in [Freshdesk](${originalUrl}))`;
  // room for the closing fence cutMarkdown may add
  const room = max - tail.length - 1 - Math.min(longestFence(text), 1000);
  return cutMarkdown(text, room) + tail;
}

function longestFence(text: string): number {
  let longest = 0;
  for (const m of text.matchAll(/^ {0,3}(`{3,}|~{3,})/gm)) longest = Math.max(longest, m[1]!.length);
  return longest;
}

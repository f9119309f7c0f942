/** GitLab refuses descriptions and notes over 1,000,000 characters; stay well below. */
export const MAX_TEXT_CHARS = 900_000;

/** The text, cut with a pointer to the original when it is too long for GitLab. */
export function truncateMarkdown(text: string, originalUrl: string, max = MAX_TEXT_CHARS): string {
  if (text.length <= max) return text;
  const tail = `\n\n… (cut: too long for GitLab; read the rest in [Freshdesk](${originalUrl}))`;
  return text.slice(0, max - tail.length) + tail;
}

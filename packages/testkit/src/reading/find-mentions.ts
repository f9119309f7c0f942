import { RUBY_WORD } from './ruby-regex';

/**
 * `Gitlab::PathRegex::NAMESPACE_FORMAT_REGEX`: a path segment of a user or
 * group, not ending in `.git` or `.atom`. (Newer GitLab caps a segment at 40
 * characters and a path at 21 segments; a longer name still matches its
 * first 40 characters, so whether a mention exists is the same.)
 */
const NAMESPACE = '(?:[a-zA-Z0-9_.][a-zA-Z0-9_\\-.]*[a-zA-Z0-9_\\-]|[a-zA-Z0-9_])(?<!\\.git|\\.atom)';
const FULL_NAMESPACE = `(?:${NAMESPACE}\\/)*${NAMESPACE}`;

/**
 * `User.reference_pattern`: `(?<!\w)@(?<user>FULL_NAMESPACE_FORMAT_REGEX)`,
 * with Ruby's ASCII `\w`: `café@all` mentions `@all`, `user@example.com` does
 * not. `@all` is the same pattern (the filter looks `all` up specially).
 */
export const USER_REFERENCE = new RegExp(`(?<!${RUBY_WORD})@(?<user>${FULL_NAMESPACE})`, 'g');
const WHOLE_REFERENCE = new RegExp(`^@(?<user>${FULL_NAMESPACE})$`);

/**
 * The users and groups GitLab's UserReferenceFilter would mention, given the
 * text nodes outside `pre`, `code`, `a` and `style` (each node on its own: the
 * look-behind does not see into the previous node) and the links: a link whose
 * (unescaped) target is itself a reference (`[click](@security-team)`) is
 * turned into one (`AbstractReferenceFilter#yield_valid_link`).
 */
export function findMentions(textNodes: string[], linkTargets: string[]): string[] {
  const found: string[] = [];
  for (const node of textNodes) for (const m of node.matchAll(USER_REFERENCE)) found.push(m.groups!.user!);
  for (const href of linkTargets) {
    const m = WHOLE_REFERENCE.exec(unescapeUrl(href));
    if (m) found.push(m.groups!.user!);
  }
  return found;
}

function unescapeUrl(href: string): string {
  try {
    return decodeURIComponent(href.replace(/\+/g, ' '));
  } catch {
    return href;
  }
}

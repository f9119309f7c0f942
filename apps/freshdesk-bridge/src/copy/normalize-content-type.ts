const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const TYPE_SUBTYPE = new RegExp(`^${TOKEN}/${TOKEN}$`);

/**
 * The attachment's content type as `type/subtype` (lower case, parameters
 * dropped), or undefined when what Freshdesk sent is not one (a CRLF, a
 * missing subtype, spaces, anything that could end a multipart header): the
 * upload then goes without one and GitLab decides.
 */
export function normalizeContentType(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const semicolon = value.indexOf(';');
  const essence = (semicolon === -1 ? value : value.slice(0, semicolon)).trim();
  if (/[\r\n]/.test(value) || !TYPE_SUBTYPE.test(essence)) return undefined;
  return essence.toLowerCase();
}

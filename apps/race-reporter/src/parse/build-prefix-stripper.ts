const MARK = 'WARNING: DATA RACE';

/**
 * Learns the shape of the prefix on a `WARNING: DATA RACE` line (a timestamp,
 * a log tag, `368: `) and returns a function stripping that shape from the
 * report's other lines. Digit runs may differ from line to line (timestamps
 * tick), inner blanks may widen (padded pids); letters and punctuation must
 * match; the prefix's trailing blank must match exactly, so a frame's own
 * indentation survives. A line without the prefix is kept as it is.
 */
export function buildPrefixStripper(warningLine: string): {
  prefix: string;
  strip: (line: string) => string;
} {
  const at = warningLine.indexOf(MARK);
  const prefix = at > 0 ? warningLine.slice(0, at) : '';
  if (prefix === '') return { prefix, strip: (line) => line };
  const trailing = /[ \t]*$/.exec(prefix)![0];
  const body = prefix.slice(0, prefix.length - trailing.length);
  const pattern = body
    .split(/(\d+|[ \t]+)/)
    .filter((t) => t !== '')
    .map((t) => (/^\d+$/.test(t) ? '\\d+' : /^[ \t]+$/.test(t) ? '[ \\t]+' : escape(t)))
    .join('');
  const shape = new RegExp(`^${pattern}${escape(trailing)}`);
  return {
    prefix,
    strip(line) {
      if (line.startsWith(prefix)) return line.slice(prefix.length);
      const m = shape.exec(line);
      return m ? line.slice(m[0].length) : line;
    },
  };
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The module path declared by a go.mod file, or null when it has none.
 * Accepts `module example.com/lib`, quoted forms (`"..."`, `` `...` ``),
 * `//` comments and CRLF line endings.
 */
export function parseGoModulePath(goMod: string): string | null {
  for (const raw of goMod.split(/\r?\n/)) {
    const line = stripComment(raw).trim();
    const m = /^module\s+(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+))$/.exec(line);
    if (m) return m[1] ?? m[2] ?? m[3] ?? null;
  }
  return null;
}

function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === '`') quote = c;
    else if (c === '/' && line[i + 1] === '/') return line.slice(0, i);
  }
  return line;
}

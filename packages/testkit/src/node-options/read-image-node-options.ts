import fs from 'node:fs';

/** The value a Dockerfile's `ENV NODE_OPTIONS=...` line sets (quotes removed), or undefined without one. */
export function readImageNodeOptions(dockerfile: string): string | undefined {
  const text = fs.readFileSync(dockerfile, 'utf8');
  return /^ENV\s+NODE_OPTIONS=("?)([^"\n]*)\1\s*$/m.exec(text)?.[2];
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestHandler } from 'express';

/** src/userscript/escalate.user.js (copied next to the compiled code by the build). */
export const USERSCRIPT_FILE = path.join(__dirname, '..', 'userscript', 'escalate.user.js');

const INCLUDE = /^( *)\/\/ @@include ([\w.-]+\.part\.js)$/gm;
/** Notes about how the file is put together, for its readers in the repository, not for the agents' browsers. */
const BUILD_NOTE = /^ *\/\/ build: .*\n/gm;

/**
 * The userscript as one file, as a userscript manager installs it: each
 * `// @@include <name>.part.js` line of `file` replaced by that part (a file
 * beside it: the API key, the calls to the bridge, the ticket panel), indented
 * as the line was, and its `// build:` notes dropped. A missing part throws, naming it.
 */
export function readUserscript(file = USERSCRIPT_FILE): string {
  const whole = readFileSync(file, 'utf8').replace(INCLUDE, (_line, indent: string, name: string) => {
    const part = readFileSync(path.join(path.dirname(file), name), 'utf8').trimEnd();
    return part
      .split('\n')
      .map((l) => (l ? indent + l : l))
      .join('\n');
  });
  return whole.replace(BUILD_NOTE, '');
}

/**
 * The userscript with this bridge's public URL (header and code) and the
 * configured Freshdesk's host name (its only `@match`) filled in.
 */
export function renderUserscript(template: string, publicUrl: string, freshdeskUrl: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  const host = new URL(base).hostname;
  const freshdeskHost = new URL(freshdeskUrl).hostname;
  return template
    .replace(/__FRESHDESK_HOST__/g, () => freshdeskHost)
    .replace(/__BRIDGE_URL_LITERAL__/g, () => JSON.stringify(base))
    .replace(/__BRIDGE_PUBLIC_URL__/g, () => base)
    .replace(/__BRIDGE_HOST__/g, () => host);
}

/** GET /userscript.user.js: no API key needed; the key is asked for in the browser. */
export function serveUserscript(
  publicUrl: string,
  freshdeskUrl: string,
  file = USERSCRIPT_FILE,
): RequestHandler {
  const body = renderUserscript(readUserscript(file), publicUrl, freshdeskUrl);
  return (_req, res) => {
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.send(body);
  };
}

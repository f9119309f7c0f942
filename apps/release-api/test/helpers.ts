import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import zlib from 'node:zlib';
import { tempDir } from '@devops/testkit';
import { listen, type RunningServer } from '@devops/http-service';
import { createLogger } from '@devops/logger';
import { createApp } from '../src/app';

export const SECRET = 'test-shared-secret-7f3a9c';

export interface TestServer {
  url: string;
  port: number;
  dir: string;
  /** Everything the server logged so far. */
  logs(): string;
  running: RunningServer;
  close(): Promise<void>;
}

export async function startServer(
  opts: {
    dir?: string;
    products?: unknown;
    maxBytes?: number;
    scriptTimeout?: number;
    killGraceMs?: number;
    idleTimeout?: number;
    maxUnverified?: number;
    now?: () => Date;
    databaseUrl?: string;
  } = {},
): Promise<TestServer> {
  const dir = opts.dir ?? tempDir('rel');
  let productsFile: string | undefined;
  if (opts.products !== undefined) {
    productsFile = path.join(tempDir('products'), 'products.json');
    fs.writeFileSync(productsFile, JSON.stringify(opts.products));
  }
  const captured: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => captured.push(c));
  const log = createLogger({ service: 'release-api', level: 'debug', secrets: [SECRET], stream });
  const service = createApp({
    config: {
      PORT: 0,
      HOST: '127.0.0.1',
      SHUTDOWN_DELAY: 0,
      RELEASE_SHARED_SECRET: SECRET,
      RELEASE_DIR: dir,
      RELEASE_PRODUCTS_FILE: productsFile,
      RELEASE_MAX_BYTES: opts.maxBytes ?? 100 * 1024 * 1024,
      RELEASE_SCRIPT_TIMEOUT: opts.scriptTimeout ?? 30,
      RELEASE_IDLE_TIMEOUT: opts.idleTimeout ?? 30,
      RELEASE_MAX_UNVERIFIED: opts.maxUnverified ?? 16,
      RELEASE_SCRIPT_ENV: [],
      DATABASE_URL: opts.databaseUrl,
    },
    log,
    scriptEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    killGraceMs: opts.killGraceMs ?? 500,
    now: opts.now,
  });
  await service.start();
  const running = await listen(service.app, {
    port: 0,
    host: '127.0.0.1',
    log,
    graceMs: 5000,
    idleTimeoutMs: (opts.idleTimeout ?? 30) * 1000,
  });
  return {
    url: running.url,
    port: Number(new URL(running.url).port),
    dir,
    logs: () => Buffer.concat(captured).toString('utf8'),
    running,
    close: async () => {
      await running.close();
      await service.stop();
    },
  };
}

/** Random bytes wrapped in a real gzip stream (stored blocks: fast, and incompressible data stays that size). */
export function gzipData(size: number): Buffer {
  return zlib.gzipSync(randomBytes(size), { level: 0 });
}

export const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export type Part = { name: string; value: string } | { name: string; filename: string; data: Buffer };

export function multipart(parts: Part[], boundary = `b${randomBytes(8).toString('hex')}`) {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ('value' in p) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n`));
      chunks.push(Buffer.from(p.value, 'utf8'));
    } else {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: application/gzip\r\n\r\n`,
        ),
      );
      chunks.push(p.data);
    }
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The usual parts of a valid upload: secret field, product, version, md5, extra fields, then the file. */
export function releaseParts(
  data: Buffer,
  opts: {
    product?: string;
    version?: string;
    md5?: string;
    secret?: string | null;
    fields?: [string, string][];
  } = {},
): Part[] {
  const parts: Part[] = [];
  if (opts.secret !== null) parts.push({ name: 'secret', value: opts.secret ?? SECRET });
  parts.push({ name: 'product', value: opts.product ?? 'app' });
  parts.push({ name: 'version', value: opts.version ?? '1.0.0' });
  parts.push({ name: 'md5', value: opts.md5 ?? md5(data) });
  for (const [name, value] of opts.fields ?? []) parts.push({ name, value });
  parts.push({ name: 'file', filename: 'app.tgz', data });
  return parts;
}

export interface Reply {
  status: number;
  json: Record<string, unknown>;
  text: string;
  headers: http.IncomingHttpHeaders;
}

export function post(
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  pathname = '/releases',
  withLength = true,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let replied = false;
    const req = http.request(`${url}${pathname}`, {
      method: 'POST',
      headers: withLength ? { 'Content-Length': String(body.length), ...headers } : headers,
    });
    req.on('response', (res) => {
      replied = true;
      readReply(res, resolve);
    });
    req.on('error', (err) => {
      if (!replied) reject(err);
    });
    req.end(body);
  });
}

/** Reads a response whole: its status, text, JSON body (empty when not JSON) and headers. */
function readReply(res: http.IncomingMessage, resolve: (reply: Reply) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON
    }
    resolve({ status: res.statusCode ?? 0, json, text, headers: res.headers });
  });
}

export function get(url: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http.get(url, { headers }, (res) => readReply(res, resolve)).on('error', reject);
  });
}

/** A clock that ticks one minute per call, from 2026-01-01: publish times in upload order. */
export function tickingClock(): () => Date {
  let minutes = 0;
  return () => new Date(Date.UTC(2026, 0, 1, 0, minutes++));
}

export function upload(url: string, parts: Part[], headers: Record<string, string> = {}): Promise<Reply> {
  const { body, contentType } = multipart(parts);
  return post(url, body, { 'Content-Type': contentType, ...headers });
}

/** Every file and folder under `dir` (relative), except the empty bookkeeping folders .tmp and .locks. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        const inside = fs.readdirSync(path.join(dir, r));
        if ((r === '.tmp' || r === '.locks') && inside.length === 0) continue;
        out.push(`${r}/`);
        walk(r);
      } else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** Writes an executable script and returns its path. */
export function writeScript(body: string): string {
  const file = path.join(tempDir('script'), 'release.sh');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

export const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether a process runs (a zombie nobody reaped does not count). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

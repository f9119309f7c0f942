import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import busboy from 'busboy';
import type { Logger } from '@devops/logger';
import { bearerToken, secretMatches } from './check-secret';
import { formatReleaseEnv } from './format-release-env';
import type { Product, Products } from './load-products';
import { lockRelease } from './lock-release';
import { NotGzipError, receiveFile, type ReceivedFile } from './receive-file';
import { badRequest, conflict, tooLarge, unauthorized, unknownProduct, type Outcome } from './refusals';
import { readReleaseRecord, versionDir, type ReleaseRecord } from './release-record';
import type { ReleaseMetrics } from './release-metrics';
import { releaseEnvEntries } from './publish-release';
import { MAX_FIELD_BYTES, validateFields, type ReceivedField, type ReleaseFields } from './validate-fields';

/** Room for the multipart framing and up to 100 fields of 4 KiB on top of the artifact. */
export const FIELDS_ALLOWANCE = 1024 * 1024;
const STREAM_HIGH_WATER_MARK = 256 * 1024;

export interface ReceiveDeps {
  secret: string;
  releaseDir: string;
  maxBytes: number;
  products: Products | undefined;
  metrics: ReleaseMetrics;
  log: Logger;
  collectYoung?: () => void;
}

/** What a fully received upload carries on to publishing. */
export interface Received {
  kind: 'received';
  fields: ReleaseFields;
  product: Product | undefined;
  /** new: stored in stagingDir; existing: already published with this md5; rerun: stored, its script failed. */
  mode: 'new' | 'existing' | 'rerun';
  existing?: ReleaseRecord;
  file: ReceivedFile;
}

export type Decision = Received | { kind: 'refused'; outcome: Outcome } | { kind: 'aborted'; reason: string };

export interface Upload {
  decision: Promise<Decision>;
  /** Stops reading the body and whatever is in progress; resolves once temporary files are gone. */
  stop(): Promise<void>;
  /** The staging folder (inside RELEASE_DIR/.tmp) of a 'new' upload. */
  stagingDir(): string | undefined;
  /** Releases the product+version lock, if taken. */
  unlock(): Promise<void>;
}

/** Name of a staging folder: host and pid let a restarted service remove its own leftovers. */
export function stagingName(): string {
  return `${os.hostname()}-${process.pid}-${randomUUID()}`;
}

/**
 * Reads a `POST /releases` body with busboy and decides, while it streams:
 * the secret before any file byte, the fields, the product, the lock, the
 * existing release; then streams the file into RELEASE_DIR/.tmp/<name>/
 * hashing it in the same pass. Resolves with the first decisive result:
 * a refusal (at once, the rest of the body unread), an aborted client, or the
 * received file once the whole body has been read.
 */
export function receiveUpload(req: IncomingMessage, deps: ReceiveDeps): Upload {
  const controller = new AbortController();
  let bb: busboy.Busboy | undefined;
  let fileTask: Promise<void> = Promise.resolve();
  let staging: string | undefined;
  let releaseLock: (() => Promise<void>) | undefined;
  let done = false;
  let settleDecision!: (d: Decision) => void;
  const decision = new Promise<Decision>((resolve) => {
    settleDecision = resolve;
  });
  const settle = (d: Decision) => {
    if (done) return;
    done = true;
    if (d.kind !== 'received') controller.abort();
    settleDecision(d);
  };
  const refuse = (outcome: Outcome) => settle({ kind: 'refused', outcome });

  const upload: Upload = {
    decision,
    async stop() {
      controller.abort();
      if (bb) req.unpipe(bb);
      req.resume();
      await fileTask;
      if (staging) await fs.rm(staging, { recursive: true, force: true });
    },
    stagingDir: () => staging,
    async unlock() {
      await fileTask;
      const release = releaseLock;
      releaseLock = undefined;
      if (release) await release();
    },
  };

  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    refuse(badRequest('the body must be multipart/form-data'));
    return upload;
  }
  const length = Number(req.headers['content-length']);
  if (Number.isFinite(length) && length > deps.maxBytes + FIELDS_ALLOWANCE) {
    refuse(tooLarge(deps.maxBytes));
    return upload;
  }
  const bearer = bearerToken(req.headers.authorization);
  if (bearer !== undefined && !secretMatches(bearer, deps.secret)) {
    refuse(unauthorized());
    return upload;
  }
  let authorized = bearer !== undefined;

  try {
    bb = busboy({
      headers: req.headers,
      highWaterMark: STREAM_HIGH_WATER_MARK,
      fileHwm: STREAM_HIGH_WATER_MARK,
      limits: {
        fieldSize: MAX_FIELD_BYTES + 1,
        fieldNameSize: 200,
        fields: 200,
        files: 1,
        parts: 210,
        fileSize: deps.maxBytes,
      },
    });
  } catch (err) {
    refuse(badRequest(`malformed multipart: ${(err as Error).message}`));
    return upload;
  }

  const received: ReceivedField[] = [];
  let fileSeen = false;

  bb.on('field', (name, value, info) => {
    if (done) return;
    if (fileSeen) {
      refuse(
        badRequest(`field "${name}" came after the file part: send every field before the file`, [
          { field: name, problem: 'sent after the file part' },
        ]),
      );
      return;
    }
    if (name === 'secret') {
      if (!authorized) authorized = !info.valueTruncated && secretMatches(value, deps.secret);
      return;
    }
    if (name === 'file') {
      refuse(
        badRequest('"file" must be a file part (with a filename), not a plain field', [
          { field: 'file', problem: 'not a file part' },
        ]),
      );
      return;
    }
    received.push({
      name,
      value,
      truncated: info.valueTruncated || info.nameTruncated || Buffer.byteLength(value) > MAX_FIELD_BYTES,
    });
  });

  bb.on('file', (name, stream) => {
    // Errors of a part we stopped reading must not crash anything; the pipeline reports its own.
    stream.on('error', () => undefined);
    if (done) {
      stream.resume();
      return;
    }
    if (fileSeen) {
      stream.resume();
      refuse(badRequest('only one file part may be sent'));
      return;
    }
    fileSeen = true;
    if (name !== 'file') {
      stream.resume();
      refuse(
        badRequest(`unexpected file part "${name}": the artifact goes in a part named "file"`, [
          { field: name, problem: 'unexpected file part' },
        ]),
      );
      return;
    }
    if (!authorized) {
      stream.resume();
      refuse(unauthorized());
      return;
    }
    fileTask = acceptFile(stream).then(
      (r) => {
        if (r) fileResult = r;
      },
      (err: unknown) => {
        deps.log.error(`storing the upload failed: ${(err as Error).message}`);
        refuse({ status: 500, body: { error: 'could not store the upload' }, result: 'error' });
      },
    );
  });
  let fileResult: Received | undefined;

  async function acceptFile(stream: Readable): Promise<Received | undefined> {
    const first = validateFields(received, undefined);
    if (first.fields && deps.products && !deps.products[first.fields.product]) {
      stream.resume();
      refuse(unknownProduct(first.fields.product));
      return undefined;
    }
    const productConfig = first.fields ? deps.products?.[first.fields.product] : undefined;
    const { fields, problems } = productConfig ? validateFields(received, productConfig) : first;
    const all = [...problems];
    if (fields) {
      const placeholder = { sha256: '0'.repeat(64), size: 0 };
      all.push(...formatReleaseEnv(releaseEnvEntries(fields, placeholder)).problems);
      for (const [name, value] of fields.metadata) {
        if (value.includes(deps.secret))
          all.push({ field: name, problem: 'contains the shared secret, which is never stored' });
      }
    }
    if (!fields || all.length > 0) {
      stream.resume();
      refuse(badRequest('invalid fields', all));
      return undefined;
    }
    const release = await lockRelease(deps.releaseDir, fields.product, fields.version, deps.log);
    if (!release) {
      stream.resume();
      refuse(conflict(`an upload of ${fields.product} ${fields.version} is in progress`));
      return undefined;
    }
    releaseLock = release;
    if (done) return undefined;

    const existing = await readReleaseRecord(versionDir(deps.releaseDir, fields.product, fields.version));
    if (done) return undefined;
    let mode: Received['mode'] = 'new';
    if (existing === 'unreadable') {
      stream.resume();
      refuse(
        conflict(
          `${fields.product} ${fields.version} already exists (its release.json is missing or unreadable)`,
        ),
      );
      return undefined;
    }
    if (existing) {
      if (existing.md5 !== fields.md5 || (fields.sha256 && fields.sha256 !== existing.sha256)) {
        stream.resume();
        refuse(
          conflict(
            `${fields.product} ${fields.version} already exists with other content (md5 ${existing.md5})`,
          ),
        );
        return undefined;
      }
      mode = existing.status === 'published' ? 'existing' : 'rerun';
    }

    let file: string | undefined;
    if (mode === 'new') {
      staging = path.join(deps.releaseDir, '.tmp', stagingName());
      await fs.mkdir(staging, { recursive: true });
      file = path.join(staging, `${fields.product}-${fields.version}.tgz`);
    }
    stream.on('limit', () => refuse(tooLarge(deps.maxBytes)));
    try {
      const result = await receiveFile(stream, {
        file,
        signal: controller.signal,
        onBytes: (n) => deps.metrics.bytes.inc(n),
        collectYoung: deps.collectYoung,
      });
      if ((stream as Readable & { truncated?: boolean }).truncated) {
        refuse(tooLarge(deps.maxBytes));
        return undefined;
      }
      return {
        kind: 'received',
        fields,
        product: productConfig,
        mode,
        existing: existing ?? undefined,
        file: result,
      };
    } catch (err) {
      if (err instanceof NotGzipError)
        refuse(badRequest(err.message, [{ field: 'file', problem: 'not gzip' }]));
      else if (!done) throw err;
      return undefined;
    }
  }

  bb.on('close', () => {
    if (done) return;
    if (!fileSeen) {
      if (!authorized) {
        refuse(unauthorized());
        return;
      }
      const { problems } = validateFields(received, undefined);
      refuse(badRequest('no file part named "file"', [...problems, { field: 'file', problem: 'missing' }]));
      return;
    }
    void fileTask.then(() => {
      if (fileResult) settle(fileResult);
      else if (!done) refuse({ status: 500, body: { error: 'could not store the upload' }, result: 'error' });
    });
  });
  bb.on('error', (err: Error) => refuse(badRequest(`malformed multipart: ${err.message}`)));
  bb.on('partsLimit', () => refuse(badRequest('too many parts')));
  bb.on('filesLimit', () => refuse(badRequest('only one file part may be sent')));
  bb.on('fieldsLimit', () => refuse(badRequest('too many fields (at most 100 metadata fields)')));
  req.on('error', () => undefined);
  req.on('close', () => {
    if (!req.complete)
      settle({ kind: 'aborted', reason: 'the client disconnected before the body was complete' });
  });
  req.pipe(bb);
  return upload;
}

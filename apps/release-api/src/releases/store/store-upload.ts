import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Cleanups } from '../cleanups';
import type { FileStream } from '../receive/read-parts';
import { NotGzipError, receiveFile, type ReceivedFile } from './receive-file';
import { badRequest, tooLarge, UploadRefused } from '../refusals';
import type { ReleaseFields } from '../receive/validate-fields';
import { RELEASE_DIR_MODE } from '../publish/write-release-record';

/** Name of a staging folder: host and pid let a restarted service remove its own leftovers. */
export function stagingName(): string {
  return `${os.hostname()}-${process.pid}-${randomUUID()}`;
}

/**
 * Stage 5 (store): streams the file part into a new staging folder
 * RELEASE_DIR/.tmp/<host>-<pid>-<uuid>/ (removed by `cleanups` unless it was
 * published), hashing it in the same pass; with `hashOnly` (a repeat of a
 * published version) it is only hashed. Past RELEASE_MAX_BYTES it is 413 at
 * once; not gzip, 400. Throws UploadRefused, or the signal's reason.
 */
export async function storeUpload(
  stream: FileStream,
  opts: {
    fields: ReleaseFields;
    hashOnly: boolean;
    releaseDir: string;
    maxBytes: number;
    signal: AbortSignal;
    cleanups: Cleanups;
    onBytes: (n: number) => void;
  },
): Promise<{ file: ReceivedFile; stagingDir?: string }> {
  let stagingDir: string | undefined;
  let target: string | undefined;
  if (!opts.hashOnly) {
    const dir = path.join(opts.releaseDir, '.tmp', stagingName());
    stagingDir = dir;
    opts.cleanups.add(() => fs.rm(dir, { recursive: true, force: true }));
    await fs.mkdir(dir, { recursive: true });
    await fs.chmod(dir, RELEASE_DIR_MODE); // becomes <product>/<version> when published
    target = path.join(dir, `${opts.fields.product}-${opts.fields.version}.tgz`);
  }
  const overLimit = new AbortController();
  stream.once('limit', () => overLimit.abort(new UploadRefused(tooLarge(opts.maxBytes))));

  try {
    const file = await receiveFile(stream, {
      file: target,
      signal: AbortSignal.any([opts.signal, overLimit.signal]),
      onBytes: opts.onBytes,
      // Views of the HTTP parser's chunks that nothing else holds.
      freeChunks: true,
    });
    if (stream.truncated) throw new UploadRefused(tooLarge(opts.maxBytes));
    return { file, stagingDir };
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    if (overLimit.signal.aborted) throw overLimit.signal.reason;
    // The part's own stream fails when the body is malformed (cut short): the client's 400, not our 500.
    const malformed = stream.errored;
    if (malformed) throw new UploadRefused(badRequest(`malformed multipart: ${malformed.message}`));
    if (err instanceof NotGzipError) {
      throw new UploadRefused(badRequest(err.message, [{ field: 'file', problem: 'not gzip' }]));
    }
    throw err;
  }
}

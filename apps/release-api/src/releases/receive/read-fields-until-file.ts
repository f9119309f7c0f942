import { secretMatches } from './check-secret';
import type { FileStream, PartReader } from './read-parts';
import { badRequest, unauthorized, UploadRefused } from '../refusals';
import { MAX_FIELD_BYTES, validateFields, type ReceivedField } from './validate-fields';

/** Bytes of field names and values read before a valid secret has arrived; past it, 401. */
export const UNVERIFIED_FIELD_BUDGET = 64 * 1024;

/**
 * Stage 2 (authorize): reads the fields up to the file part. Before the
 * secret is verified at most UNVERIFIED_FIELD_BUDGET bytes of fields are read
 * and one `secret` field is tried: a wrong one is 401 at once, as is a file
 * part (or the end of the body) with no valid secret yet. `onVerified` runs
 * when a secret field verifies. Returns the fields and the file part's stream.
 */
export async function readFieldsUntilFile(
  parts: PartReader,
  opts: { secret: string; verified: boolean; onVerified: () => void },
): Promise<{ received: ReceivedField[]; file: FileStream }> {
  let verified = opts.verified;
  let unverifiedBytes = 0;
  const received: ReceivedField[] = [];
  for (;;) {
    const part = await parts.next();
    if (part === undefined) {
      if (!verified) throw new UploadRefused(unauthorized());
      const { problems } = validateFields(received, undefined);
      throw new UploadRefused(
        badRequest('no file part named "file"', [...problems, { field: 'file', problem: 'missing' }]),
      );
    }
    if (part.kind === 'file') {
      if (part.name !== 'file') {
        throw new UploadRefused(
          badRequest(`unexpected file part "${part.name}": the artifact goes in a part named "file"`, [
            { field: part.name, problem: 'unexpected file part' },
          ]),
        );
      }
      if (!verified) throw new UploadRefused(unauthorized());
      return { received, file: part.stream };
    }
    if (!verified) {
      unverifiedBytes += Buffer.byteLength(part.name) + Buffer.byteLength(part.value);
      if (unverifiedBytes > UNVERIFIED_FIELD_BUDGET) throw new UploadRefused(unauthorized());
    }
    if (part.name === 'secret') {
      if (verified) continue;
      if (part.truncated || !secretMatches(part.value, opts.secret)) throw new UploadRefused(unauthorized());
      verified = true;
      opts.onVerified();
      continue;
    }
    if (part.name === 'file') {
      throw new UploadRefused(
        badRequest('"file" must be a file part (with a filename), not a plain field', [
          { field: 'file', problem: 'not a file part' },
        ]),
      );
    }
    received.push({
      name: part.name,
      value: part.value,
      truncated: part.truncated || Buffer.byteLength(part.value) > MAX_FIELD_BYTES,
    });
  }
}

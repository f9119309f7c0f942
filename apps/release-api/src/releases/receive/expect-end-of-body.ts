import type { PartReader } from './read-parts';
import { badRequest, UploadRefused } from '../refusals';

/** After the file part, only the end of the body may come: a field or a second file is 400. */
export async function expectEndOfBody(parts: PartReader): Promise<void> {
  const part = await parts.next();
  if (part === undefined) return;
  if (part.kind === 'file') throw new UploadRefused(badRequest('only one file part may be sent'));
  throw new UploadRefused(
    badRequest(`field "${part.name}" came after the file part: send every field before the file`, [
      { field: part.name, problem: 'sent after the file part' },
    ]),
  );
}

import { Transform, type Readable } from 'node:stream';
import type { GitLabPort, ProjectRef } from '@devops/gitlab';
import { PermanentError, RefusedError, describeError } from '@devops/errors';
import type { Logger } from '@devops/logger';
import { formatBytes } from './format-attachment-list';
import type { FreshdeskPort } from '@devops/freshdesk';
import type { AttachmentOutcome, Attachment } from './model';

export interface CopyAttachmentDeps {
  gitlab: GitLabPort;
  freshdesk: FreshdeskPort;
  project: ProjectRef;
  maxBytes: number;
  allowedHosts: ReadonlySet<string>;
  log: Logger;
}

/**
 * Streams one attachment from Freshdesk into the project's uploads, never
 * holding it whole in memory. Over the size limit (declared, or found while
 * streaming) or on a host the API did not name: skipped, with the reason.
 * Other failures (GitLab or Freshdesk down) are thrown: the escalation stops
 * and resumes on the next call.
 */
export async function copyAttachment(
  deps: CopyAttachmentDeps,
  attachment: Attachment,
): Promise<AttachmentOutcome> {
  if (attachment.size !== null && attachment.size > deps.maxBytes) {
    return skipped(attachment, `larger than the ${formatBytes(deps.maxBytes)} limit`);
  }
  let host: string;
  try {
    host = new URL(attachment.url).host;
  } catch {
    return skipped(attachment, 'its link is not a valid URL');
  }
  if (!deps.allowedHosts.has(host)) return skipped(attachment, `its host ${host} is not one Freshdesk named`);

  let source: Readable;
  try {
    ({ stream: source } = await deps.freshdesk.downloadAttachment(attachment.url, {
      maxBytes: deps.maxBytes,
      allowedHosts: deps.allowedHosts,
    }));
  } catch (err) {
    // a redirect to a host Freshdesk did not name, or a size over the limit found from Content-Length
    if (err instanceof RefusedError || err instanceof PermanentError)
      return skipped(attachment, describeError(err));
    throw err;
  }
  const limit = limitBytes(deps.maxBytes);
  source.on('error', (err) => limit.destroy(err));
  source.pipe(limit);
  try {
    const upload = await deps.gitlab.uploadFile(deps.project, {
      filename: attachment.name || `attachment-${attachment.id}`,
      content: limit,
      size: attachment.size ?? undefined,
      contentType: attachment.contentType ?? undefined,
    });
    deps.log.debug(`copied attachment ${attachment.id} (${formatBytes(attachment.size)})`);
    return { kind: 'copied', attachment, markdown: upload.markdown };
  } catch (err) {
    source.destroy();
    if (limit.exceeded) return skipped(attachment, `larger than the ${formatBytes(deps.maxBytes)} limit`);
    deps.log.warn(`copying attachment ${attachment.id} failed: ${describeError(err)}`);
    throw err;
  }
}

function skipped(attachment: Attachment, reason: string): AttachmentOutcome {
  return { kind: 'skipped', attachment, reason };
}

/** Passes bytes through, failing once more than `max` went by (a size Freshdesk under-reported). */
function limitBytes(max: number): Transform & { exceeded: boolean } {
  let seen = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) {
        t.exceeded = true;
        done(new Error(`attachment is larger than ${max} bytes`));
        return;
      }
      done(null, chunk);
    },
  }) as Transform & { exceeded: boolean };
  t.exceeded = false;
  return t;
}

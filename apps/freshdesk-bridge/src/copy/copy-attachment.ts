import { Transform, type Readable } from 'node:stream';
import type { GitLabPort, ProjectRef } from '@devops/gitlab';
import { PermanentError, RefusedError, describeError } from '@devops/errors';
import { AttachmentLinkExpiredError, type FreshdeskPort } from '@devops/freshdesk';
import type { Logger } from '@devops/logger';
import { formatBytes } from '../render/format-attachment-list';
import type { AttachmentOutcome, Attachment } from '../render/model';
import { normalizeContentType } from './normalize-content-type';

export interface CopyAttachmentDeps {
  gitlab: GitLabPort;
  freshdesk: FreshdeskPort;
  project: ProjectRef;
  maxBytes: number;
  allowedHosts: ReadonlySet<string>;
  /** Plain http and non-public addresses allowed (BRIDGE_ALLOW_PRIVATE_HOSTS, test doubles only). */
  allowPrivateHosts: boolean;
  /** A fresh read of the attachment (a new pre-signed link), or null when it is gone from the ticket. */
  refresh: (attachment: Attachment) => Promise<{ attachment: Attachment; allowedHosts: Set<string> } | null>;
  log: Logger;
}

/**
 * Streams one attachment from Freshdesk into the project's uploads, never
 * holding it whole in memory; the upload carries the bytes as downloaded
 * (their count, checked against the storage host's Content-Length, never the
 * size Freshdesk declared) and a content type only when it is `type/subtype`.
 * Skipped, with the reason: over the size limit (declared, or found while
 * streaming), a link that is not https, not on a host the API named or not
 * on a public address, a link still expired after a fresh read of the
 * ticket, an upload GitLab refuses as too large. Other failures (GitLab or
 * Freshdesk down) are thrown: the escalation stops and resumes on the next call.
 */
export async function copyAttachment(
  deps: CopyAttachmentDeps,
  attachment: Attachment,
): Promise<AttachmentOutcome> {
  try {
    return await copyOnce(deps, attachment, deps.allowedHosts);
  } catch (err) {
    if (!(err instanceof AttachmentLinkExpiredError)) throw err;
    deps.log.info(`attachment ${attachment.id}: its link expired; reading the ticket again for a fresh one`);
  }
  const fresh = await deps.refresh(attachment);
  if (!fresh) return skipped(attachment, 'its link expired and it is no longer on the ticket');
  try {
    return await copyOnce(deps, fresh.attachment, fresh.allowedHosts);
  } catch (err) {
    if (err instanceof AttachmentLinkExpiredError)
      return skipped(fresh.attachment, 'its link was refused as expired, even fresh from the ticket');
    throw err;
  }
}

async function copyOnce(
  deps: CopyAttachmentDeps,
  attachment: Attachment,
  allowedHosts: ReadonlySet<string>,
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
  if (!allowedHosts.has(host)) return skipped(attachment, `its host ${host} is not one Freshdesk named`);

  let source: Readable;
  let size: number | null;
  try {
    ({ stream: source, size } = await deps.freshdesk.downloadAttachment(attachment.url, {
      maxBytes: deps.maxBytes,
      allowedHosts,
      allowPrivateHosts: deps.allowPrivateHosts,
    }));
  } catch (err) {
    if (err instanceof AttachmentLinkExpiredError) throw err;
    // not https, a host not named, a non-public address, a size over the limit from Content-Length
    if (err instanceof RefusedError || err instanceof PermanentError)
      return skipped(attachment, describeError(err));
    throw err;
  }
  const counted = countBytes(deps.maxBytes);
  source.on('error', (err) => counted.destroy(err));
  source.pipe(counted);
  const contentType = normalizeContentType(attachment.contentType);
  try {
    const upload = await deps.gitlab.uploadFile(deps.project, {
      filename: attachment.name || `attachment-${attachment.id}`,
      content: counted,
      // the storage host's Content-Length, which the download holds the bytes to; else sent chunked
      ...(size !== null ? { size } : {}),
      ...(contentType ? { contentType } : {}),
    });
    deps.log.debug(`copied attachment ${attachment.id} (${formatBytes(counted.seen)})`);
    return {
      kind: 'copied',
      attachment,
      bytes: counted.seen,
      upload: { url: upload.url, image: contentType?.startsWith('image/') ?? false },
    };
  } catch (err) {
    source.destroy();
    if (counted.exceeded) return skipped(attachment, `larger than the ${formatBytes(deps.maxBytes)} limit`);
    if (err instanceof PermanentError && err.details.status === 413) {
      return skipped(attachment, `GitLab refused it as too large (${describeError(err)})`);
    }
    deps.log.warn(`copying attachment ${attachment.id} failed: ${describeError(err)}`);
    throw err;
  }
}

function skipped(attachment: Attachment, reason: string): AttachmentOutcome {
  return { kind: 'skipped', attachment, reason };
}

/** Passes bytes through counting them, failing once more than `max` went by (a size Freshdesk under-reported). */
function countBytes(max: number): Transform & { exceeded: boolean; seen: number } {
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      t.seen += chunk.length;
      if (t.seen > max) {
        t.exceeded = true;
        done(new Error(`attachment is larger than ${max} bytes`));
        return;
      }
      done(null, chunk);
    },
  }) as Transform & { exceeded: boolean; seen: number };
  t.exceeded = false;
  t.seen = 0;
  return t;
}

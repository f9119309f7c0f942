import { randomBytes } from 'node:crypto';
import path from 'node:path';

export interface MultipartFrame {
  contentType: string;
  /** Every field part and the file part's header. */
  head: Buffer;
  /** The closing boundary after the file's bytes. */
  tail: Buffer;
}

function quote(name: string): string {
  return name.replace(/[\r\n"]/g, (c) => encodeURIComponent(c));
}

/**
 * The multipart/form-data framing around a file that is streamed separately:
 * fields first (the server checks them before it takes the file), then one
 * part named "file". With the file's size, head + size + tail is the exact
 * Content-Length, so the body can stream without chunked encoding.
 */
export function buildMultipart(fields: [string, string][], fileName: string): MultipartFrame {
  const boundary = `----release-upload-${randomBytes(12).toString('hex')}`;
  const parts = fields.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`,
  );
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(path.basename(fileName))}"\r\n` +
      'Content-Type: application/gzip\r\n\r\n',
  );
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(parts.join(''), 'utf8'),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  };
}

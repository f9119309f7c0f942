import { connect } from 'node:net';
import { startGitLabDouble, type GitLabDouble } from '../src';

let gitlab: GitLabDouble;
beforeEach(async () => (gitlab = await startGitLabDouble()));
afterEach(() => gitlab.close());

/** One HTTP/1.1 GET over a plain socket: the response's bytes exactly as they came. */
function rawGet(path: string): Promise<Buffer> {
  const { port } = new URL(gitlab.url);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: x\r\nPRIVATE-TOKEN: ${gitlab.token}\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/** A header's value as bytes, from a raw response (header names are ASCII, values any bytes). */
function headerBytes(response: Buffer, name: string): Buffer | undefined {
  const head = response.subarray(0, response.indexOf('\r\n\r\n'));
  const lines = head.toString('latin1').split('\r\n');
  const line = lines.find((l) => l.toLowerCase().startsWith(`${name}:`));
  return line === undefined ? undefined : Buffer.from(line.slice(name.length + 1).trim(), 'latin1');
}

// GitLab (lib/api/helpers/headers_helpers.rb) puts the ref and path into X-Gitlab-* headers as they are:
// Puma writes their UTF-8 bytes. Node refuses a header string above U+00FF, and once answered 500 here.
it.each(['日本/feature', 'Жа@root', 'café'])(
  'a raw file at %j: 200, X-Gitlab-Ref and X-Gitlab-File-Path are the UTF-8 bytes of the names, the body too',
  async (ref) => {
    const p = gitlab.addProject({ path: 'g/p' });
    gitlab.addCommit(p.id, { branch: ref, message: 'x', files: { 'версия/VERSION': 'ß 1.2.3\n' } });

    const res = await rawGet(
      `/api/v4/projects/${p.id}/repository/files/${encodeURIComponent('версия/VERSION')}/raw?ref=${encodeURIComponent(ref)}`,
    );

    expect(res.subarray(0, 15).toString('latin1')).toBe('HTTP/1.1 200 OK');
    expect(headerBytes(res, 'x-gitlab-ref')).toEqual(Buffer.from(ref, 'utf8'));
    expect(headerBytes(res, 'x-gitlab-file-path')).toEqual(Buffer.from('версия/VERSION', 'utf8'));
    expect(headerBytes(res, 'x-gitlab-file-name')).toEqual(Buffer.from('VERSION', 'utf8'));
    const body = res.subarray(res.indexOf('\r\n\r\n') + 4);
    expect(body).toEqual(Buffer.from('ß 1.2.3\n', 'utf8'));
    expect(headerBytes(res, 'content-length')?.toString()).toBe(String(body.length));
  },
);

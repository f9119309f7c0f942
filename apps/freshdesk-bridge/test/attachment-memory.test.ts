import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  startFreshdeskDouble,
  startGitLabDouble,
  type FreshdeskDouble,
  type GitLabDouble,
} from '@devops/testkit';

const run = promisify(execFile);
const CHILD = path.join(__dirname, '..', 'bench', 'copy-one-attachment.cjs');
const MB = 1024 * 1024;

let gitlab: GitLabDouble;
let freshdesk: FreshdeskDouble;
beforeAll(async () => {
  gitlab = await startGitLabDouble({ keepUploadBytesUpTo: 0 });
  freshdesk = await startFreshdeskDouble();
});
afterAll(async () => {
  await gitlab?.close();
  await freshdesk?.close();
});

/** Copies a generated attachment of `size` bytes in a child process; returns its peak-memory growth (kB). */
async function copyInChild(
  size: number,
): Promise<{ growthKb: number; maxArrayBuffersKb: number; kind: string }> {
  const project = gitlab.addProject({ path: `mem/p${size}` });
  const ticket = freshdesk.addTicket({ attachments: [{ name: `blob-${size}.bin`, size, seed: `s${size}` }] });
  const a = ticket.attachments[0]!;
  const { stdout } = await run(
    process.execPath,
    [
      '--expose-gc',
      CHILD,
      JSON.stringify({
        gitlabUrl: gitlab.url,
        gitlabToken: gitlab.token,
        project: project.path,
        freshdeskUrl: freshdesk.url,
        freshdeskKey: freshdesk.apiKey,
        maxBytes: 100 * MB,
        attachment: {
          id: a.id,
          name: a.name,
          contentType: a.contentType,
          size: a.size,
          url: a.url,
          createdAt: null,
        },
      }),
    ],
    { cwd: path.join(__dirname, '..'), maxBuffer: 1024 * 1024 },
  );
  const result = JSON.parse(stdout.trim());
  const upload = gitlab.state(project.id).uploads[0]!;
  expect(upload.size).toBe(size);
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  for await (const chunk of freshdesk.attachmentContent(a.id)) hash.update(chunk as Buffer);
  expect(upload.sha256).toBe(hash.digest('hex'));
  return result;
}

describe('attachment streaming', () => {
  it('[slow] peak memory does not grow with the attachment: 5 MB vs 50 MB in a child process', async () => {
    const small = await copyInChild(5 * MB);
    const big = await copyInChild(50 * MB);
    expect(small.kind).toBe('copied');
    expect(big.kind).toBe('copied');
    // Buffering the file whole would add at least 45 MB to the 50 MB copy's peak.
    expect(big.growthKb - small.growthKb).toBeLessThan(15 * 1024);
    // What the copy holds at any time: a few 64 KiB chunks in flight, not the file.
    expect(big.maxArrayBuffersKb).toBeLessThan(16 * 1024);
  }, 120_000);
});

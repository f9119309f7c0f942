import { Readable } from 'node:stream';
import type { GitLabDouble } from '@devops/testkit';
import type { GitLabPort } from '../src';
import { setup } from './helpers';

let gitlab: GitLabDouble;
let client: GitLabPort;
beforeEach(async () => ({ gitlab, client } = await setup()));
afterEach(() => gitlab.close());

// Branch names git allows, with what a URL or a header can trip on: characters above U+00FF (Node
// refuses them in a header string), Latin-1, and the query's own delimiters.
const refs = ['日本/feature', 'Жа@root', '日本@security-team/leads', 'café', 'a+b&c=d#e%20f'];

describe('reading a file at a branch whose name is not plain ASCII', () => {
  it.each(refs)('reads VERSION at %j in one request, the ref arriving as written', async (ref) => {
    const p = gitlab.addProject({ path: 'product/server' });
    gitlab.addCommit(p.id, { branch: 'main', message: 'main', files: { VERSION: '6.0.0\n' } });
    gitlab.addCommit(p.id, { branch: ref, message: 'x', files: { VERSION: '5.3.1\n' } });

    expect(await client.readFile(p.id, 'VERSION', ref)).toBe('5.3.1\n');

    const reads = gitlab.requests.filter((r) => r.path.endsWith('/raw'));
    expect(reads.map((r) => [r.query.ref, r.status])).toEqual([[ref, 200]]);
  });

  it('reads a file whose own path is not ASCII, at such a branch', async () => {
    const p = gitlab.addProject({ path: 'группа/проект' });
    gitlab.addCommit(p.id, { branch: '日本/feature', message: 'x', files: { 'версия/VERSION': '1.2.3\n' } });

    expect(await client.readFile('группа/проект', 'версия/VERSION', '日本/feature')).toBe('1.2.3\n');
    expect(await client.readFile(p.id, 'версия/VERSION', '日本/other')).toBeNull();
    expect(gitlab.requests.map((r) => r.status)).toEqual([200, 404]);
  });
});

describe('uploading a file whose name is not plain ASCII', () => {
  it.each([
    ['отчёт 日本.txt', 'отчёт_日本.txt'],
    ['Жа😀.log', 'Жа_.log'],
    ['café+1.txt', 'café+1.txt'],
  ])('%j is stored as %j (its UTF-8 name read as UTF-8, sanitized like GitLab)', async (name, stored) => {
    const p = gitlab.addProject({ path: 'g/p' });
    const upload = await client.uploadFile(p.id, { filename: name, content: () => Readable.from(['x\n']) });
    const record = gitlab.state(p.id).uploads[0]!;
    expect(record.filename).toBe(stored);
    expect(upload.url).toBe(`/uploads/${record.secret}/${stored}`);
    expect(gitlab.requests.map((r) => r.status)).toEqual([201]);
  });
});

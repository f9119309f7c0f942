import { startGitLabDouble, type GitLabDouble } from '../src';
import { example, shapeDiff } from './shape';

let gitlab: GitLabDouble;
beforeEach(async () => {
  gitlab = await startGitLabDouble();
});
afterEach(() => gitlab.close());

async function get(path: string) {
  const res = await fetch(`${gitlab.url}/api/v4${path}`, { headers: { 'PRIVATE-TOKEN': gitlab.token } });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const ann = { id: 51, username: 'ann', name: 'Ann Example' };
const bob = { id: 52, username: 'bob' };

describe('project members (doc/api/members.md)', () => {
  it("GET members/all/:user_id has the documented shape; the example's owner-only fields are absent", async () => {
    const p = gitlab.addProject({ path: 'acme/app' });
    gitlab.addProjectMember(p.id, { user: ann, accessLevel: 20 });
    const r = await get('/projects/acme%2Fapp/members/all/51');
    expect(r.status).toBe(200);
    // `email` (enterprise users, shown to group owners) and `group_saml_identity` (SAML groups) are conditional.
    const ownerOnly = ['$.email: missing', '$.group_saml_identity: missing'];
    // gitlab.com also sends `locked` and `membership_state`; `created_by` only when someone added the member.
    const alsoSent = ['$.locked: extra', '$.membership_state: extra', '$.created_by: missing'];
    expect(
      shapeDiff(example('members_all_get.response'), r.body).filter(
        (d) => !ownerOnly.includes(d) && !alsoSent.includes(d),
      ),
    ).toEqual([]);
    expect(r.body).toMatchObject({
      id: 51,
      username: 'ann',
      name: 'Ann Example',
      state: 'active',
      access_level: 20,
    });
  });

  it('a group member is inherited by every project under the group; the highest role wins', async () => {
    const deep = gitlab.addProject({ path: 'acme/platform/api' });
    const other = gitlab.addProject({ path: 'acmecorp/api' });
    gitlab.addGroupMember('acme', { user: ann, accessLevel: 10 });
    gitlab.addGroupMember('acme/platform', { user: ann, accessLevel: 30 });
    gitlab.addProjectMember(deep.id, { user: ann, accessLevel: 20 });
    gitlab.addGroupMember('acme', { user: bob, accessLevel: 15 });

    const all = await get(`/projects/${deep.id}/members/all`);
    expect(all.status).toBe(200);
    expect(all.body).toEqual([
      expect.objectContaining({ id: 51, access_level: 30 }),
      expect.objectContaining({ id: 52, access_level: 15 }),
    ]);
    expect((await get(`/projects/${deep.id}/members/all/52`)).body).toMatchObject({ access_level: 15 });
    // Direct members only without /all.
    expect((await get(`/projects/${deep.id}/members`)).body).toEqual([
      expect.objectContaining({ id: 51, access_level: 20 }),
    ]);
    expect(await get(`/projects/${deep.id}/members/52`)).toMatchObject({
      status: 404,
      body: { message: '404 Not found' },
    });
    // `acmecorp` is not under `acme`.
    expect(await get(`/projects/${other.id}/members/all/51`)).toMatchObject({
      status: 404,
      body: { message: '404 Not found' },
    });
  });

  it('not a member: 404 "404 Not found"; unknown project: 404 "404 Project Not Found"; bad user id: 400', async () => {
    const p = gitlab.addProject({ path: 'acme/app' });
    expect(await get(`/projects/${p.id}/members/all/99`)).toMatchObject({
      status: 404,
      body: { message: '404 Not found' },
    });
    expect(await get('/projects/acme%2Fnone/members/all/51')).toMatchObject({
      status: 404,
      body: { message: '404 Project Not Found' },
    });
    expect(await get(`/projects/${p.id}/members/all/ann`)).toMatchObject({
      status: 400,
      body: { error: 'user_id is invalid' },
    });
  });

  it('lists paginate and filter by query and user_ids; blocked users and awaiting memberships say so', async () => {
    const p = gitlab.addProject({ path: 'acme/app' });
    for (let i = 1; i <= 25; i++)
      gitlab.addProjectMember(p.id, { user: { id: 100 + i, username: `dev${i}` }, accessLevel: 30 });
    gitlab.addProjectMember(p.id, {
      user: ann,
      accessLevel: 20,
      userState: 'blocked',
      membershipState: 'awaiting',
    });
    const first = await get(`/projects/${p.id}/members/all?per_page=10`);
    expect((first.body as unknown[]).length).toBe(10);
    expect(first.headers.get('x-total')).toBe('26');
    expect(first.headers.get('x-next-page')).toBe('2');
    const third = await get(`/projects/${p.id}/members/all?per_page=10&page=3`);
    expect((third.body as unknown[]).length).toBe(6);
    expect((await get(`/projects/${p.id}/members?query=dev2`)).body).toEqual(
      ['dev2', 'dev20', 'dev21', 'dev22', 'dev23', 'dev24', 'dev25'].map((u) =>
        expect.objectContaining({ username: u }),
      ),
    );
    expect((await get(`/projects/${p.id}/members/all?user_ids=51,101`)).body).toEqual([
      expect.objectContaining({ id: 51, state: 'blocked', membership_state: 'awaiting' }),
      expect.objectContaining({ id: 101, state: 'active', membership_state: 'active' }),
    ]);
  });
});

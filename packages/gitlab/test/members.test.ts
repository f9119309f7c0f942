import { PermanentError, TemporaryError } from '@devops/errors';
import type { GitLabDouble } from '@devops/testkit';
import type { GitLabPort } from '../src';
import { setup } from './helpers';

let gitlab: GitLabDouble;
let client: GitLabPort;
beforeEach(async () => ({ gitlab, client } = await setup()));
afterEach(() => gitlab.close());

const ann = { id: 51, username: 'ann' };

describe('getProjectMember (GET /projects/:id/members/all/:user_id)', () => {
  it('reads a direct member and one inherited from a group, by path or id', async () => {
    const app = gitlab.addProject({ path: 'acme/platform/app' });
    gitlab.addProjectMember(app.id, { user: ann, accessLevel: 15 });
    gitlab.addGroupMember('acme', { user: { id: 52, username: 'bob' }, accessLevel: 20 });
    expect(await client.getProjectMember('acme/platform/app', 51)).toEqual({
      userId: 51,
      username: 'ann',
      accessLevel: 15,
      active: true,
    });
    expect(await client.getProjectMember(app.id, 52)).toEqual({
      userId: 52,
      username: 'bob',
      accessLevel: 20,
      active: true,
    });
    expect(gitlab.requests.map((r) => r.path)).toContain(
      '/api/v4/projects/acme%2Fplatform%2Fapp/members/all/51',
    );
  });

  it('is null for a non-member and for a project GitLab does not show (404), without retrying', async () => {
    gitlab.addProject({ path: 'acme/app' });
    expect(await client.getProjectMember('acme/app', 99)).toBeNull();
    expect(await client.getProjectMember('secret/payroll', 51)).toBeNull();
    expect(gitlab.requests.map((r) => r.status)).toEqual([404, 404]);
  });

  it('says inactive for a blocked user and for a membership awaiting approval', async () => {
    const app = gitlab.addProject({ path: 'acme/app' });
    gitlab.addProjectMember(app.id, { user: ann, accessLevel: 30, userState: 'blocked' });
    gitlab.addProjectMember(app.id, {
      user: { id: 52, username: 'bob' },
      accessLevel: 30,
      membershipState: 'awaiting',
    });
    expect(await client.getProjectMember(app.id, 51)).toMatchObject({ accessLevel: 30, active: false });
    expect(await client.getProjectMember(app.id, 52)).toMatchObject({ accessLevel: 30, active: false });
  });

  it('sorts failures like every call: 503 after the retries is temporary, 403 permanent', async () => {
    const app = gitlab.addProject({ path: 'acme/app' });
    gitlab.addProjectMember(app.id, { user: ann, accessLevel: 20 });
    gitlab.injectFault({ status: 503, times: 2, path: /\/members\/all\/51$/ });
    expect(await client.getProjectMember(app.id, 51)).toMatchObject({ accessLevel: 20 });
    gitlab.injectFault({ status: 503, times: Infinity, path: /\/members\/all\/51$/ });
    await expect(client.getProjectMember(app.id, 51)).rejects.toBeInstanceOf(TemporaryError);
    gitlab.clearFaults();
    gitlab.injectFault({ status: 403, times: 1, path: /\/members\/all\/51$/ });
    await expect(client.getProjectMember(app.id, 51)).rejects.toBeInstanceOf(PermanentError);
  });
});

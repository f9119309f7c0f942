import { pushPayload, startHarness, type Harness } from './start-harness';
import { createWorld, expectOn, type World } from './board-world';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

// Characters above U+00FF once hung version-check (a header Node refused); git allows them in branch
// names, so board-sync's push path (orderKey `project:<id>:ref:<ref>`, spool, log lines) must take them.
const push = (w: World, branch: string) =>
  h.deliver(pushPayload({ projectId: w.server.id, projectPath: w.server.path, branch }), {
    event: 'Push Hook',
  });

describe('board-sync with branch names that are not plain ASCII', () => {
  it.each(['日本/2-機能', 'Жа/2-логин', '2-café', 'ﬁx/2-😀'])(
    'a new branch %j moves issue 2 to In Development',
    async (branch) => {
      h = await startHarness();
      const w = createWorld(h);
      expect((await push(w, branch)).status).toBe(202);
      expectOn(w.labels(w.server.id, 2), 'In Development');
      expectOn(w.labels(w.server.id, 1), 'To Do');
    },
  );

  it('a merge request from 日本/3-機能 moves the issue its branch names, to a non-ASCII column', async () => {
    const board = ['К выполнению', 'В работе', 'На проверке'];
    h = await startHarness({ BOARD_LABELS: board.join(','), BOARD_ON_OPEN: 'На проверке' });
    const w = createWorld(h, { serverLabels: [['К выполнению'], ['К выполнению'], ['К выполнению']] });
    const res = await h.deliver(
      w.mr('open', { description: 'no reference here', sourceBranch: '日本/3-機能' }),
    );
    expect(res.status).toBe(202);
    expectOn(w.labels(w.server.id, 3), 'На проверке', board);
    expectOn(w.labels(w.server.id, 1), 'К выполнению', board);
  });
});

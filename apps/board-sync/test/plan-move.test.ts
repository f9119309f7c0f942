import { planMove } from '../src/board/plan-move';
import { resolveBoardLabel } from '../src/board/resolve-board-label';

const board = ['To Do', 'In Development', 'In Review', 'Test', 'Testing'];
const scoped = board.map((l) => `workflow::${l}`);

describe('planMove', () => {
  it.each<[string, string[], string, boolean, string[] | null]>([
    // name, labels, target, allowBackwards, labels removed (null: left alone)
    ['from nothing', ['bug'], 'In Review', false, board.filter((l) => l !== 'In Review')],
    ['forwards', ['bug', 'In Development'], 'In Review', false, board.filter((l) => l !== 'In Review')],
    ['already there', ['In Review', 'bug'], 'In Review', false, null],
    [
      'there plus a stray workflow label',
      ['In Review', 'To Do'],
      'In Review',
      false,
      board.filter((l) => l !== 'In Review'),
    ],
    ['backwards refused', ['Test'], 'In Review', false, null],
    ['backwards allowed', ['Test'], 'In Development', true, board.filter((l) => l !== 'In Development')],
    ['furthest label counts', ['In Development', 'Testing'], 'Test', false, null],
    ['target outside the board', ['Test'], 'Blocked', false, board],
  ])('%s', (_name, labels, target, allowBackwards, removed) => {
    const plan = planMove({ state: 'opened', labels }, target, { labels: board, allowBackwards });
    if (removed === null) {
      expect(plan.move).toBe(false);
    } else {
      expect(plan).toEqual({ move: true, addLabels: [target], removeLabels: removed });
    }
  });

  it('leaves closed issues alone, even when moves may go backwards', () => {
    const plan = planMove({ state: 'closed', labels: ['To Do'] }, 'Test', {
      labels: board,
      allowBackwards: true,
    });
    expect(plan).toEqual({ move: false, kind: 'closed', reason: 'the issue is closed' });
  });

  it('works the same with scoped labels', () => {
    const plan = planMove({ state: 'opened', labels: ['workflow::Test'] }, 'workflow::In Review', {
      labels: scoped,
      allowBackwards: false,
    });
    expect(plan.move).toBe(false);
    const forward = planMove({ state: 'opened', labels: ['workflow::In Review'] }, 'workflow::Test', {
      labels: scoped,
      allowBackwards: false,
    });
    expect(forward).toEqual({
      move: true,
      addLabels: ['workflow::Test'],
      removeLabels: scoped.filter((l) => l !== 'workflow::Test'),
    });
  });
});

describe('resolveBoardLabel', () => {
  it.each<[string, string[], string]>([
    ['In Review', board, 'In Review'],
    ['In Review', scoped, 'workflow::In Review'],
    ['workflow::In Review', scoped, 'workflow::In Review'],
    ['Blocked', scoped, 'Blocked'],
    ['Test', [...scoped, 'other::Test'], 'Test'],
  ])('%s on %j → %s', (target, labels, expected) => {
    expect(resolveBoardLabel(target, labels)).toBe(expected);
  });
});

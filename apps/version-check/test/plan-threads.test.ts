import type { Discussion } from '@devops/gitlab';
import { planThreads } from '../src/threads/plan-threads';
import { formatMarker } from '../src/threads/version-marker';

function thread(id: string, source: string, target: string, resolved: boolean): Discussion {
  return {
    id,
    individualNote: false,
    notes: [
      {
        id: Number(id.replace(/\D/g, '')) || 1,
        body: `mismatch\n\n${formatMarker({ source, target })}`,
        system: false,
        resolvable: true,
        resolved,
        author: { username: 'bot' },
      },
    ],
  };
}

const humanNote: Discussion = {
  id: 'h1',
  individualNote: true,
  notes: [
    { id: 9, body: 'LGTM', system: false, resolvable: false, resolved: false, author: { username: 'ann' } },
  ],
};

describe('planThreads', () => {
  it.each<
    [string, Discussion[], { source: string; target: string } | null, { post: boolean; resolve: string[] }]
  >([
    ['first mismatch', [humanNote], { source: '5.3.1', target: '5.4.0' }, { post: true, resolve: [] }],
    [
      'same pair, open',
      [thread('d1', '5.3.1', '5.4.0', false)],
      { source: '5.3.1', target: '5.4.0' },
      { post: false, resolve: [] },
    ],
    [
      'same pair, resolved by a person',
      [thread('d1', '5.3.1', '5.4.0', true)],
      { source: '5.3.1', target: '5.4.0' },
      { post: false, resolve: [] },
    ],
    [
      'same release lines, new patch: the same pair at minor level',
      [thread('d1', '5.3.1', '5.4.0', true)],
      { source: '5.3.2', target: '5.4.0' },
      { post: false, resolve: [] },
    ],
    [
      'new pair: new thread, the open stale one resolved',
      [thread('d1', '5.3.1', '5.4.0', false), thread('d2', '5.1.0', '5.4.0', true)],
      { source: '5.2.0', target: '5.4.0' },
      { post: true, resolve: ['d1'] },
    ],
    [
      'versions match again: open threads resolved, resolved ones untouched',
      [thread('d1', '5.3.1', '5.4.0', false), thread('d2', '5.2.0', '5.4.0', true), humanNote],
      null,
      { post: false, resolve: ['d1'] },
    ],
    ['match and no threads', [], null, { post: false, resolve: [] }],
  ])('%s', (_name, discussions, mismatch, expected) => {
    expect(planThreads(discussions, mismatch, 'minor')).toEqual(expected);
  });

  it('at patch level a new patch is a new pair', () => {
    const plan = planThreads(
      [thread('d1', '5.3.1', '5.4.0', true)],
      { source: '5.3.2', target: '5.4.0' },
      'patch',
    );
    expect(plan).toEqual({ post: true, resolve: [] });
  });
});

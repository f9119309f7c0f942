import { batchCompletions } from '../src/postgres/batch-completions';

describe('batchCompletions', () => {
  it('settles completions that come while one is in flight together, each resolved once its statement is done', async () => {
    const statements: number[][] = [];
    let failNext = false;
    const complete = batchCompletions<number>({
      maxBatch: 5,
      async complete(refs) {
        statements.push(refs);
        await new Promise((r) => setTimeout(r, 5));
        if (failNext) {
          failNext = false;
          throw new Error('connection reset');
        }
      },
    });
    await Promise.all(Array.from({ length: 12 }, (_, i) => complete(i)));
    // The first alone; the 11 that came meanwhile in statements of at most 5, in order.
    expect(statements).toEqual([[0], [1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [11]]);

    failNext = true;
    const out = await Promise.allSettled([complete(20), complete(21), complete(22)]);
    // The failed statement fails its one completion; the two gathered meanwhile go in the next.
    expect(out.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(statements.slice(4)).toEqual([[20], [21, 22]]);
  });
});

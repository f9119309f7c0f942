/**
 * A configured target label as it appears on the board: itself when it is one
 * of BOARD_LABELS; else, for scoped boards (`workflow::In Review`), the one
 * board label whose name after the last `::` it equals, so `BOARD_ON_OPEN=In
 * Review` works with `BOARD_LABELS=workflow::To Do,workflow::In Review,...`.
 */
export function resolveBoardLabel(target: string, boardLabels: string[]): string {
  if (boardLabels.includes(target)) return target;
  const scoped = boardLabels.filter((l) => l.includes('::') && l.slice(l.lastIndexOf('::') + 2) === target);
  return scoped.length === 1 ? scoped[0]! : target;
}

/**
 * The issue number a branch name names, GitLab-style: `12-fix-login` or
 * `<anything>/12-fix-login` (e.g. `feature/12-fix-login`). null otherwise.
 */
export function issueNumberFromBranch(branch: string): number | null {
  const m = /^(?:.*\/)?(\d{1,9})-/.exec(branch);
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? n : null;
}

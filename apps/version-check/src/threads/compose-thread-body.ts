import { inlineCode as code } from '@devops/safe-text';
import { lineOf, type MatchLevel } from '../version/compare-versions';
import { formatMarker, type VersionPair } from './version-marker';

export interface ThreadFacts {
  pair: VersionPair;
  sourceBranch: string;
  targetBranch: string;
  versionFile: string;
  level: MatchLevel;
}

/** The thread's text: both versions and branches, what to do, and the hidden marker. */
export function composeThreadBody(f: ThreadFacts): string {
  const sourceLine = lineOf(f.pair.source, f.level) ?? f.pair.source;
  const targetLine = lineOf(f.pair.target, f.level) ?? f.pair.target;
  return [
    `**Release line mismatch:** this merge request would merge version ${code(f.pair.source)} ` +
      `(source branch ${code(f.sourceBranch)}) into version ${code(f.pair.target)} ` +
      `(target branch ${code(f.targetBranch)}).`,
    '',
    `The versions are read from ${code(f.versionFile)} on both branches and must agree at the ` +
      `${f.level} level (${code(sourceLine)} ≠ ${code(targetLine)}).`,
    '',
    `- **Wrong target branch?** Change the target branch to the ${code(sourceLine)} release line. ` +
      'This thread resolves itself once the versions match.',
    `- **Merging across release lines on purpose?** Resolve this thread. It will not be posted again ` +
      `for ${code(sourceLine)} → ${code(targetLine)}.`,
    '',
    formatMarker(f.pair),
  ].join('\n');
}

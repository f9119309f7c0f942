// Escaping 1 MB of each hostile shape: milliseconds per shape (a benchmark, not a test).
// Run: pnpm --filter @devops/safe-text bench   (after pnpm turbo run build --filter @devops/safe-text)
import { codeBlock, escapeMarkdown, escapeText, inlineCode } from '../dist/index.js';

const MB = 1_000_000;
const fill = (unit) => unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);

const shapes = {
  'code spans on one line (`a` )': fill('`a` '),
  'unmatched backtick runs (` `` ```)': fill('` `` ``` x'),
  'backslash-escaped backticks (\\`a\\`)': fill('\\`a\\` '),
  'link targets on one line (](@all))': fill('](@all) '),
  'links to groups ([click](@security-team))': fill('[click](@security-team) '),
  'mentions after non-ASCII letters (café@all)': fill('café@all Жа@root '),
  'quick actions, one per line': fill('/close\n/label ~"wontfix"\n'),
  'unclosed fences, one per line': fill('```\n'),
  'tilde fences': fill('~~~x\n/close\n'),
  'HTML tags and comments': fill('<img src=https://t.example/p.gif><details><!-- '),
  images: fill('![](https://t.example/p.gif)'),
  '>>> fences': fill('>>>\n/close\n'),
  'indented lines': fill('    <b>@all</b>\n'),
  'one long plain line': fill('a'),
  'U+2028 in fence lines': fill('````x\u2028\n'),
};

// CPU milliseconds of this process (user + system): on a shared machine, wall time mostly measures the others.
const time = (fn) => {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
};

// CPU ms for 1 MB, and how much longer 1 MB takes than 250 KB: about 4 when linear, 16 when quadratic
// (the ratio holds on a loaded machine, where the milliseconds do not).
const [load1] = (await import('node:os')).loadavg();
console.log(
  `node ${process.version}, load average ${load1.toFixed(1)}, 1 MB per shape: CPU ms (1 MB / 250 KB)`,
);
console.log(
  'shape'.padEnd(46),
  ...['escapeMarkdown', 'escapeText', 'codeBlock', 'inlineCode'].map((h) => h.padStart(16)),
);
let worst = 0;
let worstRatio = 0;
for (const [name, text] of Object.entries(shapes)) {
  const cells = [escapeMarkdown, escapeText, codeBlock, inlineCode].map((f) => {
    f(text.slice(0, 10_000)); // warm up
    const quarter = time(() => f(text.slice(0, MB / 4)));
    const full = time(() => f(text));
    worst = Math.max(worst, full);
    if (full > 50) worstRatio = Math.max(worstRatio, full / quarter);
    return `${full.toFixed(0)} (${(full / quarter).toFixed(1)})`.padStart(16);
  });
  console.log(name.padEnd(46), ...cells);
}
console.log(
  `slowest: ${worst.toFixed(0)} ms; largest 1 MB / 250 KB ratio (over 50 ms): ${worstRatio.toFixed(1)}`,
);

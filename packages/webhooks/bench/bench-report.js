// What the side-by-side benches share: a PostgreSQL server for the run, variants run alternately
// round after round (each row printed as a JSON line as it comes), and the closing Markdown table
// for bench/RESULTS.md (columns as [header, row => cell]).
'use strict';
const { startPostgres } = require('@devops/testkit');

/** Runs each [name, run(pg, round)] variant alternately `rounds` times on one PostgreSQL; returns the rows. */
async function runRounds({ rounds, variants, postgres = {} }) {
  const pg = await startPostgres(postgres);
  const rows = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      for (const [name, run] of variants) {
        const row = { round, ...(await run(pg, round, name)) };
        rows.push(row);
        process.stdout.write(`${JSON.stringify(row)}\n`);
      }
    }
  } finally {
    await pg.stop();
  }
  return rows;
}

function markdownTable(columns, rows) {
  return [
    '',
    `| ${columns.map(([h]) => h).join(' | ')} |`,
    `| ${columns.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${columns.map(([, cell]) => cell(r)).join(' | ')} |`),
    '',
  ].join('\n');
}

/** Sum of a metric's samples on `<url>/metrics` whose label text contains every `must` fragment. */
async function metric(url, name, must = []) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    .filter((l) => must.every((m) => l.includes(m)))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

module.exports = { metric, runRounds, markdownTable };

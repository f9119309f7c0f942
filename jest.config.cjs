// `pnpm test` (after `turbo run build`): every package's tests in one jest run. The packages
// are jest projects sharing one pool of workers, longest test files first (jest keeps their
// durations), so the few long files (the board-sync failover test, the PostgreSQL and browser
// tests) run beside the many short ones instead of one package after another. Measured on the
// 2-CPU CI machine: 75-84 s, against 3 min 26 s for the packages one at a time (README).
// `pnpm --filter <pkg> test` still runs one package through turbo, after its builds.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const projects = ['apps', 'packages'].flatMap((dir) =>
  fs
    .readdirSync(path.join(__dirname, dir))
    .map((name) => path.join(__dirname, dir, name))
    .filter((pkg) => fs.existsSync(path.join(pkg, 'jest.config.cjs'))),
);

module.exports = {
  projects,
  // Global options (a project's own are ignored here): the preset's timeout, and workers.
  testTimeout: require('./jest.preset.cjs').testTimeout,
  // Most test time is waiting on child processes, servers and sockets: 1.5 workers per CPU (3 on
  // CI's 2). A number: in a config file jest reads '150%' as 150.
  maxWorkers: Math.max(2, Math.round(os.availableParallelism() * 1.5)),
};

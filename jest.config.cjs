// `pnpm test` (scripts/test.sh, after `turbo run build`): every package's tests in one jest run
// (apps/*, packages/*, and checks/*: the test-only workspaces of the deployment and operations files),
// then the *.alone.test.ts files by themselves. The packages are jest projects sharing one pool
// of workers, longest test files first (jest keeps their durations), so the few long files (the
// PostgreSQL, process and browser tests) run beside the many short ones instead of one package
// after another (README, Development, for the figures).
// `pnpm --filter <pkg> test` still runs one package through turbo, after its builds.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const projects = ['apps', 'packages', 'checks'].flatMap((dir) =>
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

// One jest preset for every package and app: TypeScript through SWC (types are
// checked by `pnpm typecheck`), workspace packages resolved to their sources.
const path = require('node:path');

const packagesDir = path.join(__dirname, 'packages');

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  // ES-module-only dependencies (pg-boss and the ones it imports) are compiled to CommonJS like our sources.
  transformIgnorePatterns: [
    '/node_modules/(?!(\\.pnpm/)?(pg-boss|serialize-error|non-error|rrule-temporal|temporal-polyfill)[@/])',
  ],
  // A package's `exports` subpath (`@devops/db/settings`) is its src/<subpath>.ts, as `./settings` is dist/settings.js.
  moduleNameMapper: {
    '^@devops/([a-z-]+)$': `${packagesDir}/$1/src/index.ts`,
    '^@devops/([a-z-]+)/([a-z-]+)$': `${packagesDir}/$1/src/$2.ts`,
  },
  testTimeout: 30000,
  // Slow tests (real git, big files, browsers, containers) carry "[slow]" in their name; they still run in CI.
};

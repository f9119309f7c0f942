#!/usr/bin/env bash
# pnpm test: builds every package (turbo), runs every test file in one jest run over all of
# them (jest.config.cjs: one pool of workers), then the files that need the machine to
# themselves (*.alone.test.ts: the board-sync failover test, whose proxy health checks and
# timings are what it measures; beside three busy jest workers on 2 CPUs it failed about one
# run in five). Both runs always run; the exit code is non-zero if either failed.
set -uo pipefail
cd "$(dirname "$0")/.."
pnpm turbo run build --output-logs=errors-only || exit $?
status=0
pnpm exec jest --testPathIgnorePatterns /node_modules/ '\.alone\.test\.ts$' || status=$?
pnpm exec jest --testPathPatterns '\.alone\.test\.ts$' || status=$?
exit "$status"

#!/usr/bin/env bash
# pnpm test: builds every package (turbo), runs every test file in one jest run over all of
# them (jest.config.cjs: one pool of workers), then the files that need the machine to
# themselves (*.alone.test.ts: the board-sync failover test, which measures two replicas behind
# a proxy through a crash and a rolling restart at 100 deliveries a second: its pacing and the
# proxy's health checks are what it tests, so it does not share the CPUs with jest workers).
# Both runs always run; the exit code is non-zero if either failed.
# First, before building anything: the tools the tests need beyond Node.js (PostgreSQL, Caddy,
# Chromium, promtool, kubectl, git, rsync); when one is missing, one message with the command that
# installs it, and exit 1 at once (scripts/test-tools.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-tools.sh check || exit $?
pnpm turbo run build --output-logs=errors-only || exit $?
status=0
pnpm exec jest --testPathIgnorePatterns /node_modules/ '\.alone\.test\.ts$' || status=$?
pnpm exec jest --testPathPatterns '\.alone\.test\.ts$' || status=$?
exit "$status"

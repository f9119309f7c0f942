#!/usr/bin/env bash
# Builds every app image with ../shared/tools/container-check (podman, no Docker
# engine needed) and proves each one: runs as a non-root user, carries no dev
# dependencies, tests or sources, runs the Node.js its FROM line names, and starts
# (/healthz for services on a free port, --help for CLIs).
# Prints image sizes. Usage: pnpm test:containers [app...]
set -euo pipefail
cd "$(dirname "$0")/.."
# ../shared beside the clone (or beside the worktrees' parent, for a git worktree).
cc=${CONTAINER_CHECK:-$(ls ../shared/tools/container-check ../../shared/tools/container-check 2>/dev/null | head -1 || true)}
[ -x "$cc" ] || { echo "test-containers: ../shared/tools/container-check not found (set CONTAINER_CHECK)" >&2; exit 1; }

SERVICES=" release-api freshdesk-bridge version-check board-sync "
# A free loopback port for each service run (the containers share the host network).
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# The base stand-in the images are measured against: the FROM line of the first Dockerfile.
base_image=docker.io/library/$(sed -nE 's/^FROM (node:[^ ]+).*/\1/p' apps/release-api/Dockerfile | head -1)
apps=("$@")
[ ${#apps[@]} -gt 0 ] || apps=(release-api freshdesk-bridge version-check board-sync race-reporter lib-tagger)

# Settings the services need to start; nothing here reaches a real system.
# (Checked secrets are at least 16 characters.)
export GITLAB_URL=http://127.0.0.1:9 GITLAB_TOKEN=container-check-token GITLAB_WEBHOOK_SECRET=container-check-webhook-secret
export RELEASE_SHARED_SECRET=container-check-release-secret
export FRESHDESK_URL=https://example.freshdesk.com FRESHDESK_API_KEY=container-check-key
export BRIDGE_GITLAB_PROJECT=group/project BRIDGE_API_KEYS=container-check-bridge-key
export HOST=127.0.0.1

failures=0
fail() { echo "  FAIL: $*"; failures=$((failures + 1)); }
report=()

for app in "${apps[@]}"; do
  echo "== $app"
  if ! "$cc" build "$app" "apps/$app/Dockerfile" . >"/tmp/container-build-$app.log" 2>&1; then
    tail -30 "/tmp/container-build-$app.log"
    fail "$app: image does not build"
    continue
  fi
  # (container-check's own exit status is not usable: its cleanup trap fails under set -u, so read output.)
  uid=$("$cc" shell "$app" id -u 2>/dev/null | tail -1 || true)
  [ -n "$uid" ] && [ "$uid" != 0 ] && echo "  runs as uid $uid" || fail "$app runs as root (uid '$uid')"
  want=v$(sed -nE 's/^FROM node:([0-9.]+)-.*/\1/p' "apps/$app/Dockerfile" | tail -1)
  have=$("$cc" shell "$app" node --version 2>/dev/null | tail -1 || true)
  [ "$have" = "$want" ] && echo "  runs Node.js $have" || fail "$app runs Node.js '$have', not $want"

  # No dev dependencies, tests or TypeScript sources in the image.
  # (pnpm's store names a package "@scope+name@version"; the dev dependencies are the root's and the app's own.)
  # (A dev dependency of the app that is also a production dependency of one of its
  # workspace packages, e.g. pg through @devops/db, belongs in the image.)
  dev=$(node -e '
    const fs = require("fs"), root = require("./package.json"), app = require("./apps/" + process.argv[1] + "/package.json");
    const dirs = Object.fromEntries(["apps", "packages"].flatMap((d) => fs.readdirSync(d).filter((n) => fs.existsSync(`${d}/${n}/package.json`))
      .map((n) => [require(`./${d}/${n}/package.json`).name, `./${d}/${n}/package.json`])));
    const prod = new Set(), todo = [app];
    while (todo.length) for (const n of Object.keys(todo.pop().dependencies ?? {}))
      if (!prod.has(n)) { prod.add(n); if (dirs[n]) todo.push(require(dirs[n])); }
    const names = Object.keys({ ...root.devDependencies, ...app.devDependencies }).filter((n) => !prod.has(n));
    console.log(names.map((n) => "^" + n.replace("/", "\\+").replace(/[.]/g, "\\.") + "@").join("|"));' "$app")
  found=$("$cc" shell "$app" sh -c "cd /srv/apps/$app && ls -d src test bench jest.config.cjs tsconfig.json 2>/dev/null; ls node_modules/.pnpm node_modules 2>/dev/null | grep -E '$dev' || true" 2>/dev/null || true)
  [ -z "$found" ] && echo "  no dev dependencies, tests or sources" || fail "$app image carries: $(echo "$found" | tr '\n' ' ')"

  if [[ $SERVICES == *" $app "* ]]; then
    port=$(free_port)
    log="/tmp/container-run-$app.log"
    BRIDGE_PUBLIC_URL=http://127.0.0.1:$port PORT=$port WEBHOOK_SPOOL_DIR=/tmp/spool-$app RELEASE_DIR=/tmp/releases setsid "$cc" run "$app" >"$log" 2>&1 &
    pid=$!
    ok=""
    for _ in $(seq 1 40); do
      if curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -q '"ok"'; then ok=1; break; fi
      sleep 0.5
    done
    [ -n "$ok" ] && echo "  /healthz answered on :$port" || { tail -20 "$log"; fail "$app did not answer /healthz"; }
    # The image's own HEALTHCHECK command, run inside it (podman's OCI images do not keep HEALTHCHECK).
    mapfile -d '' check < <(node -e '
      const f = require("fs").readFileSync(process.argv[1], "utf8").replace(/\\\n/g, " ");
      const m = /^HEALTHCHECK .*?CMD (\[.*\])\s*$/m.exec(f);
      if (m) for (const a of JSON.parse(m[1])) process.stdout.write(a + "\0");' "apps/$app/Dockerfile")
    if [ ${#check[@]} -gt 0 ] && PORT=$port "$cc" shell "$app" sh -c '"$@" && echo HEALTHCHECK-OK' sh "${check[@]}" 2>/dev/null | grep -q HEALTHCHECK-OK; then
      echo "  its HEALTHCHECK passes"
    else
      fail "$app: its HEALTHCHECK command fails (or is missing)"
    fi
    kill -TERM -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  else
    "$cc" run "$app" --help >"/tmp/container-run-$app.log" 2>&1 || true
    if grep -q "Usage:" "/tmp/container-run-$app.log"; then
      echo "  --help prints its usage"
    else
      tail -20 "/tmp/container-run-$app.log"
      fail "$app --help failed"
    fi
  fi
  # The base stand-in exists once the first build has made it.
  base=${base:-$(podman --cgroup-manager=cgroupfs image inspect --format '{{.Size}}' "$base_image" 2>/dev/null || echo 0)}
  size=$(podman --cgroup-manager=cgroupfs image inspect --format '{{.Size}}' "localhost/$app" 2>/dev/null || echo 0)
  report+=("$(printf '%-18s %6d MB  (%d MB above the base)' "$app" $((size / 1000000)) $(((size - ${base:-0}) / 1000000)))")
done

echo
echo "Image sizes (including the ${base_image#docker.io/library/} base stand-in, $((${base:-0} / 1000000)) MB here):"
printf '  %s\n' "${report[@]}"
if [ "$failures" -gt 0 ]; then
  echo "$failures container check(s) failed"
  exit 1
fi
echo "${#apps[@]} images checked, 0 failed"

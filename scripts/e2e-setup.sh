#!/usr/bin/env bash
# Prepares what the end-to-end tests and `npm run main` need: Debian's chromium and ripgrep, and
# code-server 4.100.3 in its own folder (a dev dependency would make every `npm ci` pay for it).
# Safe to rerun: each step is skipped when its result is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CODE_SERVER_VERSION=4.100.3
CS_DIR="$ROOT/.vscode-test/code-server"
CS_BIN="$CS_DIR/node_modules/.bin/code-server"

log() { echo "[e2e-setup] $*"; }

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
# Only code-server's install builds against these headers, so a finished install no longer needs them.
if [[ ! -x "$CS_BIN" ]]; then
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
  dpkg -s libsecret-1-dev >/dev/null 2>&1 || need_apt+=(libsecret-1-dev)
fi

if ((${#need_apt[@]})); then
  if [[ "$(id -u)" != 0 ]]; then
    echo "[e2e-setup] missing Debian packages: ${need_apt[*]}" >&2
    echo "[e2e-setup] run as root: apt-get update && apt-get install -y chromium ripgrep libkrb5-dev libsecret-1-dev" >&2
    exit 1
  fi
  log "apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium ripgrep libkrb5-dev libsecret-1-dev >/dev/null
fi

major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$major" != 20 ]]; then
  # code-server's postinstall refuses any other major.
  echo "[e2e-setup] code-server $CODE_SERVER_VERSION needs Node 20, this is $(node -v)" >&2
  exit 1
fi

if [[ ! -x "$CS_BIN" ]]; then
  # @vscode/ripgrep downloads rg at install unless this cache file exists; Debian's rg serves.
  cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  tarball="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [[ ! -s "$tarball" ]]; then
    mkdir -p "$cache"
    tar -czf "$tarball" -C "$(dirname "$(command -v rg)")" rg
  fi
  mkdir -p "$CS_DIR"
  [[ -f "$CS_DIR/package.json" ]] || echo '{ "name": "char-lstm-code-server", "private": true }' >"$CS_DIR/package.json"
  log "npm install code-server@$CODE_SERVER_VERSION (about 90 s)"
  # As root its postinstall needs unsafe-perm, and node-pty's `npx node-gyp` needs yes.
  (cd "$CS_DIR" && npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION")
fi

if [[ ! -d "$ROOT/node_modules/playwright-core" ]]; then
  echo "[e2e-setup] playwright-core is missing: run npm ci (it is a devDependency)" >&2
  exit 1
fi

log "ready: $("$CS_BIN" --version | head -1)"

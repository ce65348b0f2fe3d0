#!/usr/bin/env bash
# `npm run main`: builds and packages the extension, installs it into a code-server (VS Code in
# the browser) kept under .vscode-test/main/, and serves the sample workspace until Ctrl-C.
# Its folders persist between runs, so a trained workspace model and settings survive a restart;
# RESET=1 starts from a fresh copy. PORT picks another port than 8080.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PORT="${PORT:-8080}"
MAIN="$ROOT/.vscode-test/main"
CS_BIN="$ROOT/.vscode-test/code-server/node_modules/.bin/code-server"

bash scripts/e2e-setup.sh
npm run --silent package

if [[ -n "${RESET:-}" ]]; then rm -rf "$MAIN"; fi
mkdir -p "$MAIN/home" "$MAIN/extensions" "$MAIN/user-data/User"
if [[ ! -d "$MAIN/workspace" ]]; then cp -r test/fixtures/workspace "$MAIN/workspace"; fi
settings="$MAIN/user-data/User/settings.json"
if [[ ! -f "$settings" ]]; then
  cat >"$settings" <<'EOF'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false
}
EOF
fi

# code-server keeps its own config and state in HOME: the folder above, not the user's home.
export HOME="$MAIN/home" XDG_CONFIG_HOME="$MAIN/home/.config" XDG_DATA_HOME="$MAIN/home/.local/share"
dirs=(--user-data-dir "$MAIN/user-data" --extensions-dir "$MAIN/extensions")
# --force: the same version number is reinstalled with this build.
"$CS_BIN" "${dirs[@]}" --force --install-extension dist/char-lstm.vsix >/dev/null

# Its own session, so stopping it also ends the extension hosts it starts per browser tab.
setsid "$CS_BIN" --auth none --bind-addr "127.0.0.1:$PORT" "${dirs[@]}" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --disable-getting-started-override \
  "$MAIN/workspace" &
server=$!
trap 'kill -- -"$server" 2>/dev/null; exit 130' INT TERM HUP

healthy() {
  node -e "fetch('http://127.0.0.1:$PORT/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
}
for _ in $(seq 1 150); do
  healthy && break
  kill -0 "$server" 2>/dev/null || { echo "code-server exited (is port $PORT in use? try PORT=8081)" >&2; exit 1; }
  sleep 0.2
done
healthy || { echo "code-server did not answer on port $PORT within 30 s" >&2; kill -- -"$server"; exit 1; }

folder="$(node -p 'encodeURIComponent(process.argv[1])' "$MAIN/workspace")"
echo
echo "Open http://127.0.0.1:$PORT/?folder=$folder in a browser"
echo "(Char LSTM is installed; type in shakespeare.txt for ghost text, F1 > \"Char LSTM: Train on Workspace\" to train. Ctrl-C stops.)"
wait "$server"

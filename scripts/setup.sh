#!/usr/bin/env bash
# One-time setup on a fresh Debian/Ubuntu machine: bubblewrap, pinned pnpm, dependencies, build.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

if ! command -v bwrap >/dev/null 2>&1; then
  echo "setup: installing bubblewrap (the local backend's sandbox)…"
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; } >/tmp/agentkernel-apt.log 2>&1 \
    || { echo "setup: could not install bubblewrap; run: sudo apt-get install bubblewrap" >&2; tail -5 /tmp/agentkernel-apt.log >&2; exit 1; }
fi
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "10.34.9" ]; then
  echo "setup: installing pnpm 10.34.9…"
  npm install -g pnpm@10.34.9 >/tmp/agentkernel-pnpm.log 2>&1 || as_root npm install -g pnpm@10.34.9 >/tmp/agentkernel-pnpm.log 2>&1 \
    || { echo "setup: could not install pnpm; run: npm install -g pnpm@10.34.9" >&2; exit 1; }
fi
export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile
pnpm build
echo "setup: done. Try: pnpm agentkernel run -- python3 -c \"print(1+1)\""

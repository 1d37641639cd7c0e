#!/usr/bin/env bash
# Sets up adserve (Debian packages, build) idempotently and runs it on the embedded
# default: the studio when a display is available, the headless server otherwise.
# Arguments are passed on (e.g. --listen 127.0.0.1:9090, --db PATH, --headless).
set -euo pipefail
cd "$(dirname "$0")"
installer/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"

headless=0
args=()
for a in "$@"; do
  if [[ "$a" == "--headless" ]]; then headless=1; else args+=("$a"); fi
done
if [[ $headless == 0 && -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x build/bin/adserve-studio ]]; then
  exec build/bin/adserve-studio "${args[@]}"
fi
exec build/bin/adserve "${args[@]}"

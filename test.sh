#!/usr/bin/env bash
# Sets up adserve (Debian packages, build) idempotently and runs the whole test suite:
# unit, integration (real PostgreSQL and Redis started by the tests), HTTP, GUI
# (offscreen) and installer tests. Extra arguments go to ctest (e.g. -L unit, -R store).
set -euo pipefail
cd "$(dirname "$0")"
installer/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DADSERVE_BUILD_TESTS=ON >/dev/null
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure --timeout 900 "$@"

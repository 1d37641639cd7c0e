#!/usr/bin/env bash
# Installs, idempotently, every Debian 12 package adserve needs to build, run and test.
# Usage: installer/install-deps.sh [--runtime-only]
set -euo pipefail

build_packages=(
  cmake g++ make pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev libqt6opengl6-dev
  qtkeychain-qt6-dev
  libqt6sql6-psql libqt6sql6-sqlite libqt6svg6 qt6-qpa-plugins
  libhiredis-dev libsqlite3-dev libbenchmark-dev libgl-dev
  librsvg2-bin
)
test_packages=(
  redis-server redis-tools postgresql postgresql-client haproxy wrk xvfb xauth curl
  dpkg-dev fakeroot lintian file
  desktop-file-utils appstream systemd python3
  dbus-daemon gnome-keyring
  clang-14 libfuzzer-14-dev
)

wanted=("${build_packages[@]}")
[[ "${1:-}" == "--runtime-only" ]] || wanted+=("${test_packages[@]}")

missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "adserve: installing ${missing[*]}"
SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

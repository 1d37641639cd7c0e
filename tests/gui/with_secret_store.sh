#!/usr/bin/env bash
# Runs a command with a desktop secret store of its own, as a desktop session has one: a
# private D-Bus session bus and a gnome-keyring-daemon on it, unlocked, whose keyrings live
# in a temporary folder (never the user's). The daemon ends with the bus, after the command.
# Usage: with_secret_store.sh COMMAND [ARGS...]
set -euo pipefail
for tool in dbus-run-session gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: run installer/install-deps.sh" >&2; exit 1; }
done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/adserve-secret-store.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export XDG_DATA_HOME=$scratch/data XDG_RUNTIME_DIR=$scratch/run
mkdir -p -m 700 "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
dbus-run-session -- bash -c 'printf test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "$@"' \
  with_secret_store "$@"

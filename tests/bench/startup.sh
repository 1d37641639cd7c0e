#!/usr/bin/env bash
# Start-up of the headless server on a given store: how long until /healthz answers and until
# /readyz says ready, the server's CPU time until then, and its RSS once ready.
# Usage: tests/bench/startup.sh BUILD_DIR (--db FILE.sqlite | --database-url URL) [--runs N]
set -euo pipefail

usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
build=${1:-}; [[ -n "$build" && "$build" != -* ]] || usage 2; shift
store=(); runs=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --db) store=(--db "$2"); shift 2 ;;
    --database-url) store=(--database-url "$2"); shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) usage ;;
    *) echo "startup.sh: unknown option $1" >&2; usage 2 ;;
  esac
done
[[ ${#store[@]} -gt 0 ]] || usage 2
[[ -x "$build/bin/adserve" ]] || { echo "startup.sh: no $build/bin/adserve" >&2; exit 2; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
now() { date +%s.%N; }
pid=""
trap '[[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true' EXIT

printf '%-4s %12s %12s %14s %10s\n' run "/healthz s" "/readyz s" "CPU until s" "RSS MB"
for run in $(seq 1 "$runs"); do
  start=$(now)
  env -u REDIS_URL -u DATABASE_URL "$build/bin/adserve" "${store[@]}" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  pid=$!
  healthz=""; readyz=""
  for _ in $(seq 1 12000); do # 10 minutes at most
    kill -0 "$pid" 2>/dev/null || { echo "startup.sh: the server exited" >&2; exit 1; }
    if [[ -z "$healthz" ]] && curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then
      healthz=$(echo "$(now) - $start" | bc)
    fi
    if curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; then
      readyz=$(echo "$(now) - $start" | bc); break
    fi
    sleep 0.05
  done
  [[ -n "$readyz" ]] || { echo "startup.sh: not ready after 10 minutes" >&2; exit 1; }
  cpu=$(awk '{print ($14 + $15) / 100}' "/proc/$pid/stat") # utime + stime, in clock ticks
  sleep 1
  rss=$(( $(ps -o rss= -p "$pid") / 1024 ))
  printf '%-4s %12.2f %12.2f %14.2f %10d\n' "$run" "$healthz" "$readyz" "$cpu" "$rss"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done

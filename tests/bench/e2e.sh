#!/usr/bin/env bash
# End-to-end delivery benchmark. Generates a data set into a temporary SQLite file, starts
# the headless server on loopback and drives it with wrk: /healthz, /api/v1/delivery and
# /v1/delivery in the same run, printing requests/s, latency p50/p90/p99 and the
# delivery/healthz throughput ratio. Optionally the same against a real Redis
# (standalone and/or a three-master Cluster), cold (cache flushed) and warm.
#
# Each delivery endpoint is also measured against its ceiling: bench_ceiling, adserve's own
# HTTP server answering every request with a delivery body saved beforehand, driven the same
# way, runs alternating with the delivery runs; it prints delivery ÷ ceiling.
#
# It builds nothing: point it at a build tree that has bin/adserve, bin/bench_ceiling and
# the cache plugins.
# Everything it starts listens on 127.0.0.1 and is stopped by PID when it exits.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: tests/bench/e2e.sh [BUILD_DIR] [options]

  BUILD_DIR              build tree with bin/adserve and bin/bench_ceiling (default ./build)
  --campaigns N          campaigns to generate (default: calibrated so the request mix
                         matches about --target-matches campaigns on average)
  --target-matches M     average matched campaigns a request should have (default 50)
  --seed S               generator seed (default 42)
  --duration SECONDS     length of each measured wrk run, 1-120 (default 10)
  --warmup SECONDS       length of each warm-up run, 1-60 (default 3)
  --connections C        wrk connections (default 64)
  --threads T            wrk threads (default 2)
  --redis                also measure with a standalone redis-server (cold and warm)
  --redis-cluster        also measure with a three-master Redis Cluster (cold and warm)
  --no-near-cache        with --redis / --redis-cluster, also compare the warm server with
                         its near cache (the default CACHE_NEAR_TTL_MS) and without it
                         (CACHE_NEAR_TTL_MS=0): two servers over the same Redis, their
                         /api/v1/delivery runs alternating --pairs times; with --redis also
                         Redis alone answering a request's MGET (redis-benchmark, if
                         installed), the bound of the server without the near cache
  --no-embedded          skip the embedded default (memory cache) run
  --pairs P              delivery and ceiling runs alternate P times per endpoint, 1-10
                         (default 2: delivery, ceiling, delivery, ceiling)
  --no-ceiling           measure delivery alone, without the ceiling server (one run each)
  --store FILE           serve this SQLite store (say, one of a million campaigns made once
                         with `adserve generate`) instead of generating one
  --limit N              ask for the first N campaigns of each answer (the limit parameter)
  -h, --help             this help

Environment passed to the server is cleaned of DATABASE_URL, REDIS_URL and REDIS_CLUSTER;
ADSERVE_THREADS (server threads), DELIVERY_CAMPAIGN_BATCH_SIZE and CACHE_ANSWER_MB (0: every
answer written anew, no whole answer reused) pass through.
EOF
}

die() { echo "e2e: $*" >&2; exit 2; }

build=./build
campaigns=""
target_matches=50
seed=42
duration=10
warmup=3
connections=64
threads=2
with_embedded=1
with_redis=0
with_cluster=0
with_no_near=0
with_ceiling=1
pairs=2
store=""
limit=""

whole() { [[ "$2" =~ ^[0-9]+$ ]] && (( $2 >= $3 && $2 <= $4 )) || die "$1 must be a whole number from $3 to $4 (got \"$2\")"; }
value_of() { [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a value"; echo "$2"; }

positional_seen=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --campaigns) campaigns=$(value_of "$@"); whole --campaigns "$campaigns" 1 10000000; shift 2 ;;
    --target-matches) target_matches=$(value_of "$@"); whole --target-matches "$target_matches" 1 100000; shift 2 ;;
    --seed) seed=$(value_of "$@"); whole --seed "$seed" 0 999999999999; shift 2 ;;
    --duration) duration=$(value_of "$@"); whole --duration "$duration" 1 120; shift 2 ;;
    --warmup) warmup=$(value_of "$@"); whole --warmup "$warmup" 1 60; shift 2 ;;
    --connections) connections=$(value_of "$@"); whole --connections "$connections" 1 10000; shift 2 ;;
    --threads) threads=$(value_of "$@"); whole --threads "$threads" 1 64; shift 2 ;;
    --redis) with_redis=1; shift ;;
    --redis-cluster) with_cluster=1; shift ;;
    --no-near-cache) with_no_near=1; shift ;;
    --no-embedded) with_embedded=0; shift ;;
    --pairs) pairs=$(value_of "$@"); whole --pairs "$pairs" 1 10; shift 2 ;;
    --no-ceiling) with_ceiling=0; shift ;;
    --store) store=$(value_of "$@"); shift 2 ;;
    --limit) limit=$(value_of "$@"); whole --limit "$limit" 1 1000000000; shift 2 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) (( positional_seen == 0 )) || die "only one build directory, got \"$1\" too"
       build=$1; positional_seen=1; shift ;;
  esac
done
(( connections >= threads )) || die "--connections must be at least --threads"
(( ! with_no_near || with_redis || with_cluster )) || die "--no-near-cache needs --redis or --redis-cluster"

build=$(cd "$build" 2>/dev/null && pwd) || die "build directory not found"
adserve=$build/bin/adserve
[[ -x $adserve ]] || die "$adserve is missing: build the adserve target first"
ceiling=$build/bin/bench_ceiling
(( ! with_ceiling )) || [[ -x $ceiling ]] \
  || die "$ceiling is missing: build the bench_ceiling target (ADSERVE_BUILD_TESTS=ON), or pass --no-ceiling"
needed=(wrk curl)
(( with_redis || with_cluster )) && needed+=(redis-server redis-cli)
for tool in "${needed[@]}"; do
  command -v "$tool" >/dev/null || die "$tool is not installed (installer/install-deps.sh installs it)"
done
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lua=$script_dir/e2e.lua

work=$(mktemp -d "${TMPDIR:-/tmp}/adserve-e2e.XXXXXX")
pids=()

# Stops a process this script started and forgets it (so a reused PID is never signalled).
stop_pid() {
  local pid=$1 kept=() p
  for p in "${pids[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
  pids=("${kept[@]}")
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  while (( ${#pids[@]} )); do stop_pid "${pids[0]}"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sets $port to a loopback port nothing listens on (nor on port+10000, a Cluster node's
# bus port) and that this script has not handed out yet. Both lie below the ephemeral
# range, where thousands of client sockets (wrk, curl) would otherwise collide with a bind.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
(( ephemeral_low > 21000 )) || die "the ephemeral port range starts too low ($ephemeral_low) to pick server ports below it"
taken_ports=" "
port=""
free_port() {
  local candidate
  for _ in $(seq 200); do
    candidate=$(( 10000 + RANDOM % (ephemeral_low - 20000) ))
    [[ $taken_ports == *" $candidate "* ]] && continue
    if ! port_busy "$candidate" && ! port_busy $(( candidate + 10000 )); then
      taken_ports+="$candidate "
      port=$candidate
      return
    fi
  done
  die "no free loopback port found"
}

# ---------------------------------------------------------------------------------------
# Requests: the biggest markets, both mobile OSes and a few popular apps. Every wrk run
# cycles through all of them, so several cache keys and index lists are in play.
countries=(US GB DE FR IN BR JP CA)
oses=(Android iOS)
apps=(com.whatsapp com.instagram.android com.spotify.music com.gametion.ludokinggame)
api_paths=$work/api-paths.txt
v1_paths=$work/v1-paths.txt
health_paths=$work/health-paths.txt
for c in "${countries[@]}"; do
  for o in "${oses[@]}"; do
    for a in "${apps[@]}"; do
      echo "/api/v1/delivery?country=$c&os=$o&app=$a${limit:+&limit=$limit}" >> "$api_paths"
      echo "/v1/delivery?app=$a&country=$c&os=$o${limit:+&limit=$limit}" >> "$v1_paths"
    done
  done
done
echo "/healthz" > "$health_paths"

# ---------------------------------------------------------------------------------------
server_pid=""
server_url=""

generate() { # db count
  echo "e2e: generating $2 campaigns (seed $seed)" >&2
  (cd "$work" && env -u DATABASE_URL -u REDIS_URL -u REDIS_CLUSTER \
    timeout 600 "$adserve" generate --campaigns "$2" --seed "$seed" --db "$1") \
    >"$work/generate.log" 2>&1 || { tail -5 "$work/generate.log" >&2; die "adserve generate failed"; }
}

# Runs a server command on a free loopback port (the command's last argument is the port)
# and waits until /readyz answers, and not 503 (adserve says "loading" with a 503 while a
# large store loads; the ceiling answers any path); another port is tried when one is taken between
# choosing it and binding it. Sets launched_pid and launched_url.
launched_pid=""
launched_url=""
launch_listening() { # label log command... (the port is appended)
  local label=$1 log=$2 attempt; shift 2
  for attempt in 1 2 3; do
    free_port
    launched_url="http://127.0.0.1:$port"
    (cd "$work" && exec env -u DATABASE_URL -u REDIS_URL -u REDIS_CLUSTER "$@" "127.0.0.1:$port") >"$log" 2>&1 &
    launched_pid=$!
    pids+=("$launched_pid")
    for _ in $(seq 1800); do
      case $(curl -s --max-time 1 -o /dev/null -w '%{http_code}' "$launched_url/readyz" 2>/dev/null) in
        000 | 503) ;;
        *) return 0 ;;
      esac
      kill -0 "$launched_pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$launched_pid"
    grep -q "cannot listen" "$log" || break
  done
  tail -20 "$log" >&2
  die "the $label did not come up on $launched_url"
}

start_server() { # db [VAR=value ...]
  local db=$1; shift
  launch_listening server "$work/server.log" "$@" "$adserve" --db "$db" --listen
  server_pid=$launched_pid server_url=$launched_url
}

stop_server() {
  [[ -n $server_pid ]] && stop_pid "$server_pid"
  server_pid=""
}

# ---------------------------------------------------------------------------------------
# The ceiling: bench_ceiling, adserve's HTTP server (HttpServerPool, edge guard and all, same
# threads and limits) answering each request with the delivery body saved for it. Another
# port is tried when one is taken between choosing it and binding it.
ceiling_pid=""
ceiling_url=""
start_ceiling() { # bodies-list
  launch_listening "ceiling server" "$work/ceiling.log" "$ceiling" --bodies "$1" --listen
  ceiling_pid=$launched_pid ceiling_url=$launched_url
}

stop_ceiling() {
  [[ -n $ceiling_pid ]] && stop_pid "$ceiling_pid"
  ceiling_pid=""
}

# Fetches the body of every request of a path list once, into files listed as
# "path<tab>file" lines for the ceiling, which then answers each request of the mix with the
# very bytes delivery gave it. Sets saved_mean_bytes.
saved_mean_bytes=0
save_bodies() { # paths list
  local path i=0 status file total=0
  : > "$2"
  while read -r path; do
    file=$2.$i
    status=$(curl -s --max-time 10 -o "$file" -w '%{http_code}' "$server_url$path") || status=000
    [[ $status == 200 || $status == 204 ]] || die "GET $path answered $status while saving delivery bodies"
    printf '%s\t%s\n' "$path" "$file" >> "$2"
    total=$(( total + $(stat -c %s "$file") ))
    i=$(( i + 1 ))
  done < "$1"
  saved_mean_bytes=$(( i ? total / i : 0 ))
}

# Prints "mean min max" of the campaigns matched by the request mix.
matched_counts() {
  local path count
  while read -r path; do
    count=$(curl -s --max-time 10 "$server_url$path" | grep -o '"cid"' | wc -l)
    echo "$count"
  done < "$v1_paths" | awk '{ s += $1; if (NR == 1 || $1 < lo) lo = $1; if ($1 > hi) hi = $1 }
                          END { if (NR) printf "%.1f %d %d\n", s / NR, lo, hi; else print "0 0 0" }'
}

# CPU time a process has used so far, in clock ticks (user + system).
clock_ticks=$(getconf CLK_TCK)
server_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# wrk over a path list; prints "rps p50_us p90_us p99_us errors server_cpu_us_per_request".
# The server's CPU per request does not depend on what else the machine is running, the
# request rate does: both are shown. Drives the adserve server unless told another one.
drive() { # paths seconds [url pid log]
  local url=${3:-$server_url} pid=${4:-$server_pid} log=${5:-$work/server.log}
  local out line ticks_before ticks_after
  ticks_before=$(server_ticks "$pid")
  out=$(E2E_PATHS=$1 timeout $(( $2 + 30 )) wrk -t"$threads" -c"$connections" -d"${2}s" --timeout 5s \
        -s "$lua" "$url/" 2>&1) || { echo "$out" >&2; die "wrk failed"; }
  line=$(grep '^E2E_RESULT' <<<"$out") || { echo "$out" >&2; die "wrk printed no result"; }
  kill -0 "$pid" 2>/dev/null || { tail -20 "$log" >&2; die "the server died under load"; }
  ticks_after=$(server_ticks "$pid")
  awk -v ticks=$(( ticks_after - ticks_before )) -v hz="$clock_ticks" \
    '{ for (i = 2; i <= NF; ++i) { split($i, kv, "="); v[kv[1]] = kv[2] }
       printf "%.0f %d %d %d %d %.1f\n", v["requests"] / (v["duration_us"] / 1e6), v["p50_us"], v["p90_us"],
              v["p99_us"], v["http_errors"] + v["socket_errors"], v["requests"] ? ticks * 1e6 / hz / v["requests"] : 0 }' <<<"$line"
}

# A row of the table. The two ratios compare with /healthz on the same server: requests/s
# (the issues' targets), and the server's CPU per request (/healthz's over this one's),
# which other load on the machine disturbs far less.
results=$work/results.txt
health_rps=0
health_cpu=0
report() { # mode endpoint "rps p50 p90 p99 errors cpu"
  local rps p50 p90 p99 errors cpu ratio cpu_ratio
  read -r rps p50 p90 p99 errors cpu <<<"$3"
  if [[ $2 == /healthz ]]; then
    health_rps=$rps
    health_cpu=$cpu
    ratio="-"
    cpu_ratio="-"
  else
    ratio=$(awk -v a="$rps" -v b="$health_rps" 'BEGIN { printf (b > 0 ? "%.0f%%" : "-"), 100 * a / b }')
    cpu_ratio=$(awk -v a="$health_cpu" -v b="$cpu" 'BEGIN { printf (b > 0 ? "%.0f%%" : "-"), 100 * a / b }')
  fi
  awk -v m="$1" -v e="$2" -v r="$rps" -v a="$p50" -v b="$p90" -v c="$p99" -v x="$errors" -v u="$cpu" -v q="$ratio" \
    -v k="$cpu_ratio" \
    'BEGIN { printf "%-16s %-24s %9d %9.2f %9.2f %9.2f %7d %9.1f %9s %8s\n", m, e, r, a / 1000, b / 1000, c / 1000, x, u, k, q }' \
    | tee -a "$results"
}

measure_mode() { # mode flush-command-or-empty
  local mode=$1 flush=$2
  local figures
  figures=$(drive "$health_paths" "$duration")
  report "$mode" /healthz "$figures"
  if [[ -n $flush ]]; then
    $flush
    figures=$(drive "$api_paths" "$duration")
    report "$mode" "/api/v1/delivery cold" "$figures"
  fi
  drive "$api_paths" "$warmup" >/dev/null
  drive "$v1_paths" "$warmup" >/dev/null
  measure_endpoint "$mode" "/api/v1/delivery${flush:+ warm}" "$api_paths" "$work/bodies-api.txt" "$api_mean_bytes"
  measure_endpoint "$mode" "/v1/delivery${flush:+ warm}" "$v1_paths" "$work/bodies-v1.txt" "$v1_mean_bytes"
}

# Mean of several drive results (errors added up).
# pair_ratios P "figures of A" x P "figures of B" x P (each "rps p50 p90 p99 errors cpu"):
# prints "A's mean rps, B's mean rps, A ÷ B in requests/s, B ÷ A in CPU per request, and
# A ÷ B pair by pair" (the CPU ratio is the one the machine's other load disturbs least).
pair_ratios() {
  local n=$1; shift
  printf '%s\n' "$@" | awk -v n="$n" '
    NR <= n { a[NR] = $1; asum += $1; acpu += $6 }
    NR > n { b[NR - n] = $1; bsum += $1; bcpu += $6 }
    END {
      list = ""
      for (i = 1; i <= n; ++i) list = list (i > 1 ? " " : "") (b[i] > 0 ? sprintf("%.0f%%", 100 * a[i] / b[i]) : "-")
      ratio = bsum > 0 ? sprintf("%.0f%%", 100 * asum / bsum) : "-"
      cpu = acpu > 0 ? sprintf("%.0f%%", 100 * bcpu / acpu) : "-"
      printf "%.0f %.0f %s %s %s\n", asum / n, bsum / n, ratio, cpu, list
    }'
}

mean_figures() { # "rps p50 p90 p99 errors cpu" ...
  printf '%s\n' "$@" | awk '{ for (i = 1; i <= 6; ++i) s[i] += $i }
    END { printf "%.0f %.0f %.0f %.0f %d %.1f\n", s[1] / NR, s[2] / NR, s[3] / NR, s[4] / NR, s[5], s[6] / NR }'
}

# One delivery endpoint. With the ceiling, runs alternate (delivery, ceiling) --pairs times,
# the ceiling serving the endpoint's bodies saved beforehand; each row is the mean of its
# runs, and delivery ÷ ceiling goes to the summary with the ratio of every pair.
ceiling_results=$work/ceiling.txt
# Answers the server reused whole and answers it wrote, as its /metrics counts them: "reused written".
answer_counts() {
  curl -s --max-time 5 "$server_url/metrics" \
    | awk '/^adserve_answer_cache_hits_total /{r=$2} /^adserve_answer_cache_misses_total /{w=$2} END {print r+0, w+0}'
}
measure_endpoint() { # mode endpoint paths bodies-list mean-bytes
  local mode=$1 endpoint=$2 paths=$3 bodies=$4 bytes=$5
  if (( ! with_ceiling )); then
    report "$mode" "$endpoint" "$(drive "$paths" "$duration")"
    return
  fi
  local pair delivery=() top=() ceiling_args=()
  start_ceiling "$bodies"
  ceiling_args=("$ceiling_url" "$ceiling_pid" "$work/ceiling.log")
  drive "$paths" "$warmup" "${ceiling_args[@]}" >/dev/null
  local reused0 written0 reused1 written1 reused=-
  read -r reused0 written0 < <(answer_counts)
  for (( pair = 0; pair < pairs; ++pair )); do
    delivery+=("$(drive "$paths" "$duration")")
    top+=("$(drive "$paths" "$duration" "${ceiling_args[@]}")")
  done
  read -r reused1 written1 < <(answer_counts)
  (( reused1 - reused0 + written1 - written0 > 0 )) \
    && reused="$(( 100 * (reused1 - reused0) / (reused1 - reused0 + written1 - written0) ))%"
  stop_ceiling
  report "$mode" "$endpoint" "$(mean_figures "${delivery[@]}")"
  report "$mode" "ceiling ${endpoint%% *}" "$(mean_figures "${top[@]}")"
  # delivery ÷ ceiling in requests/s (all runs, and pair by pair), and in CPU per request
  # (the ceiling's over delivery's, which the machine's other load disturbs far less).
  local d c ratio cpu list
  read -r d c ratio cpu list < <(pair_ratios "$pairs" "${delivery[@]}" "${top[@]}")
  printf '%-16s %-24s %8d %12.0f %12.0f %7s %9s %7s   %s\n' "$mode" "$endpoint" "$bytes" "$d" "$c" "$ratio" "$cpu" \
    "$reused" "$list" >> "$ceiling_results"
}

# One pass over the request mix, one request at a time: the mean time from sending a
# request to its first response byte, in microseconds.
sequential_micros() {
  local path
  while read -r path; do
    curl -s -o /dev/null --max-time 10 -w '%{time_pretransfer} %{time_starttransfer}\n' "$server_url$path"
  done < "$api_paths" | awk '{ s += $2 - $1 } END { printf "%.0f\n", NR ? 1e6 * s / NR : 0 }'
}

median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# ---------------------------------------------------------------------------------------
# Starts a redis-server on a free port and adds the port to redis_ports; another port is
# tried when one is taken between choosing it and binding it.
redis_ports=()
start_redis() { # [extra redis-server args ...]
  local attempt pid dir
  for attempt in 1 2 3; do
    free_port
    dir=$work/redis-$port
    mkdir -p "$dir"
    redis-server --bind 127.0.0.1 --port "$port" --save "" --appendonly no --dir "$dir" \
      --daemonize no "$@" >"$dir/redis.log" 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 300); do
      if [[ $(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]]; then
        redis_ports+=("$port")
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    stop_pid "$pid"
  done
  tail -5 "$dir/redis.log" >&2
  die "redis-server did not come up (last port tried $port)"
}

flush_redis() {
  local port
  for port in "${redis_ports[@]}"; do redis-cli -h 127.0.0.1 -p "$port" flushall >/dev/null; done
}

start_cluster() {
  redis_ports=()
  for _ in 1 2 3; do
    start_redis --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000
  done
  timeout 60 redis-cli --cluster create "${redis_ports[@]/#/127.0.0.1:}" --cluster-replicas 0 --cluster-yes \
    >"$work/cluster-create.log" 2>&1 || { tail -5 "$work/cluster-create.log" >&2; die "redis-cli --cluster create failed"; }
  for _ in $(seq 300); do
    local ok=1
    for port in "${redis_ports[@]}"; do
      redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null | grep -q 'cluster_state:ok' || ok=0
    done
    (( ok )) && return 0
    sleep 0.1
  done
  die "the Redis Cluster did not reach cluster_state:ok"
}

# /readyz names each backend; a server that fell back to another cache must not be measured as Redis.
redis_cache_active() { curl -s --max-time 5 "$server_url/readyz" | grep -qi redis; }

run_redis_mode() { # mode url [VAR=value ...]
  local mode=$1 url=$2; shift 2
  start_server "$db" REDIS_URL="$url" "$@"
  redis_cache_active || { curl -s "$server_url/readyz" >&2; echo >&2; die "$mode: the server is not using Redis (is the redis plugin built?)"; }
  local cold=() warm=()
  for _ in 1 2 3; do
    flush_redis
    cold+=("$(sequential_micros)")
    sleep 0.5 # the refill is asynchronous
    warm+=("$(sequential_micros)")
  done
  awk -v m="$mode" -v c="$(median "${cold[@]}")" -v w="$(median "${warm[@]}")" \
    -v n="$(wc -l < "$api_paths")" \
    'BEGIN { printf "%-16s one request at a time, to first byte: %.2f ms after FLUSHALL, %.2f ms warm (median of 3 passes over %d)\n",
             m, c / 1000, w / 1000, n }' >> "$work/sequential.txt"
  measure_mode "$mode" flush_redis
  stop_server
  (( with_no_near )) && compare_near_cache "$mode" "$url" "$@"
  return 0
}

# ---------------------------------------------------------------------------------------
# Redis alone, with no HTTP server: redis-benchmark sending the MGET a request of the mix
# costs the server without its near cache (the details of the campaigns of the request whose
# answer has the median number of them, keys campaign:<id>), over as many connections as wrk,
# one at a time per connection and pipelined by 16: what Redis and a client that does nothing
# else reach on this machine. A server thread sends the MGETs of the requests it has waiting
# together, so the server without its near cache is between the two.
alone_keys=()
alone_query=""
alone_bytes=0
alone_problem=""

# Campaigns in a delivery body read from stdin.
campaigns_in() { grep -o '"cid"' | wc -l || true; }

# Sets alone_keys, alone_query and alone_bytes (of the values) from the near-cache server at url over the Redis at port,
# or alone_problem (and fails) when the MGET cannot be measured. The answers' campaign counts
# come from the bodies saved for the ceiling, or are fetched now; the campaign ids from the
# server's /api/v1/delivery/explain for that request (an answer names campaigns by code,
# the keys by id).
prepare_redis_alone() { # url redis-port
  local url=$1 port=$2 count index path query status i=0 ids=() cids present
  alone_keys=() alone_query="" alone_bytes=0 alone_problem=""
  command -v redis-benchmark >/dev/null || { alone_problem="redis-benchmark is not installed"; return 1; }
  read -r count index < <(
    while read -r path; do
      if (( with_ceiling )); then campaigns_in < "$work/bodies-api.txt.$i"
      else { curl -s --max-time 10 "$url$path" || true; } | campaigns_in; fi
      echo "$i"
      i=$(( i + 1 ))
    done < "$api_paths" | paste - - | sort -n -k1,1 -k2,2 | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }')
  (( ${count:-0} > 0 )) || { alone_problem="the median request of the mix matches no campaign"; return 1; }
  path=$(sed -n "$(( index + 1 ))p" "$api_paths")
  query=${path#*\?}
  query=${query/&limit=/&answerLimit=}
  status=$(curl -s --max-time 10 -o "$work/alone-explain.json" -w '%{http_code}' \
           "$url/api/v1/delivery/explain?$query&limit=1") || status=000
  [[ $status == 200 ]] || { alone_problem="/api/v1/delivery/explain answered $status"; return 1; }
  # Explain's delivered campaigns: their ids, and their cids as the body writes them.
  delivered() { # field
    python3 -c 'import json, sys
for c in json.load(open(sys.argv[1]))["delivered"]:
    print(c[sys.argv[2]] if sys.argv[2] == "id" else "\"cid\":" + json.dumps(c["cid"], ensure_ascii=False))' "$work/alone-explain.json" "$1" 2>/dev/null || true
  }
  mapfile -t ids < <(delivered id)
  cids=$(delivered cid | tr '\n' ' ')
  if (( with_ceiling )); then
    [[ $(grep -o '"cid":"[^"]*"' "$work/bodies-api.txt.$index" | tr '\n' ' ' || true) == "$cids" ]] \
      || echo "e2e: redis alone: explain's campaigns for $path differ from its saved body's; using explain's" >&2
  fi
  (( ${#ids[@]} > 0 )) || { alone_problem="explain named no campaign id for $path"; return 1; }
  alone_keys=("${ids[@]/#/campaign:}")
  present=$(timeout 10 redis-cli -h 127.0.0.1 -p "$port" exists "${alone_keys[@]}" 2>/dev/null) || present=""
  [[ $present == "${#alone_keys[@]}" ]] \
    || { alone_problem="${present:-none} of the ${#alone_keys[@]} keys of $path are in Redis"; return 1; }
  alone_bytes=$(printf 'STRLEN %s\n' "${alone_keys[@]}" | timeout 10 redis-cli -h 127.0.0.1 -p "$port" 2>/dev/null \
                | awk '{ s += $1 } END { print s + 0 }') || alone_bytes=0
  alone_query=${path#*\?}
}

# One redis-benchmark run of the MGET: prints its requests/s, or nothing (and a note) when it
# failed, timed out or printed no rate.
redis_alone_rps() { # port pipeline requests
  local out rps
  out=$(timeout $(( 3 * duration + 30 )) redis-benchmark -h 127.0.0.1 -p "$1" -c "$connections" -P "$2" -n "$3" -q \
        MGET "${alone_keys[@]}" 2>&1) || { echo "e2e: redis-benchmark -P $2 -n $3 failed or timed out" >&2; return 0; }
  # -q rewrites a progress line with carriage returns, then ends with "<command>: N requests per second, p50=…"
  rps=$(tr '\r' '\n' <<<"$out" | grep -o '[0-9][0-9.]* requests per second' | tail -1 | cut -d' ' -f1 || true)
  [[ -n $rps ]] || echo "e2e: redis-benchmark -P $2 printed no rate" >&2
  echo "$rps"
}

# Requests for a run of about --duration seconds, from a short run (which also warms up).
redis_alone_requests() { # port pipeline
  local rps
  rps=$(redis_alone_rps "$1" "$2" $(( $2 > 1 ? 40000 : 10000 )))
  [[ -n $rps ]] || return 0
  awk -v r="$rps" -v d="$duration" 'BEGIN { n = int(r * d); print (n < 1000 ? 1000 : n) }'
}

# Warm Redis with the near cache and without it: two servers over the same Redis, one with
# the default CACHE_NEAR_TTL_MS and one with 0, their /api/v1/delivery runs alternating (with
# the cache, without, --pairs times), so both see the same load on the machine. Rows "<mode>
# near" and "<mode> no-near" (each beside its own /healthz); the ratio without ÷ with goes to
# the summary, over all runs and pair by pair.
near_results=$work/near.txt
alone_results=$work/alone.txt
compare_near_cache() { # mode url [VAR=value ...]
  local mode=$1 url=$2; shift 2
  local near off pair with=() without=()
  launch_listening server "$work/server-near.log" REDIS_URL="$url" "$@" "$adserve" --db "$db" --listen
  near=("$launched_url" "$launched_pid" "$work/server-near.log")
  launch_listening server "$work/server-no-near.log" REDIS_URL="$url" "$@" CACHE_NEAR_TTL_MS=0 \
    "$adserve" --db "$db" --listen
  off=("$launched_url" "$launched_pid" "$work/server-no-near.log")
  drive "$api_paths" "$warmup" "${near[@]}" >/dev/null
  drive "$api_paths" "$warmup" "${off[@]}" >/dev/null
  # Redis alone (standalone only: a Cluster spreads one request's keys over its masters).
  local alone_port=${redis_ports[0]} alone1=() alone16=() n1="" n16="" rps
  if (( ${#redis_ports[@]} > 1 )); then
    alone_problem="one request's keys lie on several masters of the Cluster"
  elif prepare_redis_alone "${near[0]}" "$alone_port"; then
    n1=$(redis_alone_requests "$alone_port" 1)
    n16=$(redis_alone_requests "$alone_port" 16)
    [[ -n $n1 && -n $n16 ]] || alone_problem="redis-benchmark failed (see above)"
  fi
  report "$mode near" /healthz "$(drive "$health_paths" "$duration" "${near[@]}")"
  for (( pair = 0; pair < pairs; ++pair )); do
    with+=("$(drive "$api_paths" "$duration" "${near[@]}")")
    without+=("$(drive "$api_paths" "$duration" "${off[@]}")")
    if [[ -z $alone_problem ]]; then
      rps=$(redis_alone_rps "$alone_port" 1 "$n1")
      [[ -n $rps ]] && alone1+=("$rps") || alone_problem="redis-benchmark failed (see above)"
    fi
    if [[ -z $alone_problem ]]; then
      rps=$(redis_alone_rps "$alone_port" 16 "$n16")
      [[ -n $rps ]] && alone16+=("$rps") || alone_problem="redis-benchmark failed (see above)"
    fi
  done
  report "$mode near" "/api/v1/delivery warm" "$(mean_figures "${with[@]}")"
  report "$mode no-near" /healthz "$(drive "$health_paths" "$duration" "${off[@]}")"
  report "$mode no-near" "/api/v1/delivery warm" "$(mean_figures "${without[@]}")"
  stop_pid "${near[1]}"
  stop_pid "${off[1]}"
  local off on ratio cpu list
  read -r off on ratio cpu list < <(pair_ratios "$pairs" "${without[@]}" "${with[@]}")
  printf '%-16s %12.0f %12.0f %7s %9s   %s\n' "$mode" "$off" "$on" "$ratio" "$cpu" "$list" >> "$near_results"
  if [[ -n $alone_problem ]]; then
    echo "$mode alone: not measured ($alone_problem)" >> "$alone_results"
    return 0
  fi
  printf '%s\n' "${alone1[@]}" "${alone16[@]}" | awk -v n="$pairs" -v on="$on" -v off="$off" -v m="$mode" \
    -v c="$connections" -v q="$alone_query" -v k="${#alone_keys[@]}" -v b="$alone_bytes" '
    function thousands(x,   s, t) { s = sprintf("%.0f", x); t = ""
      while (length(s) > 3) { t = "," substr(s, length(s) - 2) t; s = substr(s, 1, length(s) - 3) }
      return s t }
    function share(x, of) { return of > 0 ? sprintf("%.0f%%", 100 * x / of) : "-" }
    NR <= n { one += $1; ones = ones " " thousands($1) }
    NR > n { piped += $1; pipeds = pipeds " " thousands($1) }
    END {
      one /= n; piped /= n
      printf "%s alone, one MGET per request: %s MGET/s = %s of the near-cache rate (unpipelined, %d connections);",
             m, thousands(one), share(one, on), c
      printf " pipelined by 16: %s MGET/s = %s\n", thousands(piped), share(piped, on)
      printf "  redis-benchmark (no HTTP server), the MGET of the median request of the mix, %s: %d keys, %s bytes of",
             q, k, thousands(b)
      printf " values; runs alternating with the servers\47, pair by pair%s, pipelined%s\n", ones, pipeds
      printf "  the server without the near cache (its threads send the reads of the requests they have waiting"
      printf " together) ran at %s of Redis alone unpipelined, %s of it pipelined by 16\n", share(off, one), share(off, piped)
    }' >> "$alone_results"
}

# ---------------------------------------------------------------------------------------
db=$work/adserve.sqlite
if [[ -n $store ]]; then
  [[ -f $store ]] || die "--store $store: no such file"
  db=$store
elif [[ -z $campaigns ]]; then
  # Matches grow in proportion to the campaign count: measure a probe, then scale.
  probe=2000
  generate "$db" "$probe"
  start_server "$db"
  read -r probe_mean _ _ <<<"$(matched_counts)"
  stop_server
  awk -v m="$probe_mean" 'BEGIN { exit !(m > 0) }' || die "the probe data set matches nothing for the request mix"
  campaigns=$(awk -v p="$probe" -v m="$probe_mean" -v t="$target_matches" \
    'BEGIN { n = int(p * t / m + 0.5); print (n < 1 ? 1 : n) }')
  echo "e2e: $probe campaigns matched $probe_mean per request; using $campaigns for ~$target_matches" >&2
  rm -f "$db"
fi
[[ -n $store ]] || generate "$db" "$campaigns"

start_server "$db"
read -r mean lo hi <<<"$(matched_counts)"
api_mean_bytes=0
v1_mean_bytes=0
if (( with_ceiling )); then
  save_bodies "$api_paths" "$work/bodies-api.txt"
  api_mean_bytes=$saved_mean_bytes
  save_bodies "$v1_paths" "$work/bodies-v1.txt"
  v1_mean_bytes=$saved_mean_bytes
fi
stop_server

echo
echo "adserve e2e: $("$adserve" --version 2>/dev/null | head -1), ${store:-$campaigns generated campaigns (seed $seed)}${limit:+, limit=$limit}"
echo "request mix: $(wc -l < "$api_paths") queries (${countries[*]} x ${oses[*]} x ${#apps[@]} apps), matched campaigns mean $mean, min $lo, max $hi"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk: $threads threads, $connections connections, ${duration}s per run (warm-up ${warmup}s), loopback"
if (( with_ceiling )); then
  echo "ceiling: bench_ceiling answering each request with the body delivery gave it (saved once;" \
       "/api/v1/delivery $api_mean_bytes bytes on average, /v1/delivery $v1_mean_bytes);" \
       "$pairs pairs of runs (delivery, ceiling) per endpoint, rows are means"
fi
echo
printf "%-16s %-24s %9s %9s %9s %9s %7s %9s %9s %8s\n" mode endpoint "req/s" "p50 ms" "p90 ms" "p99 ms" errors \
  "cpu us/r" "cpu ratio" "/healthz"

if (( with_embedded )); then
  start_server "$db"
  measure_mode embedded ""
  stop_server
fi
if (( with_redis )); then
  redis_ports=()
  start_redis
  run_redis_mode redis "redis://127.0.0.1:${redis_ports[0]}"
fi
if (( with_cluster )); then
  start_cluster
  run_redis_mode redis-cluster "redis://127.0.0.1:${redis_ports[0]}" REDIS_CLUSTER=true
fi

# The issues' targets, judged on this run.
echo
verdict() { # mode endpoint percent
  local line ratio
  line=$(grep -E "^$1 +$2 " "$results" | head -1) || return 0
  ratio=${line##* }
  ratio=${ratio%\%}
  [[ $ratio =~ ^[0-9]+$ ]] || return 0
  if (( ratio >= $3 )); then echo "target met:    $1 $2 at $ratio% of /healthz (>= $3%)"
  else echo "target missed: $1 $2 at $ratio% of /healthz (>= $3%)"; fi
}
[[ -s $work/sequential.txt ]] && { cat "$work/sequential.txt"; echo; }
if [[ -s $ceiling_results ]]; then
  echo "delivery ÷ ceiling (same server code, same requests and bodies, runs alternating; reused: of the"
  echo "delivery runs' answers, those reused whole, from the server's /metrics):"
  printf "%-16s %-24s %8s %12s %12s %7s %9s %7s   %s\n" mode endpoint "mean B" "delivery r/s" "ceiling r/s" ratio \
    "cpu ratio" reused "pair by pair"
  cat "$ceiling_results"
  echo
fi
if [[ -s $near_results ]]; then
  echo "warm /api/v1/delivery without the near cache ÷ with it (two servers over one Redis, runs alternating):"
  printf "%-16s %12s %12s %7s %9s   %s\n" mode "no-near r/s" "near r/s" ratio "cpu ratio" "pair by pair"
  cat "$near_results"
  [[ -s $alone_results ]] && cat "$alone_results"
  echo
  while read -r mode _ _ ratio _; do
    ratio=${ratio%\%}
    [[ $ratio =~ ^[0-9]+$ ]] || continue
    if (( ratio >= 60 )); then echo "target met:    $mode without the near cache at $ratio% of the near-cache rate (>= 60%)"
    else echo "target missed: $mode without the near cache at $ratio% of the near-cache rate (>= 60%)"; fi
  done < "$near_results"
fi
verdict embedded "/api/v1/delivery" 60
verdict redis "/api/v1/delivery warm" 40

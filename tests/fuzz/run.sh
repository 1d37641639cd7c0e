#!/usr/bin/env bash
# The `fuzz` test: builds the fuzz targets with clang into the build folder given (default
# build-fuzz; a later run rebuilds only what changed) and runs each from its seed corpus for
# FUZZ_SECONDS (default 20) under AddressSanitizer and UBSan. Fails when any target crashes,
# leaks, hangs, runs out of memory or a sanitizer reports; the input is kept in <build>/crashes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build-fuzz}
seconds=${FUZZ_SECONDS:-20}

# clang even where CXX names another compiler for the rest of the build.
CXX=clang++-14 cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2
export UBSAN_OPTIONS=print_stacktrace=1

failed=()
mkdir -p "$build/crashes"
for source in "$here"/fuzz_*.cpp; do
  target=$(basename "$source" .cpp)
  name=${target#fuzz_}
  # New inputs collect in the build folder; the seeds in the repository stay as they are.
  mkdir -p "$build/corpus/$name"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096
           -artifact_prefix="$build/crashes/$name-")
  [[ -f $here/dict/$name.dict ]] && options+=(-dict="$here/dict/$name.dict")
  echo "== $target (${seconds}s)"
  if ! "$build/$target" "${options[@]}" "$build/corpus/$name" "$here/corpus/$name" 2>"$build/$name.log"; then
    failed+=("$target")
    tail -n 150 "$build/$name.log"
  fi
  grep -E '^(#[0-9]+\s+DONE|Done [0-9]+ runs)' "$build/$name.log" || true
done

if (( ${#failed[@]} )); then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $build/crashes)"
  exit 1
fi
echo "fuzz: all targets ran ${seconds}s without a finding"

#!/usr/bin/env bash
# Specification of the adserve Debian package, checked on the real package:
#   1. cpack builds adserve_<version>_<arch>.deb from this build tree;
#   2. its control data has the computed and the run-time-loaded dependencies,
#      the conffile and the maintainer scripts;
#   3. it holds every executable with its man page, the engine library, every cache
#      plugin the build made, the systemd unit and its settings file, and the
#      changelog of this version;
#   4. unpacked into a scratch root (dpkg -x), every binary resolves its libraries,
#      `usr/bin/adserve --version` runs, each man page describes every option of its
#      program's --help, and the studio draws its panels offscreen;
#   5. the unpacked server, on the embedded default and under the service's
#      MemoryDenyWriteExecute (the kernel's own, where it has one), answers a delivery
#      request with the sample campaigns, with no LD_LIBRARY_PATH, ADSERVE_PLUGIN_PATH
#      or source tree: the engine library and cache plugin it maps are the unpacked
#      ones; it stops cleanly on SIGTERM;
#   6. the systemd unit verifies and keeps its hardening; the studio's desktop entry,
#      icons and AppStream metainfo validate;
#   7. lintian reports no error.
# Usage: package_test.sh BUILD_DIR VERSION PLUGIN_SUBDIR WITH_STUDIO(ON|OFF)
set -euo pipefail

build_dir=$1 version=$2 plugin_subdir=$3 with_studio=$4

step() { echo "-- $*"; }
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

for tool in cpack dpkg-deb curl file lintian python3 systemd-analyze desktop-file-validate appstreamcli ldd; do
  command -v "$tool" >/dev/null || fail "$tool is missing: run installer/install-deps.sh"
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/adserve-package-test.XXXXXX")
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# ---- 1. the package ------------------------------------------------------------------
step "cpack -G DEB in $build_dir"
started=$SECONDS
cpack --config "$build_dir/CPackConfig.cmake" -G DEB -B "$scratch/out" >"$scratch/cpack.log" 2>&1 \
  || { cat "$scratch/cpack.log"; fail "cpack failed"; }
debs=("$scratch"/out/adserve_"$version"_*.deb)
[[ -f "${debs[0]}" ]] || { ls -l "$scratch/out"; fail "no adserve_${version}_<arch>.deb"; }
deb=${debs[0]}
ok "built $(basename "$deb") ($(du -h "$deb" | cut -f1)) in $((SECONDS - started)) s"

# ---- 2. control data -------------------------------------------------------------------
control=$(dpkg-deb --field "$deb")
echo "$control" | grep -E '^(Package|Version|Architecture|Depends|Recommends|Suggests|Section):'
field() { echo "$control" | sed -n "s/^$1: //p"; }
[[ "$(field Package)" == adserve ]] || fail "Package is not adserve"
[[ "$(field Version)" == "$version" ]] || fail "Version is not $version"
depends=$(field Depends)
wanted=(adduser libqt6sql6-sqlite libqt6sql6-psql libqt6core6 libqt6network6 libqt6sql6 libqt6httpserver6
        libstdc++6 libc6)
[[ -f "$build_dir/$plugin_subdir/libadserve_cache_redis.so" ]] && wanted+=(libhiredis0.14)
[[ "$with_studio" == ON ]] && wanted+=(libqt6widgets6 libqt6charts6 libqt6keychain1)
for package in "${wanted[@]}"; do
  [[ ",$depends," =~ [,\ ]"$package"[\ ,] ]] || fail "Depends lacks $package: $depends"
done
ok "Depends has ${wanted[*]}"

mkdir "$scratch/control"
dpkg-deb --control "$deb" "$scratch/control"
[[ "$(cat "$scratch/control/conffiles")" == /etc/adserve/adserve.env ]] || fail "conffiles is not /etc/adserve/adserve.env"
for script in postinst prerm postrm; do
  [[ -x "$scratch/control/$script" ]] || fail "no executable $script"
  sh -n "$scratch/control/$script" || fail "$script has a syntax error"
done
ok "conffile /etc/adserve/adserve.env; postinst, prerm, postrm"

# ---- 3. contents ---------------------------------------------------------------------
root="$scratch/root"
dpkg-deb -x "$deb" "$root"
libdir=$(dirname "$plugin_subdir")
expect_file() { [[ -f "$root/$1" ]] || fail "the package lacks /$1"; }
executables=(adserve)
[[ "$with_studio" == ON ]] && executables+=(adserve-studio)
for exe in "${executables[@]}"; do
  [[ -x "$root/usr/bin/$exe" ]] || fail "the package lacks /usr/bin/$exe"
  expect_file "usr/share/man/man1/$exe.1.gz"
done
engine_libs=("$root/usr/$libdir"/libadserve-engine.so.*)
[[ -f "${engine_libs[0]}" ]] || fail "the package lacks /usr/$libdir/libadserve-engine.so.*"
for built in "$build_dir/$plugin_subdir"/*.so; do
  expect_file "usr/$plugin_subdir/$(basename "$built")"
done
expect_file usr/lib/systemd/system/adserve.service
expect_file etc/adserve/adserve.env
expect_file usr/share/doc/adserve/copyright
[[ "$(zcat "$root/usr/share/doc/adserve/changelog.gz" | sed -n 1p)" == "adserve ($version) "* ]] \
  || fail "changelog.gz does not start with version $version: add an entry to installer/debian/changelog"
ok "executables, man pages, engine library, $(ls "$root/usr/$plugin_subdir" | wc -l) cache plugin(s), unit, settings, changelog"

# ---- 4. the unpacked binaries run from the scratch root --------------------------------
clean_env=(env -i "HOME=$scratch/home" "PATH=/usr/bin:/bin" "TMPDIR=$scratch" "XDG_RUNTIME_DIR=$scratch/runtime"
           "QT_QPA_PLATFORM=offscreen")
mkdir -p -m 0700 "$scratch/home" "$scratch/state" "$scratch/runtime"
while IFS= read -r -d '' elf; do
  [[ "$(file -b "$elf")" == ELF* ]] || continue
  resolved=$("${clean_env[@]}" ldd "$elf" 2>&1) || fail "ldd $elf: $resolved"
  ! grep -q "not found" <<<"$resolved" || fail "$elf: $(grep 'not found' <<<"$resolved")"
  engine=$(grep "libadserve-engine" <<<"$resolved" || true)
  [[ -z "$engine" || "$engine" == *"=> $root/"* ]] || fail "$elf takes the engine library from outside the package: $engine"
done < <(find "$root/usr" -type f \( -perm -u+x -o -name '*.so*' \) -print0)
ok "every binary resolves its libraries, the engine library from the package"

for exe in "${executables[@]}"; do
  reported=$(cd "$scratch" && "${clean_env[@]}" "$root/usr/bin/$exe" --version) || fail "$exe --version failed"
  [[ "$reported" == "$exe $version" ]] || fail "$exe --version said \"$reported\""
  ok "usr/bin/$exe --version: $reported"
  # Every long option of --help is in the man page.
  help=$(cd "$scratch" && "${clean_env[@]}" "$root/usr/bin/$exe" --help) || fail "$exe --help failed"
  man_text=$(zcat "$root/usr/share/man/man1/$exe.1.gz" | sed 's/\\-/-/g')
  for option in $(grep -oE -- '--[a-z][a-z-]+' <<<"$help" | sort -u); do
    grep -q -- "$option" <<<"$man_text" || fail "man $exe does not describe $option"
  done
  ok "man $exe describes every option of $exe --help"
done

if [[ "$with_studio" == ON ]]; then
  # The studio draws every panel on the sample campaigns, offscreen.
  shots=$(cd "$scratch" && "${clean_env[@]}" "$root/usr/bin/adserve-studio" --screenshots "$scratch/shots" 2>"$scratch/studio.err") \
    && code=0 || code=$?
  [[ $code == 0 ]] || { cat "$scratch/studio.err"; fail "adserve-studio --screenshots exited with $code"; }
  [[ $(grep -c '\.png$' <<<"$shots") -ge 1 ]] || fail "adserve-studio --screenshots made no picture: $shots"
  ok "usr/bin/adserve-studio drew $(grep -c '\.png$' <<<"$shots") panels offscreen"
fi

# ---- 5. the unpacked server serves ------------------------------------------------------
# The service's MemoryDenyWriteExecute, as the kernel's own switch (Linux 6.3+): no page
# may be writable and executable, or become executable.
mdwe_probe='
import ctypes, mmap, sys
if ctypes.CDLL(None, use_errno=True).prctl(65, 1, 0, 0, 0) != 0:
    sys.exit(77)
try:
    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
except PermissionError:
    if len(sys.argv) > 1:
        import os
        os.execv(sys.argv[1], sys.argv[1:])
    sys.exit(0)
sys.exit(1)
'
launcher=()
if python3 -c "$mdwe_probe"; then
  launcher=(python3 -c "$mdwe_probe")
  ok "the server runs with memory-deny-write-execute"
else
  echo "note: this kernel has no memory-deny-write-execute switch: the server runs without it"
fi

step "starting the unpacked server on the embedded default"
(cd "$scratch" && exec "${clean_env[@]}" QT_ENABLE_REGEXP_JIT=0 "ADSERVE_DB=$scratch/state/adserve.sqlite" \
   "${launcher[@]}" "$root/usr/bin/adserve" serve --listen 127.0.0.1:0 --threads 2) \
  >"$scratch/server.out" 2>"$scratch/server.err" &
server_pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$scratch/server.out")
  [[ -n "$url" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$scratch/server.out" "$scratch/server.err"; fail "the server exited"; }
  sleep 0.1
done
[[ -n "$url" ]] || { cat "$scratch/server.out" "$scratch/server.err"; fail "the server did not report its address in 30 s"; }
cat "$scratch/server.out"
[[ "$url" =~ :[1-9][0-9]*$ ]] || fail "the server reported no port: $url"

maps=$(cat "/proc/$server_pid/maps")
grep -q " $root/usr/$libdir/libadserve-engine.so" <<<"$maps" || fail "the server did not map the packaged engine library"
grep -q " $root/usr/$plugin_subdir/libadserve_cache_memory.so" <<<"$maps" \
  || fail "the server did not map the packaged memory cache plugin"
! grep -qE " $build_dir/| ${ADSERVE_SOURCE_DIR:-/nonexistent}/" <<<"$maps" || fail "the server mapped files of the build or source tree"
ok "the server maps the packaged engine library and memory cache plugin, nothing of the build tree"

request="$url/v1/delivery?app=com.gametion.ludokinggame&country=us&os=android"
status=$(curl -sS -o "$scratch/delivery.json" -w '%{http_code}' --max-time 10 "$request") || fail "curl $request failed"
body=$(cat "$scratch/delivery.json")
echo "GET $request -> $status $body"
[[ "$status" == 200 ]] || fail "delivery answered $status"
for campaign in spotify subwaysurfer; do
  grep -qi "\"cid\":\"$campaign\"" <<<"$body" || fail "delivery lacks $campaign"
done
ok "delivery returns spotify and subwaysurfer"

kill -TERM "$server_pid"
for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server_pid" 2>/dev/null && fail "the server did not stop within 10 s of SIGTERM"
wait "$server_pid" && code=0 || code=$?
server_pid=""
[[ $code == 0 ]] || { cat "$scratch/server.err"; fail "the server exited with $code after SIGTERM"; }
ok "the server stopped cleanly on SIGTERM"

# ---- 6. system integration files ----------------------------------------------------------
unit="$root/usr/lib/systemd/system/adserve.service"
grep -q '^ExecStart=/usr/bin/adserve serve' "$unit" || fail "the unit does not run /usr/bin/adserve"
grep -q '^EnvironmentFile=-/etc/adserve/adserve.env$' "$unit" || fail "the unit does not read /etc/adserve/adserve.env"
grep -q '^User=adserve$' "$unit" || fail "the unit does not run as the adserve user"
# verify checks that ExecStart exists: point it at the unpacked server.
sed "s|^ExecStart=/usr/bin/|ExecStart=$root/usr/bin/|" "$unit" >"$scratch/adserve.service"
verify=$(systemd-analyze verify --man=no "$scratch/adserve.service" 2>&1) || { echo "$verify"; fail "systemd-analyze verify"; }
[[ -z "$verify" ]] || { echo "$verify"; fail "systemd-analyze verify complained"; }
security=$(systemd-analyze security --offline=yes --root="$root" --threshold=15 adserve.service 2>&1) \
  || { echo "$security"; fail "the unit's exposure is above 1.5: keep its hardening"; }
exposure=$(tail -1 <<<"$security")
ok "the unit verifies; systemd-analyze security: $exposure"

if [[ "$with_studio" == ON ]]; then
  desktops=("$root"/usr/share/applications/*.desktop)
  desktop-file-validate "${desktops[@]}" || fail "desktop-file-validate"
  appstreamcli validate-tree --no-net "$root" || fail "appstreamcli validate-tree"
  metainfo=("$root"/usr/share/metainfo/*.metainfo.xml)
  newest=$(grep -o '<release version="[^"]*"' "${metainfo[0]}" | sed -n '1s/.*"\(.*\)"/\1/p')
  [[ "$newest" == "$version" ]] \
    || fail "the metainfo's newest release is not $version: add it to installer/desktop/app.metainfo.xml.in"
  icon=$(sed -n 's/^Icon=//p' "${desktops[0]}")
  for size in scalable 16x16 32x32 48x48 128x128 256x256; do
    ls "$root/usr/share/icons/hicolor/$size/apps/$icon".* >/dev/null 2>&1 || fail "no $size icon $icon"
  done
  ok "desktop entry, AppStream metainfo and icons of the studio validate"
fi

# ---- 7. lintian ------------------------------------------------------------------------------
step "lintian $(basename "$deb")"
lintian --tag-display-limit 0 "$deb" >"$scratch/lintian.txt" 2>&1 || true
cat "$scratch/lintian.txt"
errors=$(grep -c '^E:' "$scratch/lintian.txt" || true)
[[ "$errors" == 0 ]] || fail "lintian reported $errors error(s)"
ok "lintian: no errors ($(grep -c '^W:' "$scratch/lintian.txt" || true) warnings)"

echo "package test passed in $SECONDS s"

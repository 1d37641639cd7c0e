#!/usr/bin/env bash
# Builds the adserve Debian package, and a .tar.gz of the same tree, from a
# Release build of its own, with Debian's hardening flags, and copies them to
# OUTPUT_DIR (default: the current directory).
# Usage: installer/build-package.sh [OUTPUT_DIR]
#   ADSERVE_PACKAGE_BUILD_DIR  the build tree (default: <source>/build-package)
# Then: sudo apt install ./adserve_<version>_<arch>.deb
set -euo pipefail

source_dir=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${ADSERVE_PACKAGE_BUILD_DIR:-$source_dir/build-package}
output_dir=$(mkdir -p "${1:-.}" && cd "${1:-.}" && pwd)

"$source_dir/installer/install-deps.sh"

# The flags Debian builds its own packages with: fortified, stack-protected, full RELRO.
export DEB_BUILD_MAINT_OPTIONS="hardening=+all"
CXXFLAGS="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
LDFLAGS="$(dpkg-buildflags --get LDFLAGS)"
export CXXFLAGS LDFLAGS

cmake -S "$source_dir" -B "$build_dir" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_INSTALL_PREFIX=/usr \
  -DADSERVE_BUILD_STUDIO=ON \
  -DADSERVE_BUILD_TESTS=OFF
cmake --build "$build_dir" -j"$(nproc)"

# cpack stages its files in the build tree; only the packages go to OUTPUT_DIR.
rm -rf "$build_dir/packages"
(cd "$build_dir" && cpack -B "$build_dir/packages")
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build_dir/CPackConfig.cmake")
cp "$build_dir"/packages/adserve_"$version"_*.deb "$build_dir"/packages/adserve-"$version"-*.tar.gz "$output_dir/"
echo "adserve $version packages in $output_dir:"
ls -1 "$output_dir"/adserve_"$version"_*.deb "$output_dir"/adserve-"$version"-*.tar.gz

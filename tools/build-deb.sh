#!/usr/bin/env bash
# Build the Debian package wifi-verify_<version>_<arch>.deb from a clean
# checkout of the current commit (README: "Debian package").
#
#   tools/build-deb.sh [OUTDIR]      (default: dist)
#
# Uncommitted changes are not in the package. The patched libnice and
# gst-plugins-bad are built inside the package build from their Debian
# source packages (tools/build-upstream.sh); WV_UPSTREAM_SOURCES=DIR takes
# those source packages from DIR instead of downloading them. The build
# dependencies are in debian/control (apt-get build-dep ./ installs them;
# tools/bootstrap.sh installs them too). lintian checks the result and fails
# the build on any error.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/dist}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac

say() { printf '\033[1m[deb]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[deb] error:\033[0m %s\n' "$*" >&2; exit 1; }

for tool in git dpkg-buildpackage dpkg-parsechangelog lintian; do
  command -v "$tool" >/dev/null || die "$tool is missing: run tools/bootstrap.sh --no-run (or apt-get build-dep ./)"
done
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
commit=$(git -C "$top" rev-parse --short HEAD)
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
  say "note: uncommitted changes are not in the package (it is built from $commit)"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/wifi-verify-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
src="$work/wifi-verify-$version"
git -C "$top" archive --format=tar --prefix="wifi-verify-$version/" HEAD | tar -x -C "$work"

cd "$src"
dpkg-checkbuilddeps || die "missing build dependencies: apt-get build-dep ./ (or tools/bootstrap.sh --no-run)"
say "building wifi-verify $version from $commit in $work"
dpkg-buildpackage -b -us -uc -jauto >"$work/build.log" 2>&1 \
  || { tail -40 "$work/build.log" >&2; die "dpkg-buildpackage failed"; }

changes=$(ls "$work"/wifi-verify_"$version"_*.changes)
say "lintian"
lintian --fail-on error --info "$changes" >&2 || die "lintian reports errors"

mkdir -p "$out"
for f in "$work"/*.deb; do
  cp "$f" "$out/"
  echo "$out/$(basename "$f")"
done

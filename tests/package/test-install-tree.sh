#!/usr/bin/env bash
# test-install-tree.sh BUILDDIR SRCDIR UPSTREAM_PREFIX: what meson install
# puts into a DESTDIR works from there (TAP).
#
# The installed programs find the patched stack, its registry and their
# helper relative to their own location, so a DESTDIR copy runs as it is:
# the private libraries and plugins are all there under their SONAMEs, every
# RUNPATH is relative to $ORIGIN, no path of the build tree, the sources or
# the upstream prefix is left in an installed file (outside debugging
# information), and a run from the copy loads the patched stack from the
# copy alone (LD_DEBUG=files). Needs no root; tests/package/test-deb.sh does
# the same for the Debian package, installed.
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
build=${1:?usage: test-install-tree.sh BUILDDIR SRCDIR UPSTREAM_PREFIX}
src=${2:?}
upstream=${3:?}

. "$(dirname "$0")/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest

meson install -C "$build" --no-rebuild --destdir "$dest" >"$tmp/install.log" 2>&1
rc=$?
check "meson install --destdir" test "$rc" -eq 0
[ "$rc" -eq 0 ] || { tail -20 "$tmp/install.log" | note; finish; }

cli=$(find "$dest" -name wifi-verify-cli -type f | head -1)
private=$(find "$dest" -type d -path '*/wifi-verify/gstreamer-1.0' | head -1)
private=${private%/gstreamer-1.0}
echo "# $cli, patched stack in ${private#$dest}"

stack_complete() {
  local f bad=0
  for f in libnice.so.10 libgstwebrtc-1.0.so.0 libgstwebrtcnice-1.0.so.0 libgstsctp-1.0.so.0 \
           gstreamer-1.0/libgstwebrtc.so gstreamer-1.0/libgstnice.so gstreamer-1.0/libgstsctp.so \
           gstreamer-1.0/libgstdtls.so gstreamer-1.0/libgstsrtp.so; do
    if [ ! -f "$private/$f" ] || [ -L "$private/$f" ]; then echo "# missing: $f"; bad=1; fi
  done
  # Only what the plugins and programs need: no development links.
  if ls "$private"/*.so 2>/dev/null | grep .; then bad=1; fi
  return "$bad"
}
check "the private directory holds the patched libraries and plugins, by SONAME" \
  test -n "$cli" -a -n "$private" -a -d "$private"
check "  ... all of them, and no development link" stack_complete

elf_files() { find "$dest" -type f -exec sh -c 'head -c 4 "$1" | grep -q ELF' _ {} \; -print; }
runpaths() {
  local f rp bad=0
  while read -r f; do
    rp=$(readelf -d "$f" | sed -n 's/.*R\(UN\)\{0,1\}PATH.*\[\(.*\)\]$/\2/p')
    case "$f:$rp" in
      "$private"/gstreamer-1.0/*:'$ORIGIN/..') ;;
      "$private"/*:'$ORIGIN') ;;
      */libexec/*:) ;;
      */bin/*:'$ORIGIN/'*/wifi-verify) ;;
      *) echo "# ${f#$dest}: RUNPATH '$rp'"; bad=1 ;;
    esac
  done < <(elf_files)
  return "$bad"
}
check "RUNPATHs: programs \$ORIGIN/.../wifi-verify, libraries \$ORIGIN, plugins \$ORIGIN/.." runpaths

no_build_paths() {
  local f d bad=0
  while read -r f; do
    strip -o "$tmp/stripped" "$f" 2>/dev/null || cp "$f" "$tmp/stripped"
    for d in "$build" "$src" "$upstream"; do
      if grep -qaF "$d" "$tmp/stripped"; then echo "# ${f#$dest} names $d"; bad=1; fi
    done
  done < <(elf_files)
  return "$bad"
}
check "no installed program or library names the build tree, the sources or the upstream prefix" \
  no_build_paths

# Relocated runs: a fresh cache directory, nothing of the build's
# environment that points at the stack.
run() {
  env -u GST_PLUGIN_PATH -u GST_REGISTRY -u WV_GST_PLUGIN_DIR -u WV_ICMP_HELPER \
    XDG_CACHE_HOME="$tmp/cache" "$@"
}
run "$cli" version >"$tmp/version.out" 2>&1
note "$tmp/version.out"
plugins_from_copy() {
  [ "$(grep -c '^plugin ' "$tmp/version.out")" -eq 5 ] &&
    ! grep '^plugin ' "$tmp/version.out" | grep -v ": $private/gstreamer-1.0/"
}
check "the copied wifi-verify-cli uses the copied plugins" plugins_from_copy
check "its GStreamer registry is in the user's cache directory" \
  bash -c "ls '$tmp/cache/wifi-verify/'gstreamer-registry-*.bin >/dev/null"

run env LD_DEBUG=files LD_DEBUG_OUTPUT="$tmp/ld" "$cli" demo >"$tmp/demo.out" 2>&1
rc=$?
# Every object the dynamic linker initialised, by its real path.
loaded() {
  sed -n 's/.*calling init: \(\/.*\)$/\1/p' "$tmp"/ld.* | sort -u | xargs -r realpath | sort -u
}
stack_from_copy() {
  local bad=0
  loaded | grep -E '/(libnice\.so|libgst(webrtc|webrtcnice|sctp)-1\.0\.so|libgst(webrtc|nice|sctp|dtls|srtp)\.so)' \
    >"$tmp/stack-loaded.txt"
  note "$tmp/stack-loaded.txt"
  [ "$(wc -l <"$tmp/stack-loaded.txt")" -ge 9 ] || { echo "# fewer than 9 stack files loaded"; bad=1; }
  if grep -v "^$private/" "$tmp/stack-loaded.txt"; then bad=1; fi
  if loaded | grep -F -e "$build" -e "$upstream"; then bad=1; fi
  return "$bad"
}
check "the copied wifi-verify-cli demo runs" test "$rc" -eq 0
check "it loads the patched stack from the copy alone (LD_DEBUG=files)" stack_from_copy

man_pages() { [ "$(find "$dest" -path '*/man/man[18]/wifi-verify*' | wc -l)" -ge 2 ]; }
check "man pages are installed" man_pages

finish

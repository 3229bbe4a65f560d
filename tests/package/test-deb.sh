#!/usr/bin/env bash
# test-deb.sh SRCDIR BUILDDIR UPSTREAM_PREFIX: the Debian package (TAP).
#
# Builds wifi-verify_<version>_<arch>.deb from a clean checkout of the
# current commit (tools/build-deb.sh, which runs lintian), installs it with
# apt, moves the meson build tree out of the way, and then, as an
# unprivileged user (nobody, with a fresh home): the installed
# wifi-verify-cli passes its self-test with traceroute and MTU through the
# installed ICMP helper, the installed GTK app starts its self-test under
# Xvfb, ldd and /proc/PID/maps show the private patched libraries and
# plugins (not the system's, nothing from a build tree), getcap shows
# cap_net_raw on the helper, and the systemd unit passes systemd-analyze
# verify; desktop-file-validate and appstreamcli validate the installed
# files. Then the package is purged and nothing of it may remain. The build
# tree is put back whatever happens (an EXIT trap, and a watchdog in its own
# session for a SIGKILL).
#
# Needs root, apt and the tools in tools/bootstrap.sh's list; skips, saying
# why, without them. Uncommitted changes are not in the package: commit
# first. Source packages already downloaded for the build tree are reused
# (WV_UPSTREAM_SOURCES), so the patched stack is rebuilt without a download.
# WV_TEST_DEB=FILE installs FILE instead of building (to re-run the checks
# by hand; CI always builds).
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
src=${1:?usage: test-deb.sh SRCDIR BUILDDIR UPSTREAM_PREFIX}
build=${2:?}
upstream=${3:?}
user=nobody
unit=wifi-verify-server.service

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "needs root: installs and purges the package with apt"
for tool in apt-get dpkg-buildpackage lintian git getcap systemd-analyze xvfb-run xauth \
            dbus-run-session desktop-file-validate appstreamcli runuser flock setsid ss; do
  command -v "$tool" >/dev/null || skip "$tool is missing (tools/bootstrap.sh installs it)"
done
git -C "$src" rev-parse --verify -q HEAD >/dev/null || skip "$src is not a git checkout"
id "$user" >/dev/null 2>&1 || skip "no user $user to run the installed programs as"
if dpkg-query -W -f='${Status}' wifi-verify 2>/dev/null | grep -q 'ok installed'; then
  skip "wifi-verify is installed on this machine; this test installs and purges its own"
fi

. "$(dirname "$0")/tap.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wv-test-deb.XXXXXX")
chmod 755 "$tmp"
home=$tmp/home
mkdir -p "$home/tmp" && chown -R "$user" "$home" && chmod 700 "$home"
aside="$build.moved-aside-by-test-deb"
installed=0

# Runs a command as the unprivileged user in a clean environment, like a
# fresh login: nothing of this test's or the build's environment leaks in.
as_user() {
  runuser -u "$user" -- env -i HOME="$home" USER="$user" LOGNAME="$user" \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 TMPDIR="$home/tmp" "$@"
}
restore_build() {
  if [ -e "$aside" ] && [ ! -e "$build" ]; then mv "$aside" "$build"; fi
}
apt() {
  DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 "$@"
}
cleanup() {
  restore_build
  [ "$installed" = 1 ] && apt purge wifi-verify >/dev/null 2>&1
  pkill -u "$user" -x wifi-verify 2>/dev/null
  rm -rf "$tmp"
}
# For a SIGKILL (meson test's timeout ends with one), which no trap sees: a
# watchdog in its own session waits for this script to end and then does
# what cleanup would have done ($tmp/installed marks an installed package).
setsid -f bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
                   [ -d "$4" ] || exit 0
                   if [ -e "$3" ] && [ ! -e "$2" ]; then mv "$3" "$2"; fi
                   if [ -e "$4/installed" ]; then
                     DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=300 \
                       purge wifi-verify
                   fi
                   rm -rf "$4"' \
  watchdog $$ "$build" "$aside" "$tmp" </dev/null >/dev/null 2>&1
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

# Two runs of this test on one machine would install over each other.
exec 9>/run/lock/wifi-verify-test-deb.lock
flock -w 1800 9 || skip "another run of test-deb holds /run/lock/wifi-verify-test-deb.lock"

# --- build ------------------------------------------------------------------
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
deb=$tmp/dist/wifi-verify_${version}_${arch}.deb
if [ -n "${WV_TEST_DEB:-}" ]; then
  # Re-running the checks on a package built before (by hand only).
  mkdir -p "$tmp/dist" && cp "$WV_TEST_DEB" "$deb"
  echo "# WV_TEST_DEB: not building, installing $WV_TEST_DEB"
  rc=0
else
  dl=$(dirname "$upstream")/src/dl
  start=$(date +%s)
  WV_UPSTREAM_SOURCES=$dl "$src/tools/build-deb.sh" "$tmp/dist" >"$tmp/build-deb.out" 2>"$tmp/build-deb.log"
  rc=$?
  echo "# tools/build-deb.sh: exit $rc after $(($(date +%s) - start)) s"
fi
check "tools/build-deb.sh builds $(basename "$deb") from HEAD, lintian without errors" \
  test "$rc" -eq 0 -a -f "$deb"
if [ ! -f "$deb" ]; then
  tail -40 "$tmp/build-deb.log" | note
  finish
fi
[ -f "$tmp/build-deb.log" ] && grep -E '^[EW]: ' "$tmp/build-deb.log" | note

# --- install ----------------------------------------------------------------
# Everything of ours on the machine before, to compare after the purge.
ours() {
  find /usr /etc /lib /var/lib /var/cache /opt \
    \( -path /var/cache/apt -o -path /var/lib/apt -o -path /var/lib/dpkg/updates \) -prune -o \
    \( -iname '*wifi-verify*' -o -iname '*wifiverify*' \) -print 2>/dev/null | sort
}
ours >"$tmp/before.txt"
touch "$tmp/installed"
apt install "$deb" >"$tmp/apt-install.log" 2>&1
rc=$?
installed=1
check "apt installs the package" test "$rc" -eq 0
[ "$rc" -eq 0 ] || { tail -20 "$tmp/apt-install.log" | note; finish; }
grep -i 'could not grant' "$tmp/apt-install.log" | note
dpkg -L wifi-verify >"$tmp/files.txt"

libdir=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/wifi-verify
helper=/usr/libexec/wifi-verify-icmp-helper

# --- the build tree goes away ---------------------------------------------
mv "$build" "$aside"
check "the build tree is moved out of the way" test ! -e "$build" -a -d "$aside"
case "$upstream" in
  "$build"/*) ;;
  *) echo "# the patched prefix $upstream is outside the build tree and stays;" \
          "nothing may load from it (maps below)" ;;
esac
builddirs=("$build" "$aside" "$upstream" "$src")

# Installed ELF files: RUNPATH relative to $ORIGIN or none, no path of the
# machine that built them.
elf_clean() {
  local f bad=0
  while read -r f; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    head -c 4 "$f" | grep -q 'ELF' || continue
    if readelf -d "$f" | grep -E 'R(UN)?PATH' | grep -v 'path: \[\$ORIGIN[^]:]*\]$'; then
      echo "# $f: RUNPATH not relative to \$ORIGIN"; bad=1
    fi
    for d in "${builddirs[@]}"; do
      if grep -qaF "$d" "$f"; then echo "# $f names $d"; bad=1; fi
    done
    if grep -qa 'wifi-verify-deb\.' "$f"; then echo "# $f names the package build directory"; bad=1; fi
  done <"$tmp/files.txt"
  return "$bad"
}
check "installed programs and libraries: RUNPATH \$ORIGIN only, no build path in them" elf_clean

has_cap() { getcap "$helper" | tee -a "$tmp/getcap.txt" | grep -q 'cap_net_raw[+=]ep'; }
check "getcap: cap_net_raw on $helper" has_cap
note "$tmp/getcap.txt"

# --- ldd --------------------------------------------------------------------
ldd_private() {   # ldd_private FILE LIB...: each LIB resolves into $libdir
  local f=$1 lib out path ok=0
  shift
  out=$(as_user ldd "$f") || return 1
  if grep -q 'not found' <<<"$out"; then grep 'not found' <<<"$out" | note; ok=1; fi
  for lib in "$@"; do
    # ldd prints the path as the RUNPATH built it (/usr/bin/../lib/...).
    path=$(sed -n "s/^[[:space:]]*$lib => \(\/[^ ]*\) .*/\1/p" <<<"$out")
    if [ -z "$path" ] || [ "$(realpath "$path")" != "$libdir/$lib" ]; then
      echo "# $f: $(grep "$lib" <<<"$out" || echo "$lib not linked")"; ok=1
    fi
  done
  return "$ok"
}
programs_link_private() {
  ldd_private /usr/bin/wifi-verify-cli libnice.so.10 libgstwebrtc-1.0.so.0 &&
    ldd_private /usr/bin/wifi-verify libnice.so.10 libgstwebrtc-1.0.so.0
}
plugins_link_private() {
  ldd_private "$libdir/gstreamer-1.0/libgstwebrtc.so" libgstwebrtc-1.0.so.0 \
    libgstwebrtcnice-1.0.so.0 libgstsctp-1.0.so.0 libnice.so.10 &&
    ldd_private "$libdir/gstreamer-1.0/libgstnice.so" libnice.so.10
}
check "ldd (as $user): the programs link the private libnice and libgstwebrtc" programs_link_private
check "ldd (as $user): the private plugins link the private libraries" plugins_link_private

# --- the helper -------------------------------------------------------------
printf 'a check-support\nb quit\n' | as_user "$helper" >"$tmp/helper.out" 2>&1
note "$tmp/helper.out"
check "the installed helper, started by $user, opens its raw ICMP socket (start=cap)" \
  grep -q '^a ok icmp4=open .*start=cap ' "$tmp/helper.out"

# --- wifi-verify-cli self-test ----------------------------------------------
# /proc/PID/maps of a running program: every patched library and plugin it
# maps comes from $libdir; nothing from a build tree or the system's copies.
maps_private() {   # maps_private PID LIB...
  local pid=$1 lib bad=0 maps
  shift
  maps=$(awk '$6 ~ /^\// {print $6}' "/proc/$pid/maps" | sort -u) || return 1
  for lib in "$@"; do
    if ! grep -qx "$libdir/$lib" <<<"$maps"; then echo "# pid $pid has no $libdir/$lib mapped"; bad=1; fi
  done
  if grep -E '/(libnice\.so|libgstwebrtc|libgstsctp|libgstnice|libgstdtls|libgstsrtp)' <<<"$maps" \
      | grep -v "^$libdir/"; then
    echo "# pid $pid maps patched-stack files from elsewhere"; bad=1
  fi
  for d in "${builddirs[@]}"; do
    if grep -F "$d" <<<"$maps"; then echo "# pid $pid maps files of $d"; bad=1; fi
  done
  return "$bad"
}
# The raw ICMP sockets (and so the file capability) of a running helper.
helper_raw_sockets() {   # helper_raw_sockets PID -> count
  local pid=$1 inode count=0
  for inode in $(ls -l "/proc/$pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\].*/\1/p'); do
    awk -v i="$inode" 'NR > 1 && $10 == i {found = 1} END {exit !found}' /proc/net/raw /proc/net/raw6 \
      && count=$((count + 1))
  done
  echo "$count"
}
stack_libs=(libnice.so.10 libgstwebrtc-1.0.so.0 libgstwebrtcnice-1.0.so.0 libgstsctp-1.0.so.0
            gstreamer-1.0/libgstwebrtc.so gstreamer-1.0/libgstnice.so gstreamer-1.0/libgstsctp.so
            gstreamer-1.0/libgstdtls.so gstreamer-1.0/libgstsrtp.so)

as_user /usr/bin/wifi-verify-cli self-test --duration 4 --json "$home/self-test.jsonl" \
  >"$tmp/cli.out" 2>&1 &
runner=$!
cli_pid='' helper_pid='' raw=0 maps_ok=1
for _ in $(seq 600); do
  kill -0 "$runner" 2>/dev/null || break
  [ -n "$cli_pid" ] || cli_pid=$(pgrep -u "$user" -x wifi-verify-cli | head -1)
  [ -n "$cli_pid" ] || { sleep 0.05; continue; }
  if [ -z "$helper_pid" ]; then
    for p in $(pgrep -u "$user" -P "$cli_pid"); do
      [ "$(readlink "/proc/$p/exe")" = "$helper" ] && helper_pid=$p
    done
  fi
  [ -n "$helper_pid" ] && [ "$raw" = 0 ] && raw=$(helper_raw_sockets "$helper_pid")
  # Once the connections are up, every plugin of the data path is loaded.
  if [ "$maps_ok" != 0 ] && grep -q 'connections ready' "$tmp/cli.out"; then
    maps_private "$cli_pid" "${stack_libs[@]}" >"$tmp/cli-maps.txt"
    maps_ok=$?
  fi
  [ "$maps_ok" = 0 ] && [ "$raw" != 0 ] && break
  sleep 0.05
done
wait "$runner"
rc=$?
note "$tmp/cli.out" | tail -25
check "wifi-verify-cli self-test (as $user) exits 0" test "$rc" -eq 0
check "it ran the installed helper ($helper), which held raw ICMP sockets ($raw)" \
  test -n "$helper_pid" -a "$raw" -gt 0
check "it gave no privilege advice (the helper had its capability)" \
  bash -c "! grep -qiE 'needs the CAP_NET_RAW|did not start' '$tmp/cli.out'"
records() { grep -c "\"type\":\"$1\"" "$home/self-test.jsonl" 2>/dev/null; }
echo "# records: hop $(records hop), mtu $(records mtu), path_mtu $(records path_mtu), summary $(records summary)"
check "traceroute and MTU records (hop, mtu, path_mtu) and summaries were written" \
  test "$(records hop)" -gt 0 -a "$(records mtu)" -gt 0 -a "$(records path_mtu)" -gt 0 \
       -a "$(records summary)" -gt 0
note "$tmp/cli-maps.txt" 2>/dev/null
check "/proc/PID/maps of wifi-verify-cli: the patched stack from $libdir only" \
  test -n "$cli_pid" -a "$maps_ok" = 0
check "the GStreamer registry is in $user's cache directory" \
  bash -c "ls '$home/.cache/wifi-verify/'gstreamer-registry-*.bin >/dev/null"

# --- the GTK app ------------------------------------------------------------
as_user dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" /usr/bin/wifi-verify --self-test \
  >"$tmp/gui.out" 2>&1 &
runner=$!
gui_pid='' listening=0 maps_ok=1
for _ in $(seq 600); do
  [ -n "$gui_pid" ] || gui_pid=$(pgrep -u "$user" -x wifi-verify | head -1)
  # The self-test's embedded server listens on 127.0.0.1; once its peers
  # run, the whole stack is mapped.
  if [ -n "$gui_pid" ] && ss -ltnpH | grep -q "pid=$gui_pid,"; then
    listening=1
    maps_private "$gui_pid" "${stack_libs[@]}" >"$tmp/gui-maps.txt"
    maps_ok=$?
    [ "$maps_ok" = 0 ] && break
  fi
  kill -0 "$runner" 2>/dev/null || break
  sleep 0.1
done
[ -n "$gui_pid" ] && kill "$gui_pid" 2>/dev/null
wait "$runner"
note "$tmp/gui.out" | grep -iE 'critical|error|patched' | head -10
check "the installed wifi-verify --self-test (as $user, Xvfb) starts the self-test" \
  test -n "$gui_pid" -a "$listening" = 1
note "$tmp/gui-maps.txt" 2>/dev/null
check "/proc/PID/maps of wifi-verify: the patched stack from $libdir only" test "$maps_ok" = 0

# --- desktop files, unit ------------------------------------------------------
validate_desktop() {
  desktop-file-validate /usr/share/applications/org.wifiverify.WifiVerify.desktop &&
    appstreamcli validate --no-net /usr/share/metainfo/org.wifiverify.WifiVerify.metainfo.xml >/dev/null
}
verify_unit() { as_user systemd-analyze verify "/lib/systemd/system/$unit" 2>&1 | note; return "${PIPESTATUS[0]}"; }
unit_disabled() { [ "$(systemctl is-enabled "$unit" 2>/dev/null)" = disabled ]; }
check "desktop-file-validate and appstreamcli validate the installed files" validate_desktop
check "systemd-analyze verify $unit (as $user)" verify_unit
check "$unit is installed disabled" unit_disabled

# The system's copies, where installed (tools/bootstrap.sh installs them):
# present, unused (maps above), unchanged by our package.
system_stack=(libnice10 gstreamer1.0-nice libgstreamer-plugins-bad1.0-0)
system_untouched() {
  local p out bad=0
  for p in "${system_stack[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
      echo "# $p is not installed"; continue
    fi
    out=$(dpkg --verify "$p" 2>&1)
    if [ -n "$out" ]; then echo "# $p changed:"; note <<<"$out"; bad=1; fi
  done
  return "$bad"
}
check "the system's libnice and gst-plugins-bad files are unchanged (dpkg --verify)" system_untouched

# --- purge ------------------------------------------------------------------
apt purge wifi-verify >"$tmp/apt-purge.log" 2>&1
rc=$?
[ "$rc" -eq 0 ] && installed=0 && rm -f "$tmp/installed"
left() {
  local f bad=0
  [ "$rc" -eq 0 ] || { tail -20 "$tmp/apt-purge.log" | note; bad=1; }
  while read -r f; do
    [ -d "$f" ] && continue     # directories shared with other packages (/lib, /usr/bin)
    if [ -e "$f" ] || [ -L "$f" ]; then echo "# left: $f"; bad=1; fi
  done <"$tmp/files.txt"
  ours >"$tmp/after.txt"
  if ! diff "$tmp/before.txt" "$tmp/after.txt" | sed 's/^/# /'; then bad=1; fi
  if dpkg-query -W -f='${Status}' wifi-verify 2>/dev/null | grep -q 'installed'; then
    echo "# dpkg still knows wifi-verify"; bad=1
  fi
  if gsettings list-schemas 2>/dev/null | grep -q org.wifiverify.WifiVerify; then
    echo "# the compiled GSettings schemas still hold org.wifiverify.WifiVerify"; bad=1
  fi
  return "$bad"
}
check "apt purge removes the package and nothing of it remains" left

restore_build
check "the build tree is back" test -d "$build" -a ! -e "$aside"
finish

#!/usr/bin/env bash
# Set up everything wifi-verify needs on a Debian 12 machine, build it, and
# start it on the loopback self-test.
#
#   tools/bootstrap.sh            install, build, start
#   tools/bootstrap.sh --no-run   install and build only (CI)
#
# Steps, each skipped when already done: Debian packages; libnice and
# gst-plugins-bad from Debian source packages with patches/ applied
# (tools/build-upstream.sh); meson configure and build of wifi-verify.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
run=1
for arg in "$@"; do
  case "$arg" in
    --no-run) run=0 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bootstrap: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[bootstrap] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Build tools, the libraries we link, and what the tests use (reference
# tools, network lab, GUI under Xvfb, fuzzers, desktop file validators,
# valgrind for the callgrind benchmark, irtt as the reference for delay and
# jitter in the lab tests and benchmarks, the Debian package's build and
# checks: debhelper, lintian, systemd for its unit directory and
# systemd-analyze). The system's own libnice, libnice GStreamer plugin and
# gst-plugins-bad libraries are installed on purpose: the tests show that
# wifi-verify loads its patched copies all the same. Real browsers are
# the web client's far end; openssl makes the HTTPS test's certificate;
# a fake NetworkManager gives the Wi-Fi facts; poppler reads the PDF reports back.
packages=(
  build-essential meson ninja-build pkg-config dpkg-dev patch patchelf python3 git
  libglib2.0-dev libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  libssl-dev libsrtp2-dev libgnutls28-dev glib-networking
  libsoup-3.0-dev libjson-glib-dev libgtk-4-dev libqrencode-dev
  chromium chromium-driver firefox-esr python3-selenium openssl
  libcap2-bin iproute2 nftables iputils-ping iputils-tracepath mtr-tiny irtt
  xvfb xauth dbus libglib2.0-bin procps desktop-file-utils appstream gettext
  clang libclang-rt-14-dev valgrind
  debhelper lintian systemd
  libnice10 gstreamer1.0-nice libgstreamer-plugins-bad1.0-0
  libnm-dev libcairo2-dev libpango1.0-dev python3-dbusmock poppler-utils shared-mime-info
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then
    apt_get=(apt-get)
  elif command -v sudo >/dev/null; then
    apt_get=(sudo apt-get)
  else
    die "run as root, or install: apt-get install ${missing[*]}"
  fi
  "${apt_get[@]}" update -q >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -q --no-install-recommends \
    "${missing[@]}" >/dev/null || die "apt-get install failed"
fi

# The patched WebRTC stack in build/upstream/prefix.
tools/build-upstream.sh build

prefix="$top/build/upstream/prefix"
if [ ! -f build/build.ninja ]; then
  say "configuring wifi-verify"
  meson setup build -Dpkg_config_path="$prefix/lib/pkgconfig" >/dev/null \
    || die "meson setup failed (see build/meson-logs/meson-log.txt)"
fi
say "building wifi-verify"
ninja -C build >/dev/null || { ninja -C build; die "build failed"; }

# Where the ICMP helper cannot get privileges the tools still run; say so.
if [ "$run" = 1 ]; then
  if [ -x build/src/gui/wifi-verify ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
    say "starting wifi-verify (loopback self-test)"
    exec build/src/gui/wifi-verify --self-test
  elif [ -x build/src/cli/wifi-verify-cli ] && build/src/cli/wifi-verify-cli --help 2>/dev/null | grep -q self-test; then
    say "no display: running the loopback self-test in the terminal"
    exec build/src/cli/wifi-verify-cli self-test
  else
    say "running the loopback demo"
    exec build/src/cli/wifi-verify-cli demo
  fi
fi
say "done: run build/src/cli/wifi-verify-cli --help"

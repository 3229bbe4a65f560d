#!/usr/bin/env bash
# Fetch libnice and gst-plugins-bad as Debian 12 source packages, apply our
# patch series from patches/, and build the parts we need into a private
# prefix inside the build tree.
#
#   tools/build-upstream.sh [BUILD_DIR]      (default: build)
#
# The libraries and plugins find each other relative to their own location
# (RUNPATH $ORIGIN), so the prefix's lib/ directory can be copied anywhere:
# meson install puts it into <libdir>/wifi-verify (see meson.build).
#
# WV_UPSTREAM_SOURCES=DIR takes the source packages (.dsc and the files it
# names) from DIR when they are there, instead of downloading them; the
# .dsc checksums are verified as for a download. CFLAGS and LDFLAGS from the
# environment are used (the Debian package build passes its hardening flags).
#
# Re-running skips finished steps. A stamp per upstream records the source
# version, the patch files' contents and the build options; when any of
# them changes that upstream is extracted afresh, patched and rebuilt.
# A patch that does not apply stops the script and names the patch.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
up="$build/upstream"
prefix="$up/prefix"
libdir="$prefix/lib"
jobs=$(nproc 2>/dev/null || echo 2)

# Source package versions we build. gst-plugins-bad1.0 1.22.0-4+deb12u8 was
# published without its .debian.tar.xz; u7 has the same upstream tarball.
LIBNICE_PKG=libnice
LIBNICE_VERSIONS="0.1.21-1"
GSTBAD_PKG=gst-plugins-bad1.0
GSTBAD_VERSIONS="1.22.0-4+deb12u7 1.22.0-4+deb12u8 1.22.0-4+deb12u6 1.22.0-4"

LIBNICE_OPTS=(-Dgstreamer=enabled -Dcrypto-library=gnutls -Dgupnp=disabled
  -Dintrospection=disabled -Dexamples=disabled -Dtests=disabled
  -Dgtk_doc=disabled)
GSTBAD_OPTS=(-Dauto_features=disabled -Dwebrtc=enabled -Dsctp=enabled
  -Dsctp-internal-usrsctp=enabled -Ddtls=enabled -Dsrtp=enabled
  -Dintrospection=disabled -Dexamples=disabled -Dtests=disabled -Dnls=disabled
  -Ddoc=disabled -Dorc=disabled -Dgpl=disabled)

say() { printf '\033[1m[upstream]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[upstream] error:\033[0m %s\n' "$*" >&2; exit 1; }

mkdir -p "$up/src" "$up/stamps"

# --- deb-src entries -------------------------------------------------------
# apt-get source needs deb-src lines. We derive them from the machine's own
# deb entries for this Debian release, so no archive host is named here.
ensure_deb_src() {
  if apt-cache showsrc "$LIBNICE_PKG" 2>/dev/null | grep -q '^Version:'; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "no deb-src entries for this release; run as root once so they can be added"
  local codename out=/etc/apt/sources.list.d/wifi-verify-deb-src.sources
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || die "cannot tell the Debian release from /etc/os-release"
  say "adding deb-src twins of the $codename apt sources ($out)"
  python3 - "$codename" "$out" <<'PY'
import glob, re, sys
codename, out = sys.argv[1], sys.argv[2]
def ours(suites):
    return any(s == codename or s.startswith(codename + "-") for s in suites)
stanzas = []
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    if path == out:
        continue
    for block in re.split(r"\n\s*\n", open(path).read()):
        fields, key = {}, None
        for line in block.splitlines():
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if line[0].isspace() and key:
                fields[key] += "\n" + line
                continue
            key, _, val = line.partition(":")
            fields[key.strip()] = val.strip()
        if fields.get("Types", "").split() != ["deb"] or fields.get("Enabled", "yes") == "no":
            continue
        if not ours(fields.get("Suites", "").split()):
            continue
        fields["Types"] = "deb-src"
        stanzas.append("\n".join(f"{k}: {v}" for k, v in fields.items()))
lines = []
try:
    for line in open("/etc/apt/sources.list"):
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "deb":
            rest = parts[1:]
            opts = [p for p in rest if p.startswith("[")]
            plain = [p for p in rest if not p.startswith("[")]
            if len(plain) >= 2 and ours([plain[1]]):
                lines.append(" ".join(["deb-src"] + rest))
except FileNotFoundError:
    pass
if not stanzas and not lines:
    sys.exit("no deb entries for %s found in the apt sources" % codename)
with open(out, "w") as f:
    f.write("# Written by wifi-verify tools/build-upstream.sh: source twins of the\n")
    f.write("# %s entries, for apt-get source.\n\n" % codename)
    f.write("\n\n".join(stanzas) + "\n")
if lines:
    with open(out.replace(".sources", ".list"), "w") as f:
        f.write("\n".join(lines) + "\n")
PY
  apt-get update -q >/dev/null || die "apt-get update failed after adding deb-src entries"
}

# --- fetch -----------------------------------------------------------------
# copy_sources DSC: copies DSC and the files its Files: field names into the
# download directory; fails when any of them is missing.
copy_sources() {
  local dsc=$1 dir f
  [ -f "$dsc" ] || return 1
  dir=$(dirname "$dsc")
  for f in $(awk '/^Files:/ {on = 1; next} /^[^ ]/ {on = 0} on {print $3}' "$dsc"); do
    [ -f "$dir/$f" ] || return 1
  done
  for f in $(awk '/^Files:/ {on = 1; next} /^[^ ]/ {on = 0} on {print $3}' "$dsc"); do
    cp "$dir/$f" "$up/src/dl/"
  done
  cp "$dsc" "$up/src/dl/"
}

# fetch PKG "VERSIONS..." -> prints the path of the downloaded .dsc
fetch() {
  local pkg=$1 versions=$2 v dsc
  mkdir -p "$up/src/dl"
  for v in $versions; do
    dsc="$up/src/dl/${pkg}_${v#*:}.dsc"
    if [ -f "$dsc" ]; then echo "$dsc"; return 0; fi
  done
  if [ -n "${WV_UPSTREAM_SOURCES:-}" ]; then
    for v in $versions; do
      if copy_sources "$WV_UPSTREAM_SOURCES/${pkg}_${v#*:}.dsc"; then
        say "using $pkg=$v from $WV_UPSTREAM_SOURCES" >&2
        echo "$up/src/dl/${pkg}_${v#*:}.dsc"; return 0
      fi
    done
  fi
  ensure_deb_src
  for v in $versions; do
    dsc="$up/src/dl/${pkg}_${v#*:}.dsc"
    say "fetching source package $pkg=$v" >&2
    if (cd "$up/src/dl" && apt-get source --download-only -q "$pkg=$v" >"$up/src/dl/$pkg.log" 2>&1) \
        && [ -f "$dsc" ]; then
      echo "$dsc"; return 0
    fi
    say "  $pkg=$v is not downloadable (see $up/src/dl/$pkg.log), trying the next" >&2
  done
  die "could not download any of: $pkg $versions"
}

# --- patch + build -----------------------------------------------------------
stamp_of() {   # stamp_of NAME DSC PATCHDIR OPTS...
  local name=$1 dsc=$2 pdir=$3; shift 3
  {
    echo "$name $(basename "$dsc")"
    echo "$*"
    echo "CFLAGS=${CFLAGS:-} CPPFLAGS=${CPPFLAGS:-} LDFLAGS=${LDFLAGS:-}"
    for p in "$pdir"/*.patch; do [ -e "$p" ] && { echo "$(basename "$p")"; cat "$p"; }; done
    cat "$0"
  } | sha256sum | cut -d' ' -f1
}

extract_and_patch() {  # NAME DSC PATCHDIR -> prints tree dir
  local name=$1 dsc=$2 pdir=$3 tree="$up/src/$name"
  rm -rf "$tree" "$tree.tmp"
  say "extracting $(basename "$dsc")" >&2
  dpkg-source -q -x "$dsc" "$tree.tmp" >/dev/null 2>"$up/src/$name-extract.log" \
    || die "dpkg-source -x $(basename "$dsc") failed (see $up/src/$name-extract.log)"
  local p n=0
  for p in "$pdir"/*.patch; do
    [ -e "$p" ] || continue
    n=$((n + 1))
    if ! patch -d "$tree.tmp" -p1 --forward --batch --quiet --dry-run <"$p" >"$up/src/$name-patch.log" 2>&1; then
      cat "$up/src/$name-patch.log" >&2
      die "patch does not apply: ${p#$top/} (against $(basename "$dsc"))"
    fi
    patch -d "$tree.tmp" -p1 --forward --batch --quiet <"$p" >/dev/null
  done
  say "applied $n patch(es) from ${pdir#$top/}" >&2
  mv "$tree.tmp" "$tree"
  echo "$tree"
}

# Libraries find each other in their own directory, plugins in the one
# above theirs: the same in this prefix and in <libdir>/wifi-verify.
set_runpaths() {
  command -v patchelf >/dev/null || die "patchelf is missing (tools/bootstrap.sh installs it)"
  local f before
  for f in "$libdir"/*.so.* "$libdir"/gstreamer-1.0/*.so; do
    [ -L "$f" ] && continue
    case "$f" in
      "$libdir"/gstreamer-1.0/*) patchelf --set-rpath '$ORIGIN/..' "$f" ;;
      *) patchelf --set-rpath '$ORIGIN' "$f" ;;
    esac
    # Both rewrite the RUNPATH string in place (so the file keeps its
    # layout), leaving the tail of the build tree's longer one behind it:
    # blank that so no path of this tree ships, and prove that nothing the
    # dynamic linker reads changed.
    before=$(readelf -W -d --dyn-syms -V "$f")
    scrub_dynstr "$f" "$up"
    [ "$(readelf -W -d --dyn-syms -V "$f")" = "$before" ] \
      || die "blanking the old RUNPATH string changed the dynamic section of $f"
    if strip -o "$up/stripped.tmp" "$f" && grep -qaF "$up" "$up/stripped.tmp"; then
      rm -f "$up/stripped.tmp"
      die "$f still names $up outside its debugging information"
    fi
    rm -f "$up/stripped.tmp"
  done
  if readelf -d "$libdir"/*.so.* "$libdir"/gstreamer-1.0/*.so 2>/dev/null \
      | grep -E 'R(UN)?PATH' | grep -v '\[\$ORIGIN\(/\.\.\)\?\]$'; then
    die "an absolute RUNPATH is left in $libdir"
  fi
}

# scrub_dynstr FILE NEEDLE: fills every string of FILE's .dynstr section that
# contains NEEDLE with NUL bytes (ELF, either class and byte order).
scrub_dynstr() {
  python3 - "$1" "$2" <<'PY'
import struct, sys
path, needle = sys.argv[1], sys.argv[2].encode()
data = bytearray(open(path, "rb").read())
if data[:4] != b"\x7fELF":
    sys.exit("%s is not an ELF file" % path)
end = "<" if data[5] == 1 else ">"
if data[4] == 2:
    shoff, = struct.unpack_from(end + "Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x3A)
    sec = lambda i: struct.unpack_from(end + "IIQQQQ", data, shoff + i * shentsize)
    name, off, size = 0, 4, 5
else:
    shoff, = struct.unpack_from(end + "I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x2E)
    sec = lambda i: struct.unpack_from(end + "IIIIII", data, shoff + i * shentsize)
    name, off, size = 0, 4, 5
names = sec(shstrndx)
def section_name(h):
    start = names[off] + h[name]
    return bytes(data[start:data.index(b"\0", start)])
for i in range(shnum):
    h = sec(i)
    if section_name(h) != b".dynstr":
        continue
    pos, stop = h[off], h[off] + h[size]
    while pos < stop:
        nul = data.index(b"\0", pos)
        if needle in data[pos:nul]:
            data[pos:nul] = bytes(nul - pos)
        pos = nul + 1
open(path, "wb").write(data)
PY
}

build_one() {  # NAME PKG VERSIONS PATCHDIR OPTS...
  local name=$1 pkg=$2 versions=$3 pdir=$4; shift 4
  local dsc stamp tree
  dsc=$(fetch "$pkg" "$versions")
  stamp=$(stamp_of "$name" "$dsc" "$pdir" "$@")
  if [ -f "$up/stamps/$name" ] && [ "$(cat "$up/stamps/$name")" = "$stamp" ] \
      && [ -d "$prefix" ]; then
    say "$name is up to date"
    return 0
  fi
  rm -f "$up/stamps/$name"
  # libnice is the bottom of the stack: start the prefix afresh so that no
  # file of an earlier build survives (gst-plugins-bad is rebuilt after it).
  if [ "$name" = libnice ]; then rm -rf "$prefix"; rm -f "$up/stamps/gst-plugins-bad"; fi
  tree=$(extract_and_patch "$name" "$dsc" "$pdir")
  say "configuring $name"
  rm -rf "$up/build-$name"
  # A relative RUNPATH at link time, which meson install keeps while it
  # drops the build tree's entries; set_runpaths then trims it in place per
  # directory. -rpath-link lets the linker follow libnice from the plugins.
  PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
  LDFLAGS="${LDFLAGS:+$LDFLAGS }-Wl,-rpath-link,$libdir -Wl,-rpath,\$ORIGIN/..:\$ORIGIN" \
    meson setup "$up/build-$name" "$tree" --prefix "$prefix" --libdir lib \
      --buildtype debugoptimized -Dwrap_mode=nodownload "$@" \
      >"$up/build-$name.log" 2>&1 \
    || { tail -30 "$up/build-$name.log" >&2; die "configuring $name failed (log: $up/build-$name.log)"; }
  say "building $name"
  ninja -C "$up/build-$name" -j "$jobs" >>"$up/build-$name.log" 2>&1 \
    || { grep -m20 -B2 -A8 'error' "$up/build-$name.log" >&2 || tail -40 "$up/build-$name.log" >&2;
         die "building $name failed (log: $up/build-$name.log)"; }
  meson install -C "$up/build-$name" --no-rebuild >>"$up/build-$name.log" 2>&1 \
    || die "installing $name failed (log: $up/build-$name.log)"
  set_runpaths
  echo "$stamp" >"$up/stamps/$name"
  say "$name installed into ${prefix#$top/}"
}

build_one libnice "$LIBNICE_PKG" "$LIBNICE_VERSIONS" "$top/patches/libnice" "${LIBNICE_OPTS[@]}"
build_one gst-plugins-bad "$GSTBAD_PKG" "$GSTBAD_VERSIONS" "$top/patches/gst-plugins-bad" "${GSTBAD_OPTS[@]}"
# A fresh private registry, so the next start scans the new plugins.
rm -f "$up/registry.bin"

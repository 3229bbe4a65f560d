#!/usr/bin/env bash
# Run the whole test suite (README command 2; .ci/run calls exactly this).
#
#   tools/test.sh [meson test options...]
#
# GUI tests need a display: without one, the suite runs under Xvfb.
# Network-lab and capture tests need root; they skip, saying so, without it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -f build/build.ninja ] || { echo "test: no build yet; run tools/bootstrap.sh --no-run first" >&2; exit 1; }
ninja -C build >/dev/null
cmd=(meson test -C build --print-errorlogs --num-processes 2 "$@")
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
  exec xvfb-run -a -s "-screen 0 1920x1080x24" "${cmd[@]}"
fi
exec "${cmd[@]}"

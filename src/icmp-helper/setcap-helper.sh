#!/bin/sh
# Install step of wifi-verify-icmp-helper: grant it CAP_NET_RAW, so that
# unprivileged users can receive ICMP errors through it.  The helper drops
# the capability right after opening its two raw sockets (docs/icmp-helper.md).
#
# Quiet on purpose when it cannot: staged installs (DESTDIR), file systems
# without extended attributes and non-root installs are all normal; the app
# tells the user what to run when the helper lacks the capability.
#
# Usage: setcap-helper.sh <absolute install path of the helper>

helper="${DESTDIR:+$DESTDIR/}$1"
helper=$(printf '%s' "$helper" | sed 's://*:/:g')

if [ ! -f "$helper" ]; then
  echo "setcap-helper: $helper not found, not granting cap_net_raw" >&2
  exit 0
fi

setcap=$(command -v setcap 2>/dev/null || true)
for candidate in /usr/sbin/setcap /sbin/setcap; do
  [ -n "$setcap" ] && break
  [ -x "$candidate" ] && setcap=$candidate
done

if [ -z "$setcap" ]; then
  echo "setcap-helper: setcap not found; run 'sudo setcap cap_net_raw+ep $1' to enable ICMP reports" >&2
  exit 0
fi

if "$setcap" cap_net_raw+ep "$helper" 2>/dev/null; then
  echo "setcap-helper: granted cap_net_raw+ep to $helper"
else
  echo "setcap-helper: could not grant cap_net_raw+ep to $helper (not root, or no xattr support); run 'sudo setcap cap_net_raw+ep $1' to enable ICMP reports" >&2
fi
exit 0

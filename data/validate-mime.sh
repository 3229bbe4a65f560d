#!/bin/sh
# validate-mime.sh XML: shared-mime-info accepts the MIME type definition
# and maps *.wvrun files to application/x-wifi-verify-run.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/mime/packages"
cp "$1" "$tmp/mime/packages/org.wifiverify.WifiVerify.xml"
# In the search path, or it warns that applications would not see it.
XDG_DATA_HOME="$tmp" XDG_DATA_DIRS="$tmp" update-mime-database "$tmp/mime" 2>"$tmp/errors"
if [ -s "$tmp/errors" ]; then
  cat "$tmp/errors" >&2
  exit 1
fi
grep -q '^50:application/x-wifi-verify-run:\*\.wvrun$' "$tmp/mime/globs2"
grep -q 'application/x-wifi-verify-run application/gzip' "$tmp/mime/subclasses"

#!/usr/bin/env bash
# Runs test-wifi.py with a Python that has python3-dbusmock: the first
# python3 on PATH may be another installation than Debian's.
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null && "$py" -c 'import dbus, dbusmock' 2>/dev/null; then
    exec "$py" "$(dirname "$0")/test-wifi.py" "$@"
  fi
done
echo "1..0 # SKIP python3-dbusmock is not installed"

#!/usr/bin/env python3
"""List the files of the patched stack that an install needs (meson.build).

    tools/upstream-files.py LIBDIR [SONAME...]

LIBDIR is the private prefix's lib directory (tools/build-upstream.sh).
Prints one line per file, tab-separated: the directory relative to the
private library directory ('.' or 'gstreamer-1.0'), the name to install it
under, and the file to copy. That is every GStreamer plugin in
LIBDIR/gstreamer-1.0, and the libraries of LIBDIR that they or the given
SONAMEs (what the programs link) need, directly or through each other,
each under its SONAME (the name the dynamic linker looks for), so no
development symlink or unused library of the upstream builds is installed.
"""
import os
import re
import subprocess
import sys


def needed(path):
    out = subprocess.run(["readelf", "-d", path], check=True, capture_output=True,
                         text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    libdir = sys.argv[1]
    plugindir = os.path.join(libdir, "gstreamer-1.0")
    plugins = sorted(f for f in os.listdir(plugindir) if f.endswith(".so"))
    if not plugins:
        sys.exit("no GStreamer plugins in %s: run tools/build-upstream.sh" % plugindir)

    todo = [os.path.join(plugindir, p) for p in plugins]
    wanted = set(sys.argv[2:])
    libs = {}
    while todo or wanted:
        names = set(wanted)
        wanted.clear()
        for path in todo:
            names.update(needed(path))
        todo = []
        for name in sorted(names):
            path = os.path.join(libdir, name)
            if name in libs or not os.path.exists(path):
                continue            # a system library, or one already listed
            libs[name] = os.path.realpath(path)
            todo.append(path)

    for p in plugins:
        print("gstreamer-1.0\t%s\t%s" % (p, os.path.realpath(os.path.join(plugindir, p))))
    for name, path in sorted(libs.items()):
        print(".\t%s\t%s" % (name, path))


if __name__ == "__main__":
    main()

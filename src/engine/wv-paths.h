/* wv-paths.h: where a program's companion files are, installed or run from
 * its build tree
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The file meson writes at the top of a build tree (meson.build). */
#define WV_BUILD_ROOT_MARKER "wifi-verify-build-root"
#define WV_ICMP_HELPER_NAME "wifi-verify-icmp-helper"

const char *wv_paths_get_build_root    (void);
char       *wv_paths_dup_icmp_helper   (void);
char       *wv_paths_dup_localedir     (void);
char       *wv_paths_dup_gst_plugin_dir (GError **error);
char       *wv_paths_dup_gst_registry  (const char *plugin_dir);

G_END_DECLS

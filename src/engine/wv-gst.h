/* wv-gst.h: GStreamer set-up for the patched WebRTC stack
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WV_GST_ERROR (wv_gst_error_quark ())
GQuark wv_gst_error_quark (void);

typedef enum {
  WV_GST_ERROR_MISSING_ELEMENT,
  WV_GST_ERROR_UNPATCHED,
} WvGstError;

gboolean wv_gst_init (int *argc, char ***argv, GError **error);
gboolean wv_gst_check_stack (GError **error);
char *wv_gst_describe_stack (void);

G_END_DECLS

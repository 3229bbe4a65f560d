/* wv-dscp.h: DSCP names and lists
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wv-protocol.h"

G_BEGIN_DECLS

/* "EF", "AF41", "CS0", ... or NULL for a code point without a name. */
const char *wv_dscp_name (int dscp);
/* One name (case-insensitive) or number 0-63; -1 if not a DSCP. */
int wv_dscp_parse (const char *text);
/* A list such as "CS0,AF41,EF,10" or "CS0 AF41 EF" (commas and/or spaces),
 * at most WV_MAX_CLASSES, each once; NULL or empty: no classes. */
gboolean wv_dscp_parse_list (const char *text, WvClasses *out, GError **error);

G_END_DECLS

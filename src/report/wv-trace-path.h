/* wv-trace-path.h: a path of the engine's WvTraceTable as a chart WvHopPath
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wv-hop-path.h"
#include "wv-trace-table.h"

G_BEGIN_DECLS

WvHopPath *wv_trace_path_build (WvTraceTable *table,
                                guint         path,
                                const char   *label,
                                const char   *source);

G_END_DECLS

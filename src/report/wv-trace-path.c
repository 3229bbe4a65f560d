/* wv-trace-path.c: a path of the engine's WvTraceTable as a chart WvHopPath
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The table lives in the engine, which knows nothing of the charts, and
 * the chart widgets know nothing of the engine: this is the one place that
 * turns one into the other, for the traceroute page's WvHopView and the
 * PDF report.
 */
#define G_LOG_DOMAIN "wv-report"

#include "config.h"

#include <math.h>

#include "wv-trace-path.h"

/**
 * wv_trace_path_build:
 * @path: index of the path in @table
 * @label: (nullable): the row's label in the path view
 * @source: (nullable): what to write under the source node
 *
 * Returns: (transfer full): the traceroute of @path for WvHopView: its
 *   hops up to the peer (wv_trace_table_get_n_hops()), and the peer as
 *   destination when it answered
 */
WvHopPath *
wv_trace_path_build (WvTraceTable *table,
                     guint         path,
                     const char   *label,
                     const char   *source)
{
  WvHopPath *hp;
  const char *destination = NULL;
  guint n;

  g_return_val_if_fail (table != NULL, NULL);
  g_return_val_if_fail (path < wv_trace_table_get_n_paths (table), NULL);
  n = wv_trace_table_get_n_hops (table, path);

  /* When the peer answered, the last hop is the TTL it first answered at,
   * and the address that answered there most often names it. */
  if (wv_trace_table_get_reached (table, path))
    {
      WvTraceHop last;

      if (wv_trace_table_get_hop (table, path, n - 1, &last))
        destination = last.address;
    }
  /* wv_hop_path_new() copies the strings, which belong to the table. */
  hp = wv_hop_path_new (label, source, destination);
  for (guint i = 0; i < n && i < WV_HOP_PATH_MAX_HOPS; i++)
    {
      WvTraceHop th;
      WvHop hop;

      wv_trace_table_get_hop (table, path, i, &th);
      hop.address = th.address;
      hop.hostname = NULL;
      hop.rtt_min_ms = th.rtt.n ? th.rtt.min : NAN;
      hop.rtt_avg_ms = th.rtt.n ? th.rtt.mean : NAN;
      hop.rtt_max_ms = th.rtt.n ? th.rtt.max : NAN;
      hop.loss_pct = th.loss_pct;
      hop.mtu = th.mtu;
      wv_hop_path_add_hop (hp, &hop);
    }
  return hp;
}

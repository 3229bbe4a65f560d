/* wv-hop-path.h: one traceroute result (source, hops, destination)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "wv-chart-types.h"

G_BEGIN_DECLS

#define WV_HOP_PATH_MAX_HOPS 255

/**
 * WvHop:
 * @address: (nullable): the address that answered at this TTL, or %NULL
 *   for a silent hop (drawn as "*")
 * @hostname: (nullable): reverse DNS name, if known
 * @rtt_min_ms: smallest round-trip time in ms, NaN if unknown
 * @rtt_avg_ms: mean round-trip time in ms, NaN if unknown
 * @rtt_max_ms: largest round-trip time in ms, NaN if unknown
 * @loss_pct: probe loss in percent (0 .. 100), NaN if unknown
 * @mtu: path MTU measured up to this hop, 0 if unknown
 *
 * Input to wv_hop_path_add_hop(), which copies it: the strings need only
 * live for the call.
 */
typedef struct
{
  const char *address;
  const char *hostname;
  double      rtt_min_ms;
  double      rtt_avg_ms;
  double      rtt_max_ms;
  double      loss_pct;
  guint       mtu;
} WvHop;

#define WV_TYPE_HOP_PATH (wv_hop_path_get_type ())
GType        wv_hop_path_get_type          (void) G_GNUC_CONST;

WvHopPath   *wv_hop_path_new               (const char        *label,
                                            const char        *source,
                                            const char        *destination);
WvHopPath   *wv_hop_path_ref               (WvHopPath         *self);
void         wv_hop_path_unref             (WvHopPath         *self);
gboolean     wv_hop_path_add_hop           (WvHopPath         *self,
                                            const WvHop       *hop);
void         wv_hop_path_set_source_mtu    (WvHopPath         *self,
                                            guint              mtu);
guint        wv_hop_path_get_source_mtu    (WvHopPath         *self);
const char  *wv_hop_path_get_label         (WvHopPath         *self);
const char  *wv_hop_path_get_source        (WvHopPath         *self);
const char  *wv_hop_path_get_destination   (WvHopPath         *self);
guint        wv_hop_path_get_n_hops        (WvHopPath         *self);
const WvHop *wv_hop_path_get_hop           (WvHopPath         *self,
                                            guint              index);
gboolean     wv_hop_path_get_reached       (WvHopPath         *self);
guint        wv_hop_path_get_n_nodes       (WvHopPath         *self);
guint        wv_hop_path_get_link_mtu      (WvHopPath         *self,
                                            guint              hop_index);
gboolean    *wv_hop_paths_find_differences (WvHopPath * const *paths,
                                            guint              n_paths,
                                            guint             *n_hops);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvHopPath, wv_hop_path_unref)

G_END_DECLS

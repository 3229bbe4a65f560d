/* wv-hop-view.h: draws traceroute paths, one row per path
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "wv-hop-path.h"

G_BEGIN_DECLS

#define WV_HOP_VIEW_MAX_PATHS 64

#define WV_TYPE_HOP_VIEW (wv_hop_view_get_type ())
G_DECLARE_FINAL_TYPE (WvHopView, wv_hop_view, WV, HOP_VIEW, GtkWidget)

GtkWidget *wv_hop_view_new             (void);
void       wv_hop_view_set_path        (WvHopView         *self,
                                        WvHopPath         *path);
void       wv_hop_view_set_paths       (WvHopView         *self,
                                        WvHopPath * const *paths,
                                        guint              n_paths);
guint      wv_hop_view_get_n_paths     (WvHopView         *self);
WvHopPath *wv_hop_view_get_path        (WvHopView         *self,
                                        guint              index);
gboolean   wv_hop_view_get_highlighted (WvHopView         *self,
                                        guint              path_index,
                                        guint              hop_index);
gboolean   wv_hop_view_get_node_center (WvHopView         *self,
                                        guint              path_index,
                                        guint              node_index,
                                        graphene_point_t  *out);
char      *wv_hop_view_describe_node   (WvHopView         *self,
                                        guint              path_index,
                                        guint              node_index);

G_END_DECLS

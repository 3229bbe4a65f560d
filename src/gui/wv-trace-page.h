/* wv-trace-page.h: traceroute per connection and direction: path view and hop list
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-charts.h"
#include "wv-session.h"

G_BEGIN_DECLS

/* Columns of the hop list (cells of its WvTableRows). */
typedef enum {
  WV_HOP_COLUMN_CONNECTION,
  WV_HOP_COLUMN_TTL,
  WV_HOP_COLUMN_ADDRESS,
  WV_HOP_COLUMN_RTT_MIN,
  WV_HOP_COLUMN_RTT_AVG,
  WV_HOP_COLUMN_RTT_MAX,
  WV_HOP_COLUMN_LOSS,
  WV_HOP_COLUMN_REPLIES,
  WV_HOP_COLUMN_MTU,
  WV_N_HOP_COLUMNS
} WvHopColumn;

#define WV_TYPE_TRACE_PAGE (wv_trace_page_get_type ())
G_DECLARE_FINAL_TYPE (WvTracePage, wv_trace_page, WV, TRACE_PAGE, GtkWidget)

GtkWidget   *wv_trace_page_new           (void);
void         wv_trace_page_set_session   (WvTracePage *self,
                                          WvSession   *session);
WvDirection  wv_trace_page_get_direction (WvTracePage *self);
void         wv_trace_page_set_direction (WvTracePage *self,
                                          WvDirection  dir);
WvHopView   *wv_trace_page_get_hop_view  (WvTracePage *self,
                                          int          family);
GListModel  *wv_trace_page_get_hops      (WvTracePage *self);
void         wv_trace_page_update_now    (WvTracePage *self);

G_END_DECLS

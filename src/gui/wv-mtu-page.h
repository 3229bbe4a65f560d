/* wv-mtu-page.h: path MTU and per-hop MTU per connection and direction
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-session.h"

G_BEGIN_DECLS

typedef enum {
  WV_PATH_MTU_COLUMN_CONNECTION,
  WV_PATH_MTU_COLUMN_DIRECTION,
  WV_PATH_MTU_COLUMN_MTU,
  WV_PATH_MTU_COLUMN_CONFIRMED,
  WV_N_PATH_MTU_COLUMNS
} WvPathMtuColumn;

typedef enum {
  WV_HOP_MTU_COLUMN_CONNECTION,
  WV_HOP_MTU_COLUMN_DIRECTION,
  WV_HOP_MTU_COLUMN_HOP,
  WV_HOP_MTU_COLUMN_ADDRESS,
  WV_HOP_MTU_COLUMN_MTU,
  WV_N_HOP_MTU_COLUMNS
} WvHopMtuColumn;

#define WV_TYPE_MTU_PAGE (wv_mtu_page_get_type ())
G_DECLARE_FINAL_TYPE (WvMtuPage, wv_mtu_page, WV, MTU_PAGE, GtkWidget)

GtkWidget  *wv_mtu_page_new           (void);
void        wv_mtu_page_set_session   (WvMtuPage *self,
                                       WvSession *session);
GListModel *wv_mtu_page_get_path_mtus (WvMtuPage *self);
GListModel *wv_mtu_page_get_hop_mtus  (WvMtuPage *self);
void        wv_mtu_page_update_now    (WvMtuPage *self);

G_END_DECLS

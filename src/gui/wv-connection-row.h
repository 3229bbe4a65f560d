/* wv-connection-row.h: one connection in the window's list
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-session.h"

G_BEGIN_DECLS

#define WV_TYPE_CONNECTION_ROW (wv_connection_row_get_type ())
G_DECLARE_FINAL_TYPE (WvConnectionRow, wv_connection_row, WV, CONNECTION_ROW, GtkListBoxRow)

GtkWidget  *wv_connection_row_new          (WvSession       *session,
                                            guint            index);
guint       wv_connection_row_get_index    (WvConnectionRow *self);
void        wv_connection_row_update       (WvConnectionRow *self);
void        wv_connection_row_toggle       (WvConnectionRow *self);
const char *wv_connection_row_get_subtitle (WvConnectionRow *self);

G_END_DECLS

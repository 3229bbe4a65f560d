/* wv-served-client-row.h: one client in Serve mode's list of clients
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-served-client.h"

G_BEGIN_DECLS

#define WV_TYPE_SERVED_CLIENT_ROW (wv_served_client_row_get_type ())
G_DECLARE_FINAL_TYPE (WvServedClientRow, wv_served_client_row, WV, SERVED_CLIENT_ROW, GtkListBoxRow)

GtkWidget      *wv_served_client_row_new        (WvServedClient    *client);
WvServedClient *wv_served_client_row_get_client (WvServedClientRow *self);
void            wv_served_client_row_update     (WvServedClientRow *self);
const char     *wv_served_client_row_get_values (WvServedClientRow *self);

G_END_DECLS

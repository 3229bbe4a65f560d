/* wv-server-page.h: serve mode: the measuring server and its clients
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-server.h"
#include "wv-served-clients.h"
#include "wv-session.h"

G_BEGIN_DECLS

typedef enum {
  WV_CLIENT_COLUMN_CLIENT,
  WV_CLIENT_COLUMN_CONNECTION,
  WV_CLIENT_COLUMN_FAMILY,
  WV_CLIENT_COLUMN_STATE,
  WV_CLIENT_COLUMN_WEBRTC,
  WV_CLIENT_COLUMN_PAIR,
  WV_CLIENT_COLUMN_RATE,
  WV_N_CLIENT_COLUMNS
} WvClientColumn;

#define WV_TYPE_SERVER_PAGE (wv_server_page_get_type ())
G_DECLARE_FINAL_TYPE (WvServerPage, wv_server_page, WV, SERVER_PAGE, GtkWidget)

GtkWidget  *wv_server_page_new         (void);
gboolean    wv_server_page_start       (WvServerPage *self,
                                        char * const *listen,
                                        const char   *stun_uri,
                                        const char   *token,
                                        GError      **error);
void        wv_server_page_stop        (WvServerPage *self);
gboolean    wv_server_page_get_running (WvServerPage *self);
WvServer   *wv_server_page_get_server  (WvServerPage *self);
GListModel *wv_server_page_get_clients (WvServerPage *self);
WvServedClients *wv_server_page_get_served_clients (WvServerPage *self);
const char * const *wv_server_page_get_page_urls (WvServerPage *self);
void        wv_server_page_refresh     (WvServerPage *self);
void        wv_server_page_show_description (WvServerPage *self,
                                        JsonNode     *description);

G_END_DECLS

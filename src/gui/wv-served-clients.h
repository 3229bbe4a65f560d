/* wv-served-clients.h: every client of the app's measuring server, with
 * its records
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wv-served-client.h"
#include "wv-server.h"

G_BEGIN_DECLS

/* Clients kept: past this many, the oldest that has ended is forgotten. */
#define WV_SERVED_CLIENTS_MAX 256

#define WV_TYPE_SERVED_CLIENTS (wv_served_clients_get_type ())
G_DECLARE_FINAL_TYPE (WvServedClients, wv_served_clients, WV, SERVED_CLIENTS, GObject)

WvServedClients *wv_served_clients_new              (void);
void            wv_served_clients_set_server        (WvServedClients     *self,
                                                     WvServer            *server);
void            wv_served_clients_server_stopped    (WvServedClients     *self);
GListModel     *wv_served_clients_get_model         (WvServedClients     *self);
WvServedClient *wv_served_clients_find              (WvServedClients     *self,
                                                     const char          *label);
void            wv_served_clients_set_record_limit  (WvServedClients     *self,
                                                     guint                max_records);
guint64         wv_served_clients_get_n_records     (WvServedClients     *self);
gboolean        wv_served_clients_get_unexported    (WvServedClients     *self);

/* What the server's signals feed; tests call them directly. */
void            wv_served_clients_push_state        (WvServedClients      *self,
                                                     const WvServerClient *client,
                                                     guint                 index,
                                                     int                   family,
                                                     WvConnState           state);
void            wv_served_clients_push_record       (WvServedClients      *self,
                                                     const WvServerClient *client,
                                                     const WvRecord       *record);

char           *wv_served_clients_dup_export_name   (WvServedClients     *self);
void            wv_served_clients_export_async      (WvServedClients     *self,
                                                     GFile               *folder,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
GFile          *wv_served_clients_export_finish     (WvServedClients     *self,
                                                     GAsyncResult        *result,
                                                     GError             **error);

G_END_DECLS

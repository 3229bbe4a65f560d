/* wv-served-client.h: one client of the app's measuring server
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wv-connection.h"
#include "wv-session.h"

G_BEGIN_DECLS

#define WV_TYPE_SERVED_CLIENT (wv_served_client_get_type ())
G_DECLARE_FINAL_TYPE (WvServedClient, wv_served_client, WV, SERVED_CLIENT, GObject)

WvServedClient *wv_served_client_new               (const char     *address,
                                                    const char     *session_id,
                                                    const char     *label);
const char     *wv_served_client_get_address       (WvServedClient *self);
const char     *wv_served_client_get_session_id    (WvServedClient *self);
const char     *wv_served_client_get_label         (WvServedClient *self);
const char     *wv_served_client_get_software      (WvServedClient *self);
void            wv_served_client_set_software      (WvServedClient *self,
                                                    const char     *software);
WvSession      *wv_served_client_get_session       (WvServedClient *self);
GDateTime      *wv_served_client_get_first_seen    (WvServedClient *self);
WvConnState     wv_served_client_get_state         (WvServedClient *self);
gboolean        wv_served_client_get_running       (WvServedClient *self);
guint           wv_served_client_get_n_connections (WvServedClient *self);
guint           wv_served_client_get_server_index  (WvServedClient *self,
                                                    guint           local);

/* What the server's signals feed (server numbering of connections). */
void            wv_served_client_push_state        (WvServedClient *self,
                                                    guint           server_index,
                                                    int             family,
                                                    WvConnState     state);
void            wv_served_client_push_record       (WvServedClient *self,
                                                    const WvRecord *record);
void            wv_served_client_end               (WvServedClient *self);

G_END_DECLS

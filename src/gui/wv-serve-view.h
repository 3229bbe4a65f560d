/* wv-serve-view.h: Serve mode's clients, each with its charts, path and summary
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-charts-page.h"
#include "wv-client-summary.h"
#include "wv-mtu-page.h"
#include "wv-served-clients.h"
#include "wv-trace-page.h"

G_BEGIN_DECLS

#define WV_TYPE_SERVE_VIEW (wv_serve_view_get_type ())
G_DECLARE_FINAL_TYPE (WvServeView, wv_serve_view, WV, SERVE_VIEW, GtkWidget)

GtkWidget       *wv_serve_view_new                 (void);
void             wv_serve_view_set_clients         (WvServeView     *self,
                                                    WvServedClients *clients);
WvServedClient  *wv_serve_view_get_selected        (WvServeView     *self);
void             wv_serve_view_set_selected        (WvServeView     *self,
                                                    WvServedClient  *client);
void             wv_serve_view_show_page           (WvServeView     *self,
                                                    const char      *name);
void             wv_serve_view_update_now          (WvServeView     *self);
const char      *wv_serve_view_get_details         (WvServeView     *self);
WvChartsPage    *wv_serve_view_get_charts_page     (WvServeView     *self);
WvTracePage     *wv_serve_view_get_trace_page      (WvServeView     *self);
WvMtuPage       *wv_serve_view_get_mtu_page        (WvServeView     *self);
WvClientSummary *wv_serve_view_get_summary         (WvServeView     *self);
GtkListBox      *wv_serve_view_get_client_list     (WvServeView     *self);
GtkListBox      *wv_serve_view_get_connection_list (WvServeView     *self);

G_END_DECLS

/* wv-gui.h: process-wide set-up of the GUI: resources, translations,
 * settings, and the measurement configuration read from the settings
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-client.h"
#include "wv-server.h"
#include "wv-session.h"

G_BEGIN_DECLS

/* The resource path of everything in wifi-verify.gresource.xml. */
#define WV_GUI_RESOURCE_PATH "/org/wifiverify/WifiVerify"

typedef enum {
  WV_FAMILIES_BOTH,
  WV_FAMILIES_IPV4,
  WV_FAMILIES_IPV6,
} WvFamilies;

void        wv_gui_init_resources          (void);
void        wv_gui_init_i18n               (void);
gboolean    wv_gui_is_uninstalled          (void);
GSettings  *wv_gui_settings_new            (GError          **error);

WvFamilies  wv_gui_families_from_string    (const char       *text);
const char *wv_gui_families_to_string      (WvFamilies        families);

gboolean    wv_gui_client_config_from_settings (GSettings      *settings,
                                                const char     *url,
                                                WvClientConfig *config,
                                                GError        **error);
char      **wv_gui_parse_listen            (const char       *text,
                                            GError          **error);

char       *wv_gui_format_ms               (double            ms);
char       *wv_gui_format_pct              (double            pct);
/* A throughput cell: "12.3 Mbit/s", or "–" for NaN (no bulk traffic ran). */
char       *wv_gui_format_bps              (double            bps);
const char *wv_gui_direction_label         (WvDirection       dir);
const char *wv_gui_conn_state_label        (WvConnState       state);
const char *wv_gui_phase_label             (WvPhase           phase);

gboolean    wv_gui_page_set_session        (gpointer          page,
                                            WvSession       **slot,
                                            WvSession        *session,
                                            GCallback         on_record,
                                            GCallback         on_connection);
void        wv_gui_dispose_page_template   (GtkWidget        *page,
                                            GType             type);
int         wv_gui_compare_connections     (WvSession        *session,
                                            guint             a,
                                            guint             b);
GArray     *wv_gui_dup_connections         (WvSession        *session,
                                            gboolean          visible_only);
gboolean    wv_gui_has_summaries           (WvSession        *session);
GFile      *wv_gui_new_export_dir          (GFile            *folder,
                                            const char       *name,
                                            GCancellable     *cancellable);

G_END_DECLS

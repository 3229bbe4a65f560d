/* wv-window.h: the main window
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-application.h"
#include "wv-charts-page.h"
#include "wv-log-page.h"
#include "wv-dscp-page.h"
#include "wv-mtu-page.h"
#include "wv-serve-view.h"
#include "wv-server-page.h"
#include "wv-session.h"
#include "wv-summary-page.h"
#include "wv-trace-page.h"

G_BEGIN_DECLS

/* The values of #WvWindow:mode (and of the "mode" setting). */
#define WV_MODE_SELF_TEST "self-test"
#define WV_MODE_CONNECT   "connect"
#define WV_MODE_SERVE     "serve"

#define WV_TYPE_WINDOW (wv_window_get_type ())
G_DECLARE_FINAL_TYPE (WvWindow, wv_window, WV, WINDOW, GtkApplicationWindow)

WvWindow     *wv_window_new              (WvApplication *application);
const char   *wv_window_get_mode         (WvWindow      *self);
void          wv_window_set_mode         (WvWindow      *self,
                                          const char    *mode);
gboolean      wv_window_start            (WvWindow      *self);
gboolean      wv_window_start_self_test  (WvWindow      *self);
gboolean      wv_window_start_connect    (WvWindow      *self,
                                          const char    *url);
void          wv_window_stop             (WvWindow      *self);
gboolean      wv_window_get_running      (WvWindow      *self);
gboolean      wv_window_get_unexported   (WvWindow      *self);
GtkWidget    *wv_window_get_confirm_dialog (WvWindow    *self);
GtkWidget    *wv_window_get_close_dialog (WvWindow      *self);
WvSession    *wv_window_get_session      (WvWindow      *self);
void          wv_window_set_session      (WvWindow      *self,
                                          WvSession     *session);
void          wv_window_show_page        (WvWindow      *self,
                                          const char    *name);
const char   *wv_window_get_visible_content (WvWindow   *self);

WvChartsPage *wv_window_get_charts_page  (WvWindow      *self);
WvTracePage  *wv_window_get_trace_page   (WvWindow      *self);
WvMtuPage    *wv_window_get_mtu_page     (WvWindow      *self);
WvDscpPage   *wv_window_get_dscp_page    (WvWindow      *self);
WvLogPage    *wv_window_get_log_page     (WvWindow      *self);
WvServerPage *wv_window_get_server_page  (WvWindow      *self);
WvServeView  *wv_window_get_serve_view   (WvWindow      *self);
GtkListBox   *wv_window_get_connection_list (WvWindow   *self);
GtkEntry     *wv_window_get_url_entry    (WvWindow      *self);

void          wv_window_export_to_folder (WvWindow      *self,
                                          GFile         *folder);
gboolean      wv_window_get_exporting    (WvWindow      *self);
GFile        *wv_window_get_last_export  (WvWindow      *self);
const char   *wv_window_get_banner_text  (WvWindow      *self);
const char   *wv_window_get_banner_button_label (WvWindow *self);
GtkMessageType wv_window_get_banner_type (WvWindow      *self);
const char   *wv_window_get_banner_data  (WvWindow      *self);
const char   *wv_window_get_status_text  (WvWindow      *self);
const char   *wv_window_get_settings_text (WvWindow     *self);
const char   *wv_window_get_progress_text (WvWindow     *self);

/* Runs kept in files (wv-window-results.c). */
WvSummaryPage *wv_window_get_summary_page (WvWindow     *self);
GFile        *wv_window_get_run_file     (WvWindow      *self);
void          wv_window_open_file        (WvWindow      *self,
                                          GFile         *file);
gboolean      wv_window_get_loading      (WvWindow      *self);
GtkWindow    *wv_window_show_history     (WvWindow      *self);
GtkWindow    *wv_window_compare_files    (WvWindow      *self,
                                          GFile         *before,
                                          GFile         *after);
void          wv_window_save_report_to   (WvWindow      *self,
                                          GFile         *pdf);
gboolean      wv_window_get_writing_report (WvWindow    *self);
GFile        *wv_window_get_last_report  (WvWindow      *self);

G_END_DECLS

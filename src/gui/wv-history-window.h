/* wv-history-window.h: the runs the app kept
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The cells of the rows of wv_history_window_get_runs(). */
typedef enum {
  WV_HISTORY_COLUMN_STARTED,
  WV_HISTORY_COLUMN_TARGET,
  WV_HISTORY_COLUMN_LENGTH,
  WV_HISTORY_COLUMN_VOICE,
  WV_HISTORY_COLUMN_VIDEO,
  WV_HISTORY_COLUMN_INTERACTIVE,
  WV_HISTORY_COLUMN_FILE,
  WV_N_HISTORY_COLUMNS
} WvHistoryColumn;

#define WV_TYPE_HISTORY_WINDOW (wv_history_window_get_type ())
G_DECLARE_FINAL_TYPE (WvHistoryWindow, wv_history_window, WV, HISTORY_WINDOW, GtkWindow)

WvHistoryWindow  *wv_history_window_new         (GtkWindow        *parent,
                                                 GFile            *dir);
void              wv_history_window_reload      (WvHistoryWindow  *self);
gboolean          wv_history_window_get_loading (WvHistoryWindow  *self);
/* WvTableRow, newest first; each row's file is wv_history_window_get_file(). */
GListModel       *wv_history_window_get_runs    (WvHistoryWindow  *self);
GtkSelectionModel *wv_history_window_get_selection (WvHistoryWindow *self);
GFile            *wv_history_window_get_file    (WvHistoryWindow  *self,
                                                 guint             position);

G_END_DECLS

/* wv-compare-window.h: two saved runs side by side
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-charts.h"
#include "wv-record.h"

G_BEGIN_DECLS

/* The charts of the comparison, one per metric and direction. */
typedef enum {
  WV_COMPARE_CHART_DELAY,
  WV_COMPARE_CHART_RTT,
  WV_COMPARE_CHART_JITTER,
  WV_COMPARE_CHART_LOSS,
  WV_N_COMPARE_CHARTS
} WvCompareChart;

#define WV_TYPE_COMPARE_WINDOW (wv_compare_window_get_type ())
G_DECLARE_FINAL_TYPE (WvCompareWindow, wv_compare_window, WV, COMPARE_WINDOW, GtkWindow)

/* Loads @before and @after (in worker threads) and shows them. */
WvCompareWindow *wv_compare_window_new          (GtkWindow        *parent,
                                                 GFile            *before,
                                                 GFile            *after);
gboolean         wv_compare_window_get_loading  (WvCompareWindow  *self);
/* Why the runs cannot be shown, or NULL. */
const char      *wv_compare_window_get_error    (WvCompareWindow  *self);
GtkGrid         *wv_compare_window_get_verdicts (WvCompareWindow  *self);
GtkGrid         *wv_compare_window_get_streams  (WvCompareWindow  *self);
const char      *wv_compare_window_get_changes  (WvCompareWindow  *self);
WvTimeChart     *wv_compare_window_get_chart    (WvCompareWindow  *self,
                                                 WvCompareChart    chart,
                                                 WvDirection       dir);

G_END_DECLS

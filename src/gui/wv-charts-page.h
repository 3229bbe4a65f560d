/* wv-charts-page.h: the live charts of a run, per metric and direction
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-charts.h"
#include "wv-session.h"

G_BEGIN_DECLS

typedef enum {
  WV_CHART_METRIC_DELAY,
  WV_CHART_METRIC_RTT,
  WV_CHART_METRIC_JITTER,
  WV_CHART_METRIC_LOSS,
  WV_CHART_METRIC_REORDER,
  WV_CHART_METRIC_THROUGHPUT,
  WV_N_CHART_METRICS
} WvChartMetric;

/* Which value of the per-second delay and RTT summaries the charts show. */
typedef enum {
  WV_DELAY_STATISTIC_MEDIAN,
  WV_DELAY_STATISTIC_MEAN,
  WV_DELAY_STATISTIC_P99,
  WV_DELAY_STATISTIC_MAX,
} WvDelayStatistic;

/* Points kept per series: ten minutes of one point a second, so that a
 * paused chart can still be scrolled back through by hovering. */
#define WV_CHARTS_PAGE_SERIES_CAPACITY 600

#define WV_TYPE_CHARTS_PAGE (wv_charts_page_get_type ())
G_DECLARE_FINAL_TYPE (WvChartsPage, wv_charts_page, WV, CHARTS_PAGE, GtkWidget)

GtkWidget        *wv_charts_page_new           (void);
void              wv_charts_page_set_session   (WvChartsPage     *self,
                                                WvSession        *session);
WvTimeChart      *wv_charts_page_get_chart     (WvChartsPage     *self,
                                                WvChartMetric     metric,
                                                WvDirection       dir);
WvSeries         *wv_charts_page_get_series    (WvChartsPage     *self,
                                                guint             conn,
                                                WvChartMetric     metric,
                                                WvDirection       dir);
WvTimeChart      *wv_charts_page_get_wifi_chart (WvChartsPage   *self,
                                                 WvDirection     dir);
WvSeries         *wv_charts_page_get_wifi_series (WvChartsPage  *self);
gboolean          wv_charts_page_get_paused    (WvChartsPage     *self);
void              wv_charts_page_set_paused    (WvChartsPage     *self,
                                                gboolean          paused);
WvDelayStatistic  wv_charts_page_get_statistic (WvChartsPage     *self);
void              wv_charts_page_set_statistic (WvChartsPage     *self,
                                                WvDelayStatistic  statistic);

G_END_DECLS

/* wv-time-chart.h: a live, scrolling chart of several time series
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "wv-chart-axis.h"
#include "wv-chart-draw.h"
#include "wv-series.h"

G_BEGIN_DECLS

#define WV_TIME_CHART_DEFAULT_WINDOW 60.0
#define WV_TIME_CHART_MIN_WINDOW     1.0
#define WV_TIME_CHART_MAX_WINDOW     86400.0

/**
 * WvChartPick:
 * @series: (transfer none): the series of the point
 * @index: the point's index in @series at the time of the pick
 * @time: the point's time
 * @value: the point's value
 * @x: where the point is drawn, in widget coordinates
 * @y: where the point is drawn, in widget coordinates
 * @distance: pixels from the pointer to the point
 */
typedef struct
{
  WvSeries *series;
  guint     index;
  double    time;
  double    value;
  double    x;
  double    y;
  double    distance;
} WvChartPick;

#define WV_TYPE_TIME_CHART (wv_time_chart_get_type ())
G_DECLARE_FINAL_TYPE (WvTimeChart, wv_time_chart, WV, TIME_CHART, GtkWidget)

GtkWidget   *wv_time_chart_new              (void);
void         wv_time_chart_add_series       (WvTimeChart       *self,
                                             WvSeries          *series);
void         wv_time_chart_remove_series    (WvTimeChart       *self,
                                             WvSeries          *series);
void         wv_time_chart_remove_all       (WvTimeChart       *self);
GListModel  *wv_time_chart_get_series       (WvTimeChart       *self);

const char  *wv_time_chart_get_title        (WvTimeChart       *self);
void         wv_time_chart_set_title        (WvTimeChart       *self,
                                             const char        *title);
const char  *wv_time_chart_get_unit         (WvTimeChart       *self);
void         wv_time_chart_set_unit         (WvTimeChart       *self,
                                             const char        *unit);
void         wv_time_chart_set_formatter    (WvTimeChart       *self,
                                             WvValueFormatFunc  func,
                                             gpointer           user_data,
                                             GDestroyNotify     destroy);
char        *wv_time_chart_format_value     (WvTimeChart       *self,
                                             double             value,
                                             double             resolution,
                                             gboolean           with_unit);

double       wv_time_chart_get_window       (WvTimeChart       *self);
void         wv_time_chart_set_window       (WvTimeChart       *self,
                                             double             seconds);
gboolean     wv_time_chart_get_paused       (WvTimeChart       *self);
void         wv_time_chart_set_paused       (WvTimeChart       *self,
                                             gboolean           paused);
double       wv_time_chart_get_now          (WvTimeChart       *self);
void         wv_time_chart_set_now          (WvTimeChart       *self,
                                             double             now);
gint64       wv_time_chart_get_time_origin  (WvTimeChart       *self);
void         wv_time_chart_set_time_origin  (WvTimeChart       *self,
                                             gint64             origin_usec);
gboolean     wv_time_chart_get_include_zero (WvTimeChart       *self);
void         wv_time_chart_set_include_zero (WvTimeChart       *self,
                                             gboolean           include_zero);
void         wv_time_chart_get_fixed_range  (WvTimeChart       *self,
                                             double            *min,
                                             double            *max);
void         wv_time_chart_set_fixed_range  (WvTimeChart       *self,
                                             double             min,
                                             double             max);

WvChartAxis *wv_time_chart_get_y_axis       (WvTimeChart       *self);
void         wv_time_chart_get_plot_area    (WvTimeChart       *self,
                                             graphene_rect_t   *out);
void         wv_time_chart_get_time_range   (WvTimeChart       *self,
                                             double            *t_start,
                                             double            *t_end);

/* An interval of the time axis drawn shaded behind the lines (an outage:
 * no data arrived then). end is NaN while it goes on (up to "now"). */
typedef struct
{
  double start;
  double end;
} WvTimeSpan;

void         wv_time_chart_set_spans        (WvTimeChart       *self,
                                             const WvTimeSpan  *spans,
                                             guint              n_spans);
guint        wv_time_chart_get_n_spans      (WvTimeChart       *self);
void         wv_time_chart_set_events       (WvTimeChart       *self,
                                             const WvChartEvent *events,
                                             guint              n_events);
guint        wv_time_chart_get_n_events     (WvTimeChart       *self);
void         wv_time_chart_set_time_labels  (WvTimeChart       *self,
                                             WvTimeLabels       labels);
WvTimeLabels wv_time_chart_get_time_labels  (WvTimeChart       *self);
void         wv_time_chart_get_y_ticks      (WvTimeChart       *self,
                                             WvAxisTicks       *out);
gboolean     wv_time_chart_pick             (WvTimeChart       *self,
                                             double             x,
                                             double             y,
                                             double             radius,
                                             WvChartPick       *out);
guint        wv_time_chart_pick_all         (WvTimeChart       *self,
                                             double             x,
                                             double             y,
                                             double             radius,
                                             WvChartPick       *out,
                                             guint              n_out);
char        *wv_time_chart_get_tooltip_markup (WvTimeChart     *self,
                                               double           x,
                                               double           y);

G_END_DECLS

/* wv-chart-axis.h: a value range that layers normalise their data against
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "wv-chart-types.h"

G_BEGIN_DECLS

#define WV_CHART_AXIS_MAX_INTERVALS 100

/**
 * WvAxisTicks:
 * @min: the first tick, at or below the data minimum
 * @max: the last tick, at or above the data maximum
 * @step: distance between ticks (1, 2 or 5 times a power of ten)
 * @n_intervals: number of steps from @min to @max (ticks = @n_intervals + 1)
 */
typedef struct
{
  double min;
  double max;
  double step;
  guint  n_intervals;
} WvAxisTicks;

#define WV_TYPE_CHART_AXIS (wv_chart_axis_get_type ())
G_DECLARE_FINAL_TYPE (WvChartAxis, wv_chart_axis, WV, CHART_AXIS, GObject)

WvChartAxis *wv_chart_axis_new           (double             min,
                                          double             max);
void         wv_chart_axis_get_range     (WvChartAxis       *self,
                                          double            *min,
                                          double            *max);
void         wv_chart_axis_set_range     (WvChartAxis       *self,
                                          double             min,
                                          double             max);
double       wv_chart_axis_normalize     (WvChartAxis       *self,
                                          double             value);
gboolean     wv_chart_axis_nice_ticks    (double             data_min,
                                          double             data_max,
                                          guint              max_intervals,
                                          WvAxisTicks       *out);
double       wv_chart_axis_time_step     (double             window,
                                          guint              max_intervals);

G_END_DECLS

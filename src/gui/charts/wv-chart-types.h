/* wv-chart-types.h: forward declarations shared by the chart widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _WvChartAxis   WvChartAxis;
typedef struct _WvHopPath     WvHopPath;
typedef struct _WvHopView     WvHopView;
typedef struct _WvLineLayer   WvLineLayer;
typedef struct _WvSeries      WvSeries;
typedef struct _WvSeriesPoint WvSeriesPoint;
typedef struct _WvTimeChart   WvTimeChart;

/**
 * WvValueFormatFunc:
 * @value: the value to format (finite)
 * @resolution: the smallest difference worth showing (for axis ticks the
 *   tick step; for tooltips a finer step). Formatters use it to choose the
 *   number of decimals.
 * @unit: (nullable): the unit to append, or %NULL to format a bare number
 *   (axis tick labels; the unit is then shown in the chart title)
 * @user_data: closure data
 *
 * Returns: (transfer full): a newly allocated string
 */
typedef char *(*WvValueFormatFunc) (double      value,
                                    double      resolution,
                                    const char *unit,
                                    gpointer    user_data);

G_END_DECLS

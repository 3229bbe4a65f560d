/* wv-series-point.h: one (time, value) sample as a GListModel item
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "wv-chart-types.h"

G_BEGIN_DECLS

#define WV_TYPE_SERIES_POINT (wv_series_point_get_type ())
G_DECLARE_FINAL_TYPE (WvSeriesPoint, wv_series_point, WV, SERIES_POINT, GObject)

WvSeriesPoint *wv_series_point_new       (double         time,
                                          double         value);
double         wv_series_point_get_time  (WvSeriesPoint *self);
double         wv_series_point_get_value (WvSeriesPoint *self);
gboolean       wv_series_point_is_break  (WvSeriesPoint *self);

G_END_DECLS

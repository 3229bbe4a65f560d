/* wv-series.h: a fixed-capacity ring buffer of (time, value) points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "wv-chart-types.h"

G_BEGIN_DECLS

/**
 * WvLineStyle:
 * @WV_LINE_STYLE_SOLID: continuous line (IPv4 by convention)
 * @WV_LINE_STYLE_DASHED: dashed line (IPv6 by convention)
 * @WV_LINE_STYLE_DOTTED: dotted line
 */
typedef enum
{
  WV_LINE_STYLE_SOLID,
  WV_LINE_STYLE_DASHED,
  WV_LINE_STYLE_DOTTED,
} WvLineStyle;

#define WV_TYPE_LINE_STYLE (wv_line_style_get_type ())
GType wv_line_style_get_type (void);

/* 60 s of one point every 10 ms. */
#define WV_SERIES_DEFAULT_CAPACITY 6000
/* 64 MiB of points: a bound so that a bad argument cannot exhaust memory. */
#define WV_SERIES_MAX_CAPACITY (1u << 22)
#define WV_SERIES_DEFAULT_GAP_THRESHOLD 1.5

/**
 * WvPoint:
 * @time: seconds, on the clock of the chart showing the series
 * @value: the measured value; NaN only for stored line breaks
 */
typedef struct
{
  double time;
  double value;
} WvPoint;

/**
 * WvDecimatedPoint:
 * @x: pixels from the left edge of the plot (the centre of a pixel column
 *   for points inside the time range; the one point kept on either side of
 *   the range may lie outside 0 .. n_columns)
 * @value: the value (not yet normalised)
 * @move_to: %TRUE if this point starts a new line (first point, or the
 *   first after a gap or a break)
 */
typedef struct
{
  double   x;
  double   value;
  gboolean move_to;
} WvDecimatedPoint;

#define WV_TYPE_SERIES (wv_series_get_type ())
G_DECLARE_FINAL_TYPE (WvSeries, wv_series, WV, SERIES, GObject)

WvSeries    *wv_series_new                 (const char       *label,
                                            guint             capacity);
guint        wv_series_get_capacity        (WvSeries         *self);
guint        wv_series_get_n_points        (WvSeries         *self);
gboolean     wv_series_get_point           (WvSeries         *self,
                                            guint             index,
                                            WvPoint          *out);
gboolean     wv_series_append              (WvSeries         *self,
                                            double            time,
                                            double            value);
guint        wv_series_append_points       (WvSeries         *self,
                                            const WvPoint    *points,
                                            guint             n_points);
void         wv_series_append_break        (WvSeries         *self,
                                            double            time);
void         wv_series_clear               (WvSeries         *self);
guint64      wv_series_get_n_rejected      (WvSeries         *self);

const char  *wv_series_get_label           (WvSeries         *self);
void         wv_series_set_label           (WvSeries         *self,
                                            const char       *label);
guint        wv_series_get_color_index     (WvSeries         *self);
void         wv_series_set_color_index     (WvSeries         *self,
                                            guint             color_index);
WvLineStyle  wv_series_get_line_style      (WvSeries         *self);
void         wv_series_set_line_style      (WvSeries         *self,
                                            WvLineStyle       line_style);
gboolean     wv_series_get_visible         (WvSeries         *self);
void         wv_series_set_visible         (WvSeries         *self,
                                            gboolean          visible);
double       wv_series_get_gap_threshold   (WvSeries         *self);
void         wv_series_set_gap_threshold   (WvSeries         *self,
                                            double            seconds);

guint        wv_series_lower_bound         (WvSeries         *self,
                                            double            time);
gboolean     wv_series_find_nearest        (WvSeries         *self,
                                            double            time,
                                            guint            *index);
gboolean     wv_series_get_value_range     (WvSeries         *self,
                                            double            t_start,
                                            double            t_end,
                                            double           *min,
                                            double           *max);
guint        wv_series_decimate            (WvSeries         *self,
                                            double            t_start,
                                            double            t_end,
                                            guint             n_columns,
                                            GArray           *out);

G_END_DECLS

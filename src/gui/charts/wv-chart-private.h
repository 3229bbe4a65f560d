/* wv-chart-private.h: what WvTimeChart and its layers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "wv-chart-axis.h"
#include "wv-line-layer.h"

G_BEGIN_DECLS

/* Line dash patterns, shared with tooltips and legends that want to
 * mimic them. */
#define WV_DASH_ON  6.0
#define WV_DASH_OFF 4.0
#define WV_DOT_GAP  3.5

/**
 * WvChartFrame:
 *
 * Everything a layer needs to place its data, decided by the chart once per
 * frame before the layers draw. Layers are allocated the whole chart, so
 * @plot is in layer coordinates too.
 */
typedef struct
{
  graphene_rect_t  plot;
  double           t_start;
  double           t_end;
  WvChartAxis     *y_axis;
  gboolean         dark;
} WvChartFrame;

void          _wv_line_layer_prepare    (WvLineLayer        *self,
                                         const WvChartFrame *frame);
const GArray *_wv_line_layer_get_points (WvLineLayer        *self);
gboolean      _wv_line_layer_is_sparse  (WvLineLayer        *self);
void          _wv_line_layer_draw_sparse (WvLineLayer       *self,
                                          cairo_t           *cr,
                                          gboolean           crowded);

/* Above this many sparse series in one chart, points get no markers. */
#define WV_CHART_MARKERS_MAX_SERIES 8
double        _wv_chart_frame_value_to_y (const WvChartFrame *frame,
                                          double              value);

G_END_DECLS

/* wv-chart-private.h: what WvTimeChart and its layers share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "wv-chart-axis.h"
#include "wv-chart-draw.h"
#include "wv-line-layer.h"

G_BEGIN_DECLS

void          _wv_line_layer_prepare    (WvLineLayer        *self,
                                         const WvChartFrame *frame);
const GArray *_wv_line_layer_get_points (WvLineLayer        *self);
gboolean      _wv_line_layer_is_sparse  (WvLineLayer        *self);
void          _wv_line_layer_draw_sparse (WvLineLayer       *self,
                                          cairo_t           *cr,
                                          gboolean           crowded);

/* A canvas onto @snapshot for the widget's drawing (wv-chart-draw.h):
 * fills are colour nodes, text is text nodes, cairo drawing is one cairo
 * node per begin_cairo. Lives on the stack for one snapshot(). */
typedef struct
{
  WvChartCanvas parent;
  GtkSnapshot *snapshot;
} WvSnapshotCanvas;

void          _wv_snapshot_canvas_init  (WvSnapshotCanvas   *canvas,
                                         GtkSnapshot        *snapshot,
                                         GtkWidget          *widget);
/* The widget's foreground colour and dark flag, as the drawing code takes
 * them. */
void          _wv_chart_widget_colors   (GtkWidget          *widget,
                                         WvChartColor       *fg,
                                         gboolean           *dark);

G_END_DECLS

/* wv-line-layer.h: draws one WvSeries as a decimated polyline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "wv-series.h"

G_BEGIN_DECLS

#define WV_TYPE_LINE_LAYER (wv_line_layer_get_type ())
G_DECLARE_FINAL_TYPE (WvLineLayer, wv_line_layer, WV, LINE_LAYER, GtkWidget)

GtkWidget *wv_line_layer_new            (WvSeries    *series);
WvSeries  *wv_line_layer_get_series     (WvLineLayer *self);
double     wv_line_layer_get_line_width (WvLineLayer *self);
void       wv_line_layer_set_line_width (WvLineLayer *self,
                                         double       line_width);

G_END_DECLS

/* wv-chart-palette.h: series colours and status colours for light and dark themes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "wv-chart-colors.h"

G_BEGIN_DECLS

void     wv_chart_palette_get        (guint          index,
                                      gboolean       dark,
                                      GdkRGBA       *out);
void     wv_chart_palette_get_status (WvChartStatus  status,
                                      gboolean       dark,
                                      GdkRGBA       *out);
void     wv_chart_get_foreground     (GtkWidget     *widget,
                                      GdkRGBA       *out);
gboolean wv_chart_is_dark            (GtkWidget     *widget);

G_END_DECLS

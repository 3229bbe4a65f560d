/* wv-chart-palette.h: series colours and status colours for light and dark themes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WV_CHART_PALETTE_SIZE 16

typedef enum
{
  WV_CHART_STATUS_UNKNOWN,
  WV_CHART_STATUS_GOOD,
  WV_CHART_STATUS_WARNING,
  WV_CHART_STATUS_BAD,
  WV_CHART_STATUS_HIGHLIGHT,
} WvChartStatus;

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

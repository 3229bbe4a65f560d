/* wv-chart-colors.h: series colours and status colours for light and dark
 * backgrounds, without GTK (the widgets' wv-chart-palette.h wraps them)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "wv-chart-canvas.h"

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

void wv_chart_color_series (guint          index,
                            gboolean       dark,
                            WvChartColor  *out);
void wv_chart_color_status (WvChartStatus  status,
                            gboolean       dark,
                            WvChartColor  *out);

G_END_DECLS

/* wv-chart-palette.c: series colours and status colours for light and dark themes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include "wv-chart-palette.h"

/* GdkRGBA and WvChartColor are the same four floats. */
G_STATIC_ASSERT (sizeof (GdkRGBA) == sizeof (WvChartColor));
G_STATIC_ASSERT (G_STRUCT_OFFSET (GdkRGBA, alpha) == G_STRUCT_OFFSET (WvChartColor, alpha));

/**
 * wv_chart_palette_get:
 * @index: colour index; wraps around after %WV_CHART_PALETTE_SIZE
 * @dark: %TRUE for the variant meant for dark backgrounds
 * @out: (out): the colour
 */
void
wv_chart_palette_get (guint     index,
                      gboolean  dark,
                      GdkRGBA  *out)
{
  wv_chart_color_series (index, dark, (WvChartColor *) out);
}

void
wv_chart_palette_get_status (WvChartStatus  status,
                             gboolean       dark,
                             GdkRGBA       *out)
{
  wv_chart_color_status (status, dark, (WvChartColor *) out);
}

/**
 * wv_chart_get_foreground:
 *
 * The widget's CSS foreground colour. gtk_widget_get_color() only exists
 * from GTK 4.10; on 4.8 the style context is the way to read it.
 */
void
wv_chart_get_foreground (GtkWidget *widget,
                         GdkRGBA   *out)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (out != NULL);

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), out);
}

/**
 * wv_chart_is_dark:
 *
 * Whether the widget is drawn on a dark background. Themes do not say so
 * directly, but a light foreground colour only makes sense on a dark
 * background, and that holds for Adwaita, its dark variant, libadwaita's
 * style manager and high-contrast themes alike.
 */
gboolean
wv_chart_is_dark (GtkWidget *widget)
{
  GdkRGBA fg;
  double luminance;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  wv_chart_get_foreground (widget, &fg);
  luminance = 0.2126 * fg.red + 0.7152 * fg.green + 0.0722 * fg.blue;

  return luminance > 0.5;
}

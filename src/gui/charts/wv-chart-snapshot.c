/* wv-chart-snapshot.c: the GtkSnapshot canvas of the chart widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include "wv-chart-palette.h"
#include "wv-chart-private.h"

static void
snapshot_fill (WvChartCanvas         *canvas,
               const WvChartColor    *color,
               const graphene_rect_t *rect)
{
  gtk_snapshot_append_color (((WvSnapshotCanvas *) canvas)->snapshot, (const GdkRGBA *) color, rect);
}

static void
snapshot_text (WvChartCanvas      *canvas,
               PangoLayout        *layout,
               double              x,
               double              y,
               const WvChartColor *color)
{
  GtkSnapshot *snapshot = ((WvSnapshotCanvas *) canvas)->snapshot;

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, (const GdkRGBA *) color);
  gtk_snapshot_restore (snapshot);
}

static cairo_t *
snapshot_begin_cairo (WvChartCanvas         *canvas,
                      const graphene_rect_t *bounds)
{
  cairo_t *cr = gtk_snapshot_append_cairo (((WvSnapshotCanvas *) canvas)->snapshot, bounds);

  cairo_rectangle (cr, bounds->origin.x, bounds->origin.y, bounds->size.width, bounds->size.height);
  cairo_clip (cr);
  return cr;
}

static void
snapshot_end_cairo (WvChartCanvas *canvas,
                    cairo_t       *cr)
{
  cairo_destroy (cr);
}

static const WvChartCanvasFuncs snapshot_funcs = {
  snapshot_fill,
  snapshot_text,
  snapshot_begin_cairo,
  snapshot_end_cairo,
};

void
_wv_snapshot_canvas_init (WvSnapshotCanvas *canvas,
                          GtkSnapshot      *snapshot,
                          GtkWidget        *widget)
{
  canvas->parent.funcs = &snapshot_funcs;
  canvas->parent.pango = gtk_widget_get_pango_context (widget);
  canvas->snapshot = snapshot;
}

void
_wv_chart_widget_colors (GtkWidget    *widget,
                         WvChartColor *fg,
                         gboolean     *dark)
{
  wv_chart_get_foreground (widget, (GdkRGBA *) fg);
  *dark = wv_chart_is_dark (widget);
}

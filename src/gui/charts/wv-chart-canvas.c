/* wv-chart-canvas.c: the cairo canvas (PDF reports, images)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <pango/pangocairo.h>

#include "wv-chart-canvas.h"

typedef struct
{
  WvChartCanvas parent;
  cairo_t *cr;
  gboolean own_pango;
} CairoCanvas;

void
wv_chart_color_set_source (cairo_t *cr, const WvChartColor *color)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha);
}

static void
cairo_fill_rect (WvChartCanvas *canvas, const WvChartColor *color, const graphene_rect_t *rect)
{
  cairo_t *cr = ((CairoCanvas *) canvas)->cr;

  cairo_save (cr);
  wv_chart_color_set_source (cr, color);
  cairo_rectangle (cr, rect->origin.x, rect->origin.y, rect->size.width, rect->size.height);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
cairo_text (WvChartCanvas *canvas, PangoLayout *layout, double x, double y,
            const WvChartColor *color)
{
  cairo_t *cr = ((CairoCanvas *) canvas)->cr;

  cairo_save (cr);
  wv_chart_color_set_source (cr, color);
  cairo_move_to (cr, x, y);
  pango_cairo_update_layout (cr, layout);
  pango_cairo_show_layout (cr, layout);
  cairo_restore (cr);
}

static cairo_t *
cairo_begin (WvChartCanvas *canvas, const graphene_rect_t *bounds)
{
  cairo_t *cr = ((CairoCanvas *) canvas)->cr;

  cairo_save (cr);
  cairo_rectangle (cr, bounds->origin.x, bounds->origin.y, bounds->size.width, bounds->size.height);
  cairo_clip (cr);
  return cr;
}

static void
cairo_end (WvChartCanvas *canvas, cairo_t *cr)
{
  cairo_restore (cr);
}

static const WvChartCanvasFuncs cairo_funcs = {
  cairo_fill_rect,
  cairo_text,
  cairo_begin,
  cairo_end,
};

WvChartCanvas *
wv_chart_canvas_new_cairo (cairo_t *cr, PangoContext *pango, const char *font)
{
  CairoCanvas *c = g_new0 (CairoCanvas, 1);

  c->parent.funcs = &cairo_funcs;
  c->cr = cr;
  if (pango != NULL)
    c->parent.pango = g_object_ref (pango);
  else
    {
      PangoFontDescription *desc = pango_font_description_from_string (font ? font : "Sans 9");
      cairo_font_options_t *options = cairo_font_options_create ();

      c->parent.pango = pango_cairo_create_context (cr);
      /* Unhinted metrics: text measures the same at any resolution. */
      cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
      pango_cairo_context_set_font_options (c->parent.pango, options);
      pango_context_set_font_description (c->parent.pango, desc);
      cairo_font_options_destroy (options);
      pango_font_description_free (desc);
    }
  return &c->parent;
}

void
wv_chart_canvas_free_cairo (WvChartCanvas *canvas)
{
  if (canvas == NULL)
    return;
  g_clear_object (&canvas->pango);
  g_free (canvas);
}

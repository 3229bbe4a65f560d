/* wv-chart-canvas.h: what the chart drawing code draws onto
 *
 * The charts draw with three primitives: solid rectangles, text (Pango
 * layouts) and cairo paths. A canvas sends them either to a GtkSnapshot
 * (the widgets: colour and text nodes the renderer caches, one cairo node
 * per call of begin_cairo) or to a cairo_t (a PDF or an image: no display
 * and no GTK needed), so that the same drawing code serves both.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <graphene.h>
#include <pango/pango.h>

G_BEGIN_DECLS

/**
 * WvChartColor:
 *
 * An RGBA colour with components 0..1, laid out like GdkRGBA so that the
 * widgets can pass theirs as they are.
 */
typedef struct
{
  float red;
  float green;
  float blue;
  float alpha;
} WvChartColor;

typedef struct _WvChartCanvas WvChartCanvas;

typedef struct
{
  void     (*fill)        (WvChartCanvas         *canvas,
                           const WvChartColor    *color,
                           const graphene_rect_t *rect);
  /* @layout's top left corner at (x, y), which the caller rounds. */
  void     (*text)        (WvChartCanvas         *canvas,
                           PangoLayout           *layout,
                           double                 x,
                           double                 y,
                           const WvChartColor    *color);
  /* A cairo context in the canvas' coordinates for drawing inside
   * @bounds (what falls outside is clipped); end_cairo() ends it. */
  cairo_t *(*begin_cairo) (WvChartCanvas         *canvas,
                           const graphene_rect_t *bounds);
  void     (*end_cairo)   (WvChartCanvas         *canvas,
                           cairo_t               *cr);
} WvChartCanvasFuncs;

struct _WvChartCanvas
{
  const WvChartCanvasFuncs *funcs;
  PangoContext *pango;        /* for the layouts drawn on it */
};

static inline void
wv_chart_canvas_fill (WvChartCanvas *c, const WvChartColor *color, double x, double y,
                      double width, double height)
{
  c->funcs->fill (c, color, &GRAPHENE_RECT_INIT ((float) x, (float) y, (float) width, (float) height));
}

static inline void
wv_chart_canvas_text (WvChartCanvas *c, PangoLayout *layout, double x, double y,
                      const WvChartColor *color)
{
  c->funcs->text (c, layout, x, y, color);
}

static inline cairo_t *
wv_chart_canvas_begin_cairo (WvChartCanvas *c, const graphene_rect_t *bounds)
{
  return c->funcs->begin_cairo (c, bounds);
}

static inline void
wv_chart_canvas_end_cairo (WvChartCanvas *c, cairo_t *cr)
{
  c->funcs->end_cairo (c, cr);
}

static inline PangoLayout *
wv_chart_canvas_create_layout (WvChartCanvas *c)
{
  return pango_layout_new (c->pango);
}

/* A canvas on @cr (which it does not own). @pango: the context for its
 * layouts, NULL for one made for @cr with @font (e.g. "Sans 9"). */
WvChartCanvas *wv_chart_canvas_new_cairo (cairo_t      *cr,
                                          PangoContext *pango,
                                          const char   *font);
void           wv_chart_canvas_free_cairo (WvChartCanvas *canvas);

void           wv_chart_color_set_source (cairo_t            *cr,
                                          const WvChartColor *color);

G_END_DECLS

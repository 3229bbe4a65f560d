/* wv-line-layer.c: draws one WvSeries as a decimated polyline
 *
 * The layer is a child of WvTimeChart covering the whole chart. Before the
 * layers draw, the chart hands each one the frame (plot rectangle, time
 * range, value axis) and the layer reduces its series to at most two points
 * per pixel column. snapshot() then draws that short list: per-probe data
 * (several points per column) as one-pixel colour bars, sparser data as an
 * anti-aliased cairo polyline snapped to pixel rows, with markers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <math.h>

#include "wv-chart-palette.h"
#include "wv-chart-private.h"
#include "wv-line-layer.h"

/* wv-chart-draw.c's marker radius, for the bounds of a sparse layer. */
#define MARKER_RADIUS      2.5

struct _WvLineLayer
{
  GtkWidget parent_instance;

  WvSeries *series;
  GArray *points;        /* WvDecimatedPoint, from the last prepare */
  WvChartFrame frame;
  double line_width;
  gboolean dense;        /* at least two points per pixel column */
};

enum {
  PROP_0,
  PROP_LINE_WIDTH,
  PROP_SERIES,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (WvLineLayer, wv_line_layer, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

/* Whether the layer has anything to draw in its frame. */
static gboolean
has_drawing (WvLineLayer *self)
{
  const WvChartFrame *frame = &self->frame;

  return self->series != NULL && self->points->len > 0 && frame->y_axis != NULL &&
         wv_series_get_visible (self->series) &&
         frame->plot.size.width >= 1 && frame->plot.size.height >= 1;
}

gboolean
_wv_line_layer_is_sparse (WvLineLayer *self)
{
  g_return_val_if_fail (WV_IS_LINE_LAYER (self), FALSE);

  return has_drawing (self) && !self->dense;
}

/* The polyline and markers of a sparse layer, onto @cr, which is in the
 * chart's coordinates and clipped to the plot. */
void
_wv_line_layer_draw_sparse (WvLineLayer *self,
                            cairo_t     *cr,
                            gboolean     crowded)
{
  WvChartColor color;

  wv_chart_color_series (wv_series_get_color_index (self->series), self->frame.dark, &color);
  wv_chart_draw_sparse (cr, &self->frame, self->points, &color,
                        wv_series_get_line_style (self->series), self->line_width, crowded);
}

/* Dense layers draw colour bars (no cairo); a sparse layer drawn on its
 * own gets a cairo node of just the part of the plot it touches. The time
 * chart draws all its sparse layers into one node instead: one surface per
 * chart, not one per series, is what keeps 32 connections cheap. */
static void
wv_line_layer_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  WvLineLayer *self = (WvLineLayer *)widget;
  const WvChartFrame *frame = &self->frame;
  const WvDecimatedPoint *points;
  graphene_rect_t bounds;
  cairo_t *cr;
  double x_min = G_MAXDOUBLE, x_max = -G_MAXDOUBLE;
  double y_min = G_MAXDOUBLE, y_max = -G_MAXDOUBLE;
  double pad;

  if (!has_drawing (self))
    return;

  if (self->dense)
    {
      WvSnapshotCanvas canvas;
      WvChartColor color;

      _wv_snapshot_canvas_init (&canvas, snapshot, widget);
      wv_chart_color_series (wv_series_get_color_index (self->series), frame->dark, &color);
      wv_chart_draw_columns (&canvas.parent, frame, self->points, &color,
                             wv_series_get_line_style (self->series));
      return;
    }

  points = (const WvDecimatedPoint *) (gpointer) self->points->data;
  for (guint i = 0; i < self->points->len; i++)
    {
      double x = frame->plot.origin.x + points[i].x;
      double y = wv_chart_frame_value_to_y (frame, points[i].value);

      x_min = MIN (x_min, x);
      x_max = MAX (x_max, x);
      y_min = MIN (y_min, y);
      y_max = MAX (y_max, y);
    }

  pad = self->line_width + MARKER_RADIUS + 1;
  graphene_rect_init (&bounds,
                      floor (x_min - pad), floor (y_min - pad),
                      ceil (x_max - x_min + 2 * pad) + 1,
                      ceil (y_max - y_min + 2 * pad) + 1);
  if (!graphene_rect_intersection (&bounds, &frame->plot, &bounds))
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &bounds);
  cairo_rectangle (cr, bounds.origin.x, bounds.origin.y, bounds.size.width, bounds.size.height);
  cairo_clip (cr);
  _wv_line_layer_draw_sparse (self, cr, FALSE);
  cairo_destroy (cr);
}

void
_wv_line_layer_prepare (WvLineLayer        *self,
                        const WvChartFrame *frame)
{
  g_return_if_fail (WV_IS_LINE_LAYER (self));
  g_return_if_fail (frame != NULL);

  self->frame = *frame;
  self->dense = wv_chart_prepare_points (self->series, frame, self->points);
}

const GArray *
_wv_line_layer_get_points (WvLineLayer *self)
{
  g_return_val_if_fail (WV_IS_LINE_LAYER (self), NULL);

  return self->points;
}

static void
wv_line_layer_dispose (GObject *object)
{
  WvLineLayer *self = (WvLineLayer *)object;

  g_clear_object (&self->series);

  G_OBJECT_CLASS (wv_line_layer_parent_class)->dispose (object);
}

static void
wv_line_layer_finalize (GObject *object)
{
  WvLineLayer *self = (WvLineLayer *)object;

  g_clear_pointer (&self->points, g_array_unref);

  G_OBJECT_CLASS (wv_line_layer_parent_class)->finalize (object);
}

static void
wv_line_layer_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  WvLineLayer *self = WV_LINE_LAYER (object);

  switch (prop_id)
    {
    case PROP_LINE_WIDTH:
      g_value_set_double (value, self->line_width);
      break;

    case PROP_SERIES:
      g_value_set_object (value, self->series);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_line_layer_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  WvLineLayer *self = WV_LINE_LAYER (object);

  switch (prop_id)
    {
    case PROP_LINE_WIDTH:
      wv_line_layer_set_line_width (self, g_value_get_double (value));
      break;

    case PROP_SERIES:
      self->series = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_line_layer_class_init (WvLineLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_line_layer_dispose;
  object_class->finalize = wv_line_layer_finalize;
  object_class->get_property = wv_line_layer_get_property;
  object_class->set_property = wv_line_layer_set_property;

  widget_class->snapshot = wv_line_layer_snapshot;

  properties[PROP_LINE_WIDTH] =
    g_param_spec_double ("line-width", NULL, NULL,
                         0.5, 8.0, 1.5,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SERIES] =
    g_param_spec_object ("series", NULL, NULL,
                         WV_TYPE_SERIES,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "linelayer");
}

static void
wv_line_layer_init (WvLineLayer *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (WvDecimatedPoint));
  self->line_width = 1.5;

  /* The chart handles the pointer for all layers. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

GtkWidget *
wv_line_layer_new (WvSeries *series)
{
  g_return_val_if_fail (WV_IS_SERIES (series), NULL);

  return g_object_new (WV_TYPE_LINE_LAYER,
                       "series", series,
                       NULL);
}

WvSeries *
wv_line_layer_get_series (WvLineLayer *self)
{
  g_return_val_if_fail (WV_IS_LINE_LAYER (self), NULL);

  return self->series;
}

double
wv_line_layer_get_line_width (WvLineLayer *self)
{
  g_return_val_if_fail (WV_IS_LINE_LAYER (self), 0);

  return self->line_width;
}

void
wv_line_layer_set_line_width (WvLineLayer *self,
                              double       line_width)
{
  g_return_if_fail (WV_IS_LINE_LAYER (self));

  if (!isfinite (line_width))
    return;

  line_width = CLAMP (line_width, 0.5, 8.0);

  if (self->line_width == line_width)
    return;

  self->line_width = line_width;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINE_WIDTH]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

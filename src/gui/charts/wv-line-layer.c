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

/* Sparse series (per-second aggregates) get a marker on every point when
 * points are at least this far apart on average, so single values read. */
#define MARKER_MIN_SPACING 8.0
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

double
_wv_chart_frame_value_to_y (const WvChartFrame *frame,
                            double              value)
{
  /* The range maps onto the first to the last pixel row of the plot, so
   * that lines at the axis minimum and maximum stay inside it. */
  double y = frame->plot.origin.y +
             (frame->plot.size.height - 1) * (1.0 - wv_chart_axis_normalize (frame->y_axis, value));

  /* Points just outside the time range may be far off the value range;
   * keep them where cairo's fixed-point coordinates stay exact. The slope
   * of the one segment entering the plot is all this can change. */
  return CLAMP (y,
                frame->plot.origin.y - 100 * frame->plot.size.height - 1000,
                frame->plot.origin.y + 101 * frame->plot.size.height + 1000);
}

static void
set_dash (cairo_t     *cr,
          WvLineStyle  style,
          double       line_width)
{
  switch (style)
    {
    case WV_LINE_STYLE_DASHED:
      cairo_set_dash (cr, (double[]) { WV_DASH_ON, WV_DASH_OFF }, 2, 0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
      break;

    case WV_LINE_STYLE_DOTTED:
      /* Zero-length dashes with round caps are dots. */
      cairo_set_dash (cr, (double[]) { 0, WV_DOT_GAP + line_width }, 2, 0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      break;

    case WV_LINE_STYLE_SOLID:
    default:
      cairo_set_dash (cr, NULL, 0, 0);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      break;
    }
}

static gint64
floor_mod (gint64 a,
           gint64 n)
{
  gint64 m = a % n;

  return m < 0 ? m + n : m;
}

/* Whether pixel column @col of a dashed or dotted series is drawn. The
 * pattern is anchored to time, not to the widget, so that it scrolls with
 * the data instead of crawling along it. */
static gboolean
column_on (const WvChartFrame *frame,
           WvLineStyle         style,
           gint64              col)
{
  double period = (frame->t_end - frame->t_start) / frame->plot.size.width;
  gint64 phase = (gint64) llround (frame->t_start / period) + col;

  switch (style)
    {
    case WV_LINE_STYLE_DASHED:
      return floor_mod (phase, (gint64) (WV_DASH_ON + WV_DASH_OFF)) < (gint64) WV_DASH_ON;
    case WV_LINE_STYLE_DOTTED:
      return floor_mod (phase, 4) == 0;
    case WV_LINE_STYLE_SOLID:
    default:
      return TRUE;
    }
}

typedef struct
{
  GtkSnapshot *snapshot;
  GdkRGBA color;
} ColumnSink;

static void
add_column (ColumnSink         *sink,
            const WvChartFrame *frame,
            WvLineStyle         style,
            gint64              col,
            double              y0,
            double              y1)
{
  const double plot_top = frame->plot.origin.y;
  const double plot_bottom = frame->plot.origin.y + frame->plot.size.height - 1;
  double top = floor (CLAMP (MIN (y0, y1), plot_top, plot_bottom));
  double bottom = floor (CLAMP (MAX (y0, y1), plot_top, plot_bottom));

  if (col < 0 || col >= (gint64) frame->plot.size.width || !column_on (frame, style, col))
    return;

  gtk_snapshot_append_color (sink->snapshot, &sink->color,
                             &GRAPHENE_RECT_INIT (frame->plot.origin.x + col, top,
                                                  1, bottom - top + 1));
}

/* Two or more points per pixel column (per-probe data): what a polyline
 * would draw is one vertical run per column, from the column's extremes
 * to where the previous column ended. Those runs are solid bars, so they
 * go out as colour nodes, which renderers draw without rasterising and
 * uploading an image per series (bench-charts, 32 series at 1200x400 with
 * the cairo renderer: about 150 ms a frame as anti-aliased strokes, 7 ms
 * as bars). Lines are 1 px wide; dashes become runs of columns. */
static void
draw_columns (WvLineLayer *self,
              GtkSnapshot *snapshot,
              GdkRGBA     *color,
              WvLineStyle  style)
{
  const WvChartFrame *frame = &self->frame;
  const WvDecimatedPoint *points = (const WvDecimatedPoint *) (gpointer) self->points->data;
  guint n = self->points->len;
  ColumnSink sink = { snapshot, *color };
  gboolean connected = FALSE;
  gint64 prev_col = 0;
  double prev_y = 0;

  for (guint i = 0; i < n;)
    {
      double x = points[i].x;
      gint64 col = (gint64) floor (x);
      double first_y = _wv_chart_frame_value_to_y (frame, points[i].value);
      double lo = first_y, hi = first_y, last_y = first_y;
      guint j;

      if (points[i].move_to)
        connected = FALSE;

      for (j = i + 1; j < n && points[j].x == x && !points[j].move_to; j++)
        {
          double y = _wv_chart_frame_value_to_y (frame, points[j].value);

          lo = MIN (lo, y);
          hi = MAX (hi, y);
          last_y = y;
        }

      if (connected)
        {
          /* Columns skipped since the last point get the slanted line
           * between the two, one run per column. */
          gint64 first = MAX (prev_col + 1, 0);
          gint64 last = MIN (col - 1, (gint64) frame->plot.size.width - 1);

          for (gint64 k = first; k <= last; k++)
            {
              double a = prev_y + (first_y - prev_y) * (k - prev_col - 0.5) / (col - prev_col);
              double b = prev_y + (first_y - prev_y) * (k - prev_col + 0.5) / (col - prev_col);

              add_column (&sink, frame, style, k, a, b);
            }

          if (col == prev_col + 1)
            {
              lo = MIN (lo, prev_y);
              hi = MAX (hi, prev_y);
            }
          else
            {
              double edge = prev_y + (first_y - prev_y) * (col - prev_col - 0.5) / (col - prev_col);

              lo = MIN (lo, edge);
              hi = MAX (hi, edge);
            }
        }

      /* A point alone between gaps gets a 3x3 dot to be seen at all. */
      if (!connected && (j == n || points[j].move_to) && lo == hi)
        {
          add_column (&sink, frame, WV_LINE_STYLE_SOLID, col - 1, lo - 1, lo + 1);
          add_column (&sink, frame, WV_LINE_STYLE_SOLID, col, lo - 1, lo + 1);
          add_column (&sink, frame, WV_LINE_STYLE_SOLID, col + 1, lo - 1, lo + 1);
        }
      else
        {
          add_column (&sink, frame, style, col, lo, hi);
        }

      connected = TRUE;
      prev_col = col;
      prev_y = last_y;
      i = j;
    }
}

/* @fast: cairo's faster antialiasing and bevel joins, for crowded charts:
 * halves the drawing time of 32 series, and the difference does not show
 * among so many lines. */
static void
draw_polyline (WvLineLayer *self,
               cairo_t     *cr,
               WvLineStyle  style,
               gboolean     fast)
{
  const WvChartFrame *frame = &self->frame;
  const WvDecimatedPoint *points = (const WvDecimatedPoint *) (gpointer) self->points->data;

  cairo_set_line_width (cr, self->line_width);
  cairo_set_line_join (cr, fast ? CAIRO_LINE_JOIN_BEVEL : CAIRO_LINE_JOIN_ROUND);
  if (fast)
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  set_dash (cr, style, self->line_width);

  /* Whole-pixel y plus one half keeps horizontal runs on one pixel row
   * instead of smearing them over two. */
  for (guint i = 0; i < self->points->len; i++)
    {
      double x = frame->plot.origin.x + points[i].x;
      double y = floor (_wv_chart_frame_value_to_y (frame, points[i].value)) + 0.5;

      if (points[i].move_to || i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }

  cairo_stroke (cr);
}

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
 * chart's coordinates and clipped to the plot. With @crowded (many series
 * in one chart) only isolated points get markers: thousands of markers
 * would cost more than the lines and hide them anyway. */
void
_wv_line_layer_draw_sparse (WvLineLayer *self,
                            cairo_t     *cr,
                            gboolean     crowded)
{
  const WvChartFrame *frame = &self->frame;
  const WvDecimatedPoint *points = (const WvDecimatedPoint *) (gpointer) self->points->data;
  WvLineStyle style = wv_series_get_line_style (self->series);
  gboolean markers = !crowded && self->points->len * MARKER_MIN_SPACING <= frame->plot.size.width;
  GdkRGBA color;

  wv_chart_palette_get (wv_series_get_color_index (self->series), frame->dark, &color);
  cairo_save (cr);
  gdk_cairo_set_source_rgba (cr, &color);

  draw_polyline (self, cr, style, crowded);

  /* Points with no neighbour to join (isolated by gaps) would not show as
   * lines; all points of sparse series get a marker. Markers are solid for
   * solid lines and hollow otherwise, so IPv6 stays told apart. */
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_width (cr, 1.25);
  for (guint i = 0; i < self->points->len; i++)
    {
      gboolean isolated = points[i].move_to &&
                          (i + 1 == self->points->len || points[i + 1].move_to);
      double x, y;

      if (!markers && !isolated)
        continue;

      x = frame->plot.origin.x + points[i].x;
      y = floor (_wv_chart_frame_value_to_y (frame, points[i].value)) + 0.5;

      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, MARKER_RADIUS, 0, 2 * G_PI);

      if (style == WV_LINE_STYLE_SOLID)
        {
          cairo_fill (cr);
        }
      else
        {
          cairo_save (cr);
          cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
          cairo_fill_preserve (cr);
          cairo_restore (cr);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);
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
      GdkRGBA color;

      wv_chart_palette_get (wv_series_get_color_index (self->series), frame->dark, &color);
      draw_columns (self, snapshot, &color, wv_series_get_line_style (self->series));
      return;
    }

  points = (const WvDecimatedPoint *) (gpointer) self->points->data;
  for (guint i = 0; i < self->points->len; i++)
    {
      double x = frame->plot.origin.x + points[i].x;
      double y = _wv_chart_frame_value_to_y (frame, points[i].value);

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

  if (self->series == NULL || !wv_series_get_visible (self->series) ||
      frame->plot.size.width < 1)
    {
      g_array_set_size (self->points, 0);
      self->dense = FALSE;
      return;
    }

  wv_series_decimate (self->series,
                      frame->t_start,
                      frame->t_end,
                      (guint) frame->plot.size.width,
                      self->points);

  self->dense = wv_series_lower_bound (self->series, frame->t_end) -
                wv_series_lower_bound (self->series, frame->t_start) >= 2 * frame->plot.size.width;
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

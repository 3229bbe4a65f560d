/* wv-chart-draw.c: the drawing of the time charts and the hop paths
 *
 * Moved out of the widgets' snapshot() so that the PDF report draws the
 * very same charts without a display: see wv-chart-draw.h. The widgets
 * call these functions with a GtkSnapshot canvas, which turns fills and
 * text into the colour and text nodes the widgets always made, so their
 * output is unchanged.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <math.h>

#include "wv-chart-draw.h"
#include "wv-chart-format.h"

#define PAD              6
#define Y_TICK_SPACING   36
#define X_TICK_SPACING   90

/* Sparse series (per-second aggregates) get a marker on every point when
 * points are at least this far apart on average, so single values read. */
#define MARKER_MIN_SPACING 8.0
#define MARKER_RADIUS      2.5
#define DEFAULT_LINE_WIDTH 1.5

/* --- text ------------------------------------------------------------------- */

PangoLayout *
wv_chart_create_small_layout (WvChartCanvas *canvas)
{
  PangoLayout *layout = wv_chart_canvas_create_layout (canvas);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  /* Tabular figures keep tick labels from wobbling as values change. */
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum=1"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  return layout;
}

static void
draw_text (WvChartCanvas      *canvas,
           PangoLayout        *layout,
           double              x,
           double              y,
           const WvChartColor *color)
{
  wv_chart_canvas_text (canvas, layout, round (x), round (y), color);
}

static void
draw_hline (WvChartCanvas      *canvas,
            double              x,
            double              y,
            double              width,
            const WvChartColor *color)
{
  wv_chart_canvas_fill (canvas, color, x, floor (y), width, 1);
}

static void
draw_vline (WvChartCanvas      *canvas,
            double              x,
            double              y,
            double              height,
            const WvChartColor *color)
{
  wv_chart_canvas_fill (canvas, color, floor (x), y, 1, height);
}

char *
wv_time_chart_spec_format (const WvTimeChartSpec *spec,
                           double                 value,
                           double                 resolution,
                           const char            *unit)
{
  char *text = NULL;

  if (spec->format_func != NULL)
    text = spec->format_func (value, resolution, unit, spec->format_data);

  if (text == NULL)
    text = wv_format_decimal (value, resolution, unit, NULL);

  return text;
}

static char *
format_seconds_ago (double seconds)
{
  if (seconds <= 0)
    return g_strdup ("now");

  if (seconds >= 60 && fmod (seconds, 60) == 0)
    return g_strdup_printf ("−%.0f min", seconds / 60);

  if (seconds == floor (seconds))
    return g_strdup_printf ("−%.0f s", seconds);

  return g_strdup_printf ("−%.1f s", seconds);
}

static char *
format_elapsed (double seconds)
{
  if (fabs (seconds) < 1e-9)
    return g_strdup ("0 s");

  if (fabs (seconds) >= 60 && fmod (seconds, 60) == 0)
    return g_strdup_printf ("%.0f min", seconds / 60);

  if (seconds == floor (seconds))
    return g_strdup_printf ("%.0f s", seconds);

  return g_strdup_printf ("%.1f s", seconds);
}

/* --- time charts ---------------------------------------------------------------- */

/* Value range over all visible series between t_start and t_end, with the
 * fixed bounds and the zero line applied. */
static gboolean
compute_value_range (const WvTimeChartSpec *spec,
                     double                 t_start,
                     double                 t_end,
                     double                *min,
                     double                *max)
{
  guint n = spec->series != NULL ? g_list_model_get_n_items (spec->series) : 0;
  double lo = INFINITY;
  double hi = -INFINITY;
  gboolean have_data = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WvSeries) series = g_list_model_get_item (spec->series, i);
      double a, b;

      if (!wv_series_get_visible (series))
        continue;

      if (wv_series_get_value_range (series, t_start, t_end, &a, &b))
        {
          lo = MIN (lo, a);
          hi = MAX (hi, b);
          have_data = TRUE;
        }
    }

  if (!have_data)
    {
      lo = 0;
      hi = 1;
    }

  if (spec->include_zero)
    {
      lo = MIN (lo, 0);
      hi = MAX (hi, 0);
    }

  if (!isnan (spec->fixed_min))
    lo = spec->fixed_min;
  if (!isnan (spec->fixed_max))
    hi = spec->fixed_max;

  *min = lo;
  *max = hi;

  return have_data;
}

void
wv_time_chart_compute_margins (const WvTimeChartSpec *spec,
                               int                    width,
                               int                    height,
                               WvTimeChartMargins    *m)
{
  PangoRectangle extents;

  pango_layout_set_text (m->small, "0123456789", -1);
  pango_layout_get_pixel_extents (m->small, NULL, &extents);
  m->label_height = extents.height;

  /* Small charts drop the title, then the time labels, then the value
   * labels, and end as a bare sparkline. */
  m->show_title = height >= 110 && (spec->title != NULL || spec->paused);
  m->show_x_labels = height >= 70;
  m->show_y_labels = width >= 160;

  m->title_height = m->show_title ? m->label_height * 3 / 2 + 4 : 0;
  m->top = PAD + (m->show_title ? m->title_height : m->label_height / 2);
  m->bottom = height - PAD - (m->show_x_labels ? m->label_height + 4 : m->label_height / 2);
}

static int
measure_y_labels (const WvTimeChartSpec *spec,
                  PangoLayout           *small,
                  const WvAxisTicks     *ticks)
{
  PangoRectangle extents;
  int widest = 0;

  for (guint i = 0; i <= ticks->n_intervals; i++)
    {
      g_autofree char *text = wv_time_chart_spec_format (spec, ticks->min + i * ticks->step,
                                                         ticks->step, NULL);

      pango_layout_set_text (small, text, -1);
      pango_layout_get_pixel_extents (small, NULL, &extents);
      widest = MAX (widest, extents.width);
    }

  return widest;
}

gboolean
wv_time_chart_compute_frame (const WvTimeChartSpec    *spec,
                             int                       width,
                             const WvTimeChartMargins *m,
                             WvChartFrame             *out,
                             WvAxisTicks              *ticks_out)
{
  WvChartFrame frame = { 0 };
  WvAxisTicks ticks;
  double now = spec->now, value_min, value_max;
  gboolean have_data;
  int left;

  if (!isfinite (now))
    now = 0;

  /* The value axis first: its labels decide how wide the left margin is. */
  have_data = compute_value_range (spec, now - spec->window, now, &value_min, &value_max);

  if (!wv_chart_axis_nice_ticks (value_min, value_max,
                                 MAX (1, (m->bottom - m->top) / Y_TICK_SPACING), &ticks))
    wv_chart_axis_nice_ticks (0, 1, 1, &ticks);

  left = PAD;
  if (m->show_y_labels)
    left += measure_y_labels (spec, m->small, &ticks) + 6;

  graphene_rect_init (&frame.plot, left, m->top,
                      MAX (0, width - PAD - left), MAX (0, m->bottom - m->top));
  wv_chart_axis_set_range (spec->y_axis, ticks.min, ticks.max);

  /* While live, round now down to a whole pixel period so that points keep
   * their pixel column as the view scrolls. */
  if (frame.plot.size.width >= 1 && spec->live)
    {
      double period = spec->window / frame.plot.size.width;

      now = floor (now / period) * period;
    }

  frame.t_start = now - spec->window;
  frame.t_end = now;
  frame.y_axis = spec->y_axis;
  frame.dark = spec->dark;

  *out = frame;
  *ticks_out = ticks;
  return have_data;
}

void
wv_time_chart_draw_title (WvChartCanvas         *canvas,
                          const WvTimeChartSpec *spec,
                          int                    width)
{
  g_autoptr(PangoLayout) title = wv_chart_canvas_create_layout (canvas);
  PangoRectangle extents;

  if (spec->title != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (spec->title, -1);
      g_autofree char *markup = NULL;

      if (spec->unit != NULL && spec->unit[0] != '\0')
        {
          g_autofree char *unit = g_markup_escape_text (spec->unit, -1);

          markup = g_strdup_printf ("<b>%s</b> <small>(%s)</small>", escaped, unit);
        }
      else
        {
          markup = g_strdup_printf ("<b>%s</b>", escaped);
        }

      pango_layout_set_markup (title, markup, -1);
      pango_layout_set_width (title, MAX (1, width - 2 * PAD - 90) * PANGO_SCALE);
      pango_layout_set_ellipsize (title, PANGO_ELLIPSIZE_END);
      draw_text (canvas, title, PAD, PAD, &spec->fg);
    }

  if (spec->paused)
    {
      WvChartColor warning;

      wv_chart_color_status (WV_CHART_STATUS_WARNING, spec->dark, &warning);
      pango_layout_set_markup (title, "<b>‖ Paused</b>", -1);
      pango_layout_set_width (title, -1);
      pango_layout_get_pixel_extents (title, NULL, &extents);
      draw_text (canvas, title, width - PAD - extents.width, PAD, &warning);
    }
}

void
wv_time_chart_draw_grid (WvChartCanvas            *canvas,
                         const WvTimeChartSpec    *spec,
                         const WvChartFrame       *frame,
                         const WvAxisTicks        *ticks,
                         const WvTimeChartMargins *m,
                         int                       width)
{
  const double plot_right = frame->plot.origin.x + frame->plot.size.width;
  const double plot_bottom = frame->plot.origin.y + frame->plot.size.height;
  PangoRectangle extents;
  WvChartColor label_color = spec->fg, grid_color = spec->fg, axis_color = spec->fg;
  double scale = frame->plot.size.width / spec->window;
  double time_step;
  double last_label_left = G_MAXDOUBLE;

  label_color.alpha *= 0.7f;
  grid_color.alpha *= 0.1f;
  axis_color.alpha *= 0.35f;

  /* Horizontal grid and value labels; the lowest line is the axis. */
  for (guint i = 0; i <= ticks->n_intervals; i++)
    {
      double value = ticks->min + i * ticks->step;
      double y = MIN (floor (wv_chart_frame_value_to_y (frame, value)), plot_bottom - 1);

      draw_hline (canvas, frame->plot.origin.x, y, frame->plot.size.width,
                  i == 0 ? &axis_color : &grid_color);

      if (m->show_y_labels)
        {
          g_autofree char *text = wv_time_chart_spec_format (spec, value, ticks->step, NULL);

          pango_layout_set_text (m->small, text, -1);
          pango_layout_get_pixel_extents (m->small, NULL, &extents);
          draw_text (canvas, m->small,
                     frame->plot.origin.x - 6 - extents.width,
                     y - extents.height / 2.0,
                     &label_color);
        }
    }

  /* Vertical grid at whole steps back from the right edge, labelled right
   * to left so that a label that would overlap its right neighbour is the
   * one left out. Elapsed time runs at whole steps from 0 instead. */
  time_step = wv_chart_axis_time_step (spec->window,
                                       MAX (1, (int) frame->plot.size.width / X_TICK_SPACING));

  for (guint k = 0; k * time_step <= spec->window + 1e-9; k++)
    {
      g_autofree char *text = NULL;
      double back = k * time_step;
      gboolean is_left_edge;
      double x, lx;

      if (spec->time_labels == WV_TIME_LABELS_ELAPSED)
        {
          /* The k-th whole step from the right edge down. */
          double t = floor (frame->t_end / time_step + 1e-9) * time_step - k * time_step;

          if (t < frame->t_start - 1e-9)
            break;
          back = frame->t_end - t;
          text = format_elapsed (t);
        }
      else
        {
          text = format_seconds_ago (back);
        }

      is_left_edge = back >= spec->window - 1e-9;
      x = MIN (floor (plot_right - back * scale), plot_right - 1);

      draw_vline (canvas, x, frame->plot.origin.y, frame->plot.size.height,
                  is_left_edge ? &axis_color : &grid_color);

      if (!m->show_x_labels)
        continue;

      pango_layout_set_text (m->small, text, -1);
      pango_layout_get_pixel_extents (m->small, NULL, &extents);

      /* Centred under the line, but kept inside the widget. */
      lx = x - extents.width / 2.0;
      lx = MIN (lx, width - PAD - extents.width);
      lx = MAX (lx, 0);

      if (lx + extents.width + 8 > last_label_left)
        continue;

      draw_text (canvas, m->small, lx, m->bottom + 4, &label_color);
      last_label_left = lx;
    }
}

static double
time_to_x (const WvChartFrame *frame,
           double              t)
{
  return frame->plot.origin.x +
         (t - frame->t_start) / (frame->t_end - frame->t_start) * frame->plot.size.width;
}

void
wv_time_chart_draw_events (WvChartCanvas            *canvas,
                           const WvTimeChartSpec    *spec,
                           const WvChartFrame       *frame,
                           const WvTimeChartMargins *m,
                           gboolean                  bands)
{
  const double left = frame->plot.origin.x, right = left + frame->plot.size.width;
  WvChartColor shade = spec->fg, line = spec->fg;
  PangoRectangle extents;
  cairo_t *cr = NULL;

  shade.alpha *= 0.12f;
  line.alpha *= 0.6f;
  for (guint i = 0; i < spec->n_events; i++)
    {
      const WvChartEvent *e = &spec->events[i];
      gboolean interval = isfinite (e->end);
      double x0 = time_to_x (frame, e->time);
      double x1 = interval ? time_to_x (frame, e->end) : x0;

      if (!isfinite (x0) || x1 < left || x0 > right)
        continue;
      if (bands)
        {
          if (interval)
            wv_chart_canvas_fill (canvas, &shade, MAX (x0, left), frame->plot.origin.y,
                                  MAX (1, MIN (x1, right) - MAX (x0, left)), frame->plot.size.height);
          continue;
        }
      if (!interval)
        {
          if (cr == NULL)
            cr = wv_chart_canvas_begin_cairo (canvas, &frame->plot);
          wv_chart_color_set_source (cr, &line);
          cairo_set_line_width (cr, 1);
          cairo_set_dash (cr, (double[]) { 3, 2 }, 2, 0);
          cairo_move_to (cr, floor (x0) + 0.5, frame->plot.origin.y);
          cairo_line_to (cr, floor (x0) + 0.5, frame->plot.origin.y + frame->plot.size.height);
          cairo_stroke (cr);
        }
    }
  if (cr != NULL)
    wv_chart_canvas_end_cairo (canvas, cr);
  if (bands)
    return;

  /* Labels after the lines, inside the plot at its top. */
  for (guint i = 0; i < spec->n_events; i++)
    {
      const WvChartEvent *e = &spec->events[i];
      double x = time_to_x (frame, e->time);

      if (e->label == NULL || !isfinite (x) || x < left || x > right)
        continue;
      pango_layout_set_text (m->small, e->label, -1);
      pango_layout_get_pixel_extents (m->small, NULL, &extents);
      draw_text (canvas, m->small, MIN (x + 2, right - extents.width - 1), frame->plot.origin.y + 1,
                 &spec->fg);
    }
}

void
wv_time_chart_draw_overlays (WvChartCanvas            *canvas,
                             const WvTimeChartSpec    *spec,
                             const WvChartFrame       *frame,
                             const WvTimeChartMargins *m,
                             gboolean                  have_data)
{
  PangoRectangle extents;

  if (!have_data)
    {
      WvChartColor dim = spec->fg;

      dim.alpha *= 0.5f;
      pango_layout_set_text (m->small, "No data", -1);
      pango_layout_get_pixel_extents (m->small, NULL, &extents);
      draw_text (canvas, m->small,
                 frame->plot.origin.x + (frame->plot.size.width - extents.width) / 2,
                 frame->plot.origin.y + (frame->plot.size.height - extents.height) / 2,
                 &dim);
    }

  /* No title row to carry the paused badge: put it in the plot. */
  if (spec->paused && !m->show_title)
    {
      WvChartColor warning;

      wv_chart_color_status (WV_CHART_STATUS_WARNING, frame->dark, &warning);
      pango_layout_set_text (m->small, "‖", -1);
      pango_layout_get_pixel_extents (m->small, NULL, &extents);
      draw_text (canvas, m->small,
                 frame->plot.origin.x + frame->plot.size.width - extents.width - 2,
                 frame->plot.origin.y + 2,
                 &warning);
    }
}

/* --- lines ------------------------------------------------------------------------ */

double
wv_chart_frame_value_to_y (const WvChartFrame *frame,
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

gboolean
wv_chart_prepare_points (WvSeries           *series,
                         const WvChartFrame *frame,
                         GArray             *points)
{
  if (series == NULL || !wv_series_get_visible (series) || frame->plot.size.width < 1)
    {
      g_array_set_size (points, 0);
      return FALSE;
    }

  wv_series_decimate (series, frame->t_start, frame->t_end, (guint) frame->plot.size.width, points);

  return wv_series_lower_bound (series, frame->t_end) -
         wv_series_lower_bound (series, frame->t_start) >= 2 * frame->plot.size.width;
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

static void
add_column (WvChartCanvas      *canvas,
            const WvChartColor *color,
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

  wv_chart_canvas_fill (canvas, color, frame->plot.origin.x + col, top, 1, bottom - top + 1);
}

/* Two or more points per pixel column (per-probe data): what a polyline
 * would draw is one vertical run per column, from the column's extremes
 * to where the previous column ended. Those runs are solid bars, so they
 * go out as colour nodes, which renderers draw without rasterising and
 * uploading an image per series (bench-charts, 32 series at 1200x400 with
 * the cairo renderer: about 150 ms a frame as anti-aliased strokes, 7 ms
 * as bars). Lines are 1 px wide; dashes become runs of columns. */
void
wv_chart_draw_columns (WvChartCanvas      *canvas,
                       const WvChartFrame *frame,
                       const GArray       *array,
                       const WvChartColor *color,
                       WvLineStyle         style)
{
  const WvDecimatedPoint *points = (const WvDecimatedPoint *) (gpointer) array->data;
  guint n = array->len;
  gboolean connected = FALSE;
  gint64 prev_col = 0;
  double prev_y = 0;

  for (guint i = 0; i < n;)
    {
      double x = points[i].x;
      gint64 col = (gint64) floor (x);
      double first_y = wv_chart_frame_value_to_y (frame, points[i].value);
      double lo = first_y, hi = first_y, last_y = first_y;
      guint j;

      if (points[i].move_to)
        connected = FALSE;

      for (j = i + 1; j < n && points[j].x == x && !points[j].move_to; j++)
        {
          double y = wv_chart_frame_value_to_y (frame, points[j].value);

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

              add_column (canvas, color, frame, style, k, a, b);
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
          add_column (canvas, color, frame, WV_LINE_STYLE_SOLID, col - 1, lo - 1, lo + 1);
          add_column (canvas, color, frame, WV_LINE_STYLE_SOLID, col, lo - 1, lo + 1);
          add_column (canvas, color, frame, WV_LINE_STYLE_SOLID, col + 1, lo - 1, lo + 1);
        }
      else
        {
          add_column (canvas, color, frame, style, col, lo, hi);
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
draw_polyline (cairo_t                *cr,
               const WvChartFrame     *frame,
               const WvDecimatedPoint *points,
               guint                   n,
               WvLineStyle             style,
               double                  line_width,
               gboolean                fast)
{
  cairo_set_line_width (cr, line_width);
  cairo_set_line_join (cr, fast ? CAIRO_LINE_JOIN_BEVEL : CAIRO_LINE_JOIN_ROUND);
  if (fast)
    cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  set_dash (cr, style, line_width);

  /* Whole-pixel y plus one half keeps horizontal runs on one pixel row
   * instead of smearing them over two. */
  for (guint i = 0; i < n; i++)
    {
      double x = frame->plot.origin.x + points[i].x;
      double y = floor (wv_chart_frame_value_to_y (frame, points[i].value)) + 0.5;

      if (points[i].move_to || i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }

  cairo_stroke (cr);
}

/* With @crowded (many series in one chart) only isolated points get
 * markers: thousands of markers would cost more than the lines and hide
 * them anyway. */
void
wv_chart_draw_sparse (cairo_t            *cr,
                      const WvChartFrame *frame,
                      const GArray       *array,
                      const WvChartColor *color,
                      WvLineStyle         style,
                      double              line_width,
                      gboolean            crowded)
{
  const WvDecimatedPoint *points = (const WvDecimatedPoint *) (gpointer) array->data;
  gboolean markers = !crowded && array->len * MARKER_MIN_SPACING <= frame->plot.size.width;

  cairo_save (cr);
  wv_chart_color_set_source (cr, color);

  draw_polyline (cr, frame, points, array->len, style, line_width, crowded);

  /* Points with no neighbour to join (isolated by gaps) would not show as
   * lines; all points of sparse series get a marker. Markers are solid for
   * solid lines and hollow otherwise, so IPv6 stays told apart. */
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_width (cr, 1.25);
  for (guint i = 0; i < array->len; i++)
    {
      gboolean isolated = points[i].move_to &&
                          (i + 1 == array->len || points[i + 1].move_to);
      double x, y;

      if (!markers && !isolated)
        continue;

      x = frame->plot.origin.x + points[i].x;
      y = floor (wv_chart_frame_value_to_y (frame, points[i].value)) + 0.5;

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

void
wv_time_chart_render (WvChartCanvas         *canvas,
                      const WvTimeChartSpec *spec,
                      int                    width,
                      int                    height)
{
  g_autoptr(PangoLayout) small = NULL;
  g_autoptr(GArray) points = NULL;
  guint n = spec->series != NULL ? g_list_model_get_n_items (spec->series) : 0;
  WvTimeChartMargins m = { 0 };
  WvChartFrame frame;
  WvAxisTicks ticks;
  gboolean have_data;
  cairo_t *cr = NULL;
  guint n_sparse = 0;

  if (width <= 0 || height <= 0)
    return;

  small = wv_chart_create_small_layout (canvas);
  m.small = small;
  wv_time_chart_compute_margins (spec, width, height, &m);
  have_data = wv_time_chart_compute_frame (spec, width, &m, &frame, &ticks);

  if (m.show_title)
    wv_time_chart_draw_title (canvas, spec, width);
  if (frame.plot.size.width < 1 || frame.plot.size.height < 1)
    return;
  wv_time_chart_draw_grid (canvas, spec, &frame, &ticks, &m, width);
  wv_time_chart_draw_events (canvas, spec, &frame, &m, TRUE);

  /* As the widget: dense series as columns, sparse ones on one cairo
   * context clipped to the plot, in the order of the series. */
  points = g_array_new (FALSE, FALSE, sizeof (WvDecimatedPoint));
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(WvSeries) series = g_list_model_get_item (spec->series, i);
        gboolean dense = wv_chart_prepare_points (series, &frame, points);
        WvChartColor color;

        if (points->len == 0)
          continue;
        if (pass == 0)
          {
            n_sparse += !dense;
            continue;
          }
        wv_chart_color_series (wv_series_get_color_index (series), spec->dark, &color);
        if (dense)
          {
            wv_chart_draw_columns (canvas, &frame, points, &color, wv_series_get_line_style (series));
            continue;
          }
        if (cr == NULL)
          cr = wv_chart_canvas_begin_cairo (canvas, &frame.plot);
        wv_chart_draw_sparse (cr, &frame, points, &color, wv_series_get_line_style (series),
                              spec->line_width > 0 ? spec->line_width : DEFAULT_LINE_WIDTH,
                              n_sparse > WV_CHART_MARKERS_MAX_SERIES);
      }
  if (cr != NULL)
    wv_chart_canvas_end_cairo (canvas, cr);

  wv_time_chart_draw_events (canvas, spec, &frame, &m, FALSE);
  wv_time_chart_draw_overlays (canvas, spec, &frame, &m, have_data);
}

/* --- hop paths ------------------------------------------------------------------ */

#define MIN_RADIUS      3.0
#define MIN_TEXT_COLUMN 40
#define LOSS_BAD_PCT    10.0

/* All text in the view is small with tabular figures; markup (not layout
 * attributes) carries that so that bold lines can share the layout. */
static void
set_small_text (PangoLayout *layout,
                const char  *text,
                gboolean     bold)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *markup = g_strdup_printf ("<span font_features=\"tnum=1\"><small>%s%s%s</small></span>",
                                             bold ? "<b>" : "", escaped, bold ? "</b>" : "");

  pango_layout_set_markup (layout, markup, -1);
}

double
wv_hop_small_line_height (PangoContext *pango)
{
  g_autoptr(PangoLayout) layout = pango_layout_new (pango);
  PangoRectangle extents;

  set_small_text (layout, "Ag09", TRUE);
  pango_layout_get_pixel_extents (layout, NULL, &extents);

  return MAX (extents.height, 1);
}

guint
wv_hop_spec_max_columns (const WvHopSpec *spec)
{
  guint n = 1;

  for (guint i = 0; i < spec->n_paths; i++)
    n = MAX (n, wv_hop_path_get_n_nodes (spec->paths[i]));

  return n;
}

static gboolean
any_label (const WvHopSpec *spec)
{
  for (guint i = 0; i < spec->n_paths; i++)
    {
      if (wv_hop_path_get_label (spec->paths[i]) != NULL)
        return TRUE;
    }

  return FALSE;
}

void
wv_hop_compute_layout (const WvHopSpec *spec,
                       PangoContext    *pango,
                       int              width,
                       int              height,
                       WvHopLayout     *out)
{
  guint n_rows = MAX (spec->n_paths, 1);
  double node_room;
  double text_top;

  out->line_height = wv_hop_small_line_height (pango);
  out->n_columns = wv_hop_spec_max_columns (spec);
  out->col_width = MAX (1.0, (width - 2.0 * WV_HOP_PAD) / out->n_columns);
  out->row_height = MAX (1.0, (height - 2.0 * WV_HOP_PAD) / n_rows);
  out->label_height = any_label (spec) && out->row_height >= 4 * out->line_height
                      ? out->line_height + 2 : 0;
  out->annotation_height = out->row_height >= 3 * out->line_height ? out->line_height + 2 : 0;

  node_room = out->row_height - out->label_height - out->annotation_height;
  out->radius = CLAMP (MIN (out->col_width * 0.3, node_room / 2 - 1), MIN_RADIUS, WV_HOP_MAX_RADIUS);

  text_top = out->label_height + out->annotation_height + 2 * out->radius + 4;
  if (out->col_width < MIN_TEXT_COLUMN)
    out->n_text_lines = 0;
  else
    out->n_text_lines = (guint) CLAMP (floor ((out->row_height - text_top - 4) / out->line_height),
                                       0, WV_HOP_MAX_TEXT_LINES);
}

void
wv_hop_node_center (const WvHopLayout *layout,
                    guint              row,
                    guint              node,
                    double            *x,
                    double            *y)
{
  *x = WV_HOP_PAD + layout->col_width * (node + 0.5);
  *y = WV_HOP_PAD + row * layout->row_height + layout->label_height +
       layout->annotation_height + layout->radius;
}

WvHopNodeKind
wv_hop_node_kind (WvHopPath *path,
                  guint      node)
{
  if (node == 0)
    return WV_HOP_NODE_SOURCE;

  if (node <= wv_hop_path_get_n_hops (path))
    return WV_HOP_NODE_HOP;

  return WV_HOP_NODE_DESTINATION;
}

static WvChartStatus
loss_status (double loss_pct)
{
  if (isnan (loss_pct))
    return WV_CHART_STATUS_UNKNOWN;
  if (loss_pct <= 0)
    return WV_CHART_STATUS_GOOD;
  if (loss_pct < LOSS_BAD_PCT)
    return WV_CHART_STATUS_WARNING;
  return WV_CHART_STATUS_BAD;
}

gboolean
wv_hop_spec_differs (const WvHopSpec *spec,
                     guint            hop_index)
{
  return spec->differs != NULL && hop_index < spec->n_differs && spec->differs[hop_index];
}

typedef struct
{
  char *text;
  WvChartColor color;
  gboolean bold;
} TextLine;

static void
text_line_clear (gpointer data)
{
  TextLine *line = data;

  g_free (line->text);
}

static void
add_line (GArray             *lines,
          char               *text,
          const WvChartColor *color,
          gboolean            bold)
{
  TextLine line = { text, *color, bold };

  g_array_append_val (lines, line);
}

/* The text under a node, most important first: rows too short for all of
 * it drop lines from the end. */
static GArray *
node_lines (const WvHopSpec *spec,
            WvHopPath       *path,
            guint            node)
{
  GArray *lines = g_array_new (FALSE, FALSE, sizeof (TextLine));
  WvChartColor fg = spec->fg, dim, color;
  gboolean dark = spec->dark;

  g_array_set_clear_func (lines, text_line_clear);

  dim = fg;
  dim.alpha *= 0.65f;

  switch (wv_hop_node_kind (path, node))
    {
    case WV_HOP_NODE_SOURCE:
      add_line (lines, g_strdup (wv_hop_path_get_source (path) ? wv_hop_path_get_source (path) : "source"),
                &fg, TRUE);
      add_line (lines, g_strdup ("source"), &dim, FALSE);
      if (wv_hop_path_get_source_mtu (path) != 0)
        add_line (lines, g_strdup_printf ("MTU %u", wv_hop_path_get_source_mtu (path)), &dim, FALSE);
      break;

    case WV_HOP_NODE_DESTINATION:
      add_line (lines,
                g_strdup (wv_hop_path_get_destination (path) ? wv_hop_path_get_destination (path)
                                                             : "destination"),
                &fg, TRUE);
      wv_chart_color_status (WV_CHART_STATUS_BAD, dark, &color);
      add_line (lines, g_strdup ("not reached"), &color, FALSE);
      break;

    case WV_HOP_NODE_HOP:
    default:
      {
        const WvHop *hop = wv_hop_path_get_hop (path, node - 1);
        char *rtt;

        if (wv_hop_spec_differs (spec, node - 1) && hop->address != NULL)
          wv_chart_color_status (WV_CHART_STATUS_HIGHLIGHT, dark, &color);
        else
          color = fg;

        add_line (lines, g_strdup (hop->address ? hop->address : "*"), &color, TRUE);

        if (hop->hostname != NULL && g_strcmp0 (hop->hostname, hop->address) != 0)
          add_line (lines, g_strdup (hop->hostname), &dim, FALSE);

        if ((rtt = wv_format_rtt_ms (hop->rtt_min_ms, hop->rtt_avg_ms, hop->rtt_max_ms)))
          add_line (lines, rtt, &fg, FALSE);
        else if (hop->address == NULL)
          add_line (lines, g_strdup ("no reply"), &dim, FALSE);

        if (!isnan (hop->loss_pct))
          {
            if (hop->loss_pct > 0)
              wv_chart_color_status (loss_status (hop->loss_pct), dark, &color);
            else
              color = dim;

            add_line (lines, g_strdup_printf ("loss %.*f %%", hop->loss_pct < 10 ? 1 : 0, hop->loss_pct),
                      &color, hop->loss_pct > 0);
          }

        if (hop->mtu != 0)
          add_line (lines, g_strdup_printf ("MTU %u", hop->mtu), &dim, FALSE);
      }
      break;
    }

  return lines;
}

static void
draw_links (cairo_t           *cr,
            const WvHopSpec   *spec,
            const WvHopLayout *layout,
            guint              row,
            WvHopPath         *path)
{
  guint n_nodes = wv_hop_path_get_n_nodes (path);
  WvChartColor line = spec->fg;
  WvChartColor warning;

  line.alpha *= 0.45f;
  wv_chart_color_status (WV_CHART_STATUS_WARNING, spec->dark, &warning);

  for (guint node = 1; node < n_nodes; node++)
    {
      double x0, y0, x1, y1;
      gboolean unreached = wv_hop_node_kind (path, node) == WV_HOP_NODE_DESTINATION;
      guint mtu = wv_hop_node_kind (path, node) == WV_HOP_NODE_HOP ? wv_hop_path_get_link_mtu (path, node - 1) : 0;

      wv_hop_node_center (layout, row, node - 1, &x0, &y0);
      wv_hop_node_center (layout, row, node, &x1, &y1);

      if (x1 - x0 <= 2 * layout->radius + 2)
        continue;

      cairo_move_to (cr, x0 + layout->radius + 1, y0);
      cairo_line_to (cr, x1 - layout->radius - 1, y1);
      cairo_set_line_width (cr, mtu != 0 ? 2.5 : 1.5);
      if (unreached)
        cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
      else
        cairo_set_dash (cr, NULL, 0, 0);
      wv_chart_color_set_source (cr, mtu != 0 ? &warning : &line);
      cairo_stroke (cr);
    }

  cairo_set_dash (cr, NULL, 0, 0);
}

static void
draw_node (cairo_t           *cr,
           const WvHopSpec   *spec,
           const WvHopLayout *layout,
           guint              row,
           WvHopPath         *path,
           guint              node)
{
  WvHopNodeKind kind = wv_hop_node_kind (path, node);
  double x, y, r = layout->radius;
  WvChartColor fill, outline = spec->fg;

  wv_hop_node_center (layout, row, node, &x, &y);
  outline.alpha *= 0.8f;
  cairo_set_line_width (cr, 1.5);

  if (kind == WV_HOP_NODE_SOURCE)
    {
      wv_chart_color_series (0, spec->dark, &fill);
      cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
      wv_chart_color_set_source (cr, &fill);
      cairo_fill_preserve (cr);
      wv_chart_color_set_source (cr, &outline);
      cairo_stroke (cr);
      return;
    }

  if (kind == WV_HOP_NODE_DESTINATION)
    {
      /* Not reached: an empty, dashed double ring. */
      cairo_set_dash (cr, (double[]) { 3, 2 }, 2, 0);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      wv_chart_color_set_source (cr, &outline);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      return;
    }

  {
    const WvHop *hop = wv_hop_path_get_hop (path, node - 1);
    gboolean is_destination = node == wv_hop_path_get_n_hops (path) && wv_hop_path_get_reached (path);

    if (hop->address == NULL)
      {
        /* Silent hop: nothing answered, nothing to colour. */
        cairo_set_dash (cr, (double[]) { 2, 2 }, 2, 0);
        cairo_arc (cr, x, y, r, 0, 2 * G_PI);
        wv_chart_color_set_source (cr, &outline);
        cairo_stroke (cr);
        cairo_set_dash (cr, NULL, 0, 0);
        return;
      }

    wv_chart_color_status (loss_status (hop->loss_pct), spec->dark, &fill);
    cairo_arc (cr, x, y, r, 0, 2 * G_PI);
    wv_chart_color_set_source (cr, &fill);
    cairo_fill_preserve (cr);

    if (wv_hop_spec_differs (spec, node - 1))
      {
        WvChartColor highlight;

        wv_chart_color_status (WV_CHART_STATUS_HIGHLIGHT, spec->dark, &highlight);
        cairo_set_line_width (cr, 3);
        wv_chart_color_set_source (cr, &highlight);
      }
    else
      {
        wv_chart_color_set_source (cr, &outline);
      }
    cairo_stroke (cr);

    if (is_destination)
      {
        cairo_set_line_width (cr, 1.5);
        cairo_arc (cr, x, y, r + 3, 0, 2 * G_PI);
        wv_chart_color_set_source (cr, &outline);
        cairo_stroke (cr);
      }
  }
}

void
wv_hop_paths_render (WvChartCanvas   *canvas,
                     const WvHopSpec *spec,
                     int              width,
                     int              height)
{
  g_autoptr(PangoLayout) small = NULL;
  PangoRectangle extents;
  WvHopLayout layout;
  WvChartColor fg = spec->fg, dim;
  gboolean dark = spec->dark;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;

  dim = fg;
  dim.alpha *= 0.5f;
  small = wv_chart_canvas_create_layout (canvas);

  if (spec->n_paths == 0)
    {
      set_small_text (small, "No path", FALSE);
      pango_layout_get_pixel_extents (small, NULL, &extents);
      draw_text (canvas, small, (width - extents.width) / 2.0, (height - extents.height) / 2.0, &dim);
      return;
    }

  wv_hop_compute_layout (spec, canvas->pango, width, height, &layout);

  /* Shapes first, all rows in one cairo node. */
  cr = wv_chart_canvas_begin_cairo (canvas, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (guint row = 0; row < spec->n_paths; row++)
    {
      WvHopPath *path = spec->paths[row];
      guint n_nodes = wv_hop_path_get_n_nodes (path);

      /* Highlighted TTLs get a tinted cell behind node and text. */
      for (guint node = 1; node <= wv_hop_path_get_n_hops (path); node++)
        {
          WvChartColor tint;
          double x, y;

          if (!wv_hop_spec_differs (spec, node - 1) || wv_hop_path_get_hop (path, node - 1)->address == NULL)
            continue;

          wv_hop_node_center (&layout, row, node, &x, &y);
          wv_chart_color_status (WV_CHART_STATUS_HIGHLIGHT, dark, &tint);
          tint.alpha = 0.12f;
          wv_chart_color_set_source (cr, &tint);
          cairo_rectangle (cr,
                           x - layout.col_width / 2 + 2,
                           y - layout.radius - 4,
                           layout.col_width - 4,
                           MIN (layout.row_height - layout.label_height - layout.annotation_height,
                                2 * layout.radius + 8 + layout.n_text_lines * layout.line_height));
          cairo_fill (cr);
        }

      draw_links (cr, spec, &layout, row, path);

      for (guint node = 0; node < n_nodes; node++)
        draw_node (cr, spec, &layout, row, path, node);
    }

  wv_chart_canvas_end_cairo (canvas, cr);

  /* Then text: row labels, link MTUs, TTL numbers, node details. */
  for (guint row = 0; row < spec->n_paths; row++)
    {
      WvHopPath *path = spec->paths[row];
      guint n_nodes = wv_hop_path_get_n_nodes (path);
      double row_top = WV_HOP_PAD + row * layout.row_height;

      if (layout.label_height > 0 && wv_hop_path_get_label (path) != NULL)
        {
          set_small_text (small, wv_hop_path_get_label (path), TRUE);
          pango_layout_set_width (small, (width - 2 * WV_HOP_PAD) * PANGO_SCALE);
          pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_END);
          draw_text (canvas, small, WV_HOP_PAD, row_top, &fg);
        }

      pango_layout_set_width (small, -1);
      pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_NONE);

      for (guint node = 1; node < n_nodes && layout.annotation_height > 0; node++)
        {
          guint mtu = wv_hop_node_kind (path, node) == WV_HOP_NODE_HOP ? wv_hop_path_get_link_mtu (path, node - 1) : 0;
          g_autofree char *text = NULL;
          WvChartColor warning;
          double x0, x1, y;

          if (mtu == 0)
            continue;

          wv_hop_node_center (&layout, row, node - 1, &x0, &y);
          wv_hop_node_center (&layout, row, node, &x1, &y);
          text = g_strdup_printf ("MTU %u", mtu);
          set_small_text (small, text, TRUE);
          pango_layout_get_pixel_extents (small, NULL, &extents);

          if (extents.width > x1 - x0)
            continue;

          wv_chart_color_status (WV_CHART_STATUS_WARNING, dark, &warning);
          draw_text (canvas, small,
                     (x0 + x1 - extents.width) / 2,
                     y - extents.height - 3,
                     &warning);
        }

      for (guint node = 0; node < n_nodes; node++)
        {
          g_autoptr(GArray) lines = NULL;
          double x, y, text_y;

          wv_hop_node_center (&layout, row, node, &x, &y);

          /* TTL inside the hop circle, in a colour that reads on the fill. */
          if (wv_hop_node_kind (path, node) == WV_HOP_NODE_HOP && layout.radius >= 8)
            {
              const WvHop *hop = wv_hop_path_get_hop (path, node - 1);
              g_autofree char *ttl = g_strdup_printf ("%u", node);
              WvChartColor ink;

              if (hop->address == NULL)
                ink = fg;
              else if (dark)
                ink = (WvChartColor) { 0.1f, 0.1f, 0.1f, 1 };
              else
                ink = (WvChartColor) { 1, 1, 1, 1 };

              set_small_text (small, ttl, TRUE);
              pango_layout_get_pixel_extents (small, NULL, &extents);
              draw_text (canvas, small, x - extents.width / 2.0, y - extents.height / 2.0, &ink);
            }

          if (layout.n_text_lines == 0)
            continue;

          lines = node_lines (spec, path, node);
          text_y = y + layout.radius + 4;

          pango_layout_set_width (small, (int) MAX (1, layout.col_width - 6) * PANGO_SCALE);
          pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_MIDDLE);

          for (guint i = 0; i < lines->len && i < layout.n_text_lines; i++)
            {
              const TextLine *line = &g_array_index (lines, TextLine, i);

              set_small_text (small, line->text, line->bold);
              pango_layout_get_pixel_extents (small, NULL, &extents);
              draw_text (canvas, small, x - extents.width / 2.0 - extents.x, text_y, &line->color);
              text_y += layout.line_height;
            }

          pango_layout_set_width (small, -1);
          pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_NONE);
        }
    }
}

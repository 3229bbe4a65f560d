/* wv-time-chart.c: a live, scrolling chart of several time series
 *
 * The chart owns a list of WvSeries and stacks one WvLineLayer per series
 * on top of its own grid and labels (the Sysprof chart model). At each frame
 * it decides the time range (right edge = now), scales the value axis to
 * what is visible, lets every layer decimate its series for the plot width,
 * then draws grid, layers and the hover marker.
 *
 * Time: points carry seconds on the chart's clock. By default that clock is
 * the GLib monotonic clock in seconds since #WvTimeChart:time-origin
 * (g_get_monotonic_time () - origin, over 1e6); setting #WvTimeChart:now
 * pins the right edge instead (replays, tests).
 *
 * Redraws: while live the view only moves when "now" has advanced by a
 * whole pixel, so a timer at that period redraws it and new points (which
 * arrive at the right edge) need no redraw of their own. Now is rounded to
 * that period as well, which keeps every point in the same pixel column
 * from one frame to the next: the decimated lines scroll instead of
 * shimmering.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <math.h>

#include "wv-chart-format.h"
#include "wv-chart-palette.h"
#include "wv-chart-private.h"
#include "wv-time-chart.h"

#define PICK_RADIUS      24.0
#define TOOLTIP_LINES    6
#define MIN_WIDTH        100
#define MIN_HEIGHT       60

struct _WvTimeChart
{
  GtkWidget parent_instance;

  GListStore *series;
  WvChartAxis *y_axis;

  char *title;
  char *unit;
  WvValueFormatFunc format_func;
  gpointer format_data;
  GDestroyNotify format_destroy;

  double window;
  double now;            /* NaN: follow the monotonic clock */
  double frozen_now;     /* right edge while paused */
  gint64 time_origin;
  double fixed_min;      /* NaN: automatic */
  double fixed_max;

  GArray *spans;         /* WvTimeSpan, shaded behind the lines */

  /* What the last frame was drawn with, for picking and the tests. */
  WvChartFrame frame;
  WvAxisTicks y_ticks;
  gboolean have_frame;
  gboolean have_data;

  double pointer_x;
  double pointer_y;

  guint redraw_id;
  guint redraw_interval;

  guint paused : 1;
  guint include_zero : 1;
  guint pointer_inside : 1;
  guint layers_dirty : 1;
};

enum {
  PROP_0,
  PROP_INCLUDE_ZERO,
  PROP_NOW,
  PROP_PAUSED,
  PROP_SERIES,
  PROP_TIME_ORIGIN,
  PROP_TITLE,
  PROP_UNIT,
  PROP_WINDOW,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (WvTimeChart, wv_time_chart, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

static double
live_now (WvTimeChart *self)
{
  return (g_get_monotonic_time () - self->time_origin) / (double) G_USEC_PER_SEC;
}

static gboolean
is_live (WvTimeChart *self)
{
  return isnan (self->now) && !self->paused;
}

static double
current_now (WvTimeChart *self)
{
  if (self->paused)
    return self->frozen_now;

  if (!isnan (self->now))
    return self->now;

  return live_now (self);
}

/* Something the layers draw changed (time, data, series, size, style):
 * the next frame recomputes ranges and decimation and redraws every layer.
 * Hover changes only queue a draw of the chart, which then reuses the
 * layers' render nodes and the frame they were drawn for. */
static void
invalidate (WvTimeChart *self)
{
  self->layers_dirty = TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_queue_draw (child);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
redraw_cb (gpointer data)
{
  invalidate (WV_TIME_CHART (data));

  return G_SOURCE_CONTINUE;
}

static void
update_timer (WvTimeChart *self)
{
  gboolean want = gtk_widget_get_mapped (GTK_WIDGET (self)) && is_live (self);
  guint interval = 0;

  if (want)
    {
      double width = self->have_frame ? self->frame.plot.size.width
                                      : gtk_widget_get_width (GTK_WIDGET (self));

      /* One pixel of scrolling, but no faster than a 60 Hz display and no
       * slower than once a second. */
      interval = (guint) CLAMP (self->window / MAX (width, 1.0) * 1000.0, 16.0, 1000.0);
    }

  if (want && self->redraw_id != 0 && interval == self->redraw_interval)
    return;

  g_clear_handle_id (&self->redraw_id, g_source_remove);
  self->redraw_interval = interval;

  if (want)
    self->redraw_id = g_timeout_add (interval, redraw_cb, self);
}

static char *
format_value (WvTimeChart *self,
              double       value,
              double       resolution,
              const char  *unit)
{
  WvTimeChartSpec spec = { .format_func = self->format_func, .format_data = self->format_data };

  return wv_time_chart_spec_format (&spec, value, resolution, unit);
}

/* What the shared drawing code needs to know of the chart, for one frame. */
static void
fill_spec (WvTimeChart     *self,
           GtkWidget       *widget,
           WvTimeChartSpec *spec)
{
  *spec = (WvTimeChartSpec) {
    .title = self->title,
    .unit = self->unit,
    .format_func = self->format_func,
    .format_data = self->format_data,
    .series = G_LIST_MODEL (self->series),
    .y_axis = self->y_axis,
    .window = self->window,
    .now = current_now (self),
    .live = is_live (self),
    .paused = self->paused,
    .include_zero = self->include_zero,
    .fixed_min = self->fixed_min,
    .fixed_max = self->fixed_max,
    .time_labels = WV_TIME_LABELS_AGO,
  };
  _wv_chart_widget_colors (widget, &spec->fg, &spec->dark);
}

static void
snapshot_hover (WvTimeChart   *self,
                GtkSnapshot   *snapshot,
                const GdkRGBA *fg)
{
  const WvChartFrame *frame = &self->frame;
  WvChartPick pick;
  GdkRGBA color, guide = *fg;
  graphene_rect_t area;
  cairo_t *cr;

  if (!wv_time_chart_pick (self, self->pointer_x, self->pointer_y, PICK_RADIUS, &pick))
    return;

  guide.alpha *= 0.3f;
  gtk_snapshot_append_color (snapshot, &guide,
                             &GRAPHENE_RECT_INIT (floor (pick.x), frame->plot.origin.y,
                                                  1, frame->plot.size.height));

  wv_chart_palette_get (wv_series_get_color_index (pick.series), frame->dark, &color);
  graphene_rect_init (&area, floor (pick.x) - 7, floor (pick.y) - 7, 15, 15);
  cr = gtk_snapshot_append_cairo (snapshot, &area);
  cairo_arc (cr, pick.x, pick.y, 4.5, 0, 2 * G_PI);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.5);
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

/* Shaded intervals (outages), behind the lines, clipped to the plot. */
static void
snapshot_spans (WvTimeChart *self,
                GtkSnapshot *snapshot)
{
  const WvChartFrame *frame = &self->frame;
  double span_t = frame->t_end - frame->t_start;
  GdkRGBA shade;

  if (self->spans->len == 0 || !(span_t > 0))
    return;
  wv_chart_palette_get_status (WV_CHART_STATUS_BAD, frame->dark, &shade);
  shade.alpha = 0.15f;
  for (guint i = 0; i < self->spans->len; i++)
    {
      const WvTimeSpan *sp = &g_array_index (self->spans, WvTimeSpan, i);
      double end = isnan (sp->end) ? frame->t_end : sp->end;
      double x0 = frame->plot.origin.x + (MAX (sp->start, frame->t_start) - frame->t_start) / span_t *
                  frame->plot.size.width;
      double x1 = frame->plot.origin.x + (MIN (end, frame->t_end) - frame->t_start) / span_t *
                  frame->plot.size.width;

      if (!(x1 > x0))
        continue;
      /* At least a pixel, so a short outage stays visible. */
      gtk_snapshot_append_color (snapshot, &shade,
                                 &GRAPHENE_RECT_INIT (floor (x0), frame->plot.origin.y,
                                                      MAX (ceil (x1) - floor (x0), 1),
                                                      frame->plot.size.height));
    }
}

static void
wv_time_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  WvTimeChart *self = (WvTimeChart *)widget;
  g_autoptr(PangoLayout) small = NULL;
  const int width = gtk_widget_get_width (widget);
  const int height = gtk_widget_get_height (widget);
  const WvChartFrame *frame = &self->frame;
  WvTimeChartMargins m = { 0 };
  WvSnapshotCanvas canvas;
  WvTimeChartSpec spec;
  GdkRGBA fg;

  if (width <= 0 || height <= 0)
    return;

  _wv_snapshot_canvas_init (&canvas, snapshot, widget);
  fill_spec (self, widget, &spec);
  fg = (GdkRGBA) { spec.fg.red, spec.fg.green, spec.fg.blue, spec.fg.alpha };
  small = wv_chart_create_small_layout (&canvas.parent);
  m.small = small;
  wv_time_chart_compute_margins (&spec, width, height, &m);

  /* A new frame only when invalidated; a redraw for the hover overlay
   * keeps the frame the layers were drawn for. */
  if (self->layers_dirty || !self->have_frame)
    {
      self->have_data = wv_time_chart_compute_frame (&spec, width, &m, &self->frame, &self->y_ticks);
      self->have_frame = TRUE;

      for (GtkWidget *child = gtk_widget_get_first_child (widget);
           child != NULL;
           child = gtk_widget_get_next_sibling (child))
        {
          if (WV_IS_LINE_LAYER (child))
            _wv_line_layer_prepare (WV_LINE_LAYER (child), frame);
        }

      self->layers_dirty = FALSE;
    }

  if (m.show_title)
    wv_time_chart_draw_title (&canvas.parent, &spec, width);

  if (frame->plot.size.width < 1 || frame->plot.size.height < 1)
    return;

  wv_time_chart_draw_grid (&canvas.parent, &spec, frame, &self->y_ticks, &m, width);
  snapshot_spans (self, snapshot);

  /* Sparse layers share one cairo node (one surface per chart rather than
   * one per series); dense layers and other children draw themselves. */
  {
    cairo_t *cr = NULL;
    guint n_sparse = 0;

    for (GtkWidget *child = gtk_widget_get_first_child (widget);
         child != NULL;
         child = gtk_widget_get_next_sibling (child))
      n_sparse += WV_IS_LINE_LAYER (child) && gtk_widget_get_visible (child) &&
                  _wv_line_layer_is_sparse (WV_LINE_LAYER (child));

    for (GtkWidget *child = gtk_widget_get_first_child (widget);
         child != NULL;
         child = gtk_widget_get_next_sibling (child))
      {
        if (!WV_IS_LINE_LAYER (child) || !_wv_line_layer_is_sparse (WV_LINE_LAYER (child)))
          {
            gtk_widget_snapshot_child (widget, child, snapshot);
            continue;
          }
        if (!gtk_widget_get_visible (child))
          continue;
        if (cr == NULL)
          cr = wv_chart_canvas_begin_cairo (&canvas.parent, &frame->plot);
        _wv_line_layer_draw_sparse (WV_LINE_LAYER (child), cr,
                                    n_sparse > WV_CHART_MARKERS_MAX_SERIES);
      }
    if (cr)
      wv_chart_canvas_end_cairo (&canvas.parent, cr);
  }

  wv_time_chart_draw_overlays (&canvas.parent, &spec, frame, &m, self->have_data);

  if (self->pointer_inside)
    snapshot_hover (self, snapshot, &fg);
}

static int
compare_spans (gconstpointer a,
               gconstpointer b)
{
  const WvTimeSpan *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start;
}

void
wv_time_chart_set_spans (WvTimeChart      *self,
                         const WvTimeSpan *spans,
                         guint             n_spans)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));
  g_return_if_fail (spans != NULL || n_spans == 0);

  g_array_set_size (self->spans, 0);
  for (guint i = 0; i < n_spans; i++)
    if (isfinite (spans[i].start) && (isnan (spans[i].end) || spans[i].end >= spans[i].start))
      g_array_append_val (self->spans, spans[i]);
  /* Overlapping spans (the same outage seen by several connections) are
   * drawn once, so the shade means the same wherever it is. */
  g_array_sort (self->spans, compare_spans);
  for (guint i = 1; i < self->spans->len; )
    {
      WvTimeSpan *prev = &g_array_index (self->spans, WvTimeSpan, i - 1);
      const WvTimeSpan *cur = &g_array_index (self->spans, WvTimeSpan, i);

      if (!isnan (prev->end) && cur->start > prev->end)
        {
          i++;
          continue;
        }
      if (isnan (cur->end) || (!isnan (prev->end) && cur->end > prev->end))
        prev->end = cur->end;
      g_array_remove_index (self->spans, i);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
wv_time_chart_get_n_spans (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), 0);
  return self->spans->len;
}

static void
wv_time_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MIN_WIDTH;
      *natural = 480;
    }
  else
    {
      *minimum = MIN_HEIGHT;
      *natural = 220;
    }

  *minimum_baseline = -1;
  *natural_baseline = -1;
}

static void
wv_time_chart_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  WvTimeChart *self = (WvTimeChart *)widget;

  /* Layers cover the whole chart; the plot rectangle is handed to them
   * with the frame because it depends on the labels of the moment. */
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_size_allocate (child, &(GtkAllocation) { 0, 0, width, height }, -1);

  invalidate (self);
  update_timer (self);
}

static void
wv_time_chart_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (wv_time_chart_parent_class)->map (widget);

  update_timer (WV_TIME_CHART (widget));
}

static void
wv_time_chart_unmap (GtkWidget *widget)
{
  WvTimeChart *self = WV_TIME_CHART (widget);

  g_clear_handle_id (&self->redraw_id, g_source_remove);

  GTK_WIDGET_CLASS (wv_time_chart_parent_class)->unmap (widget);
}

static void
wv_time_chart_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (wv_time_chart_parent_class)->css_changed (widget, change);

  /* Colours (and the light/dark palette choice) come from the style. */
  invalidate (WV_TIME_CHART (widget));
}

static void
motion_cb (WvTimeChart              *self,
           double                    x,
           double                    y,
           GtkEventControllerMotion *motion)
{
  self->pointer_x = x;
  self->pointer_y = y;
  self->pointer_inside = TRUE;
  /* Only the overlay changes: the layers keep their render nodes. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (WvTimeChart              *self,
          GtkEventControllerMotion *motion)
{
  self->pointer_inside = FALSE;
  /* Only the overlay changes: the layers keep their render nodes. */
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
query_tooltip_cb (WvTimeChart *self,
                  int          x,
                  int          y,
                  gboolean     keyboard_mode,
                  GtkTooltip  *tooltip)
{
  g_autofree char *markup = NULL;

  if (keyboard_mode)
    return FALSE;

  markup = wv_time_chart_get_tooltip_markup (self, x, y);
  if (markup == NULL)
    return FALSE;

  gtk_tooltip_set_markup (tooltip, markup);

  return TRUE;
}

/* A series changed its points. While live the redraw timer will show
 * them; otherwise redraw only if the change is inside the frozen view. */
static void
series_items_changed_cb (WvTimeChart *self,
                         guint        position,
                         guint        removed,
                         guint        added,
                         GListModel  *model)
{
  WvSeries *series = WV_SERIES (model);
  WvPoint p;

  if (is_live (self) || !wv_series_get_visible (series))
    return;

  if (!self->paused || !self->have_frame)
    {
      invalidate (self);
      return;
    }

  if ((added > 0 && wv_series_get_point (series, position, &p) && p.time <= self->frame.t_end) ||
      (removed > 0 && wv_series_get_point (series, 0, &p) && p.time > self->frame.t_start) ||
      (removed > 0 && wv_series_get_n_points (series) == 0))
    invalidate (self);
}

static void
series_notify_cb (WvTimeChart *self,
                  GParamSpec  *pspec,
                  WvSeries    *series)
{
  invalidate (self);
}

static GtkWidget *
nth_child (GtkWidget *widget,
           guint      n)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  while (child != NULL && n-- > 0)
    child = gtk_widget_get_next_sibling (child);

  return child;
}

/* Keeps one layer per series, in the order of the series list, so that
 * series added later draw on top. */
static void
series_list_changed_cb (WvTimeChart *self,
                        guint        position,
                        guint        removed,
                        guint        added,
                        GListModel  *model)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkWidget *before;

  for (guint i = 0; i < removed; i++)
    {
      GtkWidget *layer = nth_child (widget, position);
      WvSeries *series;

      if (layer == NULL)
        break;

      series = wv_line_layer_get_series (WV_LINE_LAYER (layer));
      g_signal_handlers_disconnect_by_data (series, self);
      gtk_widget_unparent (layer);
    }

  before = position > 0 ? nth_child (widget, position - 1) : NULL;

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(WvSeries) series = g_list_model_get_item (model, position + i);
      GtkWidget *layer = wv_line_layer_new (series);

      g_signal_connect_object (series, "items-changed",
                               G_CALLBACK (series_items_changed_cb),
                               self, G_CONNECT_SWAPPED);
      g_signal_connect_object (series, "notify",
                               G_CALLBACK (series_notify_cb),
                               self, G_CONNECT_SWAPPED);

      gtk_widget_insert_after (layer, widget, before);
      before = layer;
    }

  invalidate (self);
}

static void
wv_time_chart_dispose (GObject *object)
{
  WvTimeChart *self = (WvTimeChart *)object;

  g_clear_handle_id (&self->redraw_id, g_source_remove);

  /* Removing the series through the list drops the layers and the
   * handlers on each series; only then stop listening to the list. */
  if (self->series != NULL)
    {
      wv_time_chart_remove_all (self);
      g_signal_handlers_disconnect_by_data (self->series, self);
      g_clear_object (&self->series);
    }

  if (self->format_destroy != NULL)
    self->format_destroy (self->format_data);
  self->format_func = NULL;
  self->format_data = NULL;
  self->format_destroy = NULL;

  g_clear_object (&self->y_axis);

  G_OBJECT_CLASS (wv_time_chart_parent_class)->dispose (object);
}

static void
wv_time_chart_finalize (GObject *object)
{
  WvTimeChart *self = (WvTimeChart *)object;

  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->unit, g_free);
  g_clear_pointer (&self->spans, g_array_unref);

  G_OBJECT_CLASS (wv_time_chart_parent_class)->finalize (object);
}

static void
wv_time_chart_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  WvTimeChart *self = WV_TIME_CHART (object);

  switch (prop_id)
    {
    case PROP_INCLUDE_ZERO:
      g_value_set_boolean (value, self->include_zero);
      break;

    case PROP_NOW:
      g_value_set_double (value, self->now);
      break;

    case PROP_PAUSED:
      g_value_set_boolean (value, self->paused);
      break;

    case PROP_SERIES:
      g_value_set_object (value, self->series);
      break;

    case PROP_TIME_ORIGIN:
      g_value_set_int64 (value, self->time_origin);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_UNIT:
      g_value_set_string (value, self->unit);
      break;

    case PROP_WINDOW:
      g_value_set_double (value, self->window);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_time_chart_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  WvTimeChart *self = WV_TIME_CHART (object);

  switch (prop_id)
    {
    case PROP_INCLUDE_ZERO:
      wv_time_chart_set_include_zero (self, g_value_get_boolean (value));
      break;

    case PROP_NOW:
      wv_time_chart_set_now (self, g_value_get_double (value));
      break;

    case PROP_PAUSED:
      wv_time_chart_set_paused (self, g_value_get_boolean (value));
      break;

    case PROP_TIME_ORIGIN:
      wv_time_chart_set_time_origin (self, g_value_get_int64 (value));
      break;

    case PROP_TITLE:
      wv_time_chart_set_title (self, g_value_get_string (value));
      break;

    case PROP_UNIT:
      wv_time_chart_set_unit (self, g_value_get_string (value));
      break;

    case PROP_WINDOW:
      wv_time_chart_set_window (self, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_time_chart_class_init (WvTimeChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_time_chart_dispose;
  object_class->finalize = wv_time_chart_finalize;
  object_class->get_property = wv_time_chart_get_property;
  object_class->set_property = wv_time_chart_set_property;

  widget_class->css_changed = wv_time_chart_css_changed;
  widget_class->map = wv_time_chart_map;
  widget_class->measure = wv_time_chart_measure;
  widget_class->size_allocate = wv_time_chart_size_allocate;
  widget_class->snapshot = wv_time_chart_snapshot;
  widget_class->unmap = wv_time_chart_unmap;

  properties[PROP_INCLUDE_ZERO] =
    g_param_spec_boolean ("include-zero", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* NaN means "follow the clock" and is what a new chart holds; a
   * GParamSpecDouble cannot declare NaN as its default, hence the 0. */
  properties[PROP_NOW] =
    g_param_spec_double ("now", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SERIES] =
    g_param_spec_object ("series", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIME_ORIGIN] =
    g_param_spec_int64 ("time-origin", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_UNIT] =
    g_param_spec_string ("unit", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_WINDOW] =
    g_param_spec_double ("window", NULL, NULL,
                         WV_TIME_CHART_MIN_WINDOW, WV_TIME_CHART_MAX_WINDOW,
                         WV_TIME_CHART_DEFAULT_WINDOW,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "timechart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
wv_time_chart_init (WvTimeChart *self)
{
  GtkEventController *motion;

  self->series = g_list_store_new (WV_TYPE_SERIES);
  self->spans = g_array_new (FALSE, FALSE, sizeof (WvTimeSpan));
  self->y_axis = wv_chart_axis_new (0, 1);
  self->window = WV_TIME_CHART_DEFAULT_WINDOW;
  self->now = NAN;
  self->frozen_now = NAN;
  self->fixed_min = NAN;
  self->fixed_max = NAN;
  self->include_zero = TRUE;

  g_signal_connect_object (self->series, "items-changed",
                           G_CALLBACK (series_list_changed_cb),
                           self, G_CONNECT_SWAPPED);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "enter", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
}

GtkWidget *
wv_time_chart_new (void)
{
  return g_object_new (WV_TYPE_TIME_CHART, NULL);
}

/**
 * wv_time_chart_add_series:
 *
 * Shows @series on top of the series added before. Adding a series twice
 * does nothing.
 */
void
wv_time_chart_add_series (WvTimeChart *self,
                          WvSeries    *series)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));
  g_return_if_fail (WV_IS_SERIES (series));

  if (g_list_store_find (self->series, series, NULL))
    return;

  g_list_store_append (self->series, series);
}

void
wv_time_chart_remove_series (WvTimeChart *self,
                             WvSeries    *series)
{
  guint position;

  g_return_if_fail (WV_IS_TIME_CHART (self));
  g_return_if_fail (WV_IS_SERIES (series));

  if (g_list_store_find (self->series, series, &position))
    g_list_store_remove (self->series, position);
}

void
wv_time_chart_remove_all (WvTimeChart *self)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  g_list_store_remove_all (self->series);
}

/**
 * wv_time_chart_get_series:
 *
 * Returns: (transfer none): the series shown, a #GListModel of #WvSeries
 */
GListModel *
wv_time_chart_get_series (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), NULL);

  return G_LIST_MODEL (self->series);
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

const char *
wv_time_chart_get_title (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), NULL);

  return self->title;
}

void
wv_time_chart_set_title (WvTimeChart *self,
                         const char  *title)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  if (set_string (&self->title, title))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
      invalidate (self);
    }
}

const char *
wv_time_chart_get_unit (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), NULL);

  return self->unit;
}

/**
 * wv_time_chart_set_unit:
 * @unit: (nullable): e.g. "ms", "%", "bit/s"; shown after the title and
 *   passed to the formatter for tooltips
 */
void
wv_time_chart_set_unit (WvTimeChart *self,
                        const char  *unit)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  if (set_string (&self->unit, unit))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNIT]);
      invalidate (self);
    }
}

/**
 * wv_time_chart_set_formatter:
 * @func: (nullable): formats axis labels and tooltip values; %NULL for
 *   wv_format_decimal(). wv_format_si() suits throughput.
 */
void
wv_time_chart_set_formatter (WvTimeChart       *self,
                             WvValueFormatFunc  func,
                             gpointer           user_data,
                             GDestroyNotify     destroy)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  if (self->format_destroy != NULL)
    self->format_destroy (self->format_data);

  self->format_func = func;
  self->format_data = user_data;
  self->format_destroy = destroy;

  invalidate (self);
}

/**
 * wv_time_chart_format_value:
 * @with_unit: append the chart's unit
 *
 * Formats @value the way the chart does (axis labels use the tick step as
 * @resolution, tooltips a hundredth of it).
 *
 * Returns: (transfer full): the text
 */
char *
wv_time_chart_format_value (WvTimeChart *self,
                            double       value,
                            double       resolution,
                            gboolean     with_unit)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), NULL);

  return format_value (self, value, resolution, with_unit ? self->unit : NULL);
}

double
wv_time_chart_get_window (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), WV_TIME_CHART_DEFAULT_WINDOW);

  return self->window;
}

/**
 * wv_time_chart_set_window:
 * @seconds: visible time span (clamped to 1 s .. 1 day; non-finite values
 *   are ignored)
 */
void
wv_time_chart_set_window (WvTimeChart *self,
                          double       seconds)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  if (!isfinite (seconds))
    return;

  seconds = CLAMP (seconds, WV_TIME_CHART_MIN_WINDOW, WV_TIME_CHART_MAX_WINDOW);

  if (self->window == seconds)
    return;

  self->window = seconds;
  update_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WINDOW]);
  invalidate (self);
}

gboolean
wv_time_chart_get_paused (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), FALSE);

  return self->paused;
}

/**
 * wv_time_chart_set_paused:
 *
 * Freezes the view where it is; series keep collecting points (up to their
 * capacity) and the view jumps back to now when resumed.
 */
void
wv_time_chart_set_paused (WvTimeChart *self,
                          gboolean     paused)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  paused = !!paused;

  if (self->paused == paused)
    return;

  if (paused)
    {
      /* Freeze exactly what is on screen if something was drawn live. */
      if (self->have_frame && isnan (self->now))
        self->frozen_now = self->frame.t_end;
      else
        self->frozen_now = current_now (self);
    }

  self->paused = paused;
  update_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAUSED]);
  invalidate (self);
}

/**
 * wv_time_chart_get_now:
 *
 * Returns: the pinned right edge, or NaN while following the clock
 */
double
wv_time_chart_get_now (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), NAN);

  return self->now;
}

/**
 * wv_time_chart_set_now:
 * @now: time at the right edge, or NaN to follow the monotonic clock
 *   (infinities count as NaN)
 */
void
wv_time_chart_set_now (WvTimeChart *self,
                       double       now)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  if (!isfinite (now))
    now = NAN;

  if (self->now == now || (isnan (self->now) && isnan (now)))
    return;

  self->now = now;
  update_timer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOW]);
  invalidate (self);
}

gint64
wv_time_chart_get_time_origin (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), 0);

  return self->time_origin;
}

/**
 * wv_time_chart_set_time_origin:
 * @origin_usec: the g_get_monotonic_time() value that point time 0 stands
 *   for (e.g. the start of the measurement session)
 */
void
wv_time_chart_set_time_origin (WvTimeChart *self,
                               gint64       origin_usec)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  if (self->time_origin == origin_usec)
    return;

  self->time_origin = origin_usec;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_ORIGIN]);
  invalidate (self);
}

gboolean
wv_time_chart_get_include_zero (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), FALSE);

  return self->include_zero;
}

/**
 * wv_time_chart_set_include_zero:
 *
 * Whether the value axis always reaches 0 (default %TRUE: loss and
 * throughput read best from zero; turn it off for delay to see jitter).
 */
void
wv_time_chart_set_include_zero (WvTimeChart *self,
                                gboolean     include_zero)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  include_zero = !!include_zero;

  if (self->include_zero == include_zero)
    return;

  self->include_zero = include_zero;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INCLUDE_ZERO]);
  invalidate (self);
}

void
wv_time_chart_get_fixed_range (WvTimeChart *self,
                               double      *min,
                               double      *max)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  if (min != NULL)
    *min = self->fixed_min;
  if (max != NULL)
    *max = self->fixed_max;
}

/**
 * wv_time_chart_set_fixed_range:
 * @min: lower bound of the value axis, or NaN for automatic
 * @max: upper bound, or NaN for automatic
 *
 * E.g. (0, 100) for a loss chart in percent. The axis still rounds to nice
 * tick values.
 */
void
wv_time_chart_set_fixed_range (WvTimeChart *self,
                               double       min,
                               double       max)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  self->fixed_min = isfinite (min) ? min : NAN;
  self->fixed_max = isfinite (max) ? max : NAN;

  invalidate (self);
}

/**
 * wv_time_chart_get_y_axis:
 *
 * Returns: (transfer none): the value axis, as of the last frame drawn
 */
WvChartAxis *
wv_time_chart_get_y_axis (WvTimeChart *self)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), NULL);

  return self->y_axis;
}

/**
 * wv_time_chart_get_plot_area:
 * @out: (out): the plot rectangle of the last frame drawn, in widget
 *   coordinates (empty before the first frame)
 */
void
wv_time_chart_get_plot_area (WvTimeChart     *self,
                             graphene_rect_t *out)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));
  g_return_if_fail (out != NULL);

  if (self->have_frame)
    *out = self->frame.plot;
  else
    graphene_rect_init (out, 0, 0, 0, 0);
}

/**
 * wv_time_chart_get_time_range:
 *
 * The times at the left and right edges of the last frame drawn (NaN
 * before the first frame).
 */
void
wv_time_chart_get_time_range (WvTimeChart *self,
                              double      *t_start,
                              double      *t_end)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));

  if (t_start != NULL)
    *t_start = self->have_frame ? self->frame.t_start : NAN;
  if (t_end != NULL)
    *t_end = self->have_frame ? self->frame.t_end : NAN;
}

void
wv_time_chart_get_y_ticks (WvTimeChart *self,
                           WvAxisTicks *out)
{
  g_return_if_fail (WV_IS_TIME_CHART (self));
  g_return_if_fail (out != NULL);

  *out = self->y_ticks;
}

static int
compare_picks (gconstpointer a,
               gconstpointer b)
{
  const WvChartPick *pa = a;
  const WvChartPick *pb = b;

  return (pa->distance > pb->distance) - (pa->distance < pb->distance);
}

/**
 * wv_time_chart_pick_all:
 * @x: pointer position in widget coordinates
 * @y: pointer position in widget coordinates
 * @radius: how far (pixels) a point may be from the pointer
 * @out: (array length=n_out) (out caller-allocates): the picks
 * @n_out: room in @out
 *
 * For each visible series, finds the drawn point nearest to (@x, @y)
 * within @radius, using the layout of the last frame drawn; returns them
 * nearest first.
 *
 * Returns: the number of picks stored in @out
 */
guint
wv_time_chart_pick_all (WvTimeChart *self,
                        double       x,
                        double       y,
                        double       radius,
                        WvChartPick *out,
                        guint        n_out)
{
  g_autoptr(GArray) picks = NULL;
  const WvChartFrame *frame = &self->frame;
  GListModel *model;
  double scale, t_lo, t_hi;
  guint n;

  g_return_val_if_fail (WV_IS_TIME_CHART (self), 0);
  g_return_val_if_fail (out != NULL || n_out == 0, 0);

  if (!self->have_frame || n_out == 0 || !isfinite (x) || !isfinite (y) ||
      !isfinite (radius) || radius < 0 ||
      frame->plot.size.width < 1 || frame->plot.size.height < 1)
    return 0;

  if (x < frame->plot.origin.x - radius ||
      x > frame->plot.origin.x + frame->plot.size.width + radius ||
      y < frame->plot.origin.y - radius ||
      y > frame->plot.origin.y + frame->plot.size.height + radius)
    return 0;

  scale = frame->plot.size.width / (frame->t_end - frame->t_start);
  t_lo = MAX (frame->t_start, frame->t_start + (x - radius - frame->plot.origin.x - 1) / scale);
  t_hi = MIN (frame->t_end, frame->t_start + (x + radius - frame->plot.origin.x + 1) / scale);

  picks = g_array_new (FALSE, FALSE, sizeof (WvChartPick));
  model = G_LIST_MODEL (self->series);
  n = g_list_model_get_n_items (model);

  for (guint s = 0; s < n; s++)
    {
      g_autoptr(WvSeries) series = g_list_model_get_item (model, s);
      WvChartPick best = { .distance = G_MAXDOUBLE };
      guint n_points;

      if (!wv_series_get_visible (series))
        continue;

      n_points = wv_series_get_n_points (series);

      for (guint i = wv_series_lower_bound (series, t_lo); i < n_points; i++)
        {
          WvPoint p;
          double px, py, d;

          wv_series_get_point (series, i, &p);

          if (p.time > t_hi)
            break;

          if (isnan (p.value))
            continue;

          /* Where the layer draws it: the centre of its pixel column. */
          px = frame->plot.origin.x +
               MIN (floor ((p.time - frame->t_start) * scale), frame->plot.size.width - 1) + 0.5;
          py = floor (wv_chart_frame_value_to_y (frame, p.value)) + 0.5;
          d = hypot (px - x, py - y);

          if (d <= radius && d < best.distance)
            best = (WvChartPick) { series, i, p.time, p.value, px, py, d };
        }

      if (best.series != NULL)
        g_array_append_val (picks, best);
    }

  g_array_sort (picks, compare_picks);

  n = MIN (picks->len, n_out);
  for (guint i = 0; i < n; i++)
    out[i] = g_array_index (picks, WvChartPick, i);

  return n;
}

/**
 * wv_time_chart_pick:
 * @out: (out): the point nearest to (@x, @y) over all visible series
 *
 * Returns: %FALSE if no drawn point lies within @radius pixels
 */
gboolean
wv_time_chart_pick (WvTimeChart *self,
                    double       x,
                    double       y,
                    double       radius,
                    WvChartPick *out)
{
  g_return_val_if_fail (WV_IS_TIME_CHART (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  return wv_time_chart_pick_all (self, x, y, radius, out, 1) == 1;
}

static const char *
line_sample (WvLineStyle style)
{
  switch (style)
    {
    case WV_LINE_STYLE_DASHED:
      return "╍╍";
    case WV_LINE_STYLE_DOTTED:
      return "┅┅";
    case WV_LINE_STYLE_SOLID:
    default:
      return "━━";
    }
}

/**
 * wv_time_chart_get_tooltip_markup:
 *
 * The tooltip the chart shows with the pointer at (@x, @y): the values of
 * the series nearest to the pointer (nearest first, up to six), each with
 * a line sample in its colour, its label, its value with the unit and,
 * when it differs from the first, its time.
 *
 * Returns: (transfer full) (nullable): Pango markup, or %NULL if no point
 *   is near
 */
char *
wv_time_chart_get_tooltip_markup (WvTimeChart *self,
                                  double       x,
                                  double       y)
{
  WvChartPick picks[TOOLTIP_LINES];
  GString *markup;
  guint n;

  g_return_val_if_fail (WV_IS_TIME_CHART (self), NULL);

  n = wv_time_chart_pick_all (self, x, y, PICK_RADIUS, picks, G_N_ELEMENTS (picks));
  if (n == 0)
    return NULL;

  markup = g_string_new (NULL);
  g_string_append_printf (markup, "<b>%.2f s ago</b>", self->frame.t_end - picks[0].time);

  for (guint i = 0; i < n; i++)
    {
      const char *label = wv_series_get_label (picks[i].series);
      g_autofree char *escaped = g_markup_escape_text (label ? label : "", -1);
      g_autofree char *value = format_value (self, picks[i].value, self->y_ticks.step / 100, self->unit);
      g_autofree char *value_escaped = g_markup_escape_text (value, -1);
      GdkRGBA color;

      /* Tooltips are dark in both Adwaita variants: use the dark-theme
       * colours there. */
      wv_chart_palette_get (wv_series_get_color_index (picks[i].series), TRUE, &color);

      g_string_append_printf (markup,
                              "\n<span foreground=\"#%02x%02x%02x\">%s</span> %s  <b>%s</b>",
                              (guint) (color.red * 255 + 0.5),
                              (guint) (color.green * 255 + 0.5),
                              (guint) (color.blue * 255 + 0.5),
                              line_sample (wv_series_get_line_style (picks[i].series)),
                              escaped,
                              value_escaped);

      if (fabs (picks[i].time - picks[0].time) >= 0.005)
        g_string_append_printf (markup, " <small>(%.2f s ago)</small>",
                                self->frame.t_end - picks[i].time);
    }

  return g_string_free (markup, FALSE);
}

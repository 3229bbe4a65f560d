/* wv-series.c: a fixed-capacity ring buffer of (time, value) points
 *
 * A series keeps the newest `capacity` points sorted by time, dropping the
 * oldest when full, and is a GListModel of WvSeriesPoint so that ordinary
 * list widgets can show it. Charts do not go through the list model: they
 * read the ring directly (wv_series_decimate() and friends), which is what
 * keeps 64 series of 6000 points cheap to draw at every frame.
 *
 * Like any GObject feeding widgets, a series is used from the GTK main
 * context only: engine threads hand their points over with
 * g_main_context_invoke() (ideally batched, see wv_series_append_points()).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <math.h>

#include "wv-series.h"
#include "wv-series-point.h"

struct _WvSeries
{
  GObject parent_instance;

  WvPoint *points;
  guint capacity;
  guint head;     /* ring index of the oldest point */
  guint len;

  guint64 n_rejected;

  char *label;
  guint color_index;
  WvLineStyle line_style;
  double gap_threshold;

  guint visible : 1;
};

enum {
  PROP_0,
  PROP_CAPACITY,
  PROP_COLOR_INDEX,
  PROP_GAP_THRESHOLD,
  PROP_LABEL,
  PROP_LINE_STYLE,
  PROP_VISIBLE,
  N_PROPS
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_ENUM_TYPE (WvLineStyle, wv_line_style,
                    G_DEFINE_ENUM_VALUE (WV_LINE_STYLE_SOLID, "solid"),
                    G_DEFINE_ENUM_VALUE (WV_LINE_STYLE_DASHED, "dashed"),
                    G_DEFINE_ENUM_VALUE (WV_LINE_STYLE_DOTTED, "dotted"))

G_DEFINE_FINAL_TYPE_WITH_CODE (WvSeries, wv_series, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GParamSpec *properties[N_PROPS];

static inline WvPoint *
point_at (WvSeries *self,
          guint     index)
{
  guint ring = self->head + index;

  if (ring >= self->capacity)
    ring -= self->capacity;

  return &self->points[ring];
}

static GType
wv_series_get_item_type (GListModel *model)
{
  return WV_TYPE_SERIES_POINT;
}

static guint
wv_series_get_n_items (GListModel *model)
{
  return WV_SERIES (model)->len;
}

static gpointer
wv_series_get_item (GListModel *model,
                    guint       position)
{
  WvSeries *self = WV_SERIES (model);
  const WvPoint *p;

  if (position >= self->len)
    return NULL;

  p = point_at (self, position);

  return wv_series_point_new (p->time, p->value);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = wv_series_get_item_type;
  iface->get_n_items = wv_series_get_n_items;
  iface->get_item = wv_series_get_item;
}

static void
wv_series_finalize (GObject *object)
{
  WvSeries *self = (WvSeries *)object;

  g_clear_pointer (&self->points, g_free);
  g_clear_pointer (&self->label, g_free);

  G_OBJECT_CLASS (wv_series_parent_class)->finalize (object);
}

static void
wv_series_constructed (GObject *object)
{
  WvSeries *self = (WvSeries *)object;

  G_OBJECT_CLASS (wv_series_parent_class)->constructed (object);

  self->points = g_new (WvPoint, self->capacity);
}

static void
wv_series_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  WvSeries *self = WV_SERIES (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      g_value_set_uint (value, self->capacity);
      break;

    case PROP_COLOR_INDEX:
      g_value_set_uint (value, self->color_index);
      break;

    case PROP_GAP_THRESHOLD:
      g_value_set_double (value, self->gap_threshold);
      break;

    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;

    case PROP_LINE_STYLE:
      g_value_set_enum (value, self->line_style);
      break;

    case PROP_VISIBLE:
      g_value_set_boolean (value, self->visible);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_series_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  WvSeries *self = WV_SERIES (object);

  switch (prop_id)
    {
    case PROP_CAPACITY:
      self->capacity = g_value_get_uint (value);
      break;

    case PROP_COLOR_INDEX:
      wv_series_set_color_index (self, g_value_get_uint (value));
      break;

    case PROP_GAP_THRESHOLD:
      wv_series_set_gap_threshold (self, g_value_get_double (value));
      break;

    case PROP_LABEL:
      wv_series_set_label (self, g_value_get_string (value));
      break;

    case PROP_LINE_STYLE:
      wv_series_set_line_style (self, g_value_get_enum (value));
      break;

    case PROP_VISIBLE:
      wv_series_set_visible (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_series_class_init (WvSeriesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = wv_series_constructed;
  object_class->finalize = wv_series_finalize;
  object_class->get_property = wv_series_get_property;
  object_class->set_property = wv_series_set_property;

  properties[PROP_CAPACITY] =
    g_param_spec_uint ("capacity", NULL, NULL,
                       1, WV_SERIES_MAX_CAPACITY, WV_SERIES_DEFAULT_CAPACITY,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_COLOR_INDEX] =
    g_param_spec_uint ("color-index", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_GAP_THRESHOLD] =
    g_param_spec_double ("gap-threshold", NULL, NULL,
                         0, G_MAXDOUBLE, WV_SERIES_DEFAULT_GAP_THRESHOLD,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LINE_STYLE] =
    g_param_spec_enum ("line-style", NULL, NULL,
                       WV_TYPE_LINE_STYLE, WV_LINE_STYLE_SOLID,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_VISIBLE] =
    g_param_spec_boolean ("visible", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wv_series_init (WvSeries *self)
{
  self->capacity = WV_SERIES_DEFAULT_CAPACITY;
  self->gap_threshold = WV_SERIES_DEFAULT_GAP_THRESHOLD;
  self->visible = TRUE;
}

/**
 * wv_series_new:
 * @label: (nullable): the name shown in tooltips
 * @capacity: how many points to keep (0 for %WV_SERIES_DEFAULT_CAPACITY;
 *   clamped to %WV_SERIES_MAX_CAPACITY)
 */
WvSeries *
wv_series_new (const char *label,
               guint       capacity)
{
  if (capacity == 0)
    capacity = WV_SERIES_DEFAULT_CAPACITY;

  return g_object_new (WV_TYPE_SERIES,
                       "label", label,
                       "capacity", MIN (capacity, WV_SERIES_MAX_CAPACITY),
                       NULL);
}

guint
wv_series_get_capacity (WvSeries *self)
{
  g_return_val_if_fail (WV_IS_SERIES (self), 0);

  return self->capacity;
}

guint
wv_series_get_n_points (WvSeries *self)
{
  g_return_val_if_fail (WV_IS_SERIES (self), 0);

  return self->len;
}

/**
 * wv_series_get_point:
 * @index: 0 for the oldest point kept
 * @out: (out): the point
 *
 * Returns: %FALSE if @index is out of range
 */
gboolean
wv_series_get_point (WvSeries *self,
                     guint     index,
                     WvPoint  *out)
{
  g_return_val_if_fail (WV_IS_SERIES (self), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (index >= self->len)
    return FALSE;

  *out = *point_at (self, index);

  return TRUE;
}

/**
 * wv_series_lower_bound:
 *
 * Returns: the index of the first point whose time is >= @time (the number
 *   of points if there is none)
 */
guint
wv_series_lower_bound (WvSeries *self,
                       double    time)
{
  guint lo = 0;
  guint hi;

  g_return_val_if_fail (WV_IS_SERIES (self), 0);

  hi = self->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (point_at (self, mid)->time < time)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* Index after the last point whose time is <= @time: inserting there keeps
 * points of equal time in arrival order. */
static guint
upper_bound (WvSeries *self,
             double    time)
{
  guint lo = 0;
  guint hi = self->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (point_at (self, mid)->time <= time)
        lo = mid + 1;
      else
        hi = mid;
    }

  return lo;
}

/* Stores one point without telling anyone. Returns FALSE if the point is
 * refused; otherwise @position is where it went and @dropped tells whether
 * the oldest point had to go to make room. */
static gboolean
insert_point (WvSeries *self,
              double    time,
              double    value,
              guint    *position,
              gboolean *dropped)
{
  guint pos;

  *dropped = FALSE;

  /* Most points arrive in order: the common case is one comparison. */
  if (self->len == 0 || point_at (self, self->len - 1)->time <= time)
    pos = self->len;
  else
    pos = upper_bound (self, time);

  if (self->len == self->capacity)
    {
      /* Older than everything kept: it would be dropped at once. */
      if (pos == 0)
        return FALSE;

      self->head = (self->head + 1) % self->capacity;
      self->len--;
      pos--;
      *dropped = TRUE;
    }

  /* Late point (reordered delivery): shift the newer ones up by one. */
  for (guint i = self->len; i > pos; i--)
    *point_at (self, i) = *point_at (self, i - 1);

  *point_at (self, pos) = (WvPoint) { time, value };
  self->len++;
  *position = pos;

  return TRUE;
}

/**
 * wv_series_append:
 * @time: seconds on the chart's clock
 * @value: the value
 *
 * Adds a point, keeping the series sorted by time: a point older than the
 * newest one (reordered delivery) is inserted where it belongs. When the
 * series is full the oldest point is dropped. Emits
 * #GListModel::items-changed.
 *
 * Returns: %TRUE if the point was stored; %FALSE if @time or @value is not
 *   finite (counted by wv_series_get_n_rejected()) or if the series is full
 *   and the point is older than all kept points.
 */
gboolean
wv_series_append (WvSeries *self,
                  double    time,
                  double    value)
{
  gboolean dropped;
  guint pos;

  g_return_val_if_fail (WV_IS_SERIES (self), FALSE);

  if (!isfinite (time) || !isfinite (value))
    {
      self->n_rejected++;
      return FALSE;
    }

  if (!insert_point (self, time, value, &pos, &dropped))
    return FALSE;

  if (dropped)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 1, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);

  return TRUE;
}

/**
 * wv_series_append_points:
 * @points: (array length=n_points): points to add
 * @n_points: number of points
 *
 * Adds several points as wv_series_append() does, but tells listeners once
 * (twice when old points were dropped) instead of once per point.
 *
 * Returns: how many points were stored
 */
guint
wv_series_append_points (WvSeries      *self,
                         const WvPoint *points,
                         guint          n_points)
{
  guint old_len;
  guint stored = 0;
  gboolean all_at_end = TRUE;

  g_return_val_if_fail (WV_IS_SERIES (self), 0);
  g_return_val_if_fail (points != NULL || n_points == 0, 0);

  old_len = self->len;

  for (guint i = 0; i < n_points; i++)
    {
      gboolean dropped;
      guint pos;

      if (!isfinite (points[i].time) || !isfinite (points[i].value))
        {
          self->n_rejected++;
          continue;
        }

      if (!insert_point (self, points[i].time, points[i].value, &pos, &dropped))
        continue;

      stored++;

      if (pos != self->len - 1)
        all_at_end = FALSE;
    }

  if (stored == 0)
    return 0;

  if (all_at_end)
    {
      /* The newest min (stored, capacity) points are the new ones; what
       * remains before them is what survived of the old contents. */
      guint kept_new = MIN (stored, self->capacity);
      guint survivors = self->len - kept_new;
      guint removed = old_len - survivors;

      if (removed > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
      g_list_model_items_changed (G_LIST_MODEL (self), survivors, 0, kept_new);
    }
  else
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->len);
    }

  return stored;
}

/**
 * wv_series_append_break:
 * @time: when the data stopped (or the connection went down)
 *
 * Stores a marker that the line must not cross, for an outage shorter than
 * #WvSeries:gap-threshold that should still show. Ignored on an empty
 * series, after another break, or if @time is not finite.
 */
void
wv_series_append_break (WvSeries *self,
                        double    time)
{
  gboolean dropped;
  guint pos;

  g_return_if_fail (WV_IS_SERIES (self));

  if (!isfinite (time) || self->len == 0)
    return;

  if (isnan (point_at (self, self->len - 1)->value))
    return;

  if (!insert_point (self, time, NAN, &pos, &dropped))
    return;

  if (dropped)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 1, 0);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 0, 1);
}

void
wv_series_clear (WvSeries *self)
{
  guint old_len;

  g_return_if_fail (WV_IS_SERIES (self));

  old_len = self->len;
  self->head = 0;
  self->len = 0;

  if (old_len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, 0);
}

/**
 * wv_series_get_n_rejected:
 *
 * Returns: how many points were refused because their time or value was
 *   NaN or infinite
 */
guint64
wv_series_get_n_rejected (WvSeries *self)
{
  g_return_val_if_fail (WV_IS_SERIES (self), 0);

  return self->n_rejected;
}

const char *
wv_series_get_label (WvSeries *self)
{
  g_return_val_if_fail (WV_IS_SERIES (self), NULL);

  return self->label;
}

void
wv_series_set_label (WvSeries   *self,
                     const char *label)
{
  g_return_if_fail (WV_IS_SERIES (self));

  if (g_strcmp0 (self->label, label) == 0)
    return;

  g_free (self->label);
  self->label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

guint
wv_series_get_color_index (WvSeries *self)
{
  g_return_val_if_fail (WV_IS_SERIES (self), 0);

  return self->color_index;
}

/**
 * wv_series_set_color_index:
 * @color_index: index into the chart palette (wraps around after
 *   %WV_CHART_PALETTE_SIZE); charts pick the light- or dark-theme variant
 */
void
wv_series_set_color_index (WvSeries *self,
                           guint     color_index)
{
  g_return_if_fail (WV_IS_SERIES (self));

  if (self->color_index == color_index)
    return;

  self->color_index = color_index;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR_INDEX]);
}

WvLineStyle
wv_series_get_line_style (WvSeries *self)
{
  g_return_val_if_fail (WV_IS_SERIES (self), WV_LINE_STYLE_SOLID);

  return self->line_style;
}

void
wv_series_set_line_style (WvSeries    *self,
                          WvLineStyle  line_style)
{
  g_return_if_fail (WV_IS_SERIES (self));
  g_return_if_fail (line_style <= WV_LINE_STYLE_DOTTED);

  if (self->line_style == line_style)
    return;

  self->line_style = line_style;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINE_STYLE]);
}

gboolean
wv_series_get_visible (WvSeries *self)
{
  g_return_val_if_fail (WV_IS_SERIES (self), FALSE);

  return self->visible;
}

void
wv_series_set_visible (WvSeries *self,
                       gboolean  visible)
{
  g_return_if_fail (WV_IS_SERIES (self));

  visible = !!visible;

  if (self->visible == visible)
    return;

  self->visible = visible;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE]);
}

double
wv_series_get_gap_threshold (WvSeries *self)
{
  g_return_val_if_fail (WV_IS_SERIES (self), WV_SERIES_DEFAULT_GAP_THRESHOLD);

  return self->gap_threshold;
}

/**
 * wv_series_set_gap_threshold:
 * @seconds: two consecutive points further apart than this are not joined
 *   by a line (default %WV_SERIES_DEFAULT_GAP_THRESHOLD; non-finite or
 *   negative values are ignored)
 */
void
wv_series_set_gap_threshold (WvSeries *self,
                             double    seconds)
{
  g_return_if_fail (WV_IS_SERIES (self));

  if (!isfinite (seconds) || seconds < 0)
    return;

  if (self->gap_threshold == seconds)
    return;

  self->gap_threshold = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GAP_THRESHOLD]);
}

/**
 * wv_series_find_nearest:
 * @time: the time to look for
 * @index: (out): the index of the point nearest in time (breaks skipped)
 *
 * Returns: %FALSE if the series holds no value
 */
gboolean
wv_series_find_nearest (WvSeries *self,
                        double    time,
                        guint    *index)
{
  guint after;
  gint before;
  gboolean have_after = FALSE;
  gboolean have_before = FALSE;

  g_return_val_if_fail (WV_IS_SERIES (self), FALSE);
  g_return_val_if_fail (index != NULL, FALSE);

  if (!isfinite (time))
    return FALSE;

  after = wv_series_lower_bound (self, time);
  before = (gint) after - 1;

  while (after < self->len && isnan (point_at (self, after)->value))
    after++;
  have_after = after < self->len;

  while (before >= 0 && isnan (point_at (self, before)->value))
    before--;
  have_before = before >= 0;

  if (!have_after && !have_before)
    return FALSE;

  if (have_after && have_before)
    {
      /* Ties go to the earlier point. */
      if (point_at (self, after)->time - time < time - point_at (self, before)->time)
        *index = after;
      else
        *index = before;
    }
  else if (have_after)
    {
      *index = after;
    }
  else
    {
      *index = before;
    }

  return TRUE;
}

/**
 * wv_series_get_value_range:
 * @min: (out) (optional): smallest value with t_start <= time <= t_end
 * @max: (out) (optional): largest such value
 *
 * Returns: %FALSE if no value lies in the range (@min and @max untouched)
 */
gboolean
wv_series_get_value_range (WvSeries *self,
                           double    t_start,
                           double    t_end,
                           double   *min,
                           double   *max)
{
  double lo = INFINITY;
  double hi = -INFINITY;

  g_return_val_if_fail (WV_IS_SERIES (self), FALSE);

  for (guint i = wv_series_lower_bound (self, t_start); i < self->len; i++)
    {
      const WvPoint *p = point_at (self, i);

      if (p->time > t_end)
        break;

      /* NaN (a break) fails both comparisons. */
      if (p->value < lo)
        lo = p->value;
      if (p->value > hi)
        hi = p->value;
    }

  if (lo > hi)
    return FALSE;

  if (min != NULL)
    *min = lo;
  if (max != NULL)
    *max = hi;

  return TRUE;
}

typedef struct
{
  GArray *out;
  double column;
  double min;
  double max;
  guint min_order;
  guint max_order;
  gboolean have_column;
  gboolean move_to;
} Decimator;

static void
decimator_emit (Decimator *d,
                double     x,
                double     value)
{
  WvDecimatedPoint p = { x, value, d->move_to };

  g_array_append_val (d->out, p);
  d->move_to = FALSE;
}

static void
decimator_flush (Decimator *d)
{
  double x;

  if (!d->have_column)
    return;

  x = d->column + 0.5;

  /* The extremes, in the order they happened, are all a pixel column can
   * show of its points: a vertical stroke from one to the other. */
  if (d->min == d->max)
    {
      decimator_emit (d, x, d->min);
    }
  else if (d->min_order < d->max_order)
    {
      decimator_emit (d, x, d->min);
      decimator_emit (d, x, d->max);
    }
  else
    {
      decimator_emit (d, x, d->max);
      decimator_emit (d, x, d->min);
    }

  d->have_column = FALSE;
}

static void
decimator_add (Decimator *d,
               double     column,
               guint      order,
               double     value)
{
  if (d->have_column && column != d->column)
    decimator_flush (d);

  if (!d->have_column)
    {
      d->have_column = TRUE;
      d->column = column;
      d->min = d->max = value;
      d->min_order = d->max_order = order;
      return;
    }

  if (value < d->min)
    {
      d->min = value;
      d->min_order = order;
    }

  if (value > d->max)
    {
      d->max = value;
      d->max_order = order;
    }
}

/**
 * wv_series_decimate:
 * @t_start: time at the left edge of the plot
 * @t_end: time at the right edge
 * @n_columns: plot width in pixels
 * @out: (element-type WvDecimatedPoint): cleared, then filled
 *
 * Reduces the points in [@t_start, @t_end] to what a polyline @n_columns
 * pixels wide can show: per pixel column the minimum and maximum in the
 * order they occurred (one point when they are equal), at the centre of
 * the column. The nearest point on either side of the range is kept too
 * (at its exact x, outside the plot) so that lines run to the edges. Lines
 * are broken (@move_to) at stored breaks and where consecutive points are
 * more than #WvSeries:gap-threshold apart.
 *
 * Returns: the number of points in @out: at most 2 * @n_columns + 2
 *   (plus 2 per gap that splits a column)
 */
guint
wv_series_decimate (WvSeries *self,
                    double    t_start,
                    double    t_end,
                    guint     n_columns,
                    GArray   *out)
{
  Decimator d = { 0 };
  double scale;
  double prev_time = NAN;
  guint first;

  g_return_val_if_fail (WV_IS_SERIES (self), 0);
  g_return_val_if_fail (out != NULL, 0);
  g_return_val_if_fail (g_array_get_element_size (out) == sizeof (WvDecimatedPoint), 0);

  g_array_set_size (out, 0);

  if (n_columns == 0 || self->len == 0 ||
      !isfinite (t_start) || !isfinite (t_end) || !(t_end > t_start))
    return 0;

  d.out = out;
  d.move_to = TRUE;
  scale = n_columns / (t_end - t_start);

  first = wv_series_lower_bound (self, t_start);
  if (first > 0)
    first--;

  for (guint i = first; i < self->len; i++)
    {
      const WvPoint *p = point_at (self, i);

      if (isnan (p->value))
        {
          decimator_flush (&d);
          d.move_to = TRUE;
          prev_time = NAN;

          if (p->time > t_end)
            break;

          continue;
        }

      if (!isnan (prev_time) && p->time - prev_time > self->gap_threshold)
        {
          decimator_flush (&d);
          d.move_to = TRUE;
        }

      prev_time = p->time;

      if (p->time < t_start)
        {
          decimator_emit (&d, (p->time - t_start) * scale, p->value);
          continue;
        }

      if (p->time > t_end)
        {
          decimator_flush (&d);
          decimator_emit (&d, (p->time - t_start) * scale, p->value);
          break;
        }

      decimator_add (&d,
                     MIN (floor ((p->time - t_start) * scale), n_columns - 1),
                     i,
                     p->value);
    }

  decimator_flush (&d);

  return out->len;
}

/* wv-chart-axis.c: a value range that layers normalise their data against
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <math.h>

#include "wv-chart-axis.h"

struct _WvChartAxis
{
  GObject parent_instance;

  double min;
  double max;
};

enum {
  PROP_0,
  PROP_MIN,
  PROP_MAX,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (WvChartAxis, wv_chart_axis, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
wv_chart_axis_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  WvChartAxis *self = WV_CHART_AXIS (object);

  switch (prop_id)
    {
    case PROP_MIN:
      g_value_set_double (value, self->min);
      break;

    case PROP_MAX:
      g_value_set_double (value, self->max);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_chart_axis_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  WvChartAxis *self = WV_CHART_AXIS (object);

  switch (prop_id)
    {
    case PROP_MIN:
      wv_chart_axis_set_range (self, g_value_get_double (value), self->max);
      break;

    case PROP_MAX:
      wv_chart_axis_set_range (self, self->min, g_value_get_double (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_chart_axis_class_init (WvChartAxisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wv_chart_axis_get_property;
  object_class->set_property = wv_chart_axis_set_property;

  properties[PROP_MIN] =
    g_param_spec_double ("min", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MAX] =
    g_param_spec_double ("max", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 1,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wv_chart_axis_init (WvChartAxis *self)
{
  self->min = 0;
  self->max = 1;
}

WvChartAxis *
wv_chart_axis_new (double min,
                   double max)
{
  WvChartAxis *self = g_object_new (WV_TYPE_CHART_AXIS, NULL);

  wv_chart_axis_set_range (self, min, max);

  return self;
}

void
wv_chart_axis_get_range (WvChartAxis *self,
                         double      *min,
                         double      *max)
{
  g_return_if_fail (WV_IS_CHART_AXIS (self));

  if (min != NULL)
    *min = self->min;
  if (max != NULL)
    *max = self->max;
}

/**
 * wv_chart_axis_set_range:
 *
 * Sets the range; non-finite bounds are refused (the range stays as it
 * was) so that one bad value cannot make every layer draw nothing.
 */
void
wv_chart_axis_set_range (WvChartAxis *self,
                         double       min,
                         double       max)
{
  g_return_if_fail (WV_IS_CHART_AXIS (self));

  if (!isfinite (min) || !isfinite (max))
    return;

  if (min > max)
    {
      double tmp = min;
      min = max;
      max = tmp;
    }

  g_object_freeze_notify (G_OBJECT (self));

  if (min != self->min)
    {
      self->min = min;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN]);
    }

  if (max != self->max)
    {
      self->max = max;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX]);
    }

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * wv_chart_axis_normalize:
 *
 * Returns: @value mapped so that the range minimum is 0 and the maximum 1
 *   (values outside the range map outside 0..1; an empty range maps
 *   everything to 0.5).
 */
double
wv_chart_axis_normalize (WvChartAxis *self,
                         double       value)
{
  double span;

  g_return_val_if_fail (WV_IS_CHART_AXIS (self), 0);

  span = self->max - self->min;

  if (!(span > 0) || !isfinite (span))
    return 0.5;

  return (value - self->min) / span;
}

/**
 * wv_chart_axis_nice_ticks:
 * @data_min: smallest value to show
 * @data_max: largest value to show
 * @max_intervals: at most this many intervals between ticks (1 .. 100)
 * @out: (out): the ticks
 *
 * Picks a step of 1, 2 or 5 times a power of ten so that ticks at multiples
 * of the step cover [@data_min, @data_max] in at most @max_intervals
 * intervals, using the smallest such step. An empty range (min == max) is
 * widened by 10 % of the value either way ([0, 1] for 0) so that a
 * constant series draws in the middle instead of on the frame.
 *
 * Returns: %FALSE if the bounds are not finite (@out is then untouched)
 */
gboolean
wv_chart_axis_nice_ticks (double       data_min,
                          double       data_max,
                          guint        max_intervals,
                          WvAxisTicks *out)
{
  static const double multipliers[] = { 1, 2, 5 };
  double span;
  double min_span;
  double magnitude;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!isfinite (data_min) || !isfinite (data_max))
    return FALSE;

  if (data_min > data_max)
    {
      double tmp = data_min;
      data_min = data_max;
      data_max = tmp;
    }

  max_intervals = CLAMP (max_intervals, 1, WV_CHART_AXIS_MAX_INTERVALS);

  if (data_min == data_max)
    {
      if (data_min == 0)
        {
          data_max = 1;
        }
      else
        {
          double pad = fabs (data_min) * 0.1;

          data_min -= pad;
          data_max += pad;
        }
    }

  span = data_max - data_min;

  /* Both ends near ±DBL_MAX: the span overflows and nothing "nice" exists. */
  if (!isfinite (span))
    {
      out->min = data_min;
      out->max = data_max;
      out->step = data_max / max_intervals - data_min / max_intervals;
      out->n_intervals = max_intervals;
      return TRUE;
    }

  /* A range narrower than what doubles resolve around its values would give
   * ticks that all print alike; widen it to something representable. */
  min_span = MAX (fabs (data_min), fabs (data_max)) * 1e-9;
  if (span < min_span)
    {
      double centre = data_min / 2 + data_max / 2;

      data_min = centre - min_span / 2;
      data_max = centre + min_span / 2;
      span = data_max - data_min;
    }

  magnitude = pow (10, floor (log10 (span / max_intervals)));

  for (guint power = 0; power < 4; power++, magnitude *= 10)
    {
      for (guint i = 0; i < G_N_ELEMENTS (multipliers); i++)
        {
          double step = multipliers[i] * magnitude;
          /* The epsilon keeps 0.6 / 0.2 = 2.9999999999999996 from adding
           * an interval. */
          double lo = floor (data_min / step + 1e-9);
          double hi = ceil (data_max / step - 1e-9);
          double n = hi - lo;

          if (n < 1)
            {
              hi = lo + 1;
              n = 1;
            }

          if (n <= max_intervals)
            {
              out->min = lo * step;
              out->max = hi * step;
              out->step = step;
              out->n_intervals = (guint) n;
              return TRUE;
            }
        }
    }

  /* Not reached for finite input: a step of 10 * span / max_intervals
   * always fits. Keep a sane answer anyway. */
  out->min = data_min;
  out->max = data_max;
  out->step = span / max_intervals;
  out->n_intervals = max_intervals;

  return TRUE;
}

/**
 * wv_chart_axis_time_step:
 * @window: visible time span in seconds
 * @max_intervals: at most this many grid intervals fit
 *
 * Returns: the grid step in seconds for a time axis: the smallest of
 *   0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h
 *   giving at most @max_intervals intervals over @window.
 */
double
wv_chart_axis_time_step (double window,
                         guint  max_intervals)
{
  static const double steps[] = {
    0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30,
    60, 120, 300, 600, 900, 1800, 3600,
  };

  if (!isfinite (window) || window <= 0)
    return 1;

  max_intervals = MAX (max_intervals, 1);

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      if (window / steps[i] <= max_intervals + 1e-9)
        return steps[i];
    }

  return steps[G_N_ELEMENTS (steps) - 1];
}

/* wv-series-point.c: one (time, value) sample as a GListModel item
 *
 * WvSeries stores plain structs; these objects are only created when a
 * consumer asks the list model for an item (a table view, an exporter), so
 * the charts never pay for them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <math.h>

#include "wv-series-point.h"

struct _WvSeriesPoint
{
  GObject parent_instance;

  double time;
  double value;
};

enum {
  PROP_0,
  PROP_TIME,
  PROP_VALUE,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (WvSeriesPoint, wv_series_point, G_TYPE_OBJECT)

static GParamSpec *properties[N_PROPS];

static void
wv_series_point_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  WvSeriesPoint *self = WV_SERIES_POINT (object);

  switch (prop_id)
    {
    case PROP_TIME:
      g_value_set_double (value, self->time);
      break;

    case PROP_VALUE:
      g_value_set_double (value, self->value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_series_point_class_init (WvSeriesPointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = wv_series_point_get_property;

  properties[PROP_TIME] =
    g_param_spec_double ("time", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /* NaN marks a break in the line (see wv_series_append_break()). */
  properties[PROP_VALUE] =
    g_param_spec_double ("value", NULL, NULL,
                         -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
wv_series_point_init (WvSeriesPoint *self)
{
}

WvSeriesPoint *
wv_series_point_new (double time,
                     double value)
{
  WvSeriesPoint *self = g_object_new (WV_TYPE_SERIES_POINT, NULL);

  self->time = time;
  self->value = value;

  return self;
}

double
wv_series_point_get_time (WvSeriesPoint *self)
{
  g_return_val_if_fail (WV_IS_SERIES_POINT (self), NAN);

  return self->time;
}

double
wv_series_point_get_value (WvSeriesPoint *self)
{
  g_return_val_if_fail (WV_IS_SERIES_POINT (self), NAN);

  return self->value;
}

/**
 * wv_series_point_is_break:
 *
 * Returns: %TRUE if this item marks a break in the line rather than a
 *   measured value
 */
gboolean
wv_series_point_is_break (WvSeriesPoint *self)
{
  g_return_val_if_fail (WV_IS_SERIES_POINT (self), FALSE);

  return isnan (self->value);
}

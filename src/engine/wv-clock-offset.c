/* wv-clock-offset.c: peer clock offset from echoed probes (min-delay filter)
 *
 * Copyright 2025 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-clock-offset"

#include <math.h>
#include <stdlib.h>

#include <glib.h>

#include "wv-clock-offset.h"

/* One bin of the skew fit: its sample of smallest delta. */
typedef struct
{
  gint64 t;       /* local time of the sample, (t1 + t4) / 2 */
  gint64 theta;
  gint64 delta;
} EnvelopePoint;

typedef struct
{
  gint64 t1;      /* identifies the probe, to merge duplicated echoes */
  gint64 t4;      /* local time, for the sliding window */
  gint64 theta;
  gint64 delta;
} OffsetSample;

struct _WvClockOffset
{
  GMutex lock;
  gint64 window_ns;
  GArray *samples;        /* OffsetSample, in insertion order */
  gboolean have_newest;
  gint64 newest_t4;
  guint64 rejected;
  /* Skew: one envelope point per bin of bin_ns from bin_origin. */
  GArray *bins;           /* EnvelopePoint, by bin */
  gint64 bin_origin;
  gint64 bin_ns;
};

WvClockOffset *
wv_clock_offset_new (gint64 window_ns)
{
  WvClockOffset *c = g_new0 (WvClockOffset, 1);

  g_mutex_init (&c->lock);
  c->window_ns = window_ns > 0 ? window_ns : WV_CLOCK_OFFSET_DEFAULT_WINDOW_NS;
  c->samples = g_array_new (FALSE, FALSE, sizeof (OffsetSample));
  c->bins = g_array_new (FALSE, TRUE, sizeof (EnvelopePoint));
  c->bin_ns = WV_CLOCK_OFFSET_SKEW_BIN_NS;
  return c;
}

void
wv_clock_offset_free (WvClockOffset *c)
{
  if (c == NULL)
    return;
  g_mutex_clear (&c->lock);
  g_array_unref (c->samples);
  g_array_unref (c->bins);
  g_free (c);
}

/* Removes the samples that left the window ending at the newest t4. */
static void
prune (WvClockOffset *c)
{
  gint64 limit;
  guint kept = 0;

  if (__builtin_sub_overflow (c->newest_t4, c->window_ns, &limit))
    return;

  for (guint i = 0; i < c->samples->len; i++)
    {
      OffsetSample *s = &g_array_index (c->samples, OffsetSample, i);

      if (s->t4 > limit)
        g_array_index (c->samples, OffsetSample, kept++) = *s;
    }
  g_array_set_size (c->samples, kept);
}

/* Halves the number of bins: each pair keeps its better point. */
static void
envelope_merge (WvClockOffset *c)
{
  guint n = c->bins->len, kept = 0;

  for (guint i = 0; i < n; i += 2)
    {
      EnvelopePoint a = g_array_index (c->bins, EnvelopePoint, i);

      if (i + 1 < n)
        {
          const EnvelopePoint *b = &g_array_index (c->bins, EnvelopePoint, i + 1);

          if (a.delta == 0 || (b->delta != 0 && b->delta < a.delta))
            a = *b;
        }
      g_array_index (c->bins, EnvelopePoint, kept++) = a;
    }
  g_array_set_size (c->bins, kept);
  c->bin_ns *= 2;
}

static void
envelope_add (WvClockOffset *c, gint64 t, gint64 theta, gint64 delta)
{
  gint64 index;
  EnvelopePoint *p;

  /* delta is stored + 1 so that 0 marks an empty bin. */
  if (c->bins->len == 0)
    c->bin_origin = t;
  if (t < c->bin_origin)
    return;
  index = (t - c->bin_origin) / c->bin_ns;
  while (index >= WV_CLOCK_OFFSET_SKEW_MAX_BINS)
    {
      envelope_merge (c);
      index = (t - c->bin_origin) / c->bin_ns;
    }
  if ((guint) index >= c->bins->len)
    g_array_set_size (c->bins, (guint) index + 1);
  p = &g_array_index (c->bins, EnvelopePoint, index);
  if (p->delta == 0 || delta + 1 < p->delta)
    *p = (EnvelopePoint) { t, theta, delta + 1 };
}

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *v, guint n)
{
  qsort (v, n, sizeof *v, compare_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Theil-Sen over the bins' points, pairs half the points apart. FALSE until
 * the points span WV_CLOCK_OFFSET_SKEW_MIN_SPAN_NS. */
static gboolean
envelope_fit (WvClockOffset *c, gint64 *ref, gint64 *offset, double *skew)
{
  g_autofree EnvelopePoint *pts = g_new (EnvelopePoint, c->bins->len);
  g_autofree double *v = NULL;
  guint n = 0, half, m = 0;
  double slope;

  for (guint i = 0; i < c->bins->len; i++)
    if (g_array_index (c->bins, EnvelopePoint, i).delta != 0)
      pts[n++] = g_array_index (c->bins, EnvelopePoint, i);
  if (n < 4 || pts[n - 1].t - pts[0].t < WV_CLOCK_OFFSET_SKEW_MIN_SPAN_NS)
    return FALSE;

  half = n / 2;
  v = g_new (double, n);
  for (guint i = 0; i + half < n; i++)
    {
      double dt = (double) (pts[i + half].t - pts[i].t);

      if (dt > 0)
        v[m++] = (double) (pts[i + half].theta - pts[i].theta) / dt;
    }
  if (m == 0)
    return FALSE;
  slope = median (v, m);

  /* The intercept at the newest point, so the extrapolation to "now" is
   * short: the median of the points' residuals there. */
  *ref = pts[n - 1].t;
  for (guint i = 0; i < n; i++)
    v[i] = (double) pts[i].theta + slope * (double) (*ref - pts[i].t);
  *offset = (gint64) llround (median (v, n));
  *skew = slope;
  return TRUE;
}

void
wv_clock_offset_add (WvClockOffset *c, gint64 t1, gint64 t2, gint64 t3, gint64 t4)
{
  gint64 outward, round_trip, peer_hold, delta, theta;
  OffsetSample sample;

  g_return_if_fail (c != NULL);

  g_mutex_lock (&c->lock);

  /* round_trip and peer_hold are each measured on one clock, so they must
   * be non-negative; their difference is the network round trip. */
  if (__builtin_sub_overflow (t4, t1, &round_trip) ||
      __builtin_sub_overflow (t3, t2, &peer_hold) ||
      __builtin_sub_overflow (t2, t1, &outward) ||
      round_trip < 0 || peer_hold < 0)
    goto reject;
  delta = round_trip - peer_hold;
  if (delta < 0 || delta > WV_CLOCK_OFFSET_MAX_DELTA_NS)
    goto reject;

  /* ((t2 - t1) + (t3 - t4)) / 2 rewritten as (t2 - t1) - delta / 2, which
   * cannot overflow for any offset that fits in 64 bits. */
  theta = outward - delta / 2;

  if (!c->have_newest)
    {
      c->have_newest = TRUE;
      c->newest_t4 = t4;
    }
  else
    {
      gint64 limit;

      if (__builtin_sub_overflow (c->newest_t4, c->window_ns, &limit))
        limit = G_MININT64;

      if (t4 <= limit)
        {
          /* t4 is read from the local clock when the echo arrives, so it
           * only goes back that far if the clock was set back. */
          g_array_set_size (c->samples, 0);
          g_array_set_size (c->bins, 0);
          c->bin_ns = WV_CLOCK_OFFSET_SKEW_BIN_NS;
          c->newest_t4 = t4;
        }
      else if (t4 > c->newest_t4)
        {
          c->newest_t4 = t4;
          prune (c);
        }
    }

  envelope_add (c, t1 + (t4 - t1) / 2, theta, delta);

  for (guint i = 0; i < c->samples->len; i++)
    {
      OffsetSample *s = &g_array_index (c->samples, OffsetSample, i);

      if (s->t1 == t1)
        {
          if (delta < s->delta)
            {
              s->t4 = t4;
              s->theta = theta;
              s->delta = delta;
            }
          goto out;
        }
    }

  if (c->samples->len >= WV_CLOCK_OFFSET_MAX_SAMPLES)
    g_array_remove_index (c->samples, 0);

  sample.t1 = t1;
  sample.t4 = t4;
  sample.theta = theta;
  sample.delta = delta;
  g_array_append_val (c->samples, sample);
  goto out;

reject:
  c->rejected++;
out:
  g_mutex_unlock (&c->lock);
}

gboolean
wv_clock_offset_get (WvClockOffset *c, gint64 *offset_ns, gint64 *error_ns)
{
  const OffsetSample *best = NULL;

  if (offset_ns != NULL)
    *offset_ns = 0;
  if (error_ns != NULL)
    *error_ns = 0;
  g_return_val_if_fail (c != NULL, FALSE);

  g_mutex_lock (&c->lock);

  /* Ties go to the most recent sample (by t4, so the result does not
   * depend on the order samples were added), which tracks drift better. */
  for (guint i = 0; i < c->samples->len; i++)
    {
      const OffsetSample *s = &g_array_index (c->samples, OffsetSample, i);

      if (best == NULL || s->delta < best->delta ||
          (s->delta == best->delta && s->t4 > best->t4))
        best = s;
    }

  if (best != NULL)
    {
      if (offset_ns != NULL)
        *offset_ns = best->theta;
      /* theta was rounded down by up to half a nanosecond, hence ceil. */
      if (error_ns != NULL)
        *error_ns = best->delta / 2 + best->delta % 2;
    }

  g_mutex_unlock (&c->lock);
  return best != NULL;
}

gboolean
wv_clock_offset_get_model (WvClockOffset *c, gint64 *ref_ns, gint64 *offset_ns, double *skew,
                           gint64 *error_ns)
{
  gint64 ref = 0, off = 0, err = 0;
  double k = 0;
  gboolean ok;

  g_return_val_if_fail (c != NULL, FALSE);

  ok = wv_clock_offset_get (c, &off, &err);
  g_mutex_lock (&c->lock);
  if (ok && envelope_fit (c, &ref, &off, &k))
    ;
  else if (ok)
    ref = c->newest_t4;
  g_mutex_unlock (&c->lock);

  if (ref_ns) *ref_ns = ref;
  if (offset_ns) *offset_ns = off;
  if (skew) *skew = k;
  if (error_ns) *error_ns = err;
  return ok;
}

gboolean
wv_clock_offset_get_skew (WvClockOffset *c, double *ppm)
{
  gint64 ref, off;
  double k = 0;
  gboolean ok;

  g_return_val_if_fail (c != NULL, FALSE);
  g_mutex_lock (&c->lock);
  ok = envelope_fit (c, &ref, &off, &k);
  g_mutex_unlock (&c->lock);
  if (ppm)
    *ppm = ok ? k * 1e6 : NAN;
  return ok;
}

guint
wv_clock_offset_get_n_samples (WvClockOffset *c)
{
  guint n;

  g_return_val_if_fail (c != NULL, 0);

  g_mutex_lock (&c->lock);
  n = c->samples->len;
  g_mutex_unlock (&c->lock);
  return n;
}

guint64
wv_clock_offset_get_n_rejected (WvClockOffset *c)
{
  guint64 n;

  g_return_val_if_fail (c != NULL, 0);

  g_mutex_lock (&c->lock);
  n = c->rejected;
  g_mutex_unlock (&c->lock);
  return n;
}

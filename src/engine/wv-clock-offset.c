/* wv-clock-offset.c: peer clock offset from echoed probes (min-delay filter)
 *
 * Copyright 2025 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-clock-offset"

#include <glib.h>

#include "wv-clock-offset.h"

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
};

WvClockOffset *
wv_clock_offset_new (gint64 window_ns)
{
  WvClockOffset *c = g_new0 (WvClockOffset, 1);

  g_mutex_init (&c->lock);
  c->window_ns = window_ns > 0 ? window_ns : WV_CLOCK_OFFSET_DEFAULT_WINDOW_NS;
  c->samples = g_array_new (FALSE, FALSE, sizeof (OffsetSample));
  return c;
}

void
wv_clock_offset_free (WvClockOffset *c)
{
  if (c == NULL)
    return;
  g_mutex_clear (&c->lock);
  g_array_unref (c->samples);
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
          c->newest_t4 = t4;
        }
      else if (t4 > c->newest_t4)
        {
          c->newest_t4 = t4;
          prune (c);
        }
    }

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

/* wv-stats.c: receive-side and round-trip statistics of the probe streams
 *
 * Copyright 2025 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout: every arrival is appended to a history ring sorted by local arrival
 * time and kept for a little over the longest window, so window records are
 * exact. Each history entry carries the cumulative sequence counters after
 * that arrival, which turns the RFC 3550 interval loss of any window into one
 * subtraction (state at the window's end minus state just before its start).
 * Whole-run summaries use exact running min/max/mean and a log-bucketed
 * histogram for the percentiles, so memory stays bounded for long runs.
 */

#define G_LOG_DOMAIN "wv-stats"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "wv-stats.h"

#define NS_PER_MS 1000000.0
#define NS_PER_S  1000000000.0

/* History is kept a second longer than the longest window, so a report whose
 * "now" lags slightly behind the newest arrival is still exact. */
#define HISTORY_RETAIN_NS     (WV_STATS_MAX_WINDOW_NS + G_GINT64_CONSTANT (1000000000))

/* Arrival times that go back by at most this much (stamps taken on different
 * threads) are clamped to keep the history sorted. A larger step back means
 * the wall clock was set back: the history is restarted because its entries
 * now lie in the future. */
#define CLOCK_STEP_TOLERANCE_NS G_GINT64_CONSTANT (1000000000)

/* Recent (extended sequence, transit) pairs kept to pair up IPDV samples when
 * probes arrive out of order: 2048 probes = about 20 s at 100 probes/s. */
#define IPDV_PARTNERS 2048

/* Bulk arrivals are merged per millisecond (time rounded up), which bounds
 * the bulk history to about 61000 entries whatever the message rate. */
#define BULK_BIN_NS G_GINT64_CONSTANT (1000000)

/* Histogram: |v| below HIST_MIN_MS goes to the zero bucket (timestamps have
 * 1 ns resolution, so only true zeros land there); |v| above HIST_MAX_MS is
 * counted in the last bucket (min/max stay exact and clamp the result). */
#define HIST_MIN_MS 1e-6
#define HIST_MAX_MS 1e9
#define HIST_GAMMA  ((1.0 + WV_STATS_HIST_REL_ERROR) / (1.0 - WV_STATS_HIST_REL_ERROR))
#define HIST_GROW_SLACK 32

/* ------------------------------------------------------------------------ */
/* Small helpers                                                            */

static inline gint64
sat_sub (gint64 a, gint64 b)
{
  gint64 r;

  if (__builtin_sub_overflow (a, b, &r))
    return b > 0 ? G_MININT64 : G_MAXINT64;
  return r;
}

static inline guint
clamp_to_uint (guint64 v)
{
  return v > G_MAXUINT ? G_MAXUINT : (guint) v;
}

/* Nearest-rank position (1-based) of the p-th percentile, p in percent. Done
 * in integers: 0.99 * n in floating point can round up past an integer. */
static inline guint64
nearest_rank (guint64 n, guint p)
{
  guint64 k = (p * n + 99) / 100;

  return k == 0 ? 1 : k;
}

static double *
scratch_reserve (double **scratch, guint *cap, guint n)
{
  if (n > *cap)
    {
      guint new_cap = MAX (n, 256);

      g_free (*scratch);
      *scratch = g_new (double, new_cap);
      *cap = new_cap;
    }
  return *scratch;
}

/* ------------------------------------------------------------------------ */
/* Selection and summaries                                                  */

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static inline void
swap_double (double *a, double *b)
{
  double t = *a;

  *a = *b;
  *b = t;
}

/* Puts the k-th smallest (0-based) of v[0..n-1] at v[k], with everything
 * before it <= and everything after it >=. Hoare partitioning around a
 * median of three, which copes with sorted input and runs of equal values;
 * if an adversarial pattern still makes it degenerate, the remaining range is
 * sorted so the cost stays O(n log n). */
static void
select_nth (double *v, gint64 n, gint64 k)
{
  gint64 lo = 0;
  gint64 hi = n - 1;
  guint budget = 2 * g_bit_storage ((gulong) n) + 8;

  while (lo < hi)
    {
      gint64 mid = lo + (hi - lo) / 2;
      gint64 i, j;
      double pivot;

      if (budget-- == 0)
        {
          qsort (v + lo, (gsize) (hi - lo + 1), sizeof (double), compare_double);
          return;
        }

      if (v[mid] < v[lo])
        swap_double (&v[mid], &v[lo]);
      if (v[hi] < v[lo])
        swap_double (&v[hi], &v[lo]);
      if (v[hi] < v[mid])
        swap_double (&v[hi], &v[mid]);
      pivot = v[mid];

      i = lo;
      j = hi;
      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              swap_double (&v[i], &v[j]);
              i++;
              j--;
            }
        }

      /* Now v[lo..j] <= pivot, v[i..hi] >= pivot and v[j+1..i-1] == pivot. */
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        return;
    }
}

void
wv_summary_compute (double *values, guint n, WvSummary *out)
{
  double min = INFINITY, max = -INFINITY, sum = 0.0;
  guint m = 0;
  guint64 k50, k99;

  g_return_if_fail (out != NULL);
  memset (out, 0, sizeof *out);
  g_return_if_fail (values != NULL || n == 0);

  /* Drop non-finite values so one bad sample cannot poison a summary. */
  for (guint i = 0; i < n; i++)
    {
      double x = values[i];

      if (!isfinite (x))
        continue;
      values[m++] = x;
      sum += x;
      if (x < min)
        min = x;
      if (x > max)
        max = x;
    }
  if (m == 0)
    return;

  k50 = nearest_rank (m, 50) - 1;
  k99 = nearest_rank (m, 99) - 1;
  select_nth (values, m, (gint64) k50);
  /* Everything after k50 is already >= it, so p99 is selected in that tail. */
  select_nth (values + k50, (gint64) (m - k50), (gint64) (k99 - k50));

  out->min = min;
  out->max = max;
  out->mean = sum / m;
  out->p50 = values[k50];
  out->p99 = values[k99];
  out->n = m;
}

/* ------------------------------------------------------------------------ */
/* Log-bucketed histogram for whole-run summaries                           */
/*
 * Bucket i (i >= 0) holds magnitudes in (HIST_MIN * g^(i-1), HIST_MIN * g^i]
 * with g = (1 + a) / (1 - a), and reports 2 * HIST_MIN * g^i / (g + 1): every
 * value in the bucket is within relative error a of that (a is
 * WV_STATS_HIST_REL_ERROR). Since the bucket index is monotonic in the value,
 * the bucket holding the k-th ranked count holds the exact k-th smallest
 * sample, so nearest-rank percentiles inherit the same bound. Positive and
 * negative values have their own bucket arrays, grown on demand to cover only
 * the indices seen.
 */

typedef struct
{
  guint64 *counts;   /* counts[i - lo] */
  gint lo;
  guint len;
} HistSide;

typedef struct
{
  HistSide pos, neg;
  guint64 zero;
  guint64 n;
  double min, max;
  double sum, sum_comp;    /* Kahan-compensated, for an exact-enough mean over hours */
} WvHist;

/* Both are constant expressions that the compiler folds. */
#define HIST_LOG_GAMMA (log (HIST_GAMMA))
#define HIST_MAX_INDEX ((gint) ceil (log (HIST_MAX_MS / HIST_MIN_MS) / HIST_LOG_GAMMA))

static gint
hist_index (double magnitude)
{
  double r = ceil (log (magnitude / HIST_MIN_MS) / HIST_LOG_GAMMA);
  gint max_index = HIST_MAX_INDEX;

  if (!(r >= 0))
    return 0;
  if (r > max_index)
    return max_index;
  return (gint) r;
}

static double
hist_value (gint index)
{
  return HIST_MIN_MS * 2.0 * exp (index * HIST_LOG_GAMMA) / (HIST_GAMMA + 1.0);
}

static void
hist_side_add (HistSide *side, gint index)
{
  if (side->len == 0)
    {
      side->counts = g_new0 (guint64, 1);
      side->lo = index;
      side->len = 1;
    }
  else if (index < side->lo || index >= side->lo + (gint) side->len)
    {
      gint hi = side->lo + (gint) side->len - 1;
      gint new_lo = side->lo;
      gint new_hi = hi;
      guint64 *counts;

      /* Grow with some slack in the direction of growth to avoid a
       * reallocation per new bucket while a distribution widens. */
      if (index < side->lo)
        new_lo = MAX (0, index - HIST_GROW_SLACK);
      else
        new_hi = MIN (HIST_MAX_INDEX, index + HIST_GROW_SLACK);

      counts = g_new0 (guint64, new_hi - new_lo + 1);
      memcpy (counts + (side->lo - new_lo), side->counts, side->len * sizeof (guint64));
      g_free (side->counts);
      side->counts = counts;
      side->lo = new_lo;
      side->len = (guint) (new_hi - new_lo + 1);
    }
  side->counts[index - side->lo]++;
}

static void
hist_init (WvHist *h)
{
  memset (h, 0, sizeof *h);
}

static void
hist_clear (WvHist *h)
{
  g_free (h->pos.counts);
  g_free (h->neg.counts);
  hist_init (h);
}

static void
hist_add (WvHist *h, double v)
{
  double y, t, magnitude;

  if (!isfinite (v))
    return;

  if (h->n == 0 || v < h->min)
    h->min = v;
  if (h->n == 0 || v > h->max)
    h->max = v;
  h->n++;

  y = v - h->sum_comp;
  t = h->sum + y;
  h->sum_comp = (t - h->sum) - y;
  h->sum = t;

  magnitude = fabs (v);
  if (magnitude < HIST_MIN_MS)
    h->zero++;
  else if (v > 0)
    hist_side_add (&h->pos, hist_index (magnitude));
  else
    hist_side_add (&h->neg, hist_index (magnitude));
}

/* Value of the k-th smallest sample (1-based), within the relative error. */
static double
hist_rank (const WvHist *h, guint64 k)
{
  guint64 seen = 0;
  double v = h->max;

  /* Most negative first: the negative side's highest index. */
  for (gint i = (gint) h->neg.len - 1; i >= 0; i--)
    {
      seen += h->neg.counts[i];
      if (seen >= k)
        {
          v = -hist_value (h->neg.lo + i);
          goto out;
        }
    }
  seen += h->zero;
  if (seen >= k)
    {
      v = 0.0;
      goto out;
    }
  for (guint i = 0; i < h->pos.len; i++)
    {
      seen += h->pos.counts[i];
      if (seen >= k)
        {
          v = hist_value (h->pos.lo + (gint) i);
          goto out;
        }
    }

out:
  /* The exact extremes are known, and clamping to them only reduces error. */
  return CLAMP (v, h->min, h->max);
}

static void
hist_summary (const WvHist *h, WvSummary *out)
{
  memset (out, 0, sizeof *out);
  if (h->n == 0)
    return;
  out->n = clamp_to_uint (h->n);
  out->min = h->min;
  out->max = h->max;
  out->mean = h->sum / (double) h->n;
  out->p50 = hist_rank (h, nearest_rank (h->n, 50));
  out->p99 = hist_rank (h, nearest_rank (h->n, 99));
}

static gsize
hist_memory (const WvHist *h)
{
  return (h->pos.len + h->neg.len) * sizeof (guint64);
}

/* ------------------------------------------------------------------------ */
/* Time-ordered ring buffer                                                 */
/*
 * Elements of any size whose first member is the gint64 time they are sorted
 * by. Capacity is a power of two, grown on demand up to a hard maximum; the
 * owner drops the oldest element itself when full, because it has to fold
 * that element into its "state before the history" first.
 */

typedef struct
{
  guint8 *data;
  gsize esize;
  guint cap;
  guint head;
  guint len;
} WvRing;

static inline gpointer
ring_at (const WvRing *r, guint i)
{
  return r->data + (gsize) ((r->head + i) & (r->cap - 1)) * r->esize;
}

static inline gint64
ring_time (const WvRing *r, guint i)
{
  return *(const gint64 *) ring_at (r, i);
}

static gpointer
ring_push (WvRing *r)
{
  gpointer slot;

  if (r->len == r->cap)
    {
      guint new_cap = r->cap ? r->cap * 2 : 64;
      guint8 *data = g_malloc (new_cap * r->esize);
      guint first = MIN (r->len, r->cap - r->head);

      /* Unwrap into the new buffer so indices stay contiguous. */
      if (r->len > 0)
        {
          memcpy (data, r->data + (gsize) r->head * r->esize, first * r->esize);
          memcpy (data + first * r->esize, r->data, (r->len - first) * r->esize);
        }
      g_free (r->data);
      r->data = data;
      r->cap = new_cap;
      r->head = 0;
    }

  slot = ring_at (r, r->len);
  r->len++;
  return slot;
}

static inline gpointer
ring_front (const WvRing *r)
{
  return ring_at (r, 0);
}

static inline gpointer
ring_back (const WvRing *r)
{
  return ring_at (r, r->len - 1);
}

static inline void
ring_pop_front (WvRing *r)
{
  r->head = (r->head + 1) & (r->cap - 1);
  r->len--;
}

static void
ring_free (WvRing *r)
{
  g_clear_pointer (&r->data, g_free);
  r->cap = r->head = r->len = 0;
}

/* Index of the first element with time > limit. */
static guint
ring_upper_bound (const WvRing *r, gint64 limit)
{
  guint lo = 0, hi = r->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (ring_time (r, mid) <= limit)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Time at which a new arrival is stored; *restart is set when the clock went
 * back too far for clamping (see CLOCK_STEP_TOLERANCE_NS). */
static gint64
ring_admit_time (const WvRing *r, gint64 t, gboolean *restart)
{
  gint64 last;

  *restart = FALSE;
  if (r->len == 0)
    return t;
  last = ring_time (r, r->len - 1);
  if (t >= last)
    return t;
  /* last > t, so the unsigned difference is exact. */
  if ((guint64) last - (guint64) t <= (guint64) CLOCK_STEP_TOLERANCE_NS)
    return last;
  *restart = TRUE;
  return t;
}

/* ------------------------------------------------------------------------ */
/* WvRxStats                                                                */

typedef struct
{
  guint64 expected;
  guint64 received;
  guint64 reordered;
  guint64 duplicates;
} RxCum;

typedef struct
{
  gint64 t;            /* local arrival time (sort key) */
  double owd_ms;       /* NAN for duplicates and unusable timestamps */
  double dev_ms;       /* NAN likewise */
  double ipdv_ms[2];   /* IPDV samples completed by this arrival, NAN if none */
  double abs_d_ms;     /* RFC 3550 |D| to the previous arrival, NAN if none */
  float stack_send_ms; /* NAN if unknown */
  float stack_recv_ms;
  gboolean wire;       /* the delay sample was timed wire to wire */
  gboolean untimed;    /* counted, no delay taken (WvProbeTiming.untimed) */
  RxCum cum;           /* cumulative counters after this arrival */
  gint16 ttl, tos;
} RxEntry;

typedef struct
{
  gint64 t;            /* arrival time rounded up to the millisecond */
  guint64 cum_bytes;   /* cumulative bulk bytes up to and including this bin */
} BulkEntry;

typedef struct
{
  guint64 ext;         /* 0 = empty (real extended numbers are >= 2^31) */
  gint64 transit_ns;
} IpdvPartner;

typedef enum
{
  SEQ_NEW_IN_ORDER,
  SEQ_NEW_REORDERED,
  SEQ_DUPLICATE,
  SEQ_DISCARDED,
} SeqKind;

struct _WvRxStats
{
  GMutex lock;

  gint64 offset_ns;
  gint64 offset_ref_ns;
  double offset_rate;

  /* Sequence tracking (RFC 3550 appendix A.1, with 32-bit numbers). */
  gboolean seq_init;
  guint64 ext_base;
  guint64 ext_max;
  guint64 skipped;        /* gaps of confirmed jumps, not expected */
  gboolean bad_valid;
  guint32 bad_seq;
  guint64 *seen;          /* bitmap of the last WV_STATS_SEQ_HISTORY numbers */
  RxCum cum;
  guint64 late_untracked;
  guint64 discarded;
  guint64 bad_time;
  guint64 history_overflow;

  IpdvPartner *partners;

  /* RFC 3550's D, in arrival order, on raw transit times. */
  gboolean have_transit;
  gint64 last_transit_ns;

  /* Delay baseline. */
  guint64 base_n;
  double base_sum;

  /* Per-sample history for exact windows. */
  WvRing rx;
  RxCum rx_before;        /* counters just before the oldest kept entry */
  WvRing bulk;
  guint64 bulk_before;
  guint64 bulk_total;

  gboolean any_arrival;
  gint64 first_arrival_ns;
  gint64 last_arrival_ns;
  gint64 last_probe_ns;
  gint last_ttl;
  gint last_tos;
  guint64 ttl_count[256];   /* whole run, for the most frequent value */
  guint64 tos_count[256];

  WvHist h_owd, h_ipdv, h_dev, h_abs_d, h_stack_send, h_stack_recv;
  guint64 wire_samples;
  guint64 untimed;

  double *scratch;
  guint scratch_cap;
};

WvRxStats *
wv_rx_stats_new (void)
{
  WvRxStats *s = g_new0 (WvRxStats, 1);

  g_mutex_init (&s->lock);
  s->seen = g_new0 (guint64, WV_STATS_SEQ_HISTORY / 64);
  s->partners = g_new0 (IpdvPartner, IPDV_PARTNERS);
  s->rx.esize = sizeof (RxEntry);
  s->bulk.esize = sizeof (BulkEntry);
  s->last_ttl = -1;
  s->last_tos = -1;
  hist_init (&s->h_owd);
  hist_init (&s->h_ipdv);
  hist_init (&s->h_dev);
  hist_init (&s->h_abs_d);
  hist_init (&s->h_stack_send);
  hist_init (&s->h_stack_recv);
  return s;
}

void
wv_rx_stats_free (WvRxStats *s)
{
  if (s == NULL)
    return;
  g_mutex_clear (&s->lock);
  g_free (s->seen);
  g_free (s->partners);
  ring_free (&s->rx);
  ring_free (&s->bulk);
  hist_clear (&s->h_owd);
  hist_clear (&s->h_ipdv);
  hist_clear (&s->h_dev);
  hist_clear (&s->h_abs_d);
  hist_clear (&s->h_stack_send);
  hist_clear (&s->h_stack_recv);
  g_free (s->scratch);
  g_free (s);
}

/* The offset in force for a probe received at t. */
static gint64
offset_at (const WvRxStats *s, gint64 t)
{
  double d;

  if (s->offset_rate == 0)
    return s->offset_ns;
  d = s->offset_rate * ((double) t - (double) s->offset_ref_ns);
  /* A rate is a few hundred ppm at most; anything that would not fit is
   * left out rather than wrapped. */
  if (!(fabs (d) < 1e15))
    return s->offset_ns;
  return s->offset_ns + (gint64) llround (d);
}

void
wv_rx_stats_set_offset (WvRxStats *s, gint64 offset_ns)
{
  wv_rx_stats_set_offset_model (s, offset_ns, 0, 0);
}

void
wv_rx_stats_set_offset_model (WvRxStats *s, gint64 offset_ns, gint64 ref_ns, double rate)
{
  guint64 change;
  gint64 before;

  g_return_if_fail (s != NULL);

  g_mutex_lock (&s->lock);
  /* Compared where the two models meet new samples: at the reference. */
  before = offset_at (s, ref_ns);
  change = offset_ns > before ? (guint64) offset_ns - (guint64) before
                              : (guint64) before - (guint64) offset_ns;
  /* The baseline is a mean of one-way delays; mixing samples taken with a
   * clearly different offset (typically 0 before the first estimate) would
   * leave it wrong for the rest of the run. */
  if (change > (guint64) WV_STATS_BASELINE_RESET_NS)
    {
      s->base_n = 0;
      s->base_sum = 0.0;
    }
  s->offset_ns = offset_ns;
  s->offset_ref_ns = ref_ns;
  s->offset_rate = isfinite (rate) ? rate : 0;
  g_mutex_unlock (&s->lock);
}

static inline gboolean
seen_test (const WvRxStats *s, guint64 ext)
{
  guint64 bit = ext & (WV_STATS_SEQ_HISTORY - 1);

  return (s->seen[bit / 64] >> (bit % 64)) & 1;
}

static inline void
seen_set (WvRxStats *s, guint64 ext)
{
  guint64 bit = ext & (WV_STATS_SEQ_HISTORY - 1);

  s->seen[bit / 64] |= G_GUINT64_CONSTANT (1) << (bit % 64);
}

static inline void
seen_clear (WvRxStats *s, guint64 ext)
{
  guint64 bit = ext & (WV_STATS_SEQ_HISTORY - 1);

  s->seen[bit / 64] &= ~(G_GUINT64_CONSTANT (1) << (bit % 64));
}

static void
update_expected (WvRxStats *s)
{
  s->cum.expected = s->ext_max - s->ext_base + 1 - s->skipped;
}

/* Classifies a probe by sequence number and updates the counters. *ext gets
 * the extended (64-bit) sequence number. */
static SeqKind
seq_update (WvRxStats *s, guint32 seq, guint64 *ext)
{
  gint32 d;
  guint64 behind;

  if (!s->seq_init)
    {
      /* Start one cycle up so that probes from just before the first one
       * (across a wrap) still get a positive extended number. */
      *ext = (G_GUINT64_CONSTANT (1) << 32) | seq;
      s->seq_init = TRUE;
      s->ext_base = s->ext_max = *ext;
      seen_set (s, *ext);
      s->cum.received++;
      update_expected (s);
      return SEQ_NEW_IN_ORDER;
    }

  /* The signed 32-bit distance decides: up to 2^31 ahead is newer (possibly
   * across a wrap), anything else is an old probe arriving late. */
  d = (gint32) (seq - (guint32) s->ext_max);

  if (d > 0)
    {
      *ext = s->ext_max + (guint64) d;

      if ((guint32) d > WV_STATS_MAX_SEQ_JUMP)
        {
          /* Believe an absurd jump only when the next probe continues it;
           * a lone corrupt number would otherwise inflate "expected". */
          if (!(s->bad_valid && seq == s->bad_seq))
            {
              s->bad_valid = TRUE;
              s->bad_seq = seq + 1;
              s->discarded++;
              return SEQ_DISCARDED;
            }
          /* The stream really jumped (sender restart): the gap is not loss. */
          s->skipped += (guint64) d - 1;
        }
      s->bad_valid = FALSE;

      if ((guint64) d >= WV_STATS_SEQ_HISTORY)
        memset (s->seen, 0, WV_STATS_SEQ_HISTORY / 8);
      else
        for (guint64 e = s->ext_max + 1; e < *ext; e++)
          seen_clear (s, e);
      s->ext_max = *ext;
      seen_set (s, *ext);
      s->cum.received++;
      update_expected (s);
      return SEQ_NEW_IN_ORDER;
    }

  s->bad_valid = FALSE;
  behind = (guint64) (-(gint64) d);
  *ext = s->ext_max - behind;

  if (behind < WV_STATS_SEQ_HISTORY)
    {
      if (seen_test (s, *ext))
        {
          s->cum.duplicates++;
          return SEQ_DUPLICATE;
        }
      seen_set (s, *ext);
      /* A late probe from before the first one received shows that the
       * stream started earlier: the probes in between were expected too. */
      if (*ext < s->ext_base)
        s->ext_base = *ext;
    }
  else
    {
      /* Too old to tell whether it is a duplicate: count it as a late
       * arrival; loss is clamped at 0 if this overcounts. */
      s->late_untracked++;
    }
  s->cum.received++;
  s->cum.reordered++;
  update_expected (s);
  return SEQ_NEW_REORDERED;
}

static double
transit_diff_ms (gint64 later, gint64 earlier, gboolean *ok)
{
  gint64 d;

  *ok = !__builtin_sub_overflow (later, earlier, &d);
  return *ok ? d / NS_PER_MS : NAN;
}

static void
rx_drop_front (WvRxStats *s)
{
  const RxEntry *e = ring_front (&s->rx);

  s->rx_before = e->cum;
  ring_pop_front (&s->rx);
}

static void
bulk_drop_front (WvRxStats *s)
{
  const BulkEntry *e = ring_front (&s->bulk);

  s->bulk_before = e->cum_bytes;
  ring_pop_front (&s->bulk);
}

static void
note_arrival (WvRxStats *s, gint64 t)
{
  if (!s->any_arrival)
    {
      s->any_arrival = TRUE;
      s->first_arrival_ns = s->last_arrival_ns = t;
      return;
    }
  s->first_arrival_ns = MIN (s->first_arrival_ns, t);
  s->last_arrival_ns = MAX (s->last_arrival_ns, t);
}

void
wv_rx_stats_add_probe (WvRxStats *s,
                       guint32    seq,
                       gint64     send_ns,
                       gint64     recv_ns,
                       gint       rx_ttl,
                       gint       rx_tos)
{
  wv_rx_stats_add_probe_timed (s, seq, send_ns, recv_ns, rx_ttl, rx_tos, NULL);
}

/* A stack delay in ms, NAN unless it is a plausible one (0 to 10 s). */
static float
stack_ms (gint64 ns)
{
  return ns >= 0 && ns <= 10 * G_GINT64_CONSTANT (1000000000) ? (float) (ns / NS_PER_MS) : NAN;
}

void
wv_rx_stats_add_probe_timed (WvRxStats           *s,
                             guint32              seq,
                             gint64               send_ns,
                             gint64               recv_ns,
                             gint                 rx_ttl,
                             gint                 rx_tos,
                             const WvProbeTiming *timing)
{
  gboolean restart;
  gint64 t, transit_ns, owd_ns, limit;
  guint64 ext;
  SeqKind kind;
  RxEntry entry;

  g_return_if_fail (s != NULL);

  g_mutex_lock (&s->lock);

  t = ring_admit_time (&s->rx, recv_ns, &restart);
  if (restart)
    {
      s->rx.head = s->rx.len = 0;
      s->rx_before = s->cum;
    }

  kind = seq_update (s, seq, &ext);
  if (kind == SEQ_DISCARDED)
    goto out;

  note_arrival (s, recv_ns);
  s->last_probe_ns = t;
  if (rx_ttl >= 0 && rx_ttl <= 255)
    {
      s->last_ttl = rx_ttl;
      s->ttl_count[rx_ttl]++;
    }
  if (rx_tos >= 0 && rx_tos <= 255)
    {
      s->last_tos = rx_tos;
      s->tos_count[rx_tos]++;
    }

  entry.t = t;
  entry.owd_ms = entry.dev_ms = entry.abs_d_ms = NAN;
  entry.stack_send_ms = stack_ms (timing ? timing->stack_send_ns : -1);
  entry.stack_recv_ms = stack_ms (timing ? timing->stack_recv_ns : -1);
  entry.wire = FALSE;
  entry.untimed = FALSE;
  if (!isnan (entry.stack_send_ms))
    hist_add (&s->h_stack_send, entry.stack_send_ms);
  if (!isnan (entry.stack_recv_ms))
    hist_add (&s->h_stack_recv, entry.stack_recv_ms);
  entry.ipdv_ms[0] = entry.ipdv_ms[1] = NAN;
  entry.ttl = (rx_ttl >= 0 && rx_ttl <= 255) ? (gint16) rx_ttl : -1;
  entry.tos = (rx_tos >= 0 && rx_tos <= 255) ? (gint16) rx_tos : -1;

  if (kind == SEQ_DUPLICATE)
    goto record;

  if (timing != NULL && timing->untimed)
    {
      entry.untimed = TRUE;
      s->untimed++;
      goto record;
    }

  if (__builtin_sub_overflow (recv_ns, send_ns, &transit_ns) ||
      __builtin_sub_overflow (transit_ns, offset_at (s, recv_ns), &owd_ns))
    {
      s->bad_time++;
      goto record;
    }

  entry.owd_ms = owd_ns / NS_PER_MS;
  entry.wire = timing != NULL && timing->wire;
  if (entry.wire)
    s->wire_samples++;

  /* Jitter and IPDV use the raw transit time: the clock offset cancels in
   * the differences, and updates of the offset estimate do not show up as
   * delay variation. Each |D| is kept as a sample: a span's jitter is their
   * mean over the span, not the state of RFC 3550's running estimate after
   * its last probe, which follows only the last ~16 arrivals. */
  if (s->have_transit)
    {
      gboolean ok;
      double d = transit_diff_ms (transit_ns, s->last_transit_ns, &ok);

      if (ok)
        {
          entry.abs_d_ms = fabs (d);
          hist_add (&s->h_abs_d, entry.abs_d_ms);
        }
    }
  s->have_transit = TRUE;
  s->last_transit_ns = transit_ns;

  /* IPDV pairs consecutive sequence numbers, whichever arrives second. */
  {
    const IpdvPartner *prev = &s->partners[(ext - 1) & (IPDV_PARTNERS - 1)];
    const IpdvPartner *next = &s->partners[(ext + 1) & (IPDV_PARTNERS - 1)];
    IpdvPartner *self = &s->partners[ext & (IPDV_PARTNERS - 1)];
    guint n_ipdv = 0;
    gboolean ok;

    if (prev->ext == ext - 1)
      {
        double v = transit_diff_ms (transit_ns, prev->transit_ns, &ok);

        if (ok)
          entry.ipdv_ms[n_ipdv++] = v;
      }
    if (next->ext == ext + 1)
      {
        double v = transit_diff_ms (next->transit_ns, transit_ns, &ok);

        if (ok)
          entry.ipdv_ms[n_ipdv++] = v;
      }
    /* A probe from far behind must not evict a recent partner. */
    if (ext + IPDV_PARTNERS > s->ext_max)
      {
        self->ext = ext;
        self->transit_ns = transit_ns;
      }

    for (guint i = 0; i < n_ipdv; i++)
      hist_add (&s->h_ipdv, entry.ipdv_ms[i]);
  }

  /* Baseline: mean of the one-way delays, leaving out high outliers once it
   * has settled. The threshold is baseline + 2 * max (|baseline|, floor):
   * the earlier system's 3 x baseline for ordinary positive delays, but
   * still sensible when the baseline is near zero or negative, as it can be
   * with an estimated clock offset. */
  {
    gboolean accept = TRUE;
    double baseline;

    if (s->base_n >= WV_STATS_BASELINE_MIN_SAMPLES)
      {
        double b = s->base_sum / (double) s->base_n;
        double scale = MAX (fabs (b), WV_STATS_BASELINE_FLOOR_MS);

        accept = entry.owd_ms <= b + 2.0 * scale;
      }
    if (accept)
      {
        s->base_sum += entry.owd_ms;
        s->base_n++;
      }
    baseline = s->base_sum / (double) s->base_n;
    entry.dev_ms = entry.owd_ms - baseline;
  }

  hist_add (&s->h_owd, entry.owd_ms);
  hist_add (&s->h_dev, entry.dev_ms);

record:
  entry.cum = s->cum;

  if (s->rx.len >= WV_STATS_MAX_WINDOW_SAMPLES)
    {
      rx_drop_front (s);
      s->history_overflow++;
    }
  *(RxEntry *) ring_push (&s->rx) = entry;

  limit = sat_sub (t, HISTORY_RETAIN_NS);
  while (s->rx.len > 1 && ring_time (&s->rx, 0) <= limit)
    rx_drop_front (s);

out:
  g_mutex_unlock (&s->lock);
}

void
wv_rx_stats_add_bulk (WvRxStats *s, gint64 recv_ns, guint bytes)
{
  gboolean restart;
  gint64 t, q, r, limit;
  BulkEntry *last;

  g_return_if_fail (s != NULL);

  g_mutex_lock (&s->lock);

  note_arrival (s, recv_ns);
  s->bulk_total += bytes;

  /* Round up to the millisecond: then a message inside (start, now] of a
   * millisecond-aligned window is counted exactly. */
  q = recv_ns / BULK_BIN_NS;
  r = recv_ns % BULK_BIN_NS;
  if (r > 0 && q < G_MAXINT64 / BULK_BIN_NS)
    q++;
  t = q * BULK_BIN_NS;

  t = ring_admit_time (&s->bulk, t, &restart);
  if (restart)
    {
      s->bulk.head = s->bulk.len = 0;
      s->bulk_before = s->bulk_total - bytes;
    }

  last = s->bulk.len > 0 ? ring_back (&s->bulk) : NULL;
  if (last != NULL && last->t == t)
    {
      last->cum_bytes += bytes;
    }
  else
    {
      BulkEntry *e;

      if (s->bulk.len >= WV_STATS_MAX_WINDOW_SAMPLES)
        {
          bulk_drop_front (s);
          s->history_overflow++;
        }
      e = ring_push (&s->bulk);
      e->t = t;
      e->cum_bytes = s->bulk_total;
    }

  limit = sat_sub (t, HISTORY_RETAIN_NS);
  while (s->bulk.len > 1 && ring_time (&s->bulk, 0) <= limit)
    bulk_drop_front (s);

  g_mutex_unlock (&s->lock);
}

static void
fill_rates (WvRxRecord *out, const RxCum *d)
{
  out->probes = clamp_to_uint (d->received);
  out->expected = d->expected;
  /* RFC 3550 6.4.1: late probes can make received exceed expected. */
  if (d->expected > 0 && d->expected > d->received)
    out->loss_pct = 100.0 * (double) (d->expected - d->received) / (double) d->expected;
  if (d->received > 0)
    out->reorder_pct = 100.0 * (double) d->reordered / (double) d->received;
  if (d->received + d->duplicates > 0)
    out->dup_pct = 100.0 * (double) d->duplicates / (double) (d->received + d->duplicates);
}

static void
record_init (WvRxStats *s, WvRxRecord *out, gint64 window_ns)
{
  memset (out, 0, sizeof *out);
  out->window_ns = window_ns;
  out->rx_ttl = -1;
  out->rx_tos = -1;
  out->baseline_ms = s->base_n > 0 ? s->base_sum / (double) s->base_n : 0.0;
}

/* Gathers the delay values of entries [i0, i1) in one pass over the history
 * (it is larger than the cache at 60 s) and summarises them. */
static void
summarise_delays (WvRxStats *s, guint i0, guint i1, WvRxRecord *out)
{
  guint count = i1 - i0;
  double *owd = scratch_reserve (&s->scratch, &s->scratch_cap, 7 * count);
  double *dev = owd + count;
  double *abs_d = dev + count;
  double *st_send = abs_d + count;
  double *st_recv = st_send + count;
  double *ipdv = st_recv + count;
  guint n_owd = 0, n_dev = 0, n_abs_d = 0, n_ipdv = 0, n_send = 0, n_recv = 0;

  for (guint i = i0; i < i1; i++)
    {
      const RxEntry *e = ring_at (&s->rx, i);

      if (!isnan (e->owd_ms))
        {
          owd[n_owd++] = e->owd_ms;
          out->wire_samples += e->wire;
        }
      out->untimed += e->untimed;
      if (!isnan (e->stack_send_ms))
        st_send[n_send++] = e->stack_send_ms;
      if (!isnan (e->stack_recv_ms))
        st_recv[n_recv++] = e->stack_recv_ms;
      if (!isnan (e->dev_ms))
        dev[n_dev++] = e->dev_ms;
      if (!isnan (e->abs_d_ms))
        abs_d[n_abs_d++] = e->abs_d_ms;
      if (!isnan (e->ipdv_ms[0]))
        ipdv[n_ipdv++] = e->ipdv_ms[0];
      if (!isnan (e->ipdv_ms[1]))
        ipdv[n_ipdv++] = e->ipdv_ms[1];
    }
  wv_summary_compute (owd, n_owd, &out->owd_ms);
  wv_summary_compute (dev, n_dev, &out->delay_dev_ms);
  wv_summary_compute (ipdv, n_ipdv, &out->ipdv_ms);
  wv_summary_compute (abs_d, n_abs_d, &out->jitter_d_ms);
  wv_summary_compute (st_send, n_send, &out->stack_send_ms);
  wv_summary_compute (st_recv, n_recv, &out->stack_recv_ms);
  out->jitter_ms = out->jitter_d_ms.mean;
}

/* The most frequent of the values (0..255, -1 = unknown) of the entries
 * [i0, i1), ties going to the newest; -1 if none is known. */
static gint
window_mode (WvRxStats *s, guint i0, guint i1, gsize field)
{
  guint counts[256] = { 0 };
  guint best_count = 0;
  gint best = -1;

  for (guint i = i0; i < i1; i++)
    {
      gint16 v = G_STRUCT_MEMBER (gint16, ring_at (&s->rx, i), field);

      if (v >= 0)
        counts[v]++;
    }
  for (guint i = i1; i > i0; i--)
    {
      gint16 v = G_STRUCT_MEMBER (gint16, ring_at (&s->rx, i - 1), field);

      if (v >= 0 && counts[v] > best_count)
        {
          best_count = counts[v];
          best = v;
        }
    }
  return best;
}

/* The same over the whole run; ties go to the newest value seen. */
static gint
total_mode (const guint64 counts[256], gint last)
{
  gint best = last;

  if (last < 0)
    return -1;
  for (gint v = 0; v < 256; v++)
    if (counts[v] > counts[best])
      best = v;
  return best;
}

void
wv_rx_stats_window (WvRxStats *s, gint64 now_ns, gint64 window_ns, WvRxRecord *out)
{
  gint64 start;
  guint i0, i1;
  RxCum before, after, delta;

  g_return_if_fail (s != NULL);
  g_return_if_fail (out != NULL);

  g_mutex_lock (&s->lock);

  if (window_ns > WV_STATS_MAX_WINDOW_NS)
    window_ns = WV_STATS_MAX_WINDOW_NS;
  record_init (s, out, window_ns);
  if (window_ns <= 0)
    goto out;

  start = sat_sub (now_ns, window_ns);

  i0 = ring_upper_bound (&s->rx, start);
  i1 = ring_upper_bound (&s->rx, now_ns);
  before = i0 > 0 ? ((const RxEntry *) ring_at (&s->rx, i0 - 1))->cum : s->rx_before;
  after = i1 > i0 ? ((const RxEntry *) ring_at (&s->rx, i1 - 1))->cum : before;

  delta.expected = after.expected - before.expected;
  delta.received = after.received - before.received;
  delta.reordered = after.reordered - before.reordered;
  delta.duplicates = after.duplicates - before.duplicates;
  fill_rates (out, &delta);

  if (i1 > i0)
    {
      summarise_delays (s, i0, i1, out);
      out->last_rx_ns = ((const RxEntry *) ring_at (&s->rx, i1 - 1))->t;
      out->rx_ttl = window_mode (s, i0, i1, G_STRUCT_OFFSET (RxEntry, ttl));
      out->rx_tos = window_mode (s, i0, i1, G_STRUCT_OFFSET (RxEntry, tos));
    }

  {
    guint j0 = ring_upper_bound (&s->bulk, start);
    guint j1 = ring_upper_bound (&s->bulk, now_ns);
    guint64 b0 = j0 > 0 ? ((const BulkEntry *) ring_at (&s->bulk, j0 - 1))->cum_bytes : s->bulk_before;
    guint64 b1 = j1 > j0 ? ((const BulkEntry *) ring_at (&s->bulk, j1 - 1))->cum_bytes : b0;

    out->bulk_bytes = b1 - b0;
    out->throughput_bps = (double) out->bulk_bytes * 8.0 * NS_PER_S / (double) window_ns;
  }

out:
  g_mutex_unlock (&s->lock);
}

void
wv_rx_stats_total (WvRxStats *s, WvRxRecord *out)
{
  g_return_if_fail (s != NULL);
  g_return_if_fail (out != NULL);

  g_mutex_lock (&s->lock);

  record_init (s, out, 0);
  fill_rates (out, &s->cum);
  hist_summary (&s->h_owd, &out->owd_ms);
  hist_summary (&s->h_ipdv, &out->ipdv_ms);
  hist_summary (&s->h_dev, &out->delay_dev_ms);
  hist_summary (&s->h_abs_d, &out->jitter_d_ms);
  hist_summary (&s->h_stack_send, &out->stack_send_ms);
  hist_summary (&s->h_stack_recv, &out->stack_recv_ms);
  out->wire_samples = clamp_to_uint (s->wire_samples);
  out->untimed = clamp_to_uint (s->untimed);
  out->jitter_ms = out->jitter_d_ms.mean;
  out->rx_ttl = total_mode (s->ttl_count, s->last_ttl);
  out->rx_tos = total_mode (s->tos_count, s->last_tos);
  out->last_rx_ns = s->last_probe_ns;
  out->bulk_bytes = s->bulk_total;

  /* Average over the span from the first to the last arrival of anything. */
  if (s->any_arrival)
    {
      gint64 span = sat_sub (s->last_arrival_ns, s->first_arrival_ns);

      if (span > 0)
        out->throughput_bps = (double) s->bulk_total * 8.0 * NS_PER_S / (double) span;
    }

  g_mutex_unlock (&s->lock);
}

void
wv_rx_stats_get_counters (WvRxStats *s, WvRxCounters *out)
{
  g_return_if_fail (s != NULL);
  g_return_if_fail (out != NULL);

  g_mutex_lock (&s->lock);
  out->received = s->cum.received;
  out->expected = s->cum.expected;
  out->reordered = s->cum.reordered;
  out->duplicates = s->cum.duplicates;
  out->late_untracked = s->late_untracked;
  out->discarded = s->discarded;
  out->bad_time = s->bad_time;
  out->history_overflow = s->history_overflow;
  g_mutex_unlock (&s->lock);
}

gsize
wv_rx_stats_get_memory_size (WvRxStats *s)
{
  gsize size;

  g_return_val_if_fail (s != NULL, 0);

  g_mutex_lock (&s->lock);
  size = sizeof *s
       + WV_STATS_SEQ_HISTORY / 8
       + IPDV_PARTNERS * sizeof (IpdvPartner)
       + (gsize) s->rx.cap * s->rx.esize
       + (gsize) s->bulk.cap * s->bulk.esize
       + hist_memory (&s->h_owd) + hist_memory (&s->h_ipdv) + hist_memory (&s->h_dev)
       + hist_memory (&s->h_abs_d) + hist_memory (&s->h_stack_send) + hist_memory (&s->h_stack_recv)
       + (gsize) s->scratch_cap * sizeof (double);
  g_mutex_unlock (&s->lock);
  return size;
}

/* ------------------------------------------------------------------------ */
/* WvRttStats                                                               */

typedef struct
{
  gint64 t;
  double rtt_ms;
  gboolean wire;
} RttEntry;

struct _WvRttStats
{
  GMutex lock;
  WvRing ring;
  WvHist hist;
  guint64 rejected;
  guint64 history_overflow;
  guint64 wire;
  double *scratch;
  guint scratch_cap;
};

WvRttStats *
wv_rtt_stats_new (void)
{
  WvRttStats *s = g_new0 (WvRttStats, 1);

  g_mutex_init (&s->lock);
  s->ring.esize = sizeof (RttEntry);
  hist_init (&s->hist);
  return s;
}

void
wv_rtt_stats_free (WvRttStats *s)
{
  if (s == NULL)
    return;
  g_mutex_clear (&s->lock);
  ring_free (&s->ring);
  hist_clear (&s->hist);
  g_free (s->scratch);
  g_free (s);
}

void
wv_rtt_stats_add (WvRttStats *s, gint64 now_ns, gint64 rtt_ns)
{
  wv_rtt_stats_add_timed (s, now_ns, rtt_ns, FALSE);
}

guint
wv_rtt_stats_count_wire (WvRttStats *s, gint64 now_ns, gint64 window_ns)
{
  guint n = 0;

  g_return_val_if_fail (s != NULL, 0);

  g_mutex_lock (&s->lock);
  if (window_ns <= 0)
    n = clamp_to_uint (s->wire);
  else
    {
      guint i0 = ring_upper_bound (&s->ring, sat_sub (now_ns, MIN (window_ns, WV_STATS_MAX_WINDOW_NS)));
      guint i1 = ring_upper_bound (&s->ring, now_ns);

      for (guint i = i0; i < i1; i++)
        n += ((const RttEntry *) ring_at (&s->ring, i))->wire;
    }
  g_mutex_unlock (&s->lock);
  return n;
}

void
wv_rtt_stats_add_timed (WvRttStats *s, gint64 now_ns, gint64 rtt_ns, gboolean wire)
{
  gboolean restart;
  gint64 t, limit;
  RttEntry *e;

  g_return_if_fail (s != NULL);

  g_mutex_lock (&s->lock);

  /* (t4 - t1) - (t3 - t2) below zero means one of the clocks jumped. */
  if (rtt_ns < 0)
    {
      s->rejected++;
      goto out;
    }

  t = ring_admit_time (&s->ring, now_ns, &restart);
  if (restart)
    s->ring.head = s->ring.len = 0;

  if (s->ring.len >= WV_STATS_MAX_WINDOW_SAMPLES)
    {
      ring_pop_front (&s->ring);
      s->history_overflow++;
    }
  e = ring_push (&s->ring);
  e->t = t;
  e->rtt_ms = rtt_ns / NS_PER_MS;
  e->wire = wire;
  s->wire += wire != FALSE;
  hist_add (&s->hist, e->rtt_ms);

  limit = sat_sub (t, HISTORY_RETAIN_NS);
  while (s->ring.len > 1 && ring_time (&s->ring, 0) <= limit)
    ring_pop_front (&s->ring);

out:
  g_mutex_unlock (&s->lock);
}

void
wv_rtt_stats_window (WvRttStats *s, gint64 now_ns, gint64 window_ns, WvSummary *out)
{
  guint i0, i1, n = 0;
  double *v;

  g_return_if_fail (s != NULL);
  g_return_if_fail (out != NULL);

  g_mutex_lock (&s->lock);

  memset (out, 0, sizeof *out);
  if (window_ns <= 0)
    goto out;
  window_ns = MIN (window_ns, WV_STATS_MAX_WINDOW_NS);

  i0 = ring_upper_bound (&s->ring, sat_sub (now_ns, window_ns));
  i1 = ring_upper_bound (&s->ring, now_ns);
  if (i1 <= i0)
    goto out;

  v = scratch_reserve (&s->scratch, &s->scratch_cap, i1 - i0);
  for (guint i = i0; i < i1; i++)
    v[n++] = ((const RttEntry *) ring_at (&s->ring, i))->rtt_ms;
  wv_summary_compute (v, n, out);

out:
  g_mutex_unlock (&s->lock);
}

void
wv_rtt_stats_total (WvRttStats *s, WvSummary *out)
{
  g_return_if_fail (s != NULL);
  g_return_if_fail (out != NULL);

  g_mutex_lock (&s->lock);
  hist_summary (&s->hist, out);
  g_mutex_unlock (&s->lock);
}

guint64
wv_rtt_stats_get_n_rejected (WvRttStats *s)
{
  guint64 n;

  g_return_val_if_fail (s != NULL, 0);

  g_mutex_lock (&s->lock);
  n = s->rejected;
  g_mutex_unlock (&s->lock);
  return n;
}

gsize
wv_rtt_stats_get_memory_size (WvRttStats *s)
{
  gsize size;

  g_return_val_if_fail (s != NULL, 0);

  g_mutex_lock (&s->lock);
  size = sizeof *s
       + (gsize) s->ring.cap * s->ring.esize
       + hist_memory (&s->hist)
       + (gsize) s->scratch_cap * sizeof (double);
  g_mutex_unlock (&s->lock);
  return size;
}

/* --- lateness of a sender's ticks --------------------------------------------- */

void
wv_late_hist_add (WvLateHist *h, gint64 late_ns)
{
  guint bucket;

  if (late_ns < 10000000)   /* 10 ms */
    bucket = late_ns <= 0 ? 0 : (guint) (late_ns / 10000);
  else
    bucket = (guint) MIN (WV_LATE_FINE_BUCKETS + (late_ns - 10000000) / 1000000, WV_LATE_BUCKETS);
  h->hist[bucket]++;
  h->n++;
  h->max_ns = MAX (h->max_ns, late_ns);
}

double
wv_late_hist_p99_ms (const WvLateHist *h)
{
  guint64 seen = 0;

  for (guint i = 0; i <= WV_LATE_BUCKETS && h->n > 0; i++)
    {
      seen += h->hist[i];
      if (seen * 100 >= h->n * 99)
        return i < WV_LATE_FINE_BUCKETS ? (i + 1) * 0.01
               : i < WV_LATE_BUCKETS ? 10.0 + (i - WV_LATE_FINE_BUCKETS + 1)
               : h->max_ns / 1e6;
    }
  return -1;
}

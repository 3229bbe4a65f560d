/* test-clock-offset.c: min-delay clock offset estimator
 *
 * Copyright 2025 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include <glib.h>

#include "wv-clock-offset.h"
#include "wv-stats.h"

#define MS  G_GINT64_CONSTANT (1000000)
#define US  G_GINT64_CONSTANT (1000)
#define SEC G_GINT64_CONSTANT (1000000000)
#define T0  (G_GINT64_CONSTANT (1700000000) * SEC)

/* One echoed probe: local send at t1 (local clock), forward delay fwd, peer
 * holds it for hold, return delay back; the peer clock reads local + offset. */
static void
add_exchange (WvClockOffset *c, gint64 t1, gint64 offset, gint64 fwd, gint64 hold, gint64 back)
{
  gint64 t2 = t1 + fwd + offset;
  gint64 t3 = t2 + hold;
  gint64 t4 = t1 + fwd + hold + back;

  wv_clock_offset_add (c, t1, t2, t3, t4);
}

static void
assert_estimate (WvClockOffset *c, gint64 offset, gint64 error)
{
  gint64 o = -1, e = -1;

  g_assert_true (wv_clock_offset_get (c, &o, &e));
  g_assert_cmpint (o, ==, offset);
  g_assert_cmpint (e, ==, error);
}

static void
test_empty (void)
{
  g_autoptr (WvClockOffset) c = wv_clock_offset_new (10 * SEC);
  gint64 o = 123, e = 456;

  g_assert_false (wv_clock_offset_get (c, &o, &e));
  g_assert_cmpint (o, ==, 0);
  g_assert_cmpint (e, ==, 0);
  g_assert_cmpuint (wv_clock_offset_get_n_samples (c), ==, 0);
  g_assert_false (wv_clock_offset_get (c, NULL, NULL));

  /* Zero and negative windows select the default instead of keeping
   * nothing. */
  {
    g_autoptr (WvClockOffset) z = wv_clock_offset_new (0);
    g_autoptr (WvClockOffset) n = wv_clock_offset_new (-SEC);

    add_exchange (z, T0, 250 * MS, 10 * MS, 1 * MS, 20 * MS);
    add_exchange (z, T0 + 9 * SEC, 250 * MS, 10 * MS, 1 * MS, 20 * MS);
    g_assert_cmpuint (wv_clock_offset_get_n_samples (z), ==, 2);
    add_exchange (n, T0, 250 * MS, 10 * MS, 1 * MS, 20 * MS);
    g_assert_true (wv_clock_offset_get (n, NULL, NULL));
  }

  wv_clock_offset_free (NULL);
}

static void
test_single (void)
{
  g_autoptr (WvClockOffset) c = wv_clock_offset_new (10 * SEC);

  /* Peer clock +250 ms, 10 ms out, 1 ms hold, 20 ms back:
   * t2 - t1 = 260, t3 - t4 = 261 - 31 = 230, theta = 245 ms;
   * delta = 31 - 1 = 30 ms, error bound 15 ms (true offset 250: off by 5). */
  add_exchange (c, T0, 250 * MS, 10 * MS, 1 * MS, 20 * MS);
  assert_estimate (c, 245 * MS, 15 * MS);
  g_assert_cmpuint (wv_clock_offset_get_n_samples (c), ==, 1);

  /* An odd delta: theta = 260 ms - floor (15 ms + 0.5 ns), error rounds up. */
  {
    g_autoptr (WvClockOffset) d = wv_clock_offset_new (10 * SEC);

    add_exchange (d, T0, 250 * MS, 10 * MS, 1 * MS, 20 * MS + 1);
    assert_estimate (d, 245 * MS, 15 * MS + 1);
  }

  /* Exactly symmetric: exact offset, bound is half the round trip. */
  {
    g_autoptr (WvClockOffset) d = wv_clock_offset_new (10 * SEC);

    add_exchange (d, T0, -250 * MS, 7 * MS, 0, 7 * MS);
    assert_estimate (d, -250 * MS, 7 * MS);
  }
}

static void
test_min_delay (void)
{
  g_autoptr (WvClockOffset) c = wv_clock_offset_new (10 * SEC);

  /* A: delta 30, theta 245. */
  add_exchange (c, T0, 250 * MS, 10 * MS, 1 * MS, 20 * MS);
  /* B: 6 out, 4 back: delta 10, theta 256 - 5 = 251. */
  add_exchange (c, T0 + 10 * MS, 250 * MS, 6 * MS, 1 * MS, 4 * MS);
  /* C: 10 out, 10 back: delta 20, theta 250. */
  add_exchange (c, T0 + 20 * MS, 250 * MS, 10 * MS, 0, 10 * MS);

  assert_estimate (c, 251 * MS, 5 * MS);
  g_assert_cmpuint (wv_clock_offset_get_n_samples (c), ==, 3);

  /* D, 10 s later: the window (t4 within 10 s of the newest t4 =
   * T0 + 10.041 s) no longer holds A, B or C (t4 = 31, 21, 40 ms). D:
   * 30 out, 10 back, 1 hold: delta 40, theta 280 - 20 = 260. */
  add_exchange (c, T0 + 10 * SEC, 250 * MS, 30 * MS, 1 * MS, 10 * MS);
  g_assert_cmpuint (wv_clock_offset_get_n_samples (c), ==, 1);
  assert_estimate (c, 260 * MS, 20 * MS);
}

static void
test_reject (void)
{
  g_autoptr (WvClockOffset) c = wv_clock_offset_new (10 * SEC);

  add_exchange (c, T0, 250 * MS, 10 * MS, 1 * MS, 20 * MS);

  /* Echo received before it was sent. */
  wv_clock_offset_add (c, T0 + SEC, T0 + SEC, T0 + SEC, T0 + SEC - 1);
  /* Peer sent the echo before receiving the probe. */
  wv_clock_offset_add (c, T0 + SEC, T0 + SEC + 5 * MS, T0 + SEC + 4 * MS, T0 + SEC + 10 * MS);
  /* Peer hold longer than the round trip: negative delay. */
  wv_clock_offset_add (c, T0 + SEC, T0 + SEC, T0 + SEC + 6 * MS, T0 + SEC + 5 * MS);
  /* Absurdly long round trip. */
  wv_clock_offset_add (c, T0 + SEC, T0 + SEC, T0 + SEC, T0 + SEC + 31 * SEC);
  /* Overflowing arithmetic. */
  wv_clock_offset_add (c, G_MININT64, G_MAXINT64, G_MAXINT64, G_MAXINT64);
  wv_clock_offset_add (c, G_MAXINT64, G_MININT64, G_MAXINT64, G_MAXINT64);

  g_assert_cmpuint (wv_clock_offset_get_n_rejected (c), ==, 6);
  g_assert_cmpuint (wv_clock_offset_get_n_samples (c), ==, 1);
  assert_estimate (c, 245 * MS, 15 * MS);

  /* Huge but representable offsets work. */
  {
    g_autoptr (WvClockOffset) d = wv_clock_offset_new (10 * SEC);

    add_exchange (d, -G_MAXINT64 / 2, G_MAXINT64 / 2 + 1000, 10 * MS, 0, 10 * MS);
    assert_estimate (d, G_MAXINT64 / 2 + 1000, 10 * MS);
  }
}

static void
test_duplicates (void)
{
  g_autoptr (WvClockOffset) c = wv_clock_offset_new (10 * SEC);

  add_exchange (c, T0, 250 * MS, 10 * MS, 1 * MS, 20 * MS);
  /* The same probe echoed twice, the copy arriving later: kept once, with
   * the better (smaller) delay. */
  add_exchange (c, T0, 250 * MS, 10 * MS, 1 * MS, 25 * MS);
  g_assert_cmpuint (wv_clock_offset_get_n_samples (c), ==, 1);
  assert_estimate (c, 245 * MS, 15 * MS);

  add_exchange (c, T0, 250 * MS, 10 * MS, 1 * MS, 10 * MS);
  g_assert_cmpuint (wv_clock_offset_get_n_samples (c), ==, 1);
  assert_estimate (c, 250 * MS, 10 * MS);
}

/* Equal round trips: the later sample (by t4) wins, whatever the order in
 * which they were added. Y: 8 out, 12 back, theta 258 - 10 = 248;
 * X: 10 out, 10 back, theta 250; both delta 20. */
static void
test_tie (void)
{
  g_autoptr (WvClockOffset) a = wv_clock_offset_new (10 * SEC);
  g_autoptr (WvClockOffset) b = wv_clock_offset_new (10 * SEC);

  add_exchange (a, T0, 250 * MS, 8 * MS, 0, 12 * MS);
  add_exchange (a, T0 + 100 * MS, 250 * MS, 10 * MS, 0, 10 * MS);
  assert_estimate (a, 250 * MS, 10 * MS);

  add_exchange (b, T0 + 100 * MS, 250 * MS, 10 * MS, 0, 10 * MS);
  add_exchange (b, T0, 250 * MS, 8 * MS, 0, 12 * MS);
  assert_estimate (b, 250 * MS, 10 * MS);
}

/* The estimate does not depend on the order the samples come in. */
static void
test_reorder (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (99);
  g_autoptr (WvClockOffset) ordered = wv_clock_offset_new (10 * SEC);
  g_autoptr (WvClockOffset) shuffled = wv_clock_offset_new (10 * SEC);
  gint64 fwd[50], back[50];
  guint order[50];
  gint64 o1, e1, o2, e2;

  for (guint i = 0; i < 50; i++)
    {
      fwd[i] = g_rand_int_range (rand, 1000, 20000) * US;
      back[i] = g_rand_int_range (rand, 1000, 20000) * US;
      order[i] = i;
    }
  for (guint i = 49; i > 0; i--)
    {
      guint j = g_rand_int_range (rand, 0, i + 1);
      guint t = order[i];

      order[i] = order[j];
      order[j] = t;
    }

  for (guint i = 0; i < 50; i++)
    {
      add_exchange (ordered, T0 + i * 10 * MS, 3 * SEC, fwd[i], 100 * US, back[i]);
      add_exchange (shuffled, T0 + order[i] * 10 * MS, 3 * SEC, fwd[order[i]], 100 * US, back[order[i]]);
    }

  g_assert_true (wv_clock_offset_get (ordered, &o1, &e1));
  g_assert_true (wv_clock_offset_get (shuffled, &o2, &e2));
  g_assert_cmpint (o1, ==, o2);
  g_assert_cmpint (e1, ==, e2);
  g_assert_cmpuint (wv_clock_offset_get_n_samples (shuffled), ==, 50);
  g_assert_cmpint (ABS (o1 - 3 * SEC), <=, e1);
}

static void
test_clock_step (void)
{
  g_autoptr (WvClockOffset) c = wv_clock_offset_new (10 * SEC);

  for (guint i = 0; i < 10; i++)
    add_exchange (c, T0 + i * 10 * MS, 250 * MS, 5 * MS, 0, 5 * MS);
  assert_estimate (c, 250 * MS, 5 * MS);

  /* The local clock is set back an hour: the old samples are meaningless
   * now, so the window starts again from the new one. */
  add_exchange (c, T0 - 3600 * SEC, 3600 * SEC + 250 * MS, 10 * MS, 0, 20 * MS);
  g_assert_cmpuint (wv_clock_offset_get_n_samples (c), ==, 1);
  assert_estimate (c, 3600 * SEC + 245 * MS, 15 * MS);
}

static gint64
exp_delay (GRand *rand, gint64 mean_ns)
{
  return (gint64) (-(double) mean_ns * log (1.0 - g_rand_double (rand)));
}

/* Both ends send at 100 probes/s for 10 s. The receiver B's clock is 250 ms
 * ahead of A's; the path is asymmetric (A->B 12 ms + exp(8 ms),
 * B->A 5 ms + exp(3 ms)). B estimates the offset from its own echoed
 * stream and uses it for the one-way delays of A's stream. */
static void
test_simulated (void)
{
  const gint64 b_ahead = 250 * MS;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20251);
  g_autoptr (WvClockOffset) c = wv_clock_offset_new (10 * SEC);
  g_autoptr (WvRxStats) rx = wv_rx_stats_new ();
  g_autofree gint64 *true_owd = g_new (gint64, 1000);
  gint64 theta, error, true_min = G_MAXINT64, true_sum = 0;
  WvRxRecord r;

  for (guint i = 0; i < 1000; i++)
    {
      gint64 t = T0 + i * 10 * MS;             /* true time */
      gint64 d_ba = 5 * MS + exp_delay (rand, 3 * MS);
      gint64 d_ab = 12 * MS + exp_delay (rand, 8 * MS);
      gint64 hold = 50 * US;
      /* On B's clock t1 and t4, on A's t2 and t3. */
      gint64 t1 = t + b_ahead;
      gint64 t2 = t + d_ba;
      gint64 t3 = t2 + hold;
      gint64 t4 = t + d_ba + hold + d_ab + b_ahead;

      wv_clock_offset_add (c, t1, t2, t3, t4);
    }

  g_assert_true (wv_clock_offset_get (c, &theta, &error));
  g_assert_cmpuint (wv_clock_offset_get_n_samples (c), ==, 1000);
  /* theta is A minus B = -250 ms, within the bound. */
  g_assert_cmpint (ABS (theta - (-b_ahead)), <=, error);
  /* The best round trip is at least the fixed 17 ms and, with 1000 draws,
   * close to it. */
  g_assert_cmpint (error, >=, 17 * MS / 2);
  g_assert_cmpint (error, <, 12 * MS);

  /* A's probes to B, measured on B with offset = B - A = -theta. */
  wv_rx_stats_set_offset (rx, -theta);
  for (guint i = 0; i < 1000; i++)
    {
      gint64 t = T0 + 10 * SEC + i * 10 * MS;  /* true send time */
      gint64 d_ab = 12 * MS + exp_delay (rand, 8 * MS);

      true_owd[i] = d_ab;
      true_min = MIN (true_min, d_ab);
      true_sum += d_ab;
      wv_rx_stats_add_probe (rx, i, t, t + d_ab + b_ahead, -1, -1);
    }

  wv_rx_stats_window (rx, T0 + 30 * SEC, 60 * SEC, &r);
  g_assert_cmpuint (r.owd_ms.n, ==, 1000);
  /* Every OWD is off by the same estimation error, within the bound. */
  g_assert_cmpfloat (fabs (r.owd_ms.mean - true_sum / 1000.0 / 1e6), <=, error / 1e6 + 1e-9);
  g_assert_cmpfloat (fabs (r.owd_ms.min - true_min / 1e6), <=, error / 1e6 + 1e-9);
  /* And the error is exactly the estimator's: owd = true + (theta + 250 ms). */
  g_assert_cmpfloat_with_epsilon (r.owd_ms.min, (true_min + theta + b_ahead) / 1e6, 1e-9);
}

/* Issue 10: the peer's clock runs 100 ppm fast and 40 ms ahead. Over a
 * simulated 10 minutes with jitter and 1 % loss, the one-way delays of the
 * peer's stream, corrected with the fitted offset and skew as the
 * connection does once a second, are within 0.2 ms of the truth; the
 * offset alone (no skew) is not. */
static void
run_drift (gboolean use_skew, double *mean_error_ms, double *max_window_error_ms, double *skew_ppm)
{
  const double k = 100e-6;
  const gint64 off = 40 * MS;
  const guint rate = 50;                    /* probes/s each way */
  const guint seconds = 600;
  g_autoptr (WvClockOffset) c = wv_clock_offset_new (0);
  g_autoptr (WvRxStats) rx = wv_rx_stats_new ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (10);
  double truth_sum = 0, window_truth = 0, window_max = 0;
  guint truth_n = 0, window_n = 0;
  guint32 seq = 0;
  WvRxRecord r;

#define PEER(t) (T0 + (gint64) llround ((double) ((t) - T0) * (1 + k)) + off)
#define LEG() (10 * MS + (gint64) (g_rand_double_range (rand, 0, 3) * MS))

  for (guint sec = 0; sec < seconds; sec++)
    {
      for (guint i = 0; i < rate; i++)
        {
          gint64 t = T0 + sec * SEC + i * (SEC / rate);

          /* Our probe and its echo. */
          if (g_rand_int_range (rand, 0, 100) != 0)
            {
              gint64 f = LEG (), h = 50 * US, b = LEG ();

              if (g_rand_int_range (rand, 0, 100) != 0)
                wv_clock_offset_add (c, t, PEER (t + f), PEER (t + f + h), t + f + h + b);
            }
          /* The peer's probe, half a period later. */
          if (g_rand_int_range (rand, 0, 100) != 0)
            {
              gint64 tp = t + SEC / rate / 2, d = LEG ();

              wv_rx_stats_add_probe (rx, seq, PEER (tp), tp + d, -1, -1);
              truth_sum += d / 1e6;
              truth_n++;
              window_truth += d / 1e6;
              window_n++;
            }
          seq++;
        }
      /* Once a second, as the connection does. */
      {
        gint64 ref, o, err;
        double skew;

        g_assert_true (wv_clock_offset_get_model (c, &ref, &o, &skew, &err));
        if (use_skew)
          wv_rx_stats_set_offset_model (rx, -o, ref, -skew);
        else
          {
            g_assert_true (wv_clock_offset_get (c, &o, NULL));
            wv_rx_stats_set_offset (rx, -o);
          }
      }
      if ((sec + 1) % 10 == 0)
        {
          wv_rx_stats_window (rx, T0 + (sec + 1) * SEC + 20 * MS, 10 * SEC, &r);
          if (sec >= 30)
            window_max = MAX (window_max, fabs (r.owd_ms.mean - window_truth / window_n));
          window_truth = 0;
          window_n = 0;
        }
    }
#undef PEER
#undef LEG

  wv_rx_stats_total (rx, &r);
  g_assert_cmpuint (r.owd_ms.n, ==, truth_n);
  *mean_error_ms = r.owd_ms.mean - truth_sum / truth_n;
  *max_window_error_ms = window_max;
  g_assert_true (wv_clock_offset_get_skew (c, skew_ppm));
}

static void
test_skew (void)
{
  double mean_err, window_err, ppm;

  run_drift (TRUE, &mean_err, &window_err, &ppm);
  g_test_message ("with skew: mean error %.4f ms, worst 10 s window %.4f ms, skew %.3f ppm",
                  mean_err, window_err, ppm);
  g_assert_cmpfloat (fabs (ppm - 100), <, 1);
  g_assert_cmpfloat (fabs (mean_err), <, 0.2);
  g_assert_cmpfloat (window_err, <, 0.2);

  /* The control: the windowed offset alone trails a drifting clock. */
  run_drift (FALSE, &mean_err, &window_err, &ppm);
  g_test_message ("offset only: mean error %.4f ms, worst 10 s window %.4f ms", mean_err, window_err);
  g_assert_cmpfloat (window_err, >, 0.2);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clock-offset/empty", test_empty);
  g_test_add_func ("/clock-offset/single", test_single);
  g_test_add_func ("/clock-offset/min-delay", test_min_delay);
  g_test_add_func ("/clock-offset/reject", test_reject);
  g_test_add_func ("/clock-offset/duplicates", test_duplicates);
  g_test_add_func ("/clock-offset/tie", test_tie);
  g_test_add_func ("/clock-offset/reorder", test_reorder);
  g_test_add_func ("/clock-offset/clock-step", test_clock_step);
  g_test_add_func ("/clock-offset/simulated", test_simulated);
  g_test_add_func ("/clock-offset/skew", test_skew);

  return g_test_run ();
}

/* bench-stats.c: cost of the statistics core, printed (not asserted)
 *
 * Copyright 2025 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Simulates one hour of a 100 probes/s stream (1 % loss, some reordering and
 * duplicates, 100 bulk messages/s) into one WvRxStats and prints the time per
 * add_probe, per 1/10/60 s window record (6000 samples in the 60 s history)
 * and per whole-run record, and the memory held after the hour.
 */

#include <math.h>
#include <stdio.h>
#include <time.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <glib.h>

#include "wv-clock-offset.h"
#include "wv-stats.h"

#define MS  G_GINT64_CONSTANT (1000000)
#define SEC G_GINT64_CONSTANT (1000000000)
#define T0  (G_GINT64_CONSTANT (1700000000) * SEC)

static volatile double sink;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * SEC + ts.tv_nsec;
}

static gsize
heap_in_use (void)
{
#ifdef __GLIBC__
  struct mallinfo2 mi = mallinfo2 ();

  return mi.uordblks + mi.hblkhd;
#else
  return 0;
#endif
}

static gint64
exp_delay (GRand *rand, double mean_ns)
{
  return (gint64) (-mean_ns * log (1.0 - g_rand_double (rand)));
}

int
main (int argc, char *argv[])
{
  const guint probes = 3600 * 100;
  const guint reps = 2000;
  const gint64 windows[] = { 1 * SEC, 10 * SEC, 60 * SEC };
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autofree gint64 *send = g_new (gint64, probes);
  g_autofree gint64 *recv = g_new (gint64, probes);
  g_autofree guint32 *seqs = g_new (guint32, probes);
  gsize heap_before, heap_after, mem_10min;
  WvRxStats *s;
  WvRxRecord r;
  gint64 t, t_end;

  /* Precompute the input so the timing covers only the statistics. */
  for (guint i = 0; i < probes; i++)
    {
      seqs[i] = i;
      send[i] = T0 + (gint64) i * 10 * MS;
      recv[i] = send[i] + 8 * MS + exp_delay (rand, 2.0 * MS);
    }
  for (guint i = 1; i + 1 < probes; i++)
    {
      guint32 roll = g_rand_int_range (rand, 0, 1000);

      if (roll < 10)
        seqs[i] = seqs[i - 1];                  /* 1 %: loss (repeat as duplicate) */
      else if (roll < 12)
        {
          guint32 tmp = seqs[i];                /* 0.2 %: swap with the next */

          seqs[i] = seqs[i + 1];
          seqs[i + 1] = tmp;
        }
    }
  /* Arrival times stay sorted, as on a real receiver. */
  for (guint i = 1; i < probes; i++)
    recv[i] = MAX (recv[i], recv[i - 1]);

  heap_before = heap_in_use ();
  s = wv_rx_stats_new ();

  /* Ten minutes first, to show that the memory stays flat afterwards. */
  t = now_ns ();
  for (guint i = 0; i < probes / 6; i++)
    wv_rx_stats_add_probe (s, seqs[i], send[i], recv[i], 64, 0);
  t_end = now_ns ();
  mem_10min = wv_rx_stats_get_memory_size (s);
  t_end -= now_ns ();
  for (guint i = probes / 6; i < probes; i++)
    wv_rx_stats_add_probe (s, seqs[i], send[i], recv[i], 64, 0);
  t_end += now_ns ();
  printf ("add_probe: %.1f ns per probe (%u probes, 1 h at 100/s)\n",
          (double) (t_end - t) / probes, probes);
  printf ("memory, probes only: %zu bytes after 10 min, %zu bytes after 1 h\n",
          mem_10min, wv_rx_stats_get_memory_size (s));

  t = now_ns ();
  for (guint i = 0; i < probes; i++)
    wv_rx_stats_add_bulk (s, recv[i], 1000);
  t_end = now_ns ();
  printf ("add_bulk: %.1f ns per message\n", (double) (t_end - t) / probes);

  for (guint w = 0; w < G_N_ELEMENTS (windows); w++)
    {
      gint64 at = recv[probes - 1];

      wv_rx_stats_window (s, at, windows[w], &r);
      t = now_ns ();
      for (guint i = 0; i < reps; i++)
        {
          wv_rx_stats_window (s, at, windows[w], &r);
          sink += r.owd_ms.p99;
        }
      t_end = now_ns ();
      printf ("window %2d s: %.1f us per record (%u OWD samples, loss %.2f %%)\n",
              (int) (windows[w] / SEC), (double) (t_end - t) / reps / 1000.0,
              r.owd_ms.n, r.loss_pct);
    }

  t = now_ns ();
  for (guint i = 0; i < reps; i++)
    {
      wv_rx_stats_total (s, &r);
      sink += r.owd_ms.p99;
    }
  t_end = now_ns ();
  printf ("total: %.1f us per record (n %u, p50 %.3f ms, p99 %.3f ms)\n",
          (double) (t_end - t) / reps / 1000.0, r.owd_ms.n, r.owd_ms.p50, r.owd_ms.p99);

  heap_after = heap_in_use ();
  printf ("memory per WvRxStats after 1 h of probes and bulk and the reports: %zu bytes reported by the object",
          wv_rx_stats_get_memory_size (s));
  if (heap_after > heap_before)
    printf (", %zu bytes of heap growth (glibc mallinfo2)", heap_after - heap_before);
  printf ("\n");
  wv_rx_stats_free (s);

  /* RTT accumulator: same windows. */
  {
    g_autoptr (WvRttStats) rtt = wv_rtt_stats_new ();
    WvSummary sum;

    t = now_ns ();
    for (guint i = 0; i < probes; i++)
      wv_rtt_stats_add (rtt, recv[i], recv[i] - send[i] + 9 * MS);
    t_end = now_ns ();
    printf ("rtt add: %.1f ns per sample\n", (double) (t_end - t) / probes);

    t = now_ns ();
    for (guint i = 0; i < reps; i++)
      {
        wv_rtt_stats_window (rtt, recv[probes - 1], 60 * SEC, &sum);
        sink += sum.p99;
      }
    t_end = now_ns ();
    printf ("rtt window 60 s: %.1f us per summary (%u samples); memory %zu bytes\n",
            (double) (t_end - t) / reps / 1000.0, sum.n, wv_rtt_stats_get_memory_size (rtt));
  }

  /* Clock offset estimator: 10 s window at 100 samples/s. */
  {
    g_autoptr (WvClockOffset) c = wv_clock_offset_new (10 * SEC);
    gint64 offset, error;

    t = now_ns ();
    for (guint i = 0; i < probes; i++)
      {
        gint64 t1 = send[i];
        gint64 t2 = t1 + 250 * MS + 4 * MS + exp_delay (rand, 1.0 * MS);

        wv_clock_offset_add (c, t1, t2, t2 + 50000, recv[i] + 5 * MS);
      }
    t_end = now_ns ();
    printf ("clock offset add: %.1f ns per sample (%u kept)\n",
            (double) (t_end - t) / probes, wv_clock_offset_get_n_samples (c));

    t = now_ns ();
    for (guint i = 0; i < reps; i++)
      {
        wv_clock_offset_get (c, &offset, &error);
        sink += offset;
      }
    t_end = now_ns ();
    printf ("clock offset get: %.1f us per estimate\n", (double) (t_end - t) / reps / 1000.0);
  }

  return 0;
}

/* bench-path.c: how long one traceroute round and one MTU search take
 * (issue 4's benchmark; run by tests/bench-path-lab.sh in a lab)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   bench-path URL [RUNS] [ROUNDS]
 *
 * Each run connects to the server (one connection per family), traces with
 * ROUNDS rounds and searches the MTU, both directions, as `wifi-verify-cli
 * run --traceroute --mtu` does. The records are timed as they reach this
 * process: a round ends when its hop records arrive (the first starts with
 * the traceroute phase, the next ones start when the previous one ended),
 * and an MTU search takes from the start of the MTU phase to its path_mtu
 * record. Server-side (s2c) results travel over the control channel first,
 * so their times include that. Prints medians and maxima per family and
 * direction.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wv-client.h"
#include "wv-gst.h"

#define KEY(fam, dir) (((fam) == 6 ? 2 : 0) + (dir))

typedef struct {
  GMainLoop *loop;
  gint64 phase_start_us[WV_PHASE_DONE + 1];
  gint64 last_round_end_us[4];
  guint last_round[4];
  GArray *round_ms[4];
  GArray *mtu_ms[4];
  guint path_mtu[4];
  gboolean ok;
} Bench;

static void
on_phase (WvClient *client, guint phase, Bench *b)
{
  if (phase <= WV_PHASE_DONE)
    b->phase_start_us[phase] = g_get_monotonic_time ();
}

static void
on_record (WvClient *client, const WvRecord *r, Bench *b)
{
  gint64 now = g_get_monotonic_time ();
  guint k = KEY (r->family, r->dir);

  if (r->type == WV_RECORD_HOP && r->hop.round != b->last_round[k])
    {
      gint64 start = b->last_round[k] ? b->last_round_end_us[k]
                                      : b->phase_start_us[WV_PHASE_TRACEROUTE];
      double ms = (now - start) / 1000.0;

      g_array_append_val (b->round_ms[k], ms);
      b->last_round[k] = r->hop.round;
      b->last_round_end_us[k] = now;
    }
  else if (r->type == WV_RECORD_PATH_MTU)
    {
      double ms = (now - b->phase_start_us[WV_PHASE_MTU]) / 1000.0;

      g_array_append_val (b->mtu_ms[k], ms);
      b->path_mtu[k] = r->path_mtu.mtu;
    }
}

static void
on_finished (WvClient *client, gboolean ok, Bench *b)
{
  b->ok = ok;
  g_main_loop_quit (b->loop);
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_figures (const char *what, GArray *a, const char *fam_dir)
{
  if (a->len == 0)
    {
      printf ("%s %s: no data\n", what, fam_dir);
      return;
    }
  g_array_sort (a, cmp_double);
  printf ("%s %s: median %.1f ms, max %.1f ms, n %u\n", what, fam_dir,
          g_array_index (a, double, a->len / 2), g_array_index (a, double, a->len - 1), a->len);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  Bench b = { 0 };
  guint runs = argc > 2 ? atoi (argv[2]) : 5;
  guint rounds = argc > 3 ? atoi (argv[3]) : 10;
  static const char *names[4] = { "IPv4 c2s", "IPv4 s2c", "IPv6 c2s", "IPv6 s2c" };

  if (argc < 2 || runs < 1 || rounds < 1 || rounds > 10)
    {
      fprintf (stderr, "usage: bench-path URL [RUNS] [ROUNDS (1-10)]\n");
      return 2;
    }
  if (!wv_gst_init (&argc, &argv, &error))
    {
      fprintf (stderr, "bench-path: %s\n", error->message);
      return 1;
    }
  b.loop = g_main_loop_new (NULL, FALSE);
  for (guint k = 0; k < 4; k++)
    {
      b.round_ms[k] = g_array_new (FALSE, FALSE, sizeof (double));
      b.mtu_ms[k] = g_array_new (FALSE, FALSE, sizeof (double));
    }
  for (guint run = 0; run < runs; run++)
    {
      WvClientConfig config;
      g_autoptr(WvClient) client = NULL;

      wv_client_config_init (&config);
      config.url = g_strdup (argv[1]);
      config.traceroute = TRUE;
      config.mtu = TRUE;
      config.streams_phase = FALSE;
      config.rounds = rounds;
      client = wv_client_new (&config);
      wv_client_config_clear (&config);
      memset (b.last_round, 0, sizeof b.last_round);
      g_signal_connect (client, "phase-changed", G_CALLBACK (on_phase), &b);
      g_signal_connect (client, "record", G_CALLBACK (on_record), &b);
      g_signal_connect (client, "finished", G_CALLBACK (on_finished), &b);
      if (!wv_client_start (client, &error))
        {
          fprintf (stderr, "bench-path: %s\n", error->message);
          return 1;
        }
      g_main_loop_run (b.loop);
      if (!b.ok)
        {
          fprintf (stderr, "bench-path: run %u failed\n", run + 1);
          return 1;
        }
    }
  printf ("%u runs of %u traceroute rounds and one MTU search, both families and directions\n",
          runs, rounds);
  for (guint k = 0; k < 4; k++)
    {
      print_figures ("trace round", b.round_ms[k], names[k]);
      print_figures ("MTU search ", b.mtu_ms[k], names[k]);
      printf ("path MTU %s: %u\n", names[k], b.path_mtu[k]);
    }
  return 0;
}

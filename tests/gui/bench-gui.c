/* bench-gui.c: frame time of the whole window with 16 connections per family
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window shows a run of 32 connections (16 IPv4, 16 IPv6) that
 * already has 60 s of one-second statistics in its twelve charts, while
 * new records keep arriving as the engine sends them (each second, per
 * connection and direction, one record per window of 1, 10 and 60 s).
 *
 *  live:      the window on screen for N seconds: the charts scroll on their
 *             own timers; per frame, the time from the frame clock's
 *             before-paint to after-paint (layout, snapshot, render with the
 *             window's renderer), and the frames per second GTK managed;
 *  worst:     every chart redrawn in the same frame (offscreen snapshot of
 *             the whole window with each chart invalidated, rendered with
 *             the cairo renderer), the cost of a frame in which all charts
 *             move at once;
 *  ingest:    pushing one second of records (192) through the session, the
 *             pages and the connection list.
 *
 * Then the same 32 connections as 16 clients of Serve mode (one IPv4 and
 * one IPv6 connection each), their records fed the way the server's
 * signals feed them, with the Clients tab showing one of them: the same
 * figures, to compare with the single run's of the same size (a ratio).
 *
 * Usage: bench-gui [SECONDS]   (default 10)
 *
 * The chart widgets alone are measured by tests/gui-charts/bench-charts
 * (32 series at 100 points per second).
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wv-gst.h"
#include "wv-gui.h"
#include "wv-gui-test.h"
#include "wv-stats.h"
#include "../wv-test-records.h"

#define N_PER_FAMILY 16
#define N_CONNS      (2 * N_PER_FAMILY)

/* Mean and 99th percentile (nearest rank), as the engine summarises. */
static void
stats (GArray *values,
       double *mean,
       double *p99)
{
  WvSummary s;

  wv_summary_compute ((double *) values->data, values->len, &s);
  *mean = s.n ? s.mean : NAN;
  *p99 = s.n ? s.p99 : NAN;
}

static WvRecord
make_record (guint       conn,
             WvDirection dir,
             guint       window_s,
             gint64      time_ns,
             GRand      *rand)
{
  WvRecord r = wv_test_record (WV_RECORD_STATS, conn, conn < N_PER_FAMILY ? 4 : 6, dir);
  double base = 8 + conn * 0.9 + g_rand_double_range (rand, 0, 1.5);

  r.time_ns = time_ns;
  r.stats.window_s = window_s;
  r.stats.dscp = -1;
  r.stats.rx.probes = 100;
  r.stats.rx.expected = 100 + g_rand_int_range (rand, 0, 2);
  r.stats.rx.loss_pct = 100.0 * (r.stats.rx.expected - 100) / r.stats.rx.expected;
  r.stats.rx.reorder_pct = g_rand_double_range (rand, 0, 0.5);
  r.stats.rx.jitter_ms = g_rand_double_range (rand, 0.1, 0.9);
  r.stats.rx.throughput_bps = 1e6 + g_rand_double_range (rand, -5e4, 5e4);
  r.stats.rx.owd_ms = (WvSummary) { base - 1, base, base + 4, base + 6, base + 0.4, 100 };
  r.stats.rtt_ms = (WvSummary) { 2 * base - 1, 2 * base, 2 * base + 5, 2 * base + 8, 2 * base + 0.6, 100 };
  return r;
}

typedef void (*PushFunc) (gpointer        target,
                          const WvRecord *record);

/* One second of what the engine sends for every connection. */
static void
push_second (PushFunc  push,
             gpointer  target,
             gint64    time_ns,
             GRand    *rand)
{
  static const guint windows[] = { 1, 10, 60 };

  for (guint c = 0; c < N_CONNS; c++)
    for (guint d = 0; d < 2; d++)
      for (guint w = 0; w < G_N_ELEMENTS (windows); w++)
        {
          WvRecord r = make_record (c, d, windows[w], time_ns, rand);

          push (target, &r);
        }
}

static void
push_to_session (gpointer        target,
                 const WvRecord *record)
{
  wv_session_push_record (target, record);
}

/* Serve mode: connection c belongs to client c % N_PER_FAMILY. */
#define N_CLIENTS N_PER_FAMILY

typedef struct {
  WvServedClients *clients;
  char labels[N_CLIENTS][16];
  char sessions[N_CLIENTS][16];
} Served;

static WvServerClient
served_client (Served *served,
               guint   conn)
{
  guint k = conn % N_CLIENTS;

  return (WvServerClient) { "192.0.2.10", served->labels[k], served->sessions[k], "wifi-verify-web 0.1.0" };
}

static void
push_to_served (gpointer        target,
                const WvRecord *record)
{
  Served *served = target;
  WvServerClient client = served_client (served, record->conn);

  wv_served_clients_push_record (served->clients, &client, record);
}

typedef struct {
  gint64 start;
  GArray *frame_ms;
} Live;

static void
before_paint (GdkFrameClock *clock,
              Live          *live)
{
  live->start = g_get_monotonic_time ();
}

static void
after_paint (GdkFrameClock *clock,
             Live          *live)
{
  double ms;

  if (live->start == 0)
    return;
  ms = (g_get_monotonic_time () - live->start) / 1000.0;
  g_array_append_val (live->frame_ms, ms);
  live->start = 0;
}

/* Live frames, the worst frame and the ingest of @charts's window while
 * @push gets one second of records a second. */
static void
measure (WvWindow     *window,
         WvChartsPage *charts,
         const char   *what,
         int           width,
         int           height,
         guint         seconds,
         PushFunc      push,
         gpointer      target,
         GRand        *rand,
         gint64        now_ns)
{
  g_autoptr(GArray) ingest_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) worst_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GskRenderer) cairo = gsk_cairo_renderer_new ();
  Live live = { 0, g_array_new (FALSE, FALSE, sizeof (double)) };
  GdkFrameClock *clock;
  gint64 end;
  gulong id1, id2;
  double l_mean, l_p99, w_mean, w_p99, i_mean, i_p99;
  guint frames;

  g_assert_true (gsk_renderer_realize (cairo, NULL, NULL));
  /* The last minute, the newest second now. */
  for (int s = 59; s >= 0; s--)
    push_second (push, target, now_ns - (gint64) s * 1000000000, rand);
  wv_gui_test_iterate (500);

  /* Live: the window as a user sees it. */
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  id1 = g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint), &live);
  id2 = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &live);
  end = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  for (guint s = 1; g_get_monotonic_time () < end; s++)
    {
      gint64 second_end = MIN (end, g_get_monotonic_time () + G_USEC_PER_SEC);
      gint64 t0 = g_get_monotonic_time ();
      double ms;

      push_second (push, target, now_ns + (gint64) s * 1000000000, rand);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      g_array_append_val (ingest_ms, ms);
      while (g_get_monotonic_time () < second_end)
        if (!g_main_context_iteration (NULL, FALSE))
          g_usleep (500);
    }
  g_signal_handler_disconnect (clock, id1);
  g_signal_handler_disconnect (clock, id2);
  frames = live.frame_ms->len;

  /* Worst case: every chart redrawn in one frame. */
  for (guint i = 0; i < 40; i++)
    {
      g_autoptr(GdkPaintable) paintable = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      GtkSnapshot *snapshot;
      GskRenderNode *node;
      gint64 t0;
      double ms;

      for (guint m = 0; m < WV_N_CHART_METRICS; m++)
        for (guint d = 0; d < 2; d++)
          gtk_widget_queue_draw (GTK_WIDGET (wv_charts_page_get_chart (charts, m, d)));
      t0 = g_get_monotonic_time ();
      snapshot = gtk_snapshot_new ();
      GTK_WIDGET_GET_CLASS (window)->snapshot (GTK_WIDGET (window), snapshot);
      node = gtk_snapshot_free_to_node (snapshot);
      texture = gsk_renderer_render_texture (cairo, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
      gsk_render_node_unref (node);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      if (i >= 5)
        g_array_append_val (worst_ms, ms);
      wv_gui_test_iterate (5);
    }

  stats (live.frame_ms, &l_mean, &l_p99);
  stats (worst_ms, &w_mean, &w_p99);
  stats (ingest_ms, &i_mean, &i_p99);
  g_print ("%4dx%-4d  %-10s %-14s  %6.1f  %7.2f %7.2f   %7.2f %7.2f   %7.2f %7.2f\n",
           width, height, what, G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (window))),
           frames / (double) seconds, l_mean, l_p99, w_mean, w_p99, i_mean, i_p99);
  g_array_unref (live.frame_ms);
  gsk_renderer_unrealize (cairo);
}

static void
run (WvApplication *app,
     int            width,
     int            height,
     guint          seconds)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(WvSession) session = wv_session_new ();
  WvWindow *window = WV_WINDOW (wv_application_get_main_window (app));

  gtk_window_present (GTK_WINDOW (window));
  wv_gui_test_wait_size (GTK_WIDGET (window), width, height);
  wv_window_set_session (window, session);
  wv_session_push_phase (session, WV_PHASE_STREAMS);
  for (guint c = 0; c < N_CONNS; c++)
    wv_session_push_connection_state (session, c, c < N_PER_FAMILY ? 4 : 6, WV_CONN_STREAMING);
  wv_window_show_page (window, "charts");
  measure (window, wv_window_get_charts_page (window), "one run", width, height, seconds,
           push_to_session, session, rand, g_get_real_time () * 1000);

  /* What was measured, to look at. */
  if (width == 1280)
    g_free (wv_gui_test_screenshot (GTK_WIDGET (window), "bench-32-connections.png"));
  wv_window_set_session (window, NULL);
}

/* The same connections as Serve mode's clients, one of them shown. */
static void
run_served (WvApplication *app,
            int            width,
            int            height,
            guint          seconds)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  WvWindow *window = WV_WINDOW (wv_application_get_main_window (app));
  WvServeView *view = wv_window_get_serve_view (window);
  Served served = { wv_server_page_get_served_clients (wv_window_get_server_page (window)) };

  wv_window_set_mode (window, WV_MODE_SERVE);
  wv_window_show_page (window, "served");
  for (guint k = 0; k < N_CLIENTS; k++)
    {
      g_snprintf (served.labels[k], sizeof served.labels[k], "client %u", k + 1);
      g_snprintf (served.sessions[k], sizeof served.sessions[k], "session-%u", k);
    }
  for (guint c = 0; c < N_CONNS; c++)
    {
      WvServerClient client = served_client (&served, c);

      wv_served_clients_push_state (served.clients, &client, c, c < N_PER_FAMILY ? 4 : 6,
                                    WV_CONN_STREAMING);
    }
  measure (window, wv_serve_view_get_charts_page (view), "16 clients", width, height, seconds,
           push_to_served, &served, rand, g_get_real_time () * 1000);
  if (width == 1280)
    g_free (wv_gui_test_screenshot (GTK_WIDGET (window), "bench-16-clients.png"));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(WvApplication) app = NULL;
  guint seconds = 10;

  /* For the screenshot's directory (G_TEST_BUILDDIR). */
  g_test_init (&argc, &argv, NULL);
  if (argc > 1)
    seconds = CLAMP (atoi (argv[1]), 2, 600);
  /* The settings (memory backend) and schema come from the test
   * environment; numbers print with a decimal point. */
  gtk_disable_setlocale ();
  g_setenv ("GTK_A11Y", "none", FALSE);
  if (!wv_gui_test_have_display () || !gtk_init_check ())
    {
      g_print ("bench-gui: skipped: %s\n", WV_GUI_TEST_NO_DISPLAY);
      return 0;
    }
  app = wv_gui_test_app_new ();

  g_print ("wifi-verify window: %d connections (%d per family), 12 charts with 60 s of one-second\n"
           "statistics, 192 new records a second; times in ms. live = frame clock before-paint to\n"
           "after-paint while the charts scroll (window renderer); worst = all 12 charts redrawn in one\n"
           "frame (offscreen, cairo); ingest = one second of records into session, pages and list;\n"
           "16 clients = the same connections as 16 clients of Serve mode, one shown\n\n",
           N_CONNS, N_PER_FAMILY);
  g_print ("size       what       renderer         frames/s  live(mean p99)    worst(mean p99)   ingest(mean p99)\n");
  run (app, 1280, 800, seconds);
  run (app, 1600, 1000, seconds);
  /* Serve mode last: its clients stay in the window. */
  run_served (app, 1280, 800, seconds);

  gtk_window_destroy (GTK_WINDOW (wv_application_get_main_window (app)));
  return 0;
}

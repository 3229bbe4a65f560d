/* test-gui-window.c: the main window with a measurement fed by the test
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One application and window for the whole program, the way a user sees
 * them: first launch, modes, then a run whose records the test makes
 * itself (four connections, one minute of statistics, three traceroute
 * rounds and MTUs per path), so that every value on screen is known. The
 * engine's own run is tested by test-gui-selftest.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "wv-connection-row.h"
#include "wv-gst.h"
#include "wv-gui.h"
#include "wv-gui-test.h"
#include "wv-table-row.h"
#include "../wv-test-records.h"

#define N_CONNS   4               /* 2 IPv4 + 2 IPv6 */
#define N_SECONDS 60
#define N_TTL     3
#define N_ROUNDS  3

static WvApplication *app;
static WvWindow *window;

#define REQUIRE_WINDOW()                          \
  G_STMT_START {                                  \
    if (window == NULL)                           \
      {                                           \
        g_test_skip (WV_GUI_TEST_NO_DISPLAY);     \
        return;                                   \
      }                                           \
  } G_STMT_END

/* --- first launch and modes ---------------------------------------------------- */

static void
test_first_run (void)
{
  GSettings *settings;

  REQUIRE_WINDOW ();
  settings = wv_application_get_settings (app);

  /* The memory backend starts from the defaults: this is a first launch. */
  g_assert_true (g_settings_get_boolean (settings, "first-run-offer-shown"));
  g_assert_cmpstr (wv_window_get_mode (window), ==, WV_MODE_SELF_TEST);
  g_assert_cmpstr (wv_window_get_visible_content (window), ==, "welcome");
  g_assert_null (wv_window_get_banner_text (window));
  g_assert_false (wv_window_get_running (window));
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (window)));
  wv_gui_test_save (GTK_WIDGET (window), "window-welcome.png");
}

static void
test_modes (void)
{
  GSettings *settings;

  REQUIRE_WINDOW ();
  settings = wv_application_get_settings (app);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.mode", "s", "connect");
  g_assert_cmpstr (wv_window_get_mode (window), ==, WV_MODE_CONNECT);
  g_assert_cmpstr (g_settings_get_string (settings, "mode"), ==, "connect");
  g_settings_set_string (settings, "last-server-url", "http://192.0.2.7:8080");
  wv_gui_test_iterate (50);
  wv_gui_test_save (GTK_WIDGET (window), "window-connect.png");

  /* Connect without a URL: the window says what is missing. */
  g_settings_set_string (settings, "last-server-url", "");
  g_assert_false (wv_window_start (window));
  g_assert_nonnull (wv_window_get_banner_text (window));
  g_assert_nonnull (strstr (wv_window_get_banner_text (window), "URL"));
  g_assert_cmpint (wv_window_get_banner_type (window), ==, GTK_MESSAGE_ERROR);

  /* MTU sizes the engine would refuse: nothing starts, the banner says why. */
  g_settings_set_string (settings, "last-server-url", "http://192.0.2.7:8080");
  g_settings_set_string (settings, "mtu-sizes", "1280 1500 x");
  g_assert_false (wv_window_start (window));
  g_assert_false (wv_window_get_running (window));
  g_assert_nonnull (strstr (wv_window_get_banner_text (window), "Packet sizes of the MTU search"));
  g_assert_nonnull (strstr (wv_window_get_banner_text (window), "“x”"));
  g_assert_cmpint (wv_window_get_banner_type (window), ==, GTK_MESSAGE_ERROR);
  g_settings_reset (settings, "mtu-sizes");
  g_settings_set_string (settings, "last-server-url", "");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.mode", "s", "serve");
  g_assert_cmpstr (wv_window_get_mode (window), ==, WV_MODE_SERVE);
  g_assert_cmpstr (wv_window_get_visible_content (window), ==, "main");
  wv_gui_test_iterate (50);
  wv_gui_test_save (GTK_WIDGET (window), "window-serve-idle.png");

  wv_window_set_mode (window, "nonsense");
  g_assert_cmpstr (wv_window_get_mode (window), ==, WV_MODE_SELF_TEST);
}

/* --- a measurement fed by the test ------------------------------------------------ */

static WvRecord
make_stats (gint64      time_ns,
            guint       conn,
            WvDirection dir,
            guint       window_s,
            double      rtt,
            double      owd)
{
  WvRecord r = wv_test_record (WV_RECORD_STATS, conn, conn < N_CONNS / 2 ? 4 : 6, dir);

  r.time_ns = time_ns;
  r.stats.window_s = window_s;
  r.stats.dscp = -1;
  r.stats.rx.probes = 100;
  r.stats.rx.expected = 100;
  r.stats.rx.loss_pct = 0;
  r.stats.rx.reorder_pct = 0;
  r.stats.rx.jitter_ms = 0.25;
  r.stats.rx.throughput_bps = 1e6;
  r.stats.rx.rx_ttl = 64;
  r.stats.rx.rx_tos = 0;
  r.stats.rx.owd_ms = (WvSummary) { owd - 1, owd, owd + 2, owd + 3, owd + 0.5, 100 };
  r.stats.rtt_ms = (WvSummary) { rtt - 1, rtt, rtt + 2, rtt + 3, rtt + 0.5, 100 };
  r.stats.owd_mode = WV_OWD_SYNCED;
  r.stats.clock_error_ms = 0;
  r.stats.sched_err_p99_ms = 0.1;
  return r;
}

static const char *
hop_address (guint conn,
             guint ttl)
{
  static const char *v4[N_TTL] = { "192.0.2.1", "198.51.100.1", "203.0.113.5" };
  static const char *v6[N_TTL] = { "2001:db8::1", "2001:db8:1::1", "2001:db8:2::5" };

  return conn < N_CONNS / 2 ? v4[ttl - 1] : v6[ttl - 1];
}

static void
feed_traceroute (WvSession *session,
                 gint64     time_ns)
{
  for (guint conn = 0; conn < N_CONNS; conn++)
    for (guint d = 0; d < 2; d++)
      {
        for (guint round = 1; round <= N_ROUNDS; round++)
          for (guint ttl = 1; ttl <= N_TTL; ttl++)
            {
              WvRecord r = { .type = WV_RECORD_HOP, .time_ns = time_ns, .conn = conn,
                             .family = conn < N_CONNS / 2 ? 4 : 6, .dir = d };

              r.hop.round = round;
              r.hop.ttl = ttl;
              /* TTL 2 stays silent in round 2. */
              if (ttl == 2 && round == 2)
                r.hop.rtt_ms = -1;
              else
                {
                  g_strlcpy (r.hop.addr, hop_address (conn, ttl), sizeof r.hop.addr);
                  r.hop.rtt_ms = ttl * 2.0 + round * 0.5;
                  r.hop.reached = ttl == N_TTL;
                }
              wv_session_push_record (session, &r);
            }
        for (guint ttl = 1; ttl <= N_TTL; ttl++)
          {
            WvRecord r = { .type = WV_RECORD_MTU, .time_ns = time_ns, .conn = conn,
                           .family = conn < N_CONNS / 2 ? 4 : 6, .dir = d };

            r.mtu.hop = ttl;
            g_strlcpy (r.mtu.addr, hop_address (conn, ttl), sizeof r.mtu.addr);
            r.mtu.mtu = ttl == 1 ? 1500 : 1400;
            wv_session_push_record (session, &r);
          }
        {
          WvRecord r = { .type = WV_RECORD_PATH_MTU, .time_ns = time_ns, .conn = conn,
                         .family = conn < N_CONNS / 2 ? 4 : 6, .dir = d };

          r.path_mtu.mtu = 1400;
          r.path_mtu.confirmed = TRUE;
          wv_session_push_record (session, &r);
        }
      }
}

static WvSession *session;

static gboolean
not_exporting (gpointer data)
{
  return !wv_window_get_exporting (window);
}

static void
test_measurement (void)
{
  WvChartsPage *charts;
  WvTracePage *trace;
  WvMtuPage *mtu;
  GtkListBox *list;
  WvConnectionRow *row;
  WvSeries *series;
  WvPoint p;
  gint64 now_ns = g_get_real_time () * 1000;

  REQUIRE_WINDOW ();

  wv_window_set_mode (window, WV_MODE_SELF_TEST);
  session = wv_session_new ();
  wv_window_set_session (window, session);
  g_assert_cmpstr (wv_window_get_visible_content (window), ==, "main");

  wv_session_push_phase (session, WV_PHASE_CONNECT);
  for (guint c = 0; c < N_CONNS; c++)
    wv_session_push_connection_state (session, c, c < N_CONNS / 2 ? 4 : 6, WV_CONN_CONNECTING);
  list = wv_window_get_connection_list (window);
  g_assert_nonnull (gtk_list_box_get_row_at_index (list, N_CONNS - 1));
  g_assert_null (gtk_list_box_get_row_at_index (list, N_CONNS));
  g_assert_cmpstr (wv_window_get_progress_text (window), ==, "Connecting: 0 of 4 connections");
  for (guint c = 0; c < N_CONNS; c++)
    wv_session_push_connection_state (session, c, c < N_CONNS / 2 ? 4 : 6, WV_CONN_READY);
  g_assert_cmpstr (wv_window_get_progress_text (window), ==, "Connecting: 4 of 4 connections");

  wv_session_push_phase (session, WV_PHASE_TRACEROUTE);
  wv_session_push_progress (session, 0.5);
  g_assert_cmpstr (wv_window_get_progress_text (window), ==, "Tracing the path: 50 %");
  feed_traceroute (session, now_ns - 61 * G_GINT64_CONSTANT (1000000000));
  wv_session_push_phase (session, WV_PHASE_MTU);
  wv_session_push_phase (session, WV_PHASE_STREAMS);
  for (guint c = 0; c < N_CONNS; c++)
    wv_session_push_connection_state (session, c, c < N_CONNS / 2 ? 4 : 6, WV_CONN_STREAMING);

  /* One minute of one-second statistics, the newest now; RTT 10 + conn ms
   * and OWD 5 + conn ms, plus a 10 s window record that the charts skip. */
  for (guint s = 0; s < N_SECONDS; s++)
    {
      gint64 t = now_ns - (gint64) (N_SECONDS - 1 - s) * 1000000000;

      for (guint c = 0; c < N_CONNS; c++)
        for (guint d = 0; d < 2; d++)
          {
            WvRecord r = make_stats (t, c, d, 1, 10 + c, 5 + c);
            WvRecord r10 = make_stats (t, c, d, 10, 99, 99);

            wv_session_push_record (session, &r);
            wv_session_push_record (session, &r10);
          }
    }
  g_assert_cmpuint (wv_session_get_n_records (session), ==,
                    N_CONNS * 2 * (N_ROUNDS * N_TTL + N_TTL + 1) + N_SECONDS * N_CONNS * 2 * 2);

  /* Charts: one series per connection, one point a second. */
  charts = wv_window_get_charts_page (window);
  series = wv_charts_page_get_series (charts, 0, WV_CHART_METRIC_RTT, WV_DIR_C2S);
  g_assert_nonnull (series);
  g_assert_cmpuint (wv_series_get_n_points (series), ==, N_SECONDS);
  g_assert_true (wv_series_get_point (series, N_SECONDS - 1, &p));
  g_assert_cmpfloat (p.value, ==, 10);
  series = wv_charts_page_get_series (charts, 3, WV_CHART_METRIC_DELAY, WV_DIR_S2C);
  g_assert_cmpuint (wv_series_get_n_points (series), ==, N_SECONDS);
  g_assert_true (wv_series_get_point (series, 0, &p));
  g_assert_cmpfloat (p.value, ==, 8);
  g_assert_cmpint (wv_series_get_line_style (series), ==, WV_LINE_STYLE_DASHED);
  g_assert_cmpuint (wv_series_get_color_index (series), ==, 1);
  series = wv_charts_page_get_series (charts, 1, WV_CHART_METRIC_THROUGHPUT, WV_DIR_C2S);
  g_assert_cmpuint (wv_series_get_n_points (series), ==, N_SECONDS);
  g_assert_cmpint (wv_series_get_line_style (series), ==, WV_LINE_STYLE_SOLID);
  g_assert_cmpuint (g_list_model_get_n_items (wv_time_chart_get_series (
                      wv_charts_page_get_chart (charts, WV_CHART_METRIC_LOSS, WV_DIR_S2C))), ==, N_CONNS);

  /* The mean instead of the median: the series are filled again. */
  wv_charts_page_set_statistic (charts, WV_DELAY_STATISTIC_MEAN);
  series = wv_charts_page_get_series (charts, 0, WV_CHART_METRIC_RTT, WV_DIR_C2S);
  g_assert_cmpuint (wv_series_get_n_points (series), ==, N_SECONDS);
  g_assert_true (wv_series_get_point (series, N_SECONDS - 1, &p));
  g_assert_cmpfloat (p.value, ==, 10.5);
  g_assert_cmpuint (g_settings_get_uint (wv_application_get_settings (app), "delay-statistic"), ==, 1);
  wv_charts_page_set_statistic (charts, WV_DELAY_STATISTIC_MEDIAN);

  /* The connection list shows the live values of each connection. */
  row = WV_CONNECTION_ROW (gtk_list_box_get_row_at_index (list, 2));
  g_assert_cmpuint (wv_connection_row_get_index (row), ==, 2);
  g_assert_cmpstr (wv_connection_row_get_subtitle (row), ==, "RTT 12.000 ms · loss 0 %");

  wv_gui_test_iterate (300);
  wv_window_show_page (window, "charts");
  wv_gui_test_save (GTK_WIDGET (window), "window-charts.png");

  /* Pause: every chart, also those below the fold, stops at one moment
   * with its points, and the button says Resume. */
  wv_charts_page_set_paused (charts, TRUE);
  g_assert_true (wv_charts_page_get_paused (charts));
  g_assert_cmpfloat (wv_time_chart_get_now (wv_charts_page_get_chart (charts, WV_CHART_METRIC_THROUGHPUT, WV_DIR_S2C)),
                     ==, wv_time_chart_get_now (wv_charts_page_get_chart (charts, WV_CHART_METRIC_DELAY, WV_DIR_C2S)));
  series = wv_charts_page_get_series (charts, 1, WV_CHART_METRIC_THROUGHPUT, WV_DIR_S2C);
  g_assert_cmpuint (wv_series_get_n_points (series), ==, N_SECONDS);
  {
    gboolean resume = FALSE;

    for (GtkWidget *w = GTK_WIDGET (charts); w && !resume; )
      {
        if (GTK_IS_LABEL (w) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (w)), "_Resume") == 0)
          resume = TRUE;
        /* Depth first through the page. */
        if (gtk_widget_get_first_child (w))
          w = gtk_widget_get_first_child (w);
        else
          {
            while (w && w != GTK_WIDGET (charts) && gtk_widget_get_next_sibling (w) == NULL)
              w = gtk_widget_get_parent (w);
            w = w && w != GTK_WIDGET (charts) ? gtk_widget_get_next_sibling (w) : NULL;
          }
      }
    g_assert_true (resume);
  }
  wv_charts_page_set_paused (charts, FALSE);
  g_assert_false (wv_charts_page_get_paused (charts));

  /* Traceroute: four paths per direction, three hops each. */
  trace = wv_window_get_trace_page (window);
  wv_trace_page_update_now (trace);
  g_assert_cmpuint (wv_hop_view_get_n_paths (wv_trace_page_get_hop_view (trace, 4)), ==, N_CONNS / 2);
  g_assert_cmpuint (wv_hop_view_get_n_paths (wv_trace_page_get_hop_view (trace, 6)), ==, N_CONNS / 2);
  g_assert_cmpuint (g_list_model_get_n_items (wv_trace_page_get_hops (trace)), ==, N_CONNS * N_TTL);
  g_assert_cmpstr (wv_gui_test_cell (wv_trace_page_get_hops (trace), 1, WV_HOP_COLUMN_CONNECTION), ==, "IPv4 · 1");
  g_assert_cmpstr (wv_gui_test_cell (wv_trace_page_get_hops (trace), 1, WV_HOP_COLUMN_ADDRESS), ==, "198.51.100.1");
  g_assert_cmpstr (wv_gui_test_cell (wv_trace_page_get_hops (trace), 1, WV_HOP_COLUMN_REPLIES), ==, "2/3");
  g_assert_cmpstr (wv_gui_test_cell (wv_trace_page_get_hops (trace), 1, WV_HOP_COLUMN_LOSS), ==, "33 %");
  /* RTTs of TTL 2: 4.5 and 5.5 ms (round 2 silent). */
  g_assert_cmpstr (wv_gui_test_cell (wv_trace_page_get_hops (trace), 1, WV_HOP_COLUMN_RTT_MIN), ==, "4.500");
  g_assert_cmpstr (wv_gui_test_cell (wv_trace_page_get_hops (trace), 1, WV_HOP_COLUMN_RTT_AVG), ==, "5.000");
  g_assert_cmpstr (wv_gui_test_cell (wv_trace_page_get_hops (trace), 1, WV_HOP_COLUMN_RTT_MAX), ==, "5.500");
  g_assert_cmpstr (wv_gui_test_cell (wv_trace_page_get_hops (trace), 2, WV_HOP_COLUMN_MTU), ==, "1400");
  g_assert_true (wv_hop_path_get_reached (wv_hop_view_get_path (wv_trace_page_get_hop_view (trace, 4), 0)));
  /* The two IPv4 connections took the same routers: nothing highlighted. */
  for (guint h = 0; h < N_TTL; h++)
    g_assert_false (wv_hop_view_get_highlighted (wv_trace_page_get_hop_view (trace, 4), 0, h));
  wv_window_show_page (window, "traceroute");
  wv_gui_test_save (GTK_WIDGET (window), "window-traceroute.png");
  wv_trace_page_set_direction (trace, WV_DIR_S2C);
  g_assert_cmpuint (g_list_model_get_n_items (wv_trace_page_get_hops (trace)), ==, N_CONNS * N_TTL);
  wv_trace_page_set_direction (trace, WV_DIR_C2S);

  /* MTU: a path MTU per connection and direction, and each hop's. */
  mtu = wv_window_get_mtu_page (window);
  wv_mtu_page_update_now (mtu);
  g_assert_cmpuint (g_list_model_get_n_items (wv_mtu_page_get_path_mtus (mtu)), ==, N_CONNS * 2);
  g_assert_cmpuint (g_list_model_get_n_items (wv_mtu_page_get_hop_mtus (mtu)), ==, N_CONNS * 2 * N_TTL);
  g_assert_cmpstr (wv_gui_test_cell (wv_mtu_page_get_path_mtus (mtu), 0, WV_PATH_MTU_COLUMN_MTU), ==, "1400 bytes");
  g_assert_cmpstr (wv_gui_test_cell (wv_mtu_page_get_hop_mtus (mtu), 0, WV_HOP_MTU_COLUMN_MTU), ==, "1500 bytes");
  g_assert_cmpstr (wv_gui_test_cell (wv_mtu_page_get_hop_mtus (mtu), 0, WV_HOP_MTU_COLUMN_ADDRESS), ==, "192.0.2.1");
  wv_window_show_page (window, "mtu");
  wv_gui_test_save (GTK_WIDGET (window), "window-mtu.png");
}

static void
test_choose_connections (void)
{
  WvChartsPage *charts;
  WvTracePage *trace;
  WvMtuPage *mtu;
  GtkListBox *list;

  REQUIRE_WINDOW ();
  charts = wv_window_get_charts_page (window);
  trace = wv_window_get_trace_page (window);
  mtu = wv_window_get_mtu_page (window);
  list = wv_window_get_connection_list (window);

  /* Activating a row hides its connection everywhere. */
  g_signal_emit_by_name (list, "row-activated", gtk_list_box_get_row_at_index (list, 1));
  g_assert_false (wv_session_get_connection_visible (session, 1));
  g_assert_false (wv_series_get_visible (wv_charts_page_get_series (charts, 1, WV_CHART_METRIC_RTT, WV_DIR_C2S)));
  g_assert_true (wv_series_get_visible (wv_charts_page_get_series (charts, 0, WV_CHART_METRIC_RTT, WV_DIR_C2S)));
  wv_trace_page_update_now (trace);
  wv_mtu_page_update_now (mtu);
  g_assert_cmpuint (wv_hop_view_get_n_paths (wv_trace_page_get_hop_view (trace, 4)), ==, N_CONNS / 2 - 1);
  g_assert_cmpuint (g_list_model_get_n_items (wv_mtu_page_get_path_mtus (mtu)), ==, (N_CONNS - 1) * 2);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-connections", "s", "ipv6"));
  for (guint c = 0; c < N_CONNS; c++)
    g_assert_cmpint (wv_session_get_connection_visible (session, c), ==, c >= N_CONNS / 2);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-connections", "s", "all"));
  for (guint c = 0; c < N_CONNS; c++)
    g_assert_true (wv_session_get_connection_visible (session, c));
}

static void
test_errors (void)
{
  const char *advice = "The ICMP helper needs the CAP_NET_RAW capability to receive ICMPv4 and ICMPv6 "
                       "errors (traceroute hops, path MTU). Grant it once with:\n"
                       "  sudo setcap cap_net_raw+ep /usr/libexec/wifi-verify-icmp-helper\n"
                       "or run wifi-verify as root.";
  g_autofree char *log = NULL;

  REQUIRE_WINDOW ();

  /* The ICMP helper lacks its capability: the banner says what and how. */
  wv_session_set_privilege_advice (session, advice);
  g_assert_nonnull (wv_window_get_banner_text (window));
  /* One paragraph: the advice's lines joined. */
  g_assert_nonnull (strstr (wv_window_get_banner_text (window),
                            "Grant it once with: sudo setcap cap_net_raw+ep "
                            "/usr/libexec/wifi-verify-icmp-helper or run wifi-verify as root."));
  g_assert_true (g_str_has_prefix (wv_window_get_banner_text (window), "Traceroute and MTU work with less detail."));
  g_assert_cmpint (wv_window_get_banner_type (window), ==, GTK_MESSAGE_WARNING);
  /* Its button copies the command. */
  g_assert_cmpstr (wv_window_get_banner_data (window), ==,
                   "sudo setcap cap_net_raw+ep /usr/libexec/wifi-verify-icmp-helper");
  wv_window_show_page (window, "charts");
  wv_gui_test_save (GTK_WIDGET (window), "window-privilege.png");

  /* An engine message goes to the log and the status line; a failed run
   * to the banner as well. */
  wv_session_push_message (session, WV_MESSAGE_INFO, "connection 3 (IPv6): the peer did not answer");
  g_assert_cmpstr (wv_window_get_status_text (window), ==, "connection 3 (IPv6): the peer did not answer");
  wv_session_push_connection_state (session, 3, 6, WV_CONN_FAILED);
  wv_session_push_message (session, WV_MESSAGE_ERROR, "no connection could start its streams");
  g_assert_cmpstr (wv_window_get_banner_text (window), ==, "no connection could start its streams");
  g_assert_cmpint (wv_window_get_banner_type (window), ==, GTK_MESSAGE_ERROR);
  log = wv_log_page_dup_text (wv_window_get_log_page (window));
  g_assert_nonnull (strstr (log, "the peer did not answer"));
  g_assert_nonnull (strstr (log, "IPv6 · 2: Failed"));
  g_assert_nonnull (strstr (log, "Phase: Tracing the path"));
  g_assert_nonnull (strstr (log, "Phase: Measuring the streams"));
  wv_window_show_page (window, "log");
  wv_gui_test_save (GTK_WIDGET (window), "window-log.png");
}

static void
test_export (void)
{
  g_autofree char *tmp = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *dir = NULL, *name = NULL, *first = NULL;
  static const struct { const char *file; guint lines; const char *header; } files[] = {
    { "stats.csv", 1 + N_SECONDS * N_CONNS * 2 * 2, "time_unix_s,time_utc,conn,family,dir,window_s,probes," },
    { "summary.csv", 1, "time_unix_s,time_utc,conn,family,dir,duration_s,probes_sent," },
    { "hop.csv", 1 + N_CONNS * 2 * N_ROUNDS * N_TTL, "time_unix_s,time_utc,conn,family,dir,round,ttl,addr,rtt_ms,reached" },
    { "mtu.csv", 1 + N_CONNS * 2 * N_TTL, "time_unix_s,time_utc,conn,family,dir,hop,addr,mtu_bytes" },
    { "path_mtu.csv", 1 + N_CONNS * 2, "time_unix_s,time_utc,conn,family,dir,mtu_bytes,confirmed" },
  };

  REQUIRE_WINDOW ();

  tmp = g_dir_make_tmp ("wv-gui-export-XXXXXX", NULL);
  g_assert_nonnull (tmp);
  folder = g_file_new_for_path (tmp);
  g_assert_true (wv_gui_test_action_enabled (GTK_WIDGET (window), "win.export-csv"));
  wv_window_export_to_folder (window, folder);
  g_assert_true (wv_window_get_exporting (window));
  g_assert_false (wv_gui_test_action_enabled (GTK_WIDGET (window), "win.export-csv"));
  g_assert_true (wv_gui_test_wait (not_exporting, NULL, 30000));
  g_assert_nonnull (wv_window_get_last_export (window));
  dir = g_file_get_path (wv_window_get_last_export (window));
  name = wv_session_dup_export_name (session);
  g_assert_true (g_str_has_prefix (name, "wifi-verify-"));
  g_assert_cmpstr (strrchr (dir, '/') + 1, ==, name);
  g_assert_nonnull (strstr (wv_window_get_banner_text (window), dir));

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i].file, NULL);
      g_autofree char *header = wv_gui_test_read_line (path, 0);

      g_assert_nonnull (header);
      g_assert_true (g_str_has_prefix (header, files[i].header));
      g_assert_cmpuint (wv_gui_test_count_lines (path), ==, files[i].lines);
    }
  /* The first hop record: connection 0, round 1, TTL 1. */
  {
    g_autofree char *path = g_build_filename (dir, "hop.csv", NULL);

    first = wv_gui_test_read_line (path, 1);
    g_assert_true (g_str_has_suffix (first, ",0,4,c2s,1,1,192.0.2.1,2.5,false,,,,,,"));
  }

  /* A second export never overwrites the first. */
  wv_window_export_to_folder (window, folder);
  g_assert_true (wv_gui_test_wait (not_exporting, NULL, 30000));
  g_assert_cmpint (wv_window_get_banner_type (window), ==, GTK_MESSAGE_INFO);
  {
    g_autofree char *second = g_file_get_path (wv_window_get_last_export (window));
    g_autofree char *expected = g_strconcat (dir, "-2", NULL);

    g_assert_cmpstr (second, ==, expected);
  }
  g_assert_cmpstr (g_settings_get_string (wv_application_get_settings (app), "export-folder"), ==, tmp);
  g_assert_false (wv_window_get_unexported (window));
}

static void
test_confirm_new_run (void)
{
  WvRecord r;

  REQUIRE_WINDOW ();

  /* A record that came after the export: a new run asks first. */
  r = make_stats (g_get_real_time () * 1000, 0, WV_DIR_C2S, 1, 10, 5);
  wv_session_push_record (session, &r);
  g_assert_true (wv_window_get_unexported (window));
  wv_window_set_mode (window, WV_MODE_SELF_TEST);
  g_assert_false (wv_window_start (window));
  g_assert_nonnull (wv_window_get_confirm_dialog (window));
  g_assert_true (wv_window_get_session (window) == session);
  wv_gui_test_iterate (300);
  {
    g_autofree char *path = wv_gui_test_screenshot (wv_window_get_confirm_dialog (window), "confirm-new-run.png");

    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  }
  /* Cancel: nothing changes. */
  gtk_dialog_response (GTK_DIALOG (wv_window_get_confirm_dialog (window)), GTK_RESPONSE_CANCEL);
  g_assert_null (wv_window_get_confirm_dialog (window));
  g_assert_true (wv_window_get_session (window) == session);
  g_assert_false (wv_window_get_running (window));
  g_assert_true (wv_window_get_unexported (window));
}

/* --- serve mode and preferences ------------------------------------------------------- */

static void
test_serve_description (void)
{
  WvServerPage *page;
  g_autoptr(JsonParser) parser = json_parser_new ();
  GListModel *clients;
  const char *json =
    "{\"service\":\"wifi-verify\",\"counters\":{\"requests\":12,\"bad_requests\":0,\"rejected_by_limits\":1},"
    "\"connections\":["
    "{\"id\":\"b\",\"index\":1,\"family\":6,\"state\":\"streaming\",\"webrtc_state\":\"connected\","
    "\"selected_pair\":\"[2001:db8::2]:50000 <-> [2001:db8::1]:40000\",\"client\":\"2001:db8::2\","
    "\"streams\":{\"rate_pps\":100,\"classes\":1,\"bulk_bps\":0}},"
    "{\"id\":\"a\",\"index\":0,\"family\":4,\"state\":\"connecting\",\"webrtc_state\":\"new\","
    "\"selected_pair\":null,\"client\":\"192.0.2.2\"},"
    "{\"id\":\"c\",\"index\":\"bad\",\"family\":5,\"state\":17}"
    "]}";

  REQUIRE_WINDOW ();
  page = wv_window_get_server_page (window);
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  wv_server_page_show_description (page, json_parser_get_root (parser));
  clients = wv_server_page_get_clients (page);
  g_assert_cmpuint (g_list_model_get_n_items (clients), ==, 3);
  /* Sorted by client address; bad members show as unknown. */
  g_assert_cmpstr (wv_gui_test_cell (clients, 0, WV_CLIENT_COLUMN_CLIENT), ==, "192.0.2.2");
  g_assert_cmpstr (wv_gui_test_cell (clients, 0, WV_CLIENT_COLUMN_STATE), ==, "Connecting");
  g_assert_cmpstr (wv_gui_test_cell (clients, 0, WV_CLIENT_COLUMN_PAIR), ==, "–");
  g_assert_cmpstr (wv_gui_test_cell (clients, 1, WV_CLIENT_COLUMN_FAMILY), ==, "IPv6");
  g_assert_cmpstr (wv_gui_test_cell (clients, 1, WV_CLIENT_COLUMN_STATE), ==, "Measuring");
  g_assert_cmpstr (wv_gui_test_cell (clients, 1, WV_CLIENT_COLUMN_RATE), ==, "100 probes/s");
  g_assert_cmpstr (wv_gui_test_cell (clients, 2, WV_CLIENT_COLUMN_CLIENT), ==, "–");
  g_assert_cmpstr (wv_gui_test_cell (clients, 2, WV_CLIENT_COLUMN_CONNECTION), ==, "–");
  g_assert_cmpstr (wv_gui_test_cell (clients, 2, WV_CLIENT_COLUMN_FAMILY), ==, "–");

  wv_window_set_mode (window, WV_MODE_SERVE);
  wv_window_show_page (window, "clients");
  wv_gui_test_save (GTK_WIDGET (window), "window-serve-clients.png");
}

static gboolean
server_stopped (gpointer data)
{
  return !wv_window_get_running (window);
}

static void
test_serve_start (void)
{
  WvServerPage *page;

  REQUIRE_WINDOW ();
  if (wv_application_get_engine_error (app))
    {
      g_test_skip (wv_application_get_engine_error (app)->message);
      return;
    }
  page = wv_window_get_server_page (window);
  wv_window_set_mode (window, WV_MODE_SERVE);

  /* A bad address is refused with a message, nothing starts. */
  g_settings_set_string (wv_application_get_settings (app), "listen-address", "localhost");
  g_assert_false (wv_window_start (window));
  g_assert_nonnull (strstr (wv_window_get_banner_text (window), "HOST:PORT"));

  g_settings_set_string (wv_application_get_settings (app), "listen-address", "127.0.0.1:0");
  g_assert_true (wv_window_start (window));
  g_assert_true (wv_window_get_running (window));
  g_assert_true (wv_server_page_get_running (page));
  /* The access token is made once and kept for the next start. */
  {
    g_autofree char *token = g_settings_get_string (wv_application_get_settings (app),
                                                    "server-token");

    g_assert_true (wv_token_is_valid (token));
    g_assert_cmpstr (wv_server_get_token (wv_server_page_get_server (page)), ==, token);
  }
  /* The mode cannot change while serving. */
  g_assert_false (wv_gui_test_action_enabled (GTK_WIDGET (window), "win.mode"));
  wv_window_set_mode (window, WV_MODE_CONNECT);
  g_assert_cmpstr (wv_window_get_mode (window), ==, WV_MODE_SERVE);
  g_assert_cmpuint (g_list_model_get_n_items (wv_server_page_get_clients (page)), ==, 0);
  /* The web client's address (here on loopback only), as a link and a QR code. */
  {
    g_auto(GStrv) urls = NULL;

    g_object_get (page, "page-urls", &urls, NULL);
    g_assert_nonnull (urls);
    g_assert_cmpuint (g_strv_length (urls), ==, 1);
    g_assert_true (g_str_has_prefix (urls[0], "http://127.0.0.1:"));
    /* The page URL carries the server's token, like every URL given out. */
    {
      g_autofree char *tail = g_strdup_printf ("/?token=%s", wv_server_get_token (wv_server_page_get_server (page)));

      g_assert_true (g_str_has_suffix (urls[0], tail));
    }
    g_assert_null (strstr (urls[0], ":0/"));
  }
  wv_gui_test_iterate (200);
  wv_gui_test_save (GTK_WIDGET (window), "window-serving.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start-stop", NULL));
  g_assert_true (wv_gui_test_wait (server_stopped, NULL, 5000));
  g_assert_null (wv_server_page_get_page_urls (page));
  g_assert_true (wv_gui_test_action_enabled (GTK_WIDGET (window), "win.mode"));
  wv_window_set_mode (window, WV_MODE_SELF_TEST);
}

/* The DSCP tab from records: a class re-marked on the way, one kept, one
 * whose received TOS is unknown; the last 10 s while running, the whole
 * run once summaries came. */
static void
test_dscp (void)
{
  g_autoptr(WvSession) s = wv_session_new ();
  WvDscpPage *page;
  GListModel *rows;
  gint64 t0 = g_get_real_time () * 1000;
  WvRecord r;

  REQUIRE_WINDOW ();
  page = wv_window_get_dscp_page (window);
  wv_dscp_page_set_session (page, s);
  rows = wv_dscp_page_get_rows (page);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);

  wv_session_push_connection_state (s, 0, 4, WV_CONN_READY);
  wv_session_push_connection_state (s, 1, 6, WV_CONN_READY);
  r = make_stats (t0, 0, WV_DIR_C2S, 10, 10, 5);
  r.stats.dscp = 46;                      /* EF, re-marked to CS0 */
  r.stats.rx.rx_tos = 0;
  r.stats.remarked = TRUE;
  r.stats.rx.loss_pct = 2.5;
  wv_session_push_record (s, &r);
  r = make_stats (t0, 0, WV_DIR_C2S, 10, 10, 5);
  r.stats.dscp = 34;                      /* AF41, kept (ECN bits set) */
  r.stats.rx.rx_tos = (34 << 2) | 1;
  wv_session_push_record (s, &r);
  r = make_stats (t0, 0, WV_DIR_C2S, 1, 10, 5);
  r.stats.dscp = 10;                      /* a 1 s window: not in the table */
  wv_session_push_record (s, &r);
  r = make_stats (t0, 1, WV_DIR_S2C, 10, 10, 5);
  r.stats.dscp = 5;                       /* no name; TOS unknown */
  r.stats.rx.rx_tos = -1;
  wv_session_push_record (s, &r);
  wv_dscp_page_update_now (page);

  g_assert_cmpstr (wv_dscp_page_get_basis (page), ==, "Last 10 seconds");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 3);
  {
    static const char *expected[3][WV_N_DSCP_COLUMNS] = {
      { "IPv4 · 1", "Client → server", "EF (46)", "100", "2.5 %", "5.000", "0.250", "CS0 (0)", "re-marked" },
      { "IPv4 · 1", "Client → server", "AF41 (34)", "100", "0 %", "5.000", "0.250", "AF41 (34)", "kept" },
      { "IPv6 · 1", "Server → client", "5", "100", "0 %", "5.000", "0.250", "–", "unknown" },
    };

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(WvTableRow) row = g_list_model_get_item (rows, i);

        for (guint col = 0; col < WV_N_DSCP_COLUMNS; col++)
          g_assert_cmpstr (wv_table_row_get_cell (row, col), ==, expected[i][col]);
      }
  }
  wv_window_set_session (window, s);
  wv_window_show_page (window, "dscp");
  wv_window_set_mode (window, WV_MODE_SELF_TEST);
  /* The mode bar names the classes of the next run. */
  g_settings_set_string (wv_application_get_settings (app), "dscp-classes", "cs0, af41 46");
  g_assert_true (g_str_has_suffix (wv_window_get_settings_text (window), " · DSCP CS0 AF41 EF"));
  wv_gui_test_save (GTK_WIDGET (window), "window-dscp.png");
  g_settings_reset (wv_application_get_settings (app), "dscp-classes");
  g_assert_null (strstr (wv_window_get_settings_text (window), "DSCP"));

  /* A summary: the whole run, for every class that has one. */
  r = make_stats (t0, 0, WV_DIR_C2S, 0, 10, 7);
  r.type = WV_RECORD_SUMMARY;
  r.stats.dscp = 46;
  r.stats.rx.rx_tos = 46 << 2;
  wv_session_push_record (s, &r);
  wv_dscp_page_update_now (page);
  g_assert_cmpstr (wv_dscp_page_get_basis (page), ==, "Whole run");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  {
    g_autoptr(WvTableRow) row = g_list_model_get_item (rows, 0);

    g_assert_cmpstr (wv_table_row_get_cell (row, WV_DSCP_COLUMN_OWD), ==, "7.000");
    g_assert_cmpstr (wv_table_row_get_cell (row, WV_DSCP_COLUMN_VERDICT), ==, "kept");
  }

  /* Hidden connections leave the table. */
  wv_session_set_connection_visible (s, 0, FALSE);
  wv_dscp_page_update_now (page);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 0);
  wv_window_set_session (window, session);
}

static GtkWindow *
find_preferences (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (!WV_IS_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
preferences_shown (gpointer data)
{
  GtkWindow *prefs = find_preferences ();

  return prefs && gtk_widget_get_mapped (GTK_WIDGET (prefs));
}

static GtkWidget *
find_spin_with_value (GtkWidget *widget,
                      double     value)
{
  if (GTK_IS_SPIN_BUTTON (widget) && gtk_spin_button_get_value (GTK_SPIN_BUTTON (widget)) == value)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_spin_with_value (c, value);

      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_entry_with_text (GtkWidget  *widget,
                      const char *text)
{
  if (GTK_IS_ENTRY (widget) && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), text) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_entry_with_text (c, text);

      if (found)
        return found;
    }
  return NULL;
}

static gboolean
has_label_containing (GtkWidget  *widget,
                      const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (has_label_containing (c, text))
      return TRUE;
  return FALSE;
}

static void
test_preferences (void)
{
  GSettings *settings;
  GtkWindow *prefs;

  REQUIRE_WINDOW ();
  settings = wv_application_get_settings (app);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (wv_gui_test_wait (preferences_shown, NULL, 5000));
  prefs = find_preferences ();
  /* Bound to the settings both ways. */
  g_settings_set_uint (settings, "probe-rate", 437);
  g_assert_nonnull (find_spin_with_value (GTK_WIDGET (prefs), 437));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (find_spin_with_value (GTK_WIDGET (prefs), 437)), 250);
  g_assert_cmpuint (g_settings_get_uint (settings, "probe-rate"), ==, 250);
  /* A number the field will not take is said, not silently changed. */
  {
    GtkWidget *spin = find_spin_with_value (GTK_WIDGET (prefs), 250);

    gtk_editable_set_text (GTK_EDITABLE (spin), "5000");
    g_assert_true (gtk_widget_has_css_class (spin, "error"));
    g_assert_true (has_label_containing (GTK_WIDGET (prefs), "5000 is more than 1000, the most allowed: 1000 is used"));
    gtk_editable_set_text (GTK_EDITABLE (spin), "");
    g_assert_true (has_label_containing (GTK_WIDGET (prefs), "Enter a number: 250 stays"));
    gtk_editable_set_text (GTK_EDITABLE (spin), "250");
    g_assert_false (gtk_widget_has_css_class (spin, "error"));
    g_assert_true (has_label_containing (GTK_WIDGET (prefs), "Probes per second in each direction"));
  }
  wv_gui_test_wait_size (GTK_WIDGET (prefs), 640, 720);
  /* The MTU sizes: what is wrong shows at once, under the entry. */
  {
    g_autofree char *def = g_settings_get_string (settings, "mtu-sizes");
    GtkWidget *entry = find_entry_with_text (GTK_WIDGET (prefs), def);

    g_assert_nonnull (entry);
    g_assert_false (gtk_widget_has_css_class (entry, "error"));
    gtk_editable_set_text (GTK_EDITABLE (entry), "1280 1400 20000");
    g_assert_true (gtk_widget_has_css_class (entry, "error"));
    g_assert_true (has_label_containing (GTK_WIDGET (prefs), "“20000” is not a packet size of 576 to 9000 bytes"));
    {
      g_autofree char *stored = g_settings_get_string (settings, "mtu-sizes");
      g_autofree char *shot = NULL;

      g_assert_cmpstr (stored, ==, "1280 1400 20000");
      GtkWidget *scrolled = gtk_widget_get_ancestor (entry, GTK_TYPE_SCROLLED_WINDOW);

      /* Scrolled down to the entry for the screenshot. */
      if (scrolled)
        {
          GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

          gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
        }
      wv_gui_test_iterate (50);
      shot = wv_gui_test_screenshot (GTK_WIDGET (prefs), "preferences-bad-mtu-sizes.png");
      g_assert_true (g_file_test (shot, G_FILE_TEST_IS_REGULAR));
    }
    gtk_editable_set_text (GTK_EDITABLE (entry), "1280 1400 9000");
    g_assert_false (gtk_widget_has_css_class (entry, "error"));
    g_assert_false (has_label_containing (GTK_WIDGET (prefs), "is not a packet size"));
    g_settings_reset (settings, "mtu-sizes");
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, def);
  }
  wv_gui_test_wait_size (GTK_WIDGET (prefs), 640, 720);
  wv_gui_test_save (GTK_WIDGET (window), "window-after-preferences.png");
  {
    g_autofree char *path = wv_gui_test_screenshot (GTK_WIDGET (prefs), "preferences.png");

    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  }
  gtk_window_destroy (prefs);
  g_settings_reset (settings, "probe-rate");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) engine_error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* The assertions compare numbers printed with a decimal point. */
  gtk_disable_setlocale ();
  g_setenv ("GTK_A11Y", "none", FALSE);

  if (wv_gui_test_have_display () && gtk_init_check ())
    {
      app = wv_gui_test_app_new ();
      if (!wv_gst_init (NULL, NULL, &engine_error))
        wv_application_set_engine_error (app, engine_error);
      window = wv_gui_test_window_new (app);
      wv_gui_test_wait_size (GTK_WIDGET (window), 1280, 800);
    }
  else
    g_test_message ("%s", WV_GUI_TEST_NO_DISPLAY);

  g_test_add_func ("/gui/window/first-run", test_first_run);
  g_test_add_func ("/gui/window/modes", test_modes);
  g_test_add_func ("/gui/window/measurement", test_measurement);
  g_test_add_func ("/gui/window/choose-connections", test_choose_connections);
  g_test_add_func ("/gui/window/errors", test_errors);
  g_test_add_func ("/gui/window/export", test_export);
  g_test_add_func ("/gui/window/confirm-new-run", test_confirm_new_run);
  g_test_add_func ("/gui/window/serve-description", test_serve_description);
  g_test_add_func ("/gui/window/serve-start", test_serve_start);
  g_test_add_func ("/gui/window/preferences", test_preferences);
  g_test_add_func ("/gui/window/dscp", test_dscp);
  ret = g_test_run ();

  /* The window and everything it showed must be freed once destroyed. */
  if (window)
    {
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
      gtk_window_destroy (GTK_WINDOW (window));
      wv_gui_test_iterate (100);
      g_assert_null (window);
    }
  g_clear_object (&session);
  /* A GtkApplication registered without g_application_run() keeps a
   * reference of its own (GTK 4.8), so no g_assert_finalize_object(). */
  g_clear_object (&app);
  return ret;
}

/* test-gui-selftest.c: `wifi-verify --self-test` end to end, under a display
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starts the application with the command line README's first command
 * ends with, lets the loopback self-test run (12 s of streams, two
 * connections per family), then checks what the window shows: charts with
 * data, the traceroute (loopback: one hop, the peer itself) and MTU panes,
 * the CSV export, and saves screenshots of every tab.
 *
 * The test cases run inside the application's main loop (g_test_run() from
 * an idle callback of g_application_run()) so that the command line goes
 * through GApplication as it does for the real program. Assertions are
 * non-fatal: each pane is reported on its own.
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "wv-connection-row.h"
#include "wv-gst.h"
#include "wv-gui.h"
#include "wv-gui-test.h"
#include "wv-table-row.h"
#include "wv-trace-table.h"

#define STREAM_SECONDS  12
#define CONNECTIONS     2         /* per family */
#define DSCP_CLASSES    "CS0 EF"  /* two marked probe streams side by side */
#define N_CLASSES       2
#define RUN_TIMEOUT_MS  150000

static WvApplication *app;
static WvWindow *window;
static const char *skip_reason;
static int test_status;

#define REQUIRE_RUN()                             \
  G_STMT_START {                                  \
    if (skip_reason)                              \
      {                                           \
        g_test_skip (skip_reason);                \
        return;                                   \
      }                                           \
  } G_STMT_END

static guint
n_connections (void)
{
  return wv_session_get_n_connections (wv_window_get_session (window));
}

static void
test_command_line (void)
{
  REQUIRE_RUN ();

  /* --self-test opened the window and started at once. */
  g_assert_nonnull (window);
  g_assert_cmpstr (wv_window_get_mode (window), ==, WV_MODE_SELF_TEST);
  g_assert_nonnull (wv_window_get_session (window));
  g_assert_true (wv_session_get_started (wv_window_get_session (window)));
  g_assert_true (wv_session_get_self_test (wv_window_get_session (window)));
  g_assert_cmpstr (wv_window_get_visible_content (window), ==, "main");
}

static gboolean
finished (gpointer data)
{
  return !wv_session_get_running (wv_window_get_session (window));
}

static gboolean
judged_or_finished (gpointer data)
{
  WvSummaryPage *summary = wv_window_get_summary_page (window);

  return finished (NULL) || wv_summary_page_get_grade (summary, WV_PROFILE_VOICE) != WV_GRADE_UNKNOWN;
}

/* During the run the Summary page judges the streams so far. */
static void
test_summary_live (void)
{
  WvSummaryPage *summary;

  REQUIRE_RUN ();
  summary = wv_window_get_summary_page (window);
  g_assert_true (wv_gui_test_wait (judged_or_finished, NULL, RUN_TIMEOUT_MS));
  g_assert_true (wv_session_get_running (wv_window_get_session (window)));
  g_assert_cmpstr (wv_summary_page_get_basis (summary), ==,
                   "So far: the last 10 seconds of each stream, while the run goes on.");
  g_assert_nonnull (strstr (wv_summary_page_get_verdict_text (summary, WV_PROFILE_VOICE), "E-model R"));
  /* Loopback: good for every use, from the first window on (a sender's
   * window before the receiver's first report is no loss). */
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    g_assert_cmpint (wv_summary_page_get_grade (summary, p), ==, WV_GRADE_GOOD);
  wv_window_show_page (window, "summary");
  wv_gui_test_iterate (400);
  {
    g_autofree char *path = wv_gui_test_screenshot (GTK_WIDGET (window), "selftest-summary-live.png");

    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  }
  wv_window_show_page (window, "charts");
}

static gboolean
run_kept (gpointer data)
{
  GFile *file = wv_window_get_run_file (window);
  g_autofree char *path = file ? g_file_get_path (file) : NULL;

  return path && g_str_has_suffix (path, ".wvrun") && g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

/* The finished run is kept in the app's data directory (XDG_DATA_HOME is
 * a folder of the build tree in the tests), complete, and judged. */
static void
test_kept (void)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "wifi-verify", "runs", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WvRun) run = NULL;
  guint n_summaries = 0;

  REQUIRE_RUN ();
  g_assert_true (wv_gui_test_wait (run_kept, NULL, 10000));
  path = g_file_get_path (wv_window_get_run_file (window));
  g_test_message ("kept in %s", path);
  g_assert_true (g_str_has_prefix (path, dir));
  run = wv_run_load (wv_window_get_run_file (window), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run->meta->end_ns, >, run->meta->start_ns);
  for (guint i = 0; i < run->records->len; i++)
    n_summaries += g_array_index (run->records, WvRecord, i).type == WV_RECORD_SUMMARY;
  g_assert_cmpuint (n_summaries, >=, 2 * n_connections ());
  g_assert_cmpint (wv_summary_page_get_grade (wv_window_get_summary_page (window), WV_PROFILE_VOICE), !=,
                   WV_GRADE_UNKNOWN);
}

static void
test_run (void)
{
  WvSession *session;

  REQUIRE_RUN ();
  session = wv_window_get_session (window);

  g_assert_true (wv_gui_test_wait (finished, NULL, RUN_TIMEOUT_MS));
  g_test_message ("self-test: %u connections, %u records, ended after %.1f s; status: %s",
                  n_connections (), wv_session_get_n_records (session),
                  wv_session_get_end_time (session), wv_window_get_status_text (window));
  g_assert_cmpfloat (wv_session_get_end_time (session), >=, 10.0);
  g_assert_cmpint (wv_session_get_phase (session), ==, WV_PHASE_DONE);
  g_assert_cmpstr (wv_window_get_progress_text (window), ==, "Finished");
  g_assert_cmpuint (n_connections (), ==, 2 * CONNECTIONS);
  for (guint i = 0; i < n_connections (); i++)
    g_assert_cmpint (wv_session_get_connection_state (session, i), ==, WV_CONN_FINISHED);
  g_assert_cmpuint (wv_session_get_n_records (session), >, 0);
}

static void
test_charts (void)
{
  WvChartsPage *charts;
  GtkListBox *list;

  REQUIRE_RUN ();
  charts = wv_window_get_charts_page (window);
  list = wv_window_get_connection_list (window);

  /* Every connection drew at least 8 of its 12 seconds: RTT measured by
   * the client, delay, loss and jitter of what the client received. */
  for (guint c = 0; c < n_connections (); c++)
    {
      static const struct { WvChartMetric metric; WvDirection dir; } charted[] = {
        { WV_CHART_METRIC_RTT, WV_DIR_C2S },
        { WV_CHART_METRIC_DELAY, WV_DIR_S2C },
        { WV_CHART_METRIC_JITTER, WV_DIR_S2C },
        { WV_CHART_METRIC_LOSS, WV_DIR_S2C },
        { WV_CHART_METRIC_THROUGHPUT, WV_DIR_S2C },
      };

      for (guint i = 0; i < G_N_ELEMENTS (charted); i++)
        {
          WvSeries *s = wv_charts_page_get_series (charts, c, charted[i].metric, charted[i].dir);

          g_assert_nonnull (s);
          if (s)
            {
              g_test_message ("connection %u, metric %d, direction %d: %u points", c,
                              charted[i].metric, charted[i].dir, wv_series_get_n_points (s));
              g_assert_cmpuint (wv_series_get_n_points (s), >=, 8);
            }
        }
    }
  for (guint m = 0; m < WV_N_CHART_METRICS; m++)
    g_assert_cmpuint (g_list_model_get_n_items (
                        wv_time_chart_get_series (wv_charts_page_get_chart (charts, m, WV_DIR_C2S))),
                      ==, n_connections ());

  /* The list shows live values. */
  for (guint c = 0; c < n_connections (); c++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, c);

      g_assert_nonnull (row);
      /* After the run: the whole run's median RTT, a number. */
      if (row)
        {
          const char *subtitle = wv_connection_row_get_subtitle (WV_CONNECTION_ROW (row));

          g_test_message ("connection %u: %s", c, subtitle);
          g_assert_true (g_str_has_prefix (subtitle, "RTT "));
          g_assert_true (g_ascii_isdigit (subtitle[4]));
        }
    }
}

static void
test_traceroute (void)
{
  WvTraceTable *table;
  WvTracePage *trace;

  REQUIRE_RUN ();
  table = wv_session_get_trace_table (wv_window_get_session (window));
  trace = wv_window_get_trace_page (window);
  wv_trace_page_update_now (trace);

  /* Loopback: one hop in each direction, and it is the peer. */
  g_assert_cmpuint (wv_trace_table_get_n_paths (table), ==, 2 * n_connections ());
  for (guint p = 0; p < wv_trace_table_get_n_paths (table); p++)
    {
      g_assert_cmpuint (wv_trace_table_get_n_hops (table, p), ==, 1);
      g_assert_true (wv_trace_table_get_reached (table, p));
    }
  g_assert_cmpuint (g_list_model_get_n_items (wv_trace_page_get_hops (trace)), ==, n_connections ());
  g_assert_cmpuint (wv_hop_view_get_n_paths (wv_trace_page_get_hop_view (trace, 4)), ==, CONNECTIONS);
}

static void
test_mtu (void)
{
  WvTraceTable *table;
  WvMtuPage *mtu;

  REQUIRE_RUN ();
  table = wv_session_get_trace_table (wv_window_get_session (window));
  mtu = wv_window_get_mtu_page (window);
  wv_mtu_page_update_now (mtu);

  g_assert_cmpuint (wv_trace_table_get_n_paths (table), ==, 2 * n_connections ());
  for (guint p = 0; p < wv_trace_table_get_n_paths (table); p++)
    g_assert_cmpuint (wv_trace_table_get_path_mtu (table, p, NULL), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (wv_mtu_page_get_path_mtus (mtu)), ==, 2 * n_connections ());
}

/* Loopback keeps every class's DSCP: both classes of every connection and
 * direction, arrived as sent, over the whole run. */
static void
test_dscp (void)
{
  WvDscpPage *page;
  GListModel *rows;
  guint n_cs0 = 0, n_ef = 0;
  gboolean seen_ipv6 = FALSE;

  REQUIRE_RUN ();
  page = wv_window_get_dscp_page (window);
  wv_dscp_page_update_now (page);
  rows = wv_dscp_page_get_rows (page);

  g_assert_cmpstr (wv_dscp_page_get_basis (page), ==, "Whole run");
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_connections () * 2 * N_CLASSES);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(WvTableRow) row = g_list_model_get_item (rows, i);
      const char *sent = wv_table_row_get_cell (row, WV_DSCP_COLUMN_CLASS);
      guint64 probes = 0;

      g_test_message ("%s %s: sent as %s, arrived as %s (%s), %s probes, loss %s",
                      wv_table_row_get_cell (row, WV_DSCP_COLUMN_CONNECTION),
                      wv_table_row_get_cell (row, WV_DSCP_COLUMN_DIRECTION), sent,
                      wv_table_row_get_cell (row, WV_DSCP_COLUMN_RECEIVED),
                      wv_table_row_get_cell (row, WV_DSCP_COLUMN_VERDICT),
                      wv_table_row_get_cell (row, WV_DSCP_COLUMN_PROBES),
                      wv_table_row_get_cell (row, WV_DSCP_COLUMN_LOSS));
      /* IPv4 connections first, as in the list of connections. */
      if (g_str_has_prefix (wv_table_row_get_cell (row, WV_DSCP_COLUMN_CONNECTION), "IPv6"))
        seen_ipv6 = TRUE;
      else
        g_assert_false (seen_ipv6);
      n_cs0 += g_strcmp0 (sent, "CS0 (0)") == 0;
      n_ef += g_strcmp0 (sent, "EF (46)") == 0;
      g_assert_cmpstr (wv_table_row_get_cell (row, WV_DSCP_COLUMN_RECEIVED), ==, sent);
      g_assert_cmpstr (wv_table_row_get_cell (row, WV_DSCP_COLUMN_VERDICT), ==, "kept");
      g_assert_cmpstr (wv_table_row_get_cell (row, WV_DSCP_COLUMN_LOSS), ==, "0 %");
      g_assert_true (g_ascii_string_to_unsigned (wv_table_row_get_cell (row, WV_DSCP_COLUMN_PROBES),
                                                 10, 0, G_MAXUINT, &probes, NULL));
      /* 100 probes/s for about STREAM_SECONDS */
      g_assert_cmpuint (probes, >=, 100 * (STREAM_SECONDS - 2));
    }
  g_assert_cmpuint (n_cs0, ==, n_connections () * 2);
  g_assert_cmpuint (n_ef, ==, n_connections () * 2);
}

static gboolean
not_exporting (gpointer data)
{
  return !wv_window_get_exporting (window);
}

static void
test_export (void)
{
  g_autofree char *tmp = NULL;
  g_autoptr(GFile) folder = NULL;
  g_autofree char *dir = NULL;
  guint n;
  static const struct { const char *file; const char *header; } files[] = {
    { "stats.csv", "time_unix_s,time_utc,conn,family,dir,window_s," },
    { "summary.csv", "time_unix_s,time_utc,conn,family,dir,duration_s," },
    { "hop.csv", "time_unix_s,time_utc,conn,family,dir,round,ttl,addr,rtt_ms,reached" },
    { "mtu.csv", "time_unix_s,time_utc,conn,family,dir,hop,addr,mtu_bytes" },
    { "path_mtu.csv", "time_unix_s,time_utc,conn,family,dir,mtu_bytes,confirmed" },
  };

  REQUIRE_RUN ();
  n = n_connections ();
  tmp = g_dir_make_tmp ("wv-gui-selftest-XXXXXX", NULL);
  folder = g_file_new_for_path (tmp);
  wv_window_export_to_folder (window, folder);
  g_assert_true (wv_gui_test_wait (not_exporting, NULL, 60000));
  g_assert_nonnull (wv_window_get_last_export (window));
  if (wv_window_get_last_export (window) == NULL)
    return;
  dir = g_file_get_path (wv_window_get_last_export (window));
  g_test_message ("exported to %s", dir);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i].file, NULL);
      g_autofree char *header = wv_gui_test_read_line (path, 0);

      g_assert_nonnull (header);
      if (header)
        g_assert_true (g_str_has_prefix (header, files[i].header));
    }
  {
    g_autofree char *stats = g_build_filename (dir, "stats.csv", NULL);
    g_autofree char *summary = g_build_filename (dir, "summary.csv", NULL);
    g_autofree char *hops = g_build_filename (dir, "hop.csv", NULL);
    g_autofree char *path_mtu = g_build_filename (dir, "path_mtu.csv", NULL);

    /* At least 8 seconds x 3 windows x 2 directions x 2 classes per
     * connection, one summary per connection, direction and class, and the
     * same in the file as in the session. */
    g_assert_cmpuint (wv_gui_test_count_lines (stats), >=, 1 + n * 2 * 3 * 8 * N_CLASSES);
    g_assert_cmpuint (wv_gui_test_count_lines (summary), ==, 1 + n * 2 * N_CLASSES);
    g_assert_cmpuint (wv_gui_test_count_lines (hops), >=, 1 + n * 2);
    g_assert_cmpuint (wv_gui_test_count_lines (path_mtu), ==, 1 + n * 2);
  }
}

static void
test_screenshots (void)
{
  REQUIRE_RUN ();

  wv_window_show_page (window, "charts");
  wv_gui_test_save (GTK_WIDGET (window), "selftest-charts.png");
  wv_window_show_page (window, "traceroute");
  wv_gui_test_save (GTK_WIDGET (window), "selftest-traceroute.png");
  wv_window_show_page (window, "mtu");
  wv_gui_test_save (GTK_WIDGET (window), "selftest-mtu.png");
  wv_window_show_page (window, "dscp");
  wv_gui_test_save (GTK_WIDGET (window), "selftest-dscp.png");
  wv_window_show_page (window, "log");
  wv_gui_test_save (GTK_WIDGET (window), "selftest-log.png");
  wv_window_show_page (window, "charts");
}

/* Runs once the application has handled its command line. */
static gboolean
run_tests (gpointer data)
{
  window = WV_WINDOW (wv_application_get_main_window (app));
  wv_gui_test_wait_size (GTK_WIDGET (window), 1280, 800);
  test_status = g_test_run ();
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  char *app_argv[] = { (char *) "wifi-verify", (char *) "--self-test", NULL };

  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();
  gtk_disable_setlocale ();
  g_setenv ("GTK_A11Y", "none", FALSE);

  g_test_add_func ("/gui/selftest/command-line", test_command_line);
  g_test_add_func ("/gui/selftest/summary-live", test_summary_live);
  g_test_add_func ("/gui/selftest/run", test_run);
  g_test_add_func ("/gui/selftest/kept", test_kept);
  g_test_add_func ("/gui/selftest/charts", test_charts);
  g_test_add_func ("/gui/selftest/export", test_export);
  g_test_add_func ("/gui/selftest/traceroute", test_traceroute);
  g_test_add_func ("/gui/selftest/mtu", test_mtu);
  g_test_add_func ("/gui/selftest/dscp", test_dscp);
  g_test_add_func ("/gui/selftest/screenshots", test_screenshots);

  if (!wv_gui_test_have_display () || !gtk_init_check ())
    {
      skip_reason = WV_GUI_TEST_NO_DISPLAY;
      return g_test_run ();
    }
  if (!wv_gst_init (NULL, NULL, &error))
    {
      skip_reason = error->message;
      return g_test_run ();
    }

  app = wv_gui_test_app_new ();
  {
    GSettings *settings = wv_application_get_settings (app);

    g_settings_set_uint (settings, "duration", STREAM_SECONDS);
    g_settings_set_uint (settings, "connections", CONNECTIONS);
    g_settings_set_uint (settings, "max-ttl", 4);
    g_settings_set_uint (settings, "rounds", 2);
    g_settings_set_string (settings, "dscp-classes", DSCP_CLASSES);
  }
  g_idle_add (run_tests, NULL);
  if (g_application_run (G_APPLICATION (app), G_N_ELEMENTS (app_argv) - 1, app_argv) != 0)
    g_error ("the application failed");
  g_clear_object (&app);
  return test_status;
}

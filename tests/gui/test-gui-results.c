/* test-gui-results.c: runs kept in files, in the window
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two real loopback self-tests of wifi-verify-cli (WV_CLI) are saved with
 * --save into the app's runs folder (XDG_DATA_HOME points into a fresh
 * temporary folder). Then:
 *  - Saved Runs lists both, with a verdict;
 *  - a run reopened in the window shows the verdict `wifi-verify-cli
 *    report FILE` prints (grade and the deciding value), over the whole
 *    run, with charts (screenshots summary-reopened.png, charts-reopened.png);
 *  - the two compared side by side (compare.png);
 *  - Save Report writes a PDF of the reopened run;
 *  - with WV_WIFI_RUN (tests/test-wifi.py sets it to a run made under
 *    python3-dbusmock's NetworkManager) the Wi-Fi signal chart has the
 *    readings and a roam event (wifi-charts.png).
 * Needs a display and the patched WebRTC stack (the CLI's self-test).
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "wv-compare-window.h"
#include "wv-gst.h"
#include "wv-gui-test.h"
#include "wv-help-window.h"
#include "wv-history-window.h"
#include "wv-summary-page.h"
#include "wv-table-row.h"
#include "../wv-test-records.h"

static WvApplication *app;
static WvWindow *window;
static char *tmp_dir;
static char *runs_dir;
static char *run_files[2];
static char *impaired_file;     /* hand-made: 130 ms one-way delay, 2 % loss */

static const char *const cli_profiles[WV_N_PROFILES] = {
  [WV_PROFILE_VOICE] = "voice call",
  [WV_PROFILE_VIDEO] = "video call",
  [WV_PROFILE_INTERACTIVE] = "interactive (gaming)",
};

static gboolean
skip_without_runs (void)
{
  if (window == NULL)
    {
      g_test_skip (WV_GUI_TEST_NO_DISPLAY);
      return TRUE;
    }
  if (run_files[0] == NULL)
    {
      g_test_skip ("the self-tests of wifi-verify-cli did not run (WV_CLI unset or the run failed; see above)");
      return TRUE;
    }
  return FALSE;
}

/* A short loopback self-test kept in @path. */
static gboolean
cli_self_test (const char *path)
{
  const char *cli = g_getenv ("WV_CLI");
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;
  const char *argv[] = { cli, "self-test", "--duration", "2", "--save", path, NULL };

  if (cli == NULL)
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status,
                     &error))
    {
      g_test_message ("%s: %s", cli, error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, &error) || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_message ("self-test --save %s failed: %s\n%s", path, error ? error->message : "no file", out);
      return FALSE;
    }
  return TRUE;
}

/* `wifi-verify-cli report FILE`'s line of @profile in the run's verdict:
 * "voice call            good  R 93.7 >= 80 ...". */
static char *
cli_verdict_line (const char *path,
                  WvProfile   profile)
{
  const char *argv[] = { g_getenv ("WV_CLI"), "report", path, NULL };
  g_autofree char *out = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                               &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (g_str_has_prefix (line, cli_profiles[profile]) && strstr (line, "  "))
        return g_steal_pointer (&line);
    }
  g_error ("no %s verdict in the report of %s:\n%s", cli_profiles[profile], path, out);
}

static guint
grid_n_rows (GtkGrid *grid)
{
  int rows = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (grid)); c; c = gtk_widget_get_next_sibling (c))
    {
      int row, height;

      gtk_grid_query_child (grid, c, NULL, &row, NULL, &height);
      rows = MAX (rows, row + height);
    }
  return (guint) rows;
}

static gboolean
history_loaded (gpointer data)
{
  return !wv_history_window_get_loading (data);
}

static gboolean
window_loaded (gpointer data)
{
  return !wv_window_get_loading (window);
}

static gboolean
compare_loaded (gpointer data)
{
  return !wv_compare_window_get_loading (data);
}

static gboolean
not_exporting (gpointer data)
{
  return !wv_window_get_exporting (window);
}

static gboolean
report_written (gpointer data)
{
  return !wv_window_get_writing_report (window);
}

/* A run over a poor path, written with the engine's run writer: one
 * IPv4 connection, 20 s of one-second windows and the summaries, with a
 * one-way delay of 130 ms (p99 190 ms) and 2 % loss both ways: poor for
 * video and interactive use (loss over 1 %), still good for a voice call
 * (E-model R 82.5). */
static char *
write_impaired_run (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "impaired.wvrun", NULL);
  g_autoptr(GError) error = NULL;
  WvRunMeta *meta = wv_run_meta_new ();
  gint64 start = g_get_real_time () * 1000 - 60 * G_GINT64_CONSTANT (1000000000);
  WvRunWriter *writer;

  meta->start_ns = start;
  meta->mode = g_strdup ("run");
  meta->server = g_strdup ("http://192.0.2.10:8080/");
  meta->hostname = g_strdup ("test");
  writer = wv_run_writer_new (path, TRUE, meta, &error);
  g_assert_no_error (error);
  for (guint s = 0; s <= 20; s++)
    for (WvDirection d = WV_DIR_C2S; d <= WV_DIR_S2C; d++)
      {
        WvRecord r = wv_test_record (s < 20 ? WV_RECORD_STATS : WV_RECORD_SUMMARY, 0, 4, d);

        r.time_ns = start + (gint64) (s + 1) * 1000000000;
        r.stats.window_s = s < 20 ? 1 : 0;
        r.stats.duration_s = s < 20 ? 0 : 20;
        r.stats.dscp = -1;
        r.stats.rx.expected = s < 20 ? 100 : 2000;
        r.stats.rx.probes = r.stats.rx.expected * 98 / 100;
        r.stats.probes_sent = s < 20 ? 0 : 2000;
        r.stats.rx.loss_pct = 2.0;
        r.stats.rx.jitter_ms = 4;
        r.stats.rx.rx_ttl = 60;
        r.stats.rx.rx_tos = 0;
        r.stats.rx.owd_ms = (WvSummary) { 110, 130, 190, 200, 135, r.stats.rx.probes };
        r.stats.rtt_ms = (WvSummary) { 230, 260, 380, 400, 270, r.stats.rx.probes };
        r.stats.owd_mode = WV_OWD_SYNCED;
        r.stats.clock_error_ms = 1;
        r.stats.sched_err_p99_ms = 0.1;
        r.stats.expected_source = WV_EXPECTED_SENDER;
        g_assert_true (wv_run_writer_add (writer, &r, &error));
        g_assert_no_error (error);
      }
  meta->end_ns = start + 22 * G_GINT64_CONSTANT (1000000000);
  g_assert_true (wv_run_writer_finish (writer, meta, &error));
  g_assert_no_error (error);
  wv_run_meta_free (meta);
  return g_steal_pointer (&path);
}

/* The GUI's verdict of @path is the one `wifi-verify-cli report` prints:
 * each grade, and the deciding value of the voice verdict. Returns how
 * many uses were judged good. */
static guint
check_same_verdict (const char *path)
{
  WvSummaryPage *summary = wv_window_get_summary_page (window);
  guint good = 0;

  wv_summary_page_update_now (summary);
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      g_autofree char *line = cli_verdict_line (path, p);
      const char *grade = wv_grade_to_string (wv_summary_page_get_grade (summary, p));
      const char *text = wv_summary_page_get_verdict_text (summary, p);
      g_auto(GStrv) words = g_strsplit_set (line + strlen (cli_profiles[p]), " ", -1);
      guint w = 0;

      while (words[w] && *words[w] == '\0')
        w++;
      g_test_message ("CLI: %s / GUI: %s, %s", line, grade, text);
      g_assert_cmpstr (grade, ==, words[w]);
      good += g_str_equal (grade, "good");
      if (p == WV_PROFILE_VOICE)
        {
          /* "R 93.7": the E-model rating, printed alike. */
          const char *r = strstr (line, " R ");
          g_autofree char *value = NULL;

          g_assert_nonnull (r);
          value = g_strndup (r + 3, strcspn (r + 3, " "));
          g_assert_nonnull (strstr (text, value));
        }
    }
  return good;
}

/* A poor path: the GUI says what the CLI says, and it is not good. */
static void
test_impaired (void)
{
  g_autoptr(GFile) file = NULL;

  if (window == NULL)
    {
      g_test_skip (WV_GUI_TEST_NO_DISPLAY);
      return;
    }
  if (g_getenv ("WV_CLI") == NULL)
    {
      g_test_skip ("WV_CLI is not set: no wifi-verify-cli report to compare with");
      return;
    }
  file = g_file_new_for_path (impaired_file);
  wv_window_open_file (window, file);
  g_assert_true (wv_gui_test_wait (window_loaded, NULL, 10000));
  g_assert_cmpuint (check_same_verdict (impaired_file), <, WV_N_PROFILES);
  /* 2 % loss is more than video and interactive use take (docs/verdict.md). */
  g_assert_cmpint (wv_summary_page_get_grade (wv_window_get_summary_page (window), WV_PROFILE_VIDEO), ==,
                   WV_GRADE_POOR);
  wv_window_show_page (window, "summary");
  wv_gui_test_save (GTK_WIDGET (window), "summary-impaired.png");
}

static void
test_history (void)
{
  WvHistoryWindow *history;
  GListModel *runs;

  if (skip_without_runs ())
    return;
  history = WV_HISTORY_WINDOW (wv_window_show_history (window));
  g_assert_true (wv_gui_test_wait (history_loaded, history, 10000));
  runs = wv_history_window_get_runs (history);
  g_assert_cmpuint (g_list_model_get_n_items (runs), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(WvTableRow) row = g_list_model_get_item (runs, i);
      GFile *file = wv_history_window_get_file (history, i);
      g_autofree char *path = g_file_get_path (file);

      /* Each row is one of the kept runs, judged as the CLI judges it. */
      g_assert_true (g_strcmp0 (path, run_files[0]) == 0 || g_strcmp0 (path, run_files[1]) == 0);
      g_assert_cmpstr (wv_table_row_get_cell (row, WV_HISTORY_COLUMN_TARGET), ==, "Self-test");
      g_assert_nonnull (strstr (wv_table_row_get_cell (row, WV_HISTORY_COLUMN_VOICE), "Good"));
    }
  wv_gui_test_save (GTK_WIDGET (history), "history.png");
  gtk_window_destroy (GTK_WINDOW (history));
}

static void
test_reopen (void)
{
  WvSummaryPage *summary;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFile) pdf = NULL;
  g_autofree char *pdf_path = NULL;
  WvSeries *delay;

  if (skip_without_runs ())
    return;
  file = g_file_new_for_path (run_files[0]);
  wv_window_open_file (window, file);
  g_assert_true (wv_gui_test_wait (window_loaded, NULL, 10000));
  g_assert_true (g_file_equal (wv_window_get_run_file (window), file));
  summary = wv_window_get_summary_page (window);
  wv_summary_page_update_now (summary);

  /* The same verdict as the CLI: the grade and the deciding value. */
  g_assert_cmpuint (check_same_verdict (run_files[0]), ==, WV_N_PROFILES);
  g_assert_cmpuint (grid_n_rows (wv_summary_page_get_table (summary, WV_SUMMARY_TABLE_SUMMARY)), >=, 4);
  /* The settings it was measured with (2 s), not those of the next run. */
  g_assert_cmpstr (wv_window_get_settings_text (window), ==,
                   "As measured: 1 connection per family · IPv4 and IPv6 · 100 probes/s · 2 s");
  wv_window_show_page (window, "summary");
  wv_gui_test_save (GTK_WIDGET (window), "summary-reopened.png");

  /* The charts over the whole run. */
  delay = wv_charts_page_get_series (wv_window_get_charts_page (window), 0, WV_CHART_METRIC_DELAY, WV_DIR_C2S);
  g_assert_nonnull (delay);
  g_assert_cmpuint (wv_series_get_n_points (delay), >=, 1);
  wv_window_show_page (window, "charts");
  wv_gui_test_save (GTK_WIDGET (window), "charts-reopened.png");

  /* Export CSV of a reopened run: the CSV files and its metadata. */
  {
    g_autoptr(GFile) folder = g_file_new_for_path (tmp_dir);
    g_autofree char *meta = NULL;
    g_autofree char *meta_path = NULL;

    wv_window_export_to_folder (window, folder);
    g_assert_true (wv_gui_test_wait (not_exporting, NULL, 30000));
    g_assert_nonnull (wv_window_get_last_export (window));
    meta_path = g_build_filename (g_file_peek_path (wv_window_get_last_export (window)), "meta.json", NULL);
    g_assert_true (g_file_get_contents (meta_path, &meta, NULL, NULL));
    g_assert_nonnull (strstr (meta, "\"self-test\""));
    g_assert_nonnull (strstr (meta, "\"settings\""));
    /* The key from the CSV files' conn to the window's labels. */
    {
      g_autofree char *conns = NULL;
      g_autofree char *conns_path = g_build_filename (g_file_peek_path (wv_window_get_last_export (window)),
                                                      "connections.csv", NULL);

      g_assert_true (g_file_get_contents (conns_path, &conns, NULL, NULL));
      g_assert_true (g_str_has_prefix (conns, "conn,family,label\n"));
      g_assert_nonnull (strstr (conns, ",4,\"IPv4 · 1\"\n"));
      g_assert_nonnull (strstr (conns, ",6,\"IPv6 · 1\"\n"));
    }
  }

  /* Save Report: the PDF of the run on screen. */
  pdf_path = g_build_filename (tmp_dir, "report.pdf", NULL);
  pdf = g_file_new_for_path (pdf_path);
  wv_window_save_report_to (window, pdf);
  g_assert_true (wv_gui_test_wait (report_written, NULL, 30000));
  g_assert_nonnull (wv_window_get_last_report (window));
  g_assert_true (g_file_test (pdf_path, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *contents = NULL;

    g_assert_true (g_file_get_contents (pdf_path, &contents, NULL, NULL));
    g_assert_true (g_str_has_prefix (contents, "%PDF"));
  }
}

static void
test_compare (void)
{
  g_autoptr(GFile) a = NULL, b = NULL;
  WvCompareWindow *compare;

  if (skip_without_runs ())
    return;
  a = g_file_new_for_path (run_files[0]);
  b = g_file_new_for_path (run_files[1]);
  compare = WV_COMPARE_WINDOW (wv_window_compare_files (window, a, b));
  g_assert_true (wv_gui_test_wait (compare_loaded, compare, 10000));
  g_assert_null (wv_compare_window_get_error (compare));
  /* Both runs' verdicts, and every stream of both. */
  g_assert_cmpuint (grid_n_rows (wv_compare_window_get_verdicts (compare)), >=, WV_N_PROFILES);
  g_assert_cmpuint (grid_n_rows (wv_compare_window_get_streams (compare)), >=, 4);
  g_assert_nonnull (wv_compare_window_get_changes (compare));
  /* The delay chart: runs A and B on one axis, each line with points. */
  {
    GListModel *series = wv_time_chart_get_series (wv_compare_window_get_chart (compare, WV_COMPARE_CHART_DELAY,
                                                                                WV_DIR_C2S));
    gboolean seen[2] = { FALSE, FALSE };

    for (guint i = 0; i < g_list_model_get_n_items (series); i++)
      {
        g_autoptr(WvSeries) s = g_list_model_get_item (series, i);

        g_assert_cmpuint (wv_series_get_n_points (s), >=, 1);
        seen[wv_series_get_color_index (s) != 0] = TRUE;
      }
    g_assert_true (seen[0] && seen[1]);
  }
  gtk_window_set_default_size (GTK_WINDOW (compare), 1280, 900);
  wv_gui_test_save (GTK_WIDGET (compare), "compare.png");
  gtk_window_destroy (GTK_WINDOW (compare));
}

static gboolean
not_running (gpointer data)
{
  return !wv_window_get_running (window);
}

/* Connect completes an address typed without http:// (port 9 of loopback
 * has no server: the run fails on the connection, not on the URL). */
static void
test_connect_completes_url (void)
{
  if (window == NULL)
    {
      g_test_skip (WV_GUI_TEST_NO_DISPLAY);
      return;
    }
  wv_window_start_connect (window, "127.0.0.1:9");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (wv_window_get_url_entry (window))), ==,
                   "http://127.0.0.1:9");
  g_assert_true (wv_gui_test_wait (not_running, NULL, 30000));
  g_assert_null (strstr (wv_window_get_banner_text (window), "is not an http://"));
  wv_window_set_mode (window, WV_MODE_SELF_TEST);
}

/* A run the settings refuse: the banner leads to the settings and goes
 * once the setting is fixed. */
static void
test_refused_start (void)
{
  GSettings *settings;

  if (window == NULL)
    {
      g_test_skip (WV_GUI_TEST_NO_DISPLAY);
      return;
    }
  settings = wv_application_get_settings (app);
  g_settings_set_string (settings, "mtu-sizes", "1280 20000");
  g_assert_false (wv_window_start_self_test (window));
  g_assert_nonnull (strstr (wv_window_get_banner_text (window), "could not start"));
  g_assert_cmpint (wv_window_get_banner_type (window), ==, GTK_MESSAGE_ERROR);
  g_assert_cmpstr (wv_window_get_banner_button_label (window), ==, "_Settings…");
  wv_gui_test_save (GTK_WIDGET (window), "refused-start.png");
  g_settings_reset (settings, "mtu-sizes");
  g_assert_null (wv_window_get_banner_text (window));
}

static GtkScrolledWindow *
find_scroller (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget))
    return GTK_SCROLLED_WINDOW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkScrolledWindow *found = find_scroller (c);

      if (found)
        return found;
    }
  return NULL;
}

/* Lines logged while another page is shown: the Log, shown, is at the
 * newest one. */
static void
test_log_follows (void)
{
  WvLogPage *log;
  GtkAdjustment *adj;

  if (window == NULL)
    {
      g_test_skip (WV_GUI_TEST_NO_DISPLAY);
      return;
    }
  log = wv_window_get_log_page (window);
  wv_window_show_page (window, "summary");
  wv_gui_test_iterate (100);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *text = g_strdup_printf ("line %u", i);

      wv_log_page_append (log, WV_MESSAGE_INFO, text);
    }
  wv_window_show_page (window, "log");
  wv_gui_test_iterate (600);
  adj = gtk_scrolled_window_get_vadjustment (find_scroller (GTK_WIDGET (log)));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adj), >, gtk_adjustment_get_page_size (adj));
  g_assert_cmpfloat (gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj), >=,
                     gtk_adjustment_get_upper (adj) - 4);
  wv_gui_test_save (GTK_WIDGET (window), "log-follows.png");
}

static GtkWindow *
find_help (void)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l; l = l->next)
    if (WV_IS_HELP_WINDOW (l->data))
      return l->data;
  return NULL;
}

static gboolean
help_shown (gpointer data)
{
  GtkWindow *help = find_help ();

  return help && gtk_widget_get_mapped (GTK_WIDGET (help));
}

/* F1 opens the help page, Ctrl+? the shortcuts window. */
static void
test_help (void)
{
  g_auto(GStrv) f1 = NULL, overlay = NULL;
  gboolean has_ctrl_question = FALSE;

  if (window == NULL)
    {
      g_test_skip (WV_GUI_TEST_NO_DISPLAY);
      return;
    }
  f1 = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.help");
  g_assert_true (g_strv_contains ((const char * const *) f1, "F1"));
  overlay = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay");
  for (guint i = 0; overlay[i]; i++)
    has_ctrl_question |= g_str_equal (overlay[i], "<Control>question") || g_str_equal (overlay[i], "<Primary>question");
  g_assert_true (has_ctrl_question);
  g_assert_true (g_action_group_has_action (G_ACTION_GROUP (window), "show-help-overlay"));
  g_action_group_activate_action (G_ACTION_GROUP (app), "help", NULL);
  g_assert_true (wv_gui_test_wait (help_shown, NULL, 5000));
  wv_gui_test_save (GTK_WIDGET (find_help ()), "help.png");
  gtk_window_destroy (find_help ());
}

static void
test_wifi (void)
{
  const char *path = g_getenv ("WV_WIFI_RUN");
  g_autoptr(GFile) file = NULL;
  WvChartsPage *charts;
  WvSeries *signal;

  if (window == NULL)
    {
      g_test_skip (WV_GUI_TEST_NO_DISPLAY);
      return;
    }
  g_assert_nonnull (path);
  file = g_file_new_for_path (path);
  wv_window_open_file (window, file);
  g_assert_true (wv_gui_test_wait (window_loaded, NULL, 10000));
  charts = wv_window_get_charts_page (window);
  signal = wv_charts_page_get_wifi_series (charts);
  g_assert_nonnull (signal);
  g_assert_cmpuint (wv_series_get_n_points (signal), >=, 4);
  for (WvDirection d = WV_DIR_C2S; d <= WV_DIR_S2C; d++)
    {
      WvTimeChart *wifi = wv_charts_page_get_wifi_chart (charts, d);

      /* In each column, on that column's time axis, the signal and the
       * roam to the second access point as an event. */
      g_assert_true (gtk_widget_get_visible (GTK_WIDGET (wifi)));
      g_assert_cmpuint (wv_time_chart_get_n_events (wifi), ==, 1);
    }
  g_assert_nonnull (strstr (wv_summary_page_get_wifi_text (wv_window_get_summary_page (window)), "lab-net"));
  /* Opened in a window that showed the welcome page: the run replaces it. */
  g_assert_cmpstr (wv_window_get_visible_content (window), ==, "main");
  wv_window_show_page (window, "charts");
  wv_gui_test_save (GTK_WIDGET (window), "wifi-charts.png");
  g_assert_cmpstr (wv_window_get_visible_content (window), ==, "main");

  /* Save Report from the window: the link and its signal chart in the PDF. */
  {
    g_autofree char *pdf_path = g_build_filename (tmp_dir, "wifi.pdf", NULL);
    g_autoptr(GFile) pdf = g_file_new_for_path (pdf_path);
    g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
    g_autofree char *text = NULL;
    const char *argv[] = { pdftotext, "-layout", pdf_path, "-", NULL };
    int status = 0;

    wv_window_save_report_to (window, pdf);
    g_assert_true (wv_gui_test_wait (report_written, NULL, 30000));
    g_assert_true (g_file_test (pdf_path, G_FILE_TEST_IS_REGULAR));
    if (pdftotext == NULL)
      {
        g_test_message ("pdftotext (poppler-utils) is not installed: the PDF's text is not checked");
        return;
      }
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &text, NULL,
                                 &status, NULL));
    g_assert_nonnull (strstr (text, "lab-net"));
    g_assert_nonnull (strstr (text, "Wi-Fi signal"));
  }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  gtk_disable_setlocale ();
  g_setenv ("GTK_A11Y", "none", FALSE);

  /* The app's data directory: before GLib reads it. */
  tmp_dir = g_dir_make_tmp ("wv-gui-results-XXXXXX", NULL);
  g_assert_nonnull (tmp_dir);
  g_setenv ("XDG_DATA_HOME", tmp_dir, TRUE);
  runs_dir = g_build_filename (tmp_dir, "wifi-verify", "runs", NULL);
  g_assert_cmpint (g_mkdir_with_parents (runs_dir, 0700), ==, 0);

  if (wv_gui_test_have_display () && gtk_init_check ())
    {
      if (g_getenv ("WV_WIFI_RUN") == NULL)
        {
          g_autofree char *a = g_build_filename (runs_dir, "a.wvrun", NULL);
          g_autofree char *b = g_build_filename (runs_dir, "b.wvrun", NULL);

          if (cli_self_test (a) && cli_self_test (b))
            {
              run_files[0] = g_steal_pointer (&a);
              run_files[1] = g_steal_pointer (&b);
            }
        }
      g_autoptr(GError) engine_error = NULL;

      impaired_file = write_impaired_run ();
      app = wv_gui_test_app_new ();
      if (!wv_gst_init (NULL, NULL, &engine_error))
        wv_application_set_engine_error (app, engine_error);
      window = wv_gui_test_window_new (app);
      wv_gui_test_wait_size (GTK_WIDGET (window), 1280, 800);
    }
  else
    g_test_message ("%s", WV_GUI_TEST_NO_DISPLAY);

  g_test_add_func ("/gui/results/history", test_history);
  g_test_add_func ("/gui/results/reopen", test_reopen);
  g_test_add_func ("/gui/results/compare", test_compare);
  g_test_add_func ("/gui/results/impaired", test_impaired);
  /* Only with a run made under the mock NetworkManager: tests/test-wifi.py
   * (meson test test-gui-wifi) runs this case, the others run here. */
  if (g_getenv ("WV_WIFI_RUN") != NULL)
    g_test_add_func ("/gui/results/wifi", test_wifi);
  g_test_add_func ("/gui/results/connect-completes-url", test_connect_completes_url);
  g_test_add_func ("/gui/results/refused-start", test_refused_start);
  g_test_add_func ("/gui/results/log-follows", test_log_follows);
  g_test_add_func ("/gui/results/help", test_help);
  ret = g_test_run ();

  if (window)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  wv_gui_test_remove_tree (tmp_dir);
  g_free (tmp_dir);
  g_free (runs_dir);
  g_free (run_files[0]);
  g_free (run_files[1]);
  g_free (impaired_file);
  return ret;
}

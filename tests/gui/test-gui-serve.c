/* test-gui-serve.c: Serve mode with real clients: a browser and a native one
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app serves on loopback (Serve mode, started through its action).
 * Two clients measure against it at the same time: headless Chromium on
 * the web client's unattended URL (tests/gui/serve-browser.py, one
 * connection per family: each family this machine has an address of
 * besides loopback, since Chromium gathers no loopback candidates), and
 * `wifi-verify-cli run`. While they run, the
 * window must list both clients and chart the browser's connections live;
 * once they are done, show its path (the server's traceroute and MTU
 * toward it) and its summary, and Export must write what
 * `wifi-verify-cli serve --csv --json` writes: every record of both
 * clients, naming its client. Throughout, the main loop must never stall
 * (a timer measures its longest gap). Screenshots of each tab are saved.
 *
 * Needs a display, the patched WebRTC stack, and Chromium with
 * chromium-driver and python3-selenium (tools/bootstrap.sh); skips, saying
 * which is missing, without them.
 */
#include "config.h"

#include <ifaddrs.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "wv-gst.h"
#include "wv-gui-test.h"
#include "wv-served-client-row.h"
#include "wv-table-row.h"

#define DURATION_S      8
#define RATE_PPS        100       /* the web client's and the CLI's default */
#define BROWSER_LABEL   "gui-serve-browser"
/* The main loop may not stall for this long (a hung window); what it
 * measured is printed. Setting up a connection stalls it for 0.2 to 1 s
 * on a loaded 2-core machine (load 10), with or without the charts on
 * screen. */
#define MAX_STALL_US    (3 * G_USEC_PER_SEC)

static WvApplication *app;
static WvWindow *window;
/* The browser's families (see have_family()), and how many. */
static gboolean fam4, fam6;
static guint n_fam;

typedef struct {
  const char *name;
  GSubprocess *proc;
  gboolean done;
  int status;
  char *output;
} Proc;

static void
proc_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  Proc *p = data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result, &p->output, NULL, &error))
    p->output = g_strdup (error->message);
  p->status = g_subprocess_get_if_exited (p->proc) ? g_subprocess_get_exit_status (p->proc) : -1;
  p->done = TRUE;
}

static void
proc_start (Proc               *p,
            const char         *name,
            const char * const *argv)
{
  g_autoptr(GError) error = NULL;

  p->name = name;
  p->proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (p->proc, NULL, NULL, proc_done, p);
}

static void
proc_clear (Proc *p)
{
  if (p->proc && !p->done)
    g_subprocess_force_exit (p->proc);
  g_clear_object (&p->proc);
  g_clear_pointer (&p->output, g_free);
}

/* Chromium gathers no loopback ICE candidates: a family works on
 * loopback only where this machine has another address of it (the pair
 * forms between that address and the browser's). */
static gboolean
have_family (int family)
{
  struct ifaddrs *list, *a;
  gboolean found = FALSE;

  if (getifaddrs (&list) != 0)
    return FALSE;
  for (a = list; a && !found; a = a->ifa_next)
    {
      g_autoptr(GSocketAddress) sa = NULL;
      GInetAddress *ia;

      if (a->ifa_addr == NULL || a->ifa_addr->sa_family != (family == 4 ? AF_INET : AF_INET6))
        continue;
      sa = g_socket_address_new_from_native (a->ifa_addr, family == 4 ? sizeof (struct sockaddr_in)
                                                                       : sizeof (struct sockaddr_in6));
      ia = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sa));
      found = !g_inet_address_get_is_loopback (ia) && !g_inet_address_get_is_link_local (ia);
    }
  freeifaddrs (list);
  return found;
}

/* --- the main loop's longest stall ----------------------------------------------- */

typedef struct {
  gint64 last;
  gint64 max_gap;
} Stall;

static gboolean
stall_tick (gpointer data)
{
  Stall *s = data;
  gint64 now = g_get_monotonic_time ();

  if (s->last)
    s->max_gap = MAX (s->max_gap, now - s->last);
  s->last = now;
  return G_SOURCE_CONTINUE;
}

/* --- conditions -------------------------------------------------------------------- */

static WvServedClients *
served (void)
{
  return wv_server_page_get_served_clients (wv_window_get_server_page (window));
}

static WvServeView *
view (void)
{
  return wv_window_get_serve_view (window);
}

static guint
points (guint         conn,
        WvChartMetric metric,
        WvDirection   dir)
{
  WvSeries *s = wv_charts_page_get_series (wv_serve_view_get_charts_page (view ()), conn, metric, dir);

  return s ? wv_series_get_n_points (s) : 0;
}

/* The browser measures, and its charts, chosen, have points in both
 * directions of both connections. */
static gboolean
browser_charted (gpointer data)
{
  WvServedClient *c = wv_served_clients_find (served (), BROWSER_LABEL);

  if (c == NULL || wv_served_client_get_n_connections (c) < n_fam)
    return FALSE;
  if (wv_serve_view_get_selected (view ()) != c)
    g_object_set (view (), "selected", c, NULL);
  for (guint i = 0; i < n_fam; i++)
    if (points (i, WV_CHART_METRIC_DELAY, WV_DIR_C2S) < 3 || points (i, WV_CHART_METRIC_DELAY, WV_DIR_S2C) < 3)
      return FALSE;
  return TRUE;
}

static gboolean
procs_done (gpointer data)
{
  Proc *p = data;

  return p[0].done && p[1].done;
}

static gboolean
clients_ended (gpointer data)
{
  GListModel *model = wv_served_clients_get_model (served ());
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(WvServedClient) c = g_list_model_get_item (model, i);

      if (wv_served_client_get_running (c))
        return FALSE;
    }
  return n == 2;
}

static gboolean
not_exporting (gpointer data)
{
  return !wv_window_get_exporting (window);
}

static gboolean
not_running (gpointer data)
{
  return !wv_window_get_running (window);
}

/* --- checks after the run ---------------------------------------------------------- */

/* The browser's connections: charts, path toward it, summary. */
static void
check_browser (WvServedClient *c)
{
  WvTracePage *trace = wv_serve_view_get_trace_page (view ());
  WvMtuPage *mtu = wv_serve_view_get_mtu_page (view ());
  WvClientSummary *summary = wv_serve_view_get_summary (view ());
  GListModel *rows;

  g_object_set (view (), "selected", c, NULL);
  g_assert_true (wv_serve_view_get_selected (view ()) == c);
  g_assert_cmpint (wv_served_client_get_state (c), ==, WV_CONN_FINISHED);
  g_assert_cmpstr (wv_served_client_get_address (c), ==, "127.0.0.1");
  g_assert_true (g_str_has_prefix (wv_served_client_get_software (c), "wifi-verify-web "));
  g_assert_nonnull (strstr (wv_serve_view_get_details (view ()), "wifi-verify-web"));
  g_assert_cmpuint (wv_served_client_get_n_connections (c), ==, n_fam);

  /* Charts: a point a second in each direction of each connection. */
  for (guint i = 0; i < n_fam; i++)
    for (WvDirection d = WV_DIR_C2S; d <= WV_DIR_S2C; d++)
      {
        g_test_message ("browser connection %u %s: %u delay points, %u RTT points", i,
                        wv_direction_to_string (d), points (i, WV_CHART_METRIC_DELAY, d),
                        points (i, WV_CHART_METRIC_RTT, d));
        g_assert_cmpuint (points (i, WV_CHART_METRIC_DELAY, d), >=, DURATION_S - 3);
        g_assert_cmpuint (points (i, WV_CHART_METRIC_DELAY, d), <=, DURATION_S + 4);
        g_assert_cmpuint (points (i, WV_CHART_METRIC_LOSS, d), >=, DURATION_S - 3);
      }
  g_assert_cmpuint (points (0, WV_CHART_METRIC_RTT, WV_DIR_C2S), >=, DURATION_S - 3);

  /* The path: the server traced toward the browser on both connections
   * and confirmed a path MTU the browser acknowledged. */
  g_assert_cmpint (wv_trace_page_get_direction (trace), ==, WV_DIR_S2C);
  wv_trace_page_update_now (trace);
  rows = wv_trace_page_get_hops (trace);
  g_test_message ("browser path: %u hops", g_list_model_get_n_items (rows));
  g_assert_cmpuint (g_list_model_get_n_items (rows), >=, n_fam);
  g_assert_cmpuint (wv_hop_view_get_n_paths (wv_trace_page_get_hop_view (trace, 4)), ==, fam4);
  g_assert_cmpuint (wv_hop_view_get_n_paths (wv_trace_page_get_hop_view (trace, 6)), ==, fam6);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    g_assert_cmpstr (wv_gui_test_cell (rows, i, WV_HOP_COLUMN_ADDRESS), !=, "*");
  wv_mtu_page_update_now (mtu);
  rows = wv_mtu_page_get_path_mtus (mtu);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, n_fam);
  for (guint i = 0; i < n_fam; i++)
    {
      g_test_message ("browser path MTU: %s, %s", wv_gui_test_cell (rows, i, WV_PATH_MTU_COLUMN_MTU),
                      wv_gui_test_cell (rows, i, WV_PATH_MTU_COLUMN_CONFIRMED));
      g_assert_cmpstr (wv_gui_test_cell (rows, i, WV_PATH_MTU_COLUMN_DIRECTION), ==, "Server → client");
      g_assert_cmpstr (wv_gui_test_cell (rows, i, WV_PATH_MTU_COLUMN_CONFIRMED), ==, "yes: the peer received it");
    }

  /* The summary: the whole run, both directions of both connections. */
  wv_client_summary_update_now (summary);
  g_assert_cmpstr (wv_client_summary_get_basis (summary), ==, "Whole run");
  rows = wv_client_summary_get_rows (summary);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2 * n_fam);
  for (guint i = 0; i < 2 * n_fam; i++)
    {
      guint64 probes = g_ascii_strtoull (wv_gui_test_cell (rows, i, WV_CLIENT_SUMMARY_COLUMN_PROBES), NULL, 10);

      g_test_message ("browser summary %s %s: %" G_GUINT64_FORMAT " probes, loss %s, delay %s ms, "
                      "RTT %s ms", wv_gui_test_cell (rows, i, WV_CLIENT_SUMMARY_COLUMN_CONNECTION),
                      wv_gui_test_cell (rows, i, WV_CLIENT_SUMMARY_COLUMN_DIRECTION), probes,
                      wv_gui_test_cell (rows, i, WV_CLIENT_SUMMARY_COLUMN_LOSS),
                      wv_gui_test_cell (rows, i, WV_CLIENT_SUMMARY_COLUMN_DELAY_P50),
                      wv_gui_test_cell (rows, i, WV_CLIENT_SUMMARY_COLUMN_RTT));
      g_assert_cmpuint (probes, >=, DURATION_S * RATE_PPS * 85 / 100);
      g_assert_cmpuint (probes, <=, DURATION_S * RATE_PPS + 5);
      g_assert_cmpstr (wv_gui_test_cell (rows, i, WV_CLIENT_SUMMARY_COLUMN_DELAY_P50), !=, "–");
    }
  g_assert_cmpstr (wv_gui_test_cell (rows, 0, WV_CLIENT_SUMMARY_COLUMN_CONNECTION), ==, fam4 ? "IPv4 · 1" : "IPv6 · 1");
  g_assert_cmpstr (wv_gui_test_cell (rows, 2 * n_fam - 1, WV_CLIENT_SUMMARY_COLUMN_CONNECTION), ==,
                   fam6 ? "IPv6 · 1" : "IPv4 · 1");
}

/* The export: records.jsonl and the CSV files, as serve writes them. */
static void
check_export (const char *dir,
              const char *native_label)
{
  g_autofree char *json = g_build_filename (dir, "records.jsonl", NULL);
  g_autofree char *text = NULL;
  g_autofree char *summary_csv = g_build_filename (dir, "summary.csv", NULL);
  g_autofree char *header = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) conns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  static const char *files[] = { "stats.csv", "summary.csv", "hop.csv", "mtu.csv", "path_mtu.csv" };
  guint n = 0, browser_summaries = 0, native_summaries = 0, browser_hops = 0;
  double last_time = 0;

  g_assert_true (g_str_has_suffix (dir, "-serve"));
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    }
  header = wv_gui_test_read_line (summary_csv, 0);
  g_assert_nonnull (strstr (header, ",client,client_label,"));
  g_assert_cmpuint (wv_gui_test_count_lines (summary_csv), ==, 1 + 2 * n_fam + 4);

  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] && *lines[i]; i++, n++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *o;
      const char *label, *type;
      double t;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, &error));
      g_assert_no_error (error);
      o = json_node_get_object (json_parser_get_root (parser));
      label = json_object_get_string_member (o, "client_label");
      type = json_object_get_string_member (o, "type");
      g_assert_cmpstr (json_object_get_string_member (o, "client"), ==, "127.0.0.1");
      g_assert_true (g_str_equal (label, BROWSER_LABEL) || g_str_equal (label, native_label));
      /* Merged in time order. */
      t = json_object_get_double_member (o, "time");
      g_assert_cmpfloat (t, >=, last_time);
      last_time = t;
      /* The server's numbers: each connection belongs to one client. */
      {
        g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (o, "conn"));
        const char *owner = g_hash_table_lookup (conns, key);

        if (owner)
          g_assert_cmpstr (owner, ==, label);
        else
          g_hash_table_insert (conns, g_steal_pointer (&key), (gpointer) (g_str_equal (label, BROWSER_LABEL)
                                                                           ? BROWSER_LABEL : native_label));
      }
      if (g_str_equal (type, "summary"))
        {
          if (g_str_equal (label, BROWSER_LABEL))
            browser_summaries++;
          else
            native_summaries++;
        }
      if (g_str_equal (type, "hop") && g_str_equal (label, BROWSER_LABEL))
        {
          g_assert_cmpstr (json_object_get_string_member (o, "dir"), ==, "s2c");
          browser_hops++;
        }
    }
  g_test_message ("export: %u records, %u connections, %u browser hops", n, g_hash_table_size (conns),
                  browser_hops);
  g_assert_cmpuint (n, ==, wv_served_clients_get_n_records (served ()));
  g_assert_cmpuint (g_hash_table_size (conns), ==, n_fam + 2);
  g_assert_cmpuint (browser_summaries, ==, 2 * n_fam);
  g_assert_cmpuint (native_summaries, ==, 4);
  g_assert_cmpuint (browser_hops, >=, n_fam);
}

static void
test_serve_clients (void)
{
  WvServerPage *page;
  g_auto(GStrv) urls = NULL;
  g_autofree char *browser_url = NULL, *script = NULL, *duration = NULL;
  g_autofree char *tmp = NULL;
  const char *cli = g_getenv ("WV_CLI");
  const char *python = g_file_test ("/usr/bin/python3", G_FILE_TEST_IS_EXECUTABLE) ? "/usr/bin/python3" : "python3";
  const char *native_label = g_get_host_name ();
  Proc procs[2] = { { 0 } };
  Stall stall = { 0 };
  WvServedClient *browser, *native;
  guint stall_id;

  if (window == NULL)
    {
      g_test_skip (WV_GUI_TEST_NO_DISPLAY);
      return;
    }
  if (wv_application_get_engine_error (app))
    {
      g_test_skip (wv_application_get_engine_error (app)->message);
      return;
    }
  g_assert_nonnull (cli);
  script = g_test_build_filename (G_TEST_DIST, "serve-browser.py", NULL);
  {
    g_autoptr(GSubprocess) check = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *out = NULL;

    check = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error,
                              python, script, "--check", NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (check, NULL, NULL, &out, NULL, &error));
    if (g_subprocess_get_exit_status (check) == 77)
      {
        g_test_skip (out);
        return;
      }
    g_assert_cmpint (g_subprocess_get_exit_status (check), ==, 0);
  }
  fam4 = have_family (4);
  fam6 = have_family (6);
  n_fam = fam4 + fam6;
  if (n_fam == 0)
    {
      g_test_skip ("Chromium uses no loopback ICE candidates, and this machine has no other address");
      return;
    }
  if (n_fam < 2)
    g_test_message ("the browser measures over IPv%d only: the machine has no other address of the "
                    "other family", fam4 ? 4 : 6);
  page = wv_window_get_server_page (window);

  g_settings_set_string (wv_application_get_settings (app), "listen-address", "127.0.0.1:0");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.mode", "s", "serve");
  g_assert_false (wv_gui_test_action_enabled (GTK_WIDGET (window), "win.export-csv"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start-stop", NULL));
  g_assert_true (wv_server_page_get_running (page));
  g_object_get (page, "page-urls", &urls, NULL);
  g_assert_nonnull (urls);
  g_assert_true (g_str_has_prefix (urls[0], "http://127.0.0.1:"));
  wv_window_show_page (window, "served");
  g_assert_null (wv_serve_view_get_selected (view ()));
  wv_gui_test_save (GTK_WIDGET (window), "serve-no-client.png");

  /* The two clients, at once. */
  stall_id = g_timeout_add (20, stall_tick, &stall);
  browser_url = g_strdup_printf ("%s&start=1&duration=%d&connections=1&families=%s%s&label=%s", urls[0],
                                 DURATION_S, fam4 ? "4" : "", fam6 ? "6" : "", BROWSER_LABEL);
  duration = g_strdup_printf ("%d", DURATION_S);
  proc_start (&procs[0], "browser", (const char *[]) { python, script, browser_url, "90", NULL });
  proc_start (&procs[1], "wifi-verify-cli run",
              (const char *[]) { cli, "run", urls[0], "--duration", duration, "-q", NULL });

  /* Live: the browser's charts fill while it measures. */
  if (!wv_gui_test_wait (browser_charted, NULL, 60000))
    {
      wv_gui_test_wait (procs_done, procs, 30000);
      g_error ("the browser's charts did not fill; browser: %s", procs[0].output ? procs[0].output : "(running)");
    }
  browser = wv_served_clients_find (served (), BROWSER_LABEL);
  g_assert_true (wv_served_client_get_running (browser));
  /* The offscreen render of the screenshot is the test's, not the window's. */
  g_test_message ("longest main loop stall until the charts filled: %.1f ms", stall.max_gap / 1000.0);
  wv_gui_test_save (GTK_WIDGET (window), "serve-live-charts.png");
  stall.last = 0;

  g_assert_true (wv_gui_test_wait (procs_done, procs, 120000));
  for (guint i = 0; i < 2; i++)
    {
      g_test_message ("%s exited with %d:\n%s", procs[i].name, procs[i].status, procs[i].output);
      g_assert_cmpint (procs[i].status, ==, 0);
    }
  g_assert_true (wv_gui_test_wait (clients_ended, NULL, 20000));
  g_source_remove (stall_id);
  g_test_message ("longest main loop stall while serving two clients: %.1f ms", stall.max_gap / 1000.0);
  g_assert_cmpint (stall.max_gap, <, MAX_STALL_US);

  /* Both clients listed, the browser first (it asked first or not, the
   * list is in the order they came: look them up by label). */
  g_assert_cmpuint (g_list_model_get_n_items (wv_served_clients_get_model (served ())), ==, 2);
  browser = wv_served_clients_find (served (), BROWSER_LABEL);
  native = wv_served_clients_find (served (), native_label);
  g_assert_nonnull (browser);
  g_assert_nonnull (native);
  check_browser (browser);
  wv_serve_view_show_page (view (), "charts");
  wv_gui_test_save (GTK_WIDGET (window), "serve-browser-charts.png");
  wv_serve_view_show_page (view (), "traceroute");
  wv_gui_test_save (GTK_WIDGET (window), "serve-browser-traceroute.png");
  wv_serve_view_show_page (view (), "mtu");
  wv_gui_test_save (GTK_WIDGET (window), "serve-browser-mtu.png");
  wv_serve_view_show_page (view (), "summary");
  wv_gui_test_save (GTK_WIDGET (window), "serve-browser-summary.png");

  /* The native client too, with its own numbering. */
  g_object_set (view (), "selected", native, NULL);
  g_assert_cmpint (wv_served_client_get_state (native), ==, WV_CONN_FINISHED);
  g_assert_true (g_str_has_prefix (wv_served_client_get_software (native), "wifi-verify "));
  g_assert_cmpuint (wv_served_client_get_n_connections (native), ==, 2);
  wv_client_summary_update_now (wv_serve_view_get_summary (view ()));
  g_assert_cmpuint (g_list_model_get_n_items (wv_client_summary_get_rows (wv_serve_view_get_summary (view ()))), ==, 4);
  g_assert_cmpuint (points (0, WV_CHART_METRIC_DELAY, WV_DIR_S2C), >=, DURATION_S - 3);
  wv_gui_test_save (GTK_WIDGET (window), "serve-native-summary.png");
  wv_window_show_page (window, "clients");
  wv_gui_test_save (GTK_WIDGET (window), "serve-server.png");

  /* Closing would lose the clients' records: the window asks first, and
   * Cancel keeps it open and serving. */
  gtk_window_close (GTK_WINDOW (window));
  g_assert_nonnull (wv_window_get_close_dialog (window));
  gtk_dialog_response (GTK_DIALOG (wv_window_get_close_dialog (window)), GTK_RESPONSE_CANCEL);
  g_assert_null (wv_window_get_close_dialog (window));
  g_assert_true (wv_window_get_running (window));

  /* Export: every client's records, as serve --csv --json writes them. */
  g_assert_true (wv_gui_test_action_enabled (GTK_WIDGET (window), "win.export-csv"));
  tmp = g_dir_make_tmp ("wv-gui-serve-XXXXXX", NULL);
  {
    g_autoptr(GFile) folder = g_file_new_for_path (tmp);
    g_autofree char *dir = NULL;

    wv_window_export_to_folder (window, folder);
    g_assert_true (wv_gui_test_wait (not_exporting, NULL, 20000));
    g_assert_nonnull (wv_window_get_last_export (window));
    dir = g_file_get_path (wv_window_get_last_export (window));
    g_test_message ("exported to %s", dir);
    check_export (dir, native_label);
    g_assert_false (wv_served_clients_get_unexported (served ()));
  }

  /* Stopping keeps the clients for a look and a later export. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start-stop", NULL));
  g_assert_true (wv_gui_test_wait (not_running, NULL, 5000));
  g_assert_cmpuint (g_list_model_get_n_items (wv_served_clients_get_model (served ())), ==, 2);
  g_assert_true (wv_gui_test_action_enabled (GTK_WIDGET (window), "win.export-csv"));
  for (guint i = 0; i < 2; i++)
    proc_clear (&procs[i]);
  wv_gui_test_remove_tree (tmp);
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

  g_test_add_func ("/gui/serve/clients", test_serve_clients);
  ret = g_test_run ();

  /* The window, its clients and their sessions must be freed once
   * destroyed. */
  if (window)
    {
      g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
      gtk_window_destroy (GTK_WINDOW (window));
      wv_gui_test_iterate (100);
      g_assert_null (window);
    }
  g_clear_object (&app);
  return ret;
}

/* test-gui-lost.c: `wifi-verify --connect URL` against a server that is
 * killed mid-run: the window keeps answering and keeps what was measured
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On a private D-Bus session bus (GTestDBus), the application starts with
 * `--connect URL` toward a `wifi-verify-cli serve` on loopback. Once every
 * connection streams, the server gets SIGKILL. From then on a thread of the
 * test calls the application over D-Bus every second (org.gtk.Actions,
 * DescribeAll): each call must be answered within 2 s until the run ends.
 * The sidebar must show every connection as lost, the banner must say so,
 * closing the window during the run must ask first, and an export
 * asked over D-Bus (app.export-to) must hold the statistics measured
 * before the kill and the lost records.
 *
 * Three runs, the later ones started over D-Bus (app.connect): one
 * connection per family; with 20 Mbit/s bulk traffic per direction (the
 * case that froze the window for good, in wv_peer_close()); four
 * connections per family.
 *
 * The test runs inside the application's main loop, as test-gui-selftest
 * does; D-Bus calls are made from threads with connections of their own,
 * since a synchronous call from the main thread would wait for itself.
 */
#include "config.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "wv-connection-row.h"
#include "wv-gst.h"
#include "wv-gui-test.h"

#define STREAM_SECONDS   60       /* longer than the test: the kill ends it */
#define KILL_AFTER_MS    2500     /* of streaming */
#define LOST_TIMEOUT_S   5        /* the app's default */
#define ANSWER_LIMIT_US  (2 * G_USEC_PER_SEC)

static WvApplication *app;
static WvWindow *window;
static const char *skip_reason;
static int test_status;
static GTestDBus *bus;
static char *bus_address;
static char *app_bus_name;
static const char *app_path;
static char *first_url;
static GSubprocess *first_server;

#define REQUIRE_RUN()                             \
  G_STMT_START {                                  \
    if (skip_reason)                              \
      {                                           \
        g_test_skip (skip_reason);                \
        return;                                   \
      }                                           \
  } G_STMT_END

/* --- the server ------------------------------------------------------------ */

#define SERVER_TOKEN "gui-lost-token-0123456789abcdef"

static GSubprocess *
start_server (char **url)
{
  const char *cli = g_getenv ("WV_CLI");

  g_assert_nonnull (cli);
  /* A free port: try a few at random in the dynamic range. */
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      guint port = g_random_int_range (20000, 60000);
      g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
      /* The URL as the server prints it, with its access token. */
      g_autofree char *base = g_strdup_printf ("http://%s/?token=%s", listen, SERVER_TOKEN);
      g_autoptr(GSubprocess) server = NULL;
      g_autoptr(GError) error = NULL;

      server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, cli, "serve",
                                 "--listen", listen, "--token", SERVER_TOKEN, NULL);
      g_assert_no_error (error);
      /* It answers status once it listens; it exits if the port is taken. */
      for (guint i = 0; i < 100; i++)
        {
          g_autoptr(GSubprocess) status = NULL;
          int rc;

          /* (no identifier any more: it exited, the port was taken) */
          if (g_subprocess_get_identifier (server) == NULL)
            break;
          status = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                     G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
                                     cli, "status", base, NULL);
          if (status && g_subprocess_wait (status, NULL, NULL) &&
              g_subprocess_get_if_exited (status) &&
              (rc = g_subprocess_get_exit_status (status)) == 0)
            {
              *url = g_steal_pointer (&base);
              return g_steal_pointer (&server);
            }
          wv_gui_test_iterate (100);
        }
      g_subprocess_force_exit (server);
    }
  g_error ("no wifi-verify-cli serve could listen on 127.0.0.1");
  return NULL;
}

/* --- D-Bus calls from threads ---------------------------------------------------- */

typedef struct {
  GMutex lock;
  gboolean stop;
  guint calls;
  guint late;                     /* answered after ANSWER_LIMIT_US, or not at all */
  gint64 worst_us;
} Watch;

static GDBusConnection *
thread_connection (void)
{
  g_autoptr(GError) error = NULL;
  GDBusConnection *c =
    g_dbus_connection_new_for_address_sync (bus_address,
                                            G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                            G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                            NULL, NULL, &error);

  g_assert_no_error (error);
  return c;
}

/* Every second, what a desktop shell or a script would ask the running
 * application: the description of its actions. */
static gpointer
watch_thread (gpointer data)
{
  Watch *w = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GDBusConnection) c = NULL;

  g_main_context_push_thread_default (context);
  c = thread_connection ();
  for (;;)
    {
      g_autoptr(GVariant) reply = NULL;
      gint64 t0, dt;

      g_mutex_lock (&w->lock);
      if (w->stop)
        {
          g_mutex_unlock (&w->lock);
          break;
        }
      g_mutex_unlock (&w->lock);
      t0 = g_get_monotonic_time ();
      reply = g_dbus_connection_call_sync (c, app_bus_name, app_path, "org.gtk.Actions",
                                           "DescribeAll", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                           ANSWER_LIMIT_US / 1000 + 3000, NULL, NULL);
      dt = g_get_monotonic_time () - t0;
      g_mutex_lock (&w->lock);
      w->calls++;
      if (reply == NULL || dt > ANSWER_LIMIT_US)
        w->late++;
      w->worst_us = MAX (w->worst_us, dt);
      g_mutex_unlock (&w->lock);
      g_usleep (MAX (G_USEC_PER_SEC - dt, 0));
    }
  g_main_context_pop_thread_default (context);
  return NULL;
}

typedef struct {
  const char *action;
  char *param;
  gboolean done;
  gboolean ok;
  gint64 took_us;
} Activation;

static gpointer
activate_thread (gpointer data)
{
  Activation *a = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GDBusConnection) c = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariantBuilder params;
  gint64 t0;

  g_main_context_push_thread_default (context);
  c = thread_connection ();
  g_variant_builder_init (&params, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&params, "v", g_variant_new_string (a->param));
  t0 = g_get_monotonic_time ();
  reply = g_dbus_connection_call_sync (c, app_bus_name, app_path, "org.gtk.Actions", "Activate",
                                       g_variant_new ("(sava{sv})", a->action, &params, NULL),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, NULL);
  a->took_us = g_get_monotonic_time () - t0;
  a->ok = reply != NULL;
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&a->done, TRUE);
  return NULL;
}

static gboolean
activation_done (gpointer data)
{
  Activation *a = data;

  return g_atomic_int_get (&a->done);
}

/* Activates app.ACTION(PARAM) over D-Bus; the main loop runs meanwhile. */
static gboolean
activate (const char *action,
          const char *param)
{
  Activation a = { action, g_strdup (param) };
  GThread *thread = g_thread_new ("activate", activate_thread, &a);

  g_assert_true (wv_gui_test_wait (activation_done, &a, 15000));
  g_thread_join (thread);
  g_test_message ("app.%s('%s') over D-Bus: %s after %.0f ms", action, param,
                  a.ok ? "answered" : "FAILED", a.took_us / 1000.0);
  g_free (a.param);
  return a.ok;
}

/* --- waiting on the window ------------------------------------------------------ */

static WvSession *
session (void)
{
  return wv_window_get_session (window);
}

static gboolean
all_streaming (gpointer data)
{
  guint want = GPOINTER_TO_UINT (data);
  guint n = 0;

  if (session () == NULL || wv_session_get_n_connections (session ()) < want)
    return FALSE;
  for (guint i = 0; i < want; i++)
    n += wv_session_get_connection_state (session (), i) == WV_CONN_STREAMING &&
         wv_session_get_latest_stats (session (), i, WV_DIR_S2C) != NULL;
  return n == want;
}

static gboolean
all_lost (gpointer data)
{
  guint want = GPOINTER_TO_UINT (data);

  for (guint i = 0; i < want; i++)
    if (wv_session_get_connection_state (session (), i) != WV_CONN_LOST)
      return FALSE;
  return TRUE;
}

static gboolean
run_ended (gpointer data)
{
  return session () && !wv_session_get_running (session ());
}

static gboolean
not_exporting (gpointer data)
{
  return !wv_window_get_exporting (window);
}

static gboolean
exported_to (gpointer data)
{
  GFile *last = wv_window_get_last_export (window);

  return !wv_window_get_exporting (window) && last &&
         g_str_has_prefix (g_file_peek_path (last), data);
}

/* Rows of @csv (without the header) whose first column is before @before
 * (Unix seconds; +inf: all). */
static guint
count_rows (const char *dir,
            const char *csv,
            double      before)
{
  g_autofree char *path = g_build_filename (dir, csv, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && g_ascii_strtod (lines[i], NULL) < before)
      n++;
  return n;
}

/* The rows of the sidebar that say "Lost", with the lost style. */
static guint
rows_lost (void)
{
  GtkWidget *list = GTK_WIDGET (wv_window_get_connection_list (window));
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *child;

      if (!WV_IS_CONNECTION_ROW (row))
        continue;
      /* The state badge is the label with the wv-state style class. */
      for (child = gtk_widget_get_first_child (row); child; )
        {
          if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "wv-state-lost") &&
              g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), "Lost") == 0)
            {
              n++;
              break;
            }
          /* depth-first through the row's widgets */
          if (gtk_widget_get_first_child (child))
            child = gtk_widget_get_first_child (child);
          else
            {
              while (child && child != row && gtk_widget_get_next_sibling (child) == NULL)
                child = gtk_widget_get_parent (child);
              child = child && child != row ? gtk_widget_get_next_sibling (child) : NULL;
            }
        }
    }
  return n;
}

/* --- one run ------------------------------------------------------------------------ */

/* The run in the window (started by --connect or by app.connect over
 * D-Bus) against @server: kill the server, watch the window, check. */
static void
check_run (GSubprocess *server,
           guint        per_family,
           const char  *name)
{
  guint want = per_family * (wv_have_ipv6 (TRUE) ? 2 : 1);
  Watch w = { 0 };
  GThread *watcher;
  double kill_time;
  gint64 kill_mono, lost_after_us;
  g_autofree char *tmp = g_dir_make_tmp ("wv-gui-lost-XXXXXX", NULL);
  g_autofree char *mid = g_build_filename (tmp, "mid", NULL);
  g_autofree char *end = g_build_filename (tmp, "end", NULL);
  g_autofree char *file_name = NULL;
  g_autofree char *shot = NULL;
  const char *banner;

  g_test_message ("%s: %u connection(s)", name, want);
  g_assert_true (wv_gui_test_wait (all_streaming, GUINT_TO_POINTER (want), 60000));
  /* Closing during a run would stop it and lose what it measured: the
   * window asks first, and Cancel keeps it open and measuring. */
  gtk_window_close (GTK_WINDOW (window));
  wv_gui_test_iterate (100);
  g_assert_nonnull (wv_window_get_close_dialog (window));
  if (wv_window_get_close_dialog (window) == NULL)
    return;
  gtk_dialog_response (GTK_DIALOG (wv_window_get_close_dialog (window)), GTK_RESPONSE_CANCEL);
  g_assert_null (wv_window_get_close_dialog (window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));
  g_assert_true (wv_session_get_running (session ()));
  wv_gui_test_iterate (KILL_AFTER_MS);

  g_mutex_init (&w.lock);
  watcher = g_thread_new ("watch", watch_thread, &w);
  g_subprocess_send_signal (server, SIGKILL);
  kill_time = g_get_real_time () / 1e6;
  kill_mono = g_get_monotonic_time ();

  g_assert_true (wv_gui_test_wait (all_lost, GUINT_TO_POINTER (want), (LOST_TIMEOUT_S + 5) * 1000));
  lost_after_us = g_get_monotonic_time () - kill_mono;
  g_test_message ("%s: every connection lost %.1f s after the kill", name, lost_after_us / 1e6);
  g_assert_cmpint (lost_after_us, <=, (LOST_TIMEOUT_S + 2) * G_USEC_PER_SEC);
  /* The sidebar says it at once (the badge follows the state). */
  wv_gui_test_iterate (100);
  g_assert_cmpuint (rows_lost (), ==, want);
  banner = wv_window_get_banner_text (window);
  g_assert_nonnull (banner);
  if (banner)
    g_assert_nonnull (strstr (banner, "lost"));

  /* Everything measured before the kill can be exported while the run
   * winds down, over D-Bus. */
  g_mkdir (mid, 0700);
  g_assert_true (wv_gui_test_wait (not_exporting, NULL, 30000));
  g_assert_true (activate ("export-to", mid));
  g_assert_true (wv_gui_test_wait (exported_to, mid, 30000));

  g_assert_true (wv_gui_test_wait (run_ended, NULL, 60000));
  /* The server-to-client streams stopped for good: an outage each that
   * never ended, shaded on the charts. */
  {
    guint open = 0, closed = 0;

    for (guint i = 0; i < wv_session_get_n_outages (session ()); i++)
      {
        const WvRecord *o = wv_session_get_outage (session (), i);

        if (o->outage.end_ns == 0)
          open += o->dir == WV_DIR_S2C;
        else
          {
            closed++;
            g_test_message ("%s: an outage that ended: connection %u %s, %.3f s", name,
                            o->conn, wv_direction_to_string (o->dir),
                            (o->outage.end_ns - o->outage.start_ns) / 1e9);
          }
      }
    g_test_message ("%s: %u open outages, %u ended", name, open, closed);
    g_assert_cmpuint (open, ==, want);
    g_assert_cmpuint (wv_time_chart_get_n_spans (wv_charts_page_get_chart (wv_window_get_charts_page (window), 0, WV_DIR_S2C)), >=, 1);
  }
  g_mutex_lock (&w.lock);
  w.stop = TRUE;
  g_mutex_unlock (&w.lock);
  g_thread_join (watcher);
  g_test_message ("%s: %u D-Bus calls after the kill, worst answer %.0f ms, %u late",
                  name, w.calls, w.worst_us / 1000.0, w.late);
  g_assert_cmpuint (w.late, ==, 0);
  /* One a second from the kill to the end of the run. */
  g_assert_cmpuint (w.calls, >=, LOST_TIMEOUT_S - 1);
  g_mutex_clear (&w.lock);

  /* The export at the end holds the run: statistics from before the kill,
   * a lost record and the summaries of every connection. */
  g_mkdir (end, 0700);
  g_assert_true (activate ("export-to", end));
  g_assert_true (wv_gui_test_wait (exported_to, end, 30000));
  {
    g_autofree char *dir = g_file_get_path (wv_window_get_last_export (window));
    guint stats_before = count_rows (dir, "stats.csv", kill_time);

    g_test_message ("%s: exported to %s: %u stats rows before the kill", name, dir, stats_before);
    /* 3 windows x 2 directions a second per connection, for at least 2 s */
    g_assert_cmpuint (stats_before, >=, want * 6 * 2);
    g_assert_cmpuint (count_rows (dir, "lost.csv", INFINITY), ==, want);
    g_assert_cmpuint (count_rows (dir, "summary.csv", INFINITY), ==, want * 2);
  }
  g_assert_false (wv_window_get_unexported (window));
  file_name = g_strconcat (name, ".png", NULL);
  shot = wv_gui_test_screenshot (GTK_WIDGET (window), file_name);
  g_test_message ("screenshot: %s", shot);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp);

    if (system (cmd) != 0)
      g_test_message ("could not remove %s", tmp);
  }
}

static void
test_first_run (void)
{
  REQUIRE_RUN ();
  /* --connect opened the window and started at once. */
  g_assert_cmpstr (wv_window_get_mode (window), ==, WV_MODE_CONNECT);
  check_run (first_server, 1, "lost-1");
}

static void
run_over_dbus (guint        per_family,
               guint        bulk_kbps,
               const char  *name)
{
  GSettings *settings;
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = NULL;

  REQUIRE_RUN ();
  settings = wv_application_get_settings (app);
  server = start_server (&url);
  g_settings_set_uint (settings, "connections", per_family);
  g_settings_set_uint (settings, "bulk-rate", bulk_kbps);
  g_assert_true (activate ("connect", url));
  check_run (server, per_family, name);
}

static void
test_bulk (void)
{
  run_over_dbus (1, 20000, "lost-bulk");
}

static void
test_four_per_family (void)
{
  run_over_dbus (4, 0, "lost-4");
}

static gboolean
run_tests (gpointer data)
{
  window = WV_WINDOW (wv_application_get_main_window (app));
  test_status = g_test_run ();
  /* Nothing left to ask about: the last export wrote everything. */
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  char *app_argv[] = { (char *) "wifi-verify", (char *) "--connect", NULL, NULL };

  g_test_init (&argc, &argv, NULL);
  g_test_set_nonfatal_assertions ();
  gtk_disable_setlocale ();
  g_setenv ("GTK_A11Y", "none", FALSE);
  /* A dead peer makes GStreamer and libnice warn; criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/gui/lost/connect-kill", test_first_run);
  g_test_add_func ("/gui/lost/bulk", test_bulk);
  g_test_add_func ("/gui/lost/four-per-family", test_four_per_family);

  if (!wv_gui_test_have_display () || !gtk_init_check ())
    {
      skip_reason = WV_GUI_TEST_NO_DISPLAY;
      return g_test_run ();
    }
  if (!g_find_program_in_path ("dbus-daemon"))
    {
      skip_reason = "dbus-daemon is not installed (package dbus): no private session bus";
      return g_test_run ();
    }
  if (!wv_gst_init (NULL, NULL, &error))
    {
      skip_reason = error->message;
      return g_test_run ();
    }
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  bus_address = g_strdup (g_test_dbus_get_bus_address (bus));

  first_server = start_server (&first_url);
  app_argv[2] = first_url;
  app = wv_gui_test_app_new ();
  {
    GSettings *settings = wv_application_get_settings (app);
    GDBusConnection *c = g_application_get_dbus_connection (G_APPLICATION (app));

    g_settings_set_uint (settings, "duration", STREAM_SECONDS);
    g_settings_set_uint (settings, "connections", 1);
    g_settings_set_boolean (settings, "traceroute", FALSE);
    g_settings_set_boolean (settings, "mtu", FALSE);
    g_assert_nonnull (c);
    app_bus_name = g_strdup (g_dbus_connection_get_unique_name (c));
    app_path = g_application_get_dbus_object_path (G_APPLICATION (app));
  }
  g_idle_add (run_tests, NULL);
  if (g_application_run (G_APPLICATION (app), G_N_ELEMENTS (app_argv) - 1, app_argv) != 0)
    g_error ("the application failed");
  g_clear_object (&app);
  g_subprocess_force_exit (first_server);
  g_clear_object (&first_server);
  g_test_dbus_down (bus);
  g_clear_object (&bus);
  g_free (bus_address);
  g_free (app_bus_name);
  g_free (first_url);
  return test_status;
}

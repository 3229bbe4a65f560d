/* test-gui-model.c: what the window shows, without a display
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The traceroute page's hop paths from the engine's WvTraceTable
 * (wv_trace_path_build), WvSession (records, connections, time, export
 * through the engine's CSV writer), the settings-to-configuration mapping
 * and the formatting helpers. All values are computed by hand from the
 * records the tests make.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "wv-gui.h"
#include "wv-path-probe.h"
#include "wv-session.h"
#include "wv-trace-path.h"
#include "wv-trace-table.h"
#include "../wv-test-records.h"

/* --- wv_trace_path_build ----------------------------------------------------------- */

/* The engine's WvTraceTable is tested in tests/test-trace-table.c; here,
 * only what the traceroute page's WvHopView gets from it. */

static void
test_trace_path_reached (void)
{
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  WvRecord r;

  /* Three rounds, TTL 1..3; TTL 2 silent in round 2 and answered by
   * another router in round 3; TTL 3 is the peer. */
  for (guint round = 1; round <= 3; round++)
    {
      r = wv_test_hop (0, 4, WV_DIR_C2S, round, 1, "10.0.0.1", 1.0 * round, FALSE);
      g_assert_true (wv_trace_table_add (t, &r));
      r = wv_test_hop (0, 4, WV_DIR_C2S, round, 2, round == 2 ? NULL : round == 3 ? "10.1.0.9" : "10.1.0.1",
               4.0 + round, FALSE);
      g_assert_true (wv_trace_table_add (t, &r));
      r = wv_test_hop (0, 4, WV_DIR_C2S, round, 3, "192.0.2.5", 9.0 + round, TRUE);
      g_assert_true (wv_trace_table_add (t, &r));
    }
  r = wv_test_mtu (0, WV_DIR_C2S, 1, "10.0.0.1", 1500);
  g_assert_true (wv_trace_table_add (t, &r));

  /* Destination = the peer, MTUs on the hops; TTL 2: 10.1.0.1 wins the
   * tie with 10.1.0.9, RTTs 5 and 7, one of three probes lost. */
  {
    g_autoptr(WvHopPath) path = wv_trace_path_build (t, 0, "IPv4 · 1", "client");
    const WvHop *wh;

    g_assert_cmpuint (wv_hop_path_get_n_hops (path), ==, 3);
    g_assert_cmpstr (wv_hop_path_get_destination (path), ==, "192.0.2.5");
    g_assert_cmpstr (wv_hop_path_get_label (path), ==, "IPv4 · 1");
    g_assert_cmpstr (wv_hop_path_get_source (path), ==, "client");
    g_assert_true (wv_hop_path_get_reached (path));
    wh = wv_hop_path_get_hop (path, 1);
    g_assert_cmpstr (wh->address, ==, "10.1.0.1");
    g_assert_cmpfloat (wh->rtt_min_ms, ==, 5.0);
    g_assert_cmpfloat (wh->rtt_avg_ms, ==, 6.0);
    g_assert_cmpfloat (wh->rtt_max_ms, ==, 7.0);
    g_assert_cmpfloat_with_epsilon (wh->loss_pct, 100.0 / 3, 1e-12);
    g_assert_cmpuint (wv_hop_path_get_hop (path, 0)->mtu, ==, 1500);
  }
}

static void
test_trace_path_not_reached (void)
{
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  WvRecord r;

  /* Nobody answers past TTL 2 up to the limit of 4; the MTU search
   * reports a hop the traceroute did not probe, which the path leaves
   * out. */
  for (guint ttl = 1; ttl <= 4; ttl++)
    {
      r = wv_test_hop (3, 6, WV_DIR_S2C, 1, ttl, ttl <= 2 ? "2001:db8::1" : NULL, 1.5, FALSE);
      g_assert_true (wv_trace_table_add (t, &r));
    }
  r = wv_test_mtu (3, WV_DIR_S2C, 6, "2001:db8::6", 1280);
  r.family = 6;
  g_assert_true (wv_trace_table_add (t, &r));

  {
    g_autoptr(WvHopPath) path = wv_trace_path_build (t, 0, NULL, NULL);

    g_assert_cmpuint (wv_hop_path_get_n_hops (path), ==, 4);
    g_assert_null (wv_hop_path_get_destination (path));
    g_assert_false (wv_hop_path_get_reached (path));
    g_assert_null (wv_hop_path_get_hop (path, 3)->address);
    g_assert_true (isnan (wv_hop_path_get_hop (path, 3)->rtt_avg_ms));
  }
}

/* --- WvSession ------------------------------------------------------------------- */

typedef struct {
  guint added;
  guint changed;
  guint records;
  guint messages;
  guint last_index;
  char *last_message;
} Counts;

static void
on_added (WvSession *s, guint index, Counts *c)
{
  c->added++;
  c->last_index = index;
}

static void
on_changed (WvSession *s, guint index, Counts *c)
{
  c->changed++;
  c->last_index = index;
}

static void
on_record (WvSession *s, const WvRecord *r, Counts *c)
{
  c->records++;
}

static void
on_message (WvSession *s, guint kind, const char *text, Counts *c)
{
  c->messages++;
  g_free (c->last_message);
  c->last_message = g_strdup (text);
}

static WvRecord
stats (guint       conn,
       int         family,
       WvDirection dir,
       guint       window_s,
       int         dscp,
       gint64      time_ns)
{
  WvRecord r = wv_test_record (WV_RECORD_STATS, conn, family, dir);

  r.time_ns = time_ns;
  r.stats.window_s = window_s;
  r.stats.dscp = dscp;
  r.stats.rtt_ms = (WvSummary) { 1, 2, 3, 4, 2.5, 10 };
  return r;
}

static void
test_session_connections (void)
{
  g_autoptr(WvSession) s = wv_session_new ();
  Counts c = { 0 };
  g_autofree char *label = NULL;

  g_signal_connect (s, "connection-added", G_CALLBACK (on_added), &c);
  g_signal_connect (s, "connection-changed", G_CALLBACK (on_changed), &c);

  /* The engine numbers IPv4 first: 0, 1 are IPv4 and 2, 3 IPv6. */
  for (guint i = 0; i < 4; i++)
    wv_session_push_connection_state (s, i, i < 2 ? 4 : 6, WV_CONN_CONNECTING);
  g_assert_cmpuint (c.added, ==, 4);
  g_assert_cmpuint (c.changed, ==, 0);
  g_assert_cmpuint (wv_session_get_n_connections (s), ==, 4);
  g_assert_cmpuint (wv_session_get_connection_position (s, 1), ==, 1);
  g_assert_cmpuint (wv_session_get_connection_position (s, 2), ==, 0);
  g_assert_cmpuint (wv_session_get_connection_position (s, 3), ==, 1);
  label = wv_session_dup_connection_label (s, 3);
  g_assert_cmpstr (label, ==, "IPv6 · 2");
  g_assert_true (wv_session_get_connection_visible (s, 3));

  /* The same state twice is one change. */
  wv_session_push_connection_state (s, 3, 6, WV_CONN_READY);
  wv_session_push_connection_state (s, 3, 6, WV_CONN_READY);
  g_assert_cmpuint (c.changed, ==, 1);
  g_assert_cmpint (wv_session_get_connection_state (s, 3), ==, WV_CONN_READY);
  wv_session_set_connection_visible (s, 3, FALSE);
  wv_session_set_connection_visible (s, 3, FALSE);
  g_assert_cmpuint (c.changed, ==, 2);
  g_assert_false (wv_session_get_connection_visible (s, 3));

  /* Out of range: index, family, state. Nothing happens. */
  wv_session_push_connection_state (s, WV_SESSION_MAX_CONNECTIONS, 4, WV_CONN_READY);
  wv_session_push_connection_state (s, 5, 5, WV_CONN_READY);
  wv_session_push_connection_state (s, 1, 4, WV_CONN_LOST + 1);
  g_assert_cmpuint (c.added, ==, 4);
  g_assert_cmpuint (c.changed, ==, 2);
  g_assert_false (wv_session_has_connection (s, 5));
  g_assert_cmpint (wv_session_get_connection_state (s, 9), ==, WV_CONN_FAILED);
  g_assert_false (wv_session_get_connection_visible (s, 9));
}

static void
test_session_records (void)
{
  g_autoptr(WvSession) s = wv_session_new ();
  Counts c = { 0 };
  gint64 t0 = g_get_real_time () * 1000;
  WvRecord r;

  g_signal_connect (s, "connection-added", G_CALLBACK (on_added), &c);
  g_signal_connect (s, "record", G_CALLBACK (on_record), &c);

  /* A record of an unknown connection makes it known. */
  r = stats (2, 6, WV_DIR_S2C, 1, 46, t0);
  wv_session_push_record (s, &r);
  g_assert_cmpuint (c.added, ==, 1);
  g_assert_cmpuint (c.last_index, ==, 2);
  g_assert_cmpint (wv_session_get_connection_family (s, 2), ==, 6);
  g_assert_true (wv_session_is_charted (s, &r));
  g_assert_nonnull (wv_session_get_latest_stats (s, 2, WV_DIR_S2C));
  g_assert_null (wv_session_get_latest_stats (s, 2, WV_DIR_C2S));

  /* The charts follow the first class only; 10 s windows are not charted
   * but everything is kept. */
  r = stats (2, 6, WV_DIR_S2C, 1, 0, t0 + 1000000000);
  wv_session_push_record (s, &r);
  g_assert_false (wv_session_is_charted (s, &r));
  g_assert_cmpint (wv_session_get_latest_stats (s, 2, WV_DIR_S2C)->time_ns, ==, t0);
  r = stats (2, 6, WV_DIR_S2C, 10, 46, t0 + 1000000000);
  wv_session_push_record (s, &r);
  g_assert_false (wv_session_is_charted (s, &r));
  g_assert_cmpuint (wv_session_get_n_records (s), ==, 3);
  g_assert_cmpuint (c.records, ==, 3);

  /* The summary of the charted class is kept for the connection list. */
  g_assert_null (wv_session_get_summary (s, 2, WV_DIR_S2C));
  r = stats (2, 6, WV_DIR_S2C, 0, 0, t0 + 2000000000);
  r.type = WV_RECORD_SUMMARY;
  wv_session_push_record (s, &r);
  g_assert_null (wv_session_get_summary (s, 2, WV_DIR_S2C));
  r.stats.dscp = 46;
  wv_session_push_record (s, &r);
  g_assert_nonnull (wv_session_get_summary (s, 2, WV_DIR_S2C));
  g_assert_cmpint (wv_session_get_summary (s, 2, WV_DIR_S2C)->time_ns, ==, t0 + 2000000000);
  g_assert_cmpuint (wv_session_get_n_records (s), ==, 5);
  g_assert_cmpuint (c.records, ==, 5);

  /* Bad records are dropped: type, direction, family, connection. */
  r = stats (2, 6, 2, 1, 46, t0);
  wv_session_push_record (s, &r);
  r = stats (2, 7, WV_DIR_C2S, 1, 46, t0);
  wv_session_push_record (s, &r);
  r = stats (WV_SESSION_MAX_CONNECTIONS, 4, WV_DIR_C2S, 1, 46, t0);
  wv_session_push_record (s, &r);
  r = stats (2, 6, WV_DIR_C2S, 1, 46, t0);
  r.type = WV_N_RECORD_TYPES;
  wv_session_push_record (s, &r);
  g_assert_cmpuint (wv_session_get_n_records (s), ==, 5);
  g_assert_cmpuint (c.records, ==, 5);

  /* Chart time: seconds between records are kept exactly, and a record
   * made now is at the session's monotonic age. */
  {
    WvRecord a = stats (2, 6, WV_DIR_S2C, 1, 46, t0);
    WvRecord b = stats (2, 6, WV_DIR_S2C, 1, 46, t0 + 2500000000);
    double age = (g_get_monotonic_time () - wv_session_get_time_origin (s)) / 1e6;
    double now = wv_session_get_record_time (s, &a);

    g_assert_cmpfloat (wv_session_get_record_time (s, &b) - wv_session_get_record_time (s, &a), ==, 2.5);
    g_assert_cmpfloat (fabs (now - age), <, 0.5);
  }
  g_assert_true (isnan (wv_session_get_end_time (s)));
}

/* Per class (DSCP): the newest 10 s window and the summary of each class
 * in the order the classes first appeared; other windows are not kept
 * there, and a peer cannot add more classes than the protocol allows. */
static void
test_session_classes (void)
{
  g_autoptr(WvSession) s = wv_session_new ();
  gint64 t0 = 1700000000000000000;
  WvRecord r;

  wv_session_push_connection_state (s, 0, 4, WV_CONN_READY);
  g_assert_cmpuint (wv_session_get_n_classes (s, 0), ==, 0);
  g_assert_cmpuint (wv_session_get_n_classes (s, 5), ==, 0);

  r = stats (0, 4, WV_DIR_C2S, 1, 46, t0);
  wv_session_push_record (s, &r);
  g_assert_cmpuint (wv_session_get_n_classes (s, 0), ==, 0);
  r = stats (0, 4, WV_DIR_C2S, 10, 46, t0);
  wv_session_push_record (s, &r);
  r = stats (0, 4, WV_DIR_S2C, 10, 10, t0);
  wv_session_push_record (s, &r);
  r = stats (0, 4, WV_DIR_C2S, 10, 46, t0 + 1000000000);
  wv_session_push_record (s, &r);
  r = stats (0, 4, WV_DIR_C2S, 60, 10, t0 + 1000000000);
  wv_session_push_record (s, &r);

  g_assert_cmpuint (wv_session_get_n_classes (s, 0), ==, 2);
  g_assert_cmpint (wv_session_get_class_dscp (s, 0, 0), ==, 46);
  g_assert_cmpint (wv_session_get_class_dscp (s, 0, 1), ==, 10);
  g_assert_cmpint (wv_session_get_class_dscp (s, 0, 2), ==, -1);
  g_assert_cmpint (wv_session_get_class_stats (s, 0, 0, WV_DIR_C2S)->time_ns, ==, t0 + 1000000000);
  g_assert_null (wv_session_get_class_stats (s, 0, 0, WV_DIR_S2C));
  g_assert_nonnull (wv_session_get_class_stats (s, 0, 1, WV_DIR_S2C));
  g_assert_null (wv_session_get_class_stats (s, 0, 1, WV_DIR_C2S));
  g_assert_null (wv_session_get_class_stats (s, 0, 2, WV_DIR_C2S));
  g_assert_null (wv_session_get_class_summary (s, 0, 0, WV_DIR_C2S));

  r = stats (0, 4, WV_DIR_C2S, 0, 46, t0 + 2000000000);
  r.type = WV_RECORD_SUMMARY;
  wv_session_push_record (s, &r);
  g_assert_cmpint (wv_session_get_class_summary (s, 0, 0, WV_DIR_C2S)->time_ns, ==, t0 + 2000000000);
  g_assert_null (wv_session_get_class_summary (s, 0, 1, WV_DIR_C2S));

  /* The unmarked stream is a class too; DSCPs out of range are not. */
  r = stats (0, 4, WV_DIR_C2S, 10, -1, t0);
  wv_session_push_record (s, &r);
  r = stats (0, 4, WV_DIR_C2S, 10, 64, t0);
  wv_session_push_record (s, &r);
  r = stats (0, 4, WV_DIR_C2S, 10, -2, t0);
  wv_session_push_record (s, &r);
  g_assert_cmpuint (wv_session_get_n_classes (s, 0), ==, 3);
  g_assert_cmpint (wv_session_get_class_dscp (s, 0, 2), ==, -1);
  for (int d = 0; d < 64; d++)
    {
      r = stats (0, 4, WV_DIR_S2C, 10, d, t0);
      wv_session_push_record (s, &r);
    }
  g_assert_cmpuint (wv_session_get_n_classes (s, 0), ==, WV_MAX_CLASSES + 1);
}

static void
test_session_storage (void)
{
  g_autoptr(WvSession) s = wv_session_new ();
  Counts c = { 0 };
  const guint n = 10000;
  WvRecord r;

  g_signal_connect (s, "message", G_CALLBACK (on_message), &c);

  /* Records across several blocks come back in order. */
  for (guint i = 0; i < n; i++)
    {
      r = stats (i % 4, i % 4 < 2 ? 4 : 6, i % 2, 1, -1, (gint64) i);
      wv_session_push_record (s, &r);
    }
  g_assert_cmpuint (wv_session_get_n_records (s), ==, n);
  for (guint i = 0; i < n; i += 997)
    g_assert_cmpint (wv_session_get_record (s, i)->time_ns, ==, i);
  g_assert_cmpint (wv_session_get_record (s, n - 1)->time_ns, ==, n - 1);
  g_assert_null (wv_session_get_record (s, n));

  /* Past the limit only per-second statistics are dropped, with one
   * message. */
  wv_session_set_record_limit (s, n);
  r = stats (0, 4, WV_DIR_C2S, 1, -1, 1);
  wv_session_push_record (s, &r);
  wv_session_push_record (s, &r);
  r = wv_test_hop (0, 4, WV_DIR_C2S, 1, 1, "10.0.0.1", 1, TRUE);
  wv_session_push_record (s, &r);
  g_assert_cmpuint (wv_session_get_n_records (s), ==, n + 1);
  g_assert_cmpuint (wv_session_get_n_dropped (s), ==, 2);
  g_assert_cmpuint (c.messages, ==, 1);
  g_assert_nonnull (strstr (c.last_message, "10000 records"));
  g_free (c.last_message);
}

static void
test_session_messages (void)
{
  g_autoptr(WvSession) s = wv_session_new ();
  Counts c = { 0 };

  g_signal_connect (s, "message", G_CALLBACK (on_message), &c);
  /* Text that is not UTF-8 (a peer's) arrives repaired; empty text not at all. */
  wv_session_push_message (s, WV_MESSAGE_WARNING, "peer said \xff\xfe!");
  g_assert_cmpuint (c.messages, ==, 1);
  g_assert_cmpstr (c.last_message, ==, "peer said \xef\xbf\xbd\xef\xbf\xbd!");
  wv_session_push_message (s, WV_MESSAGE_INFO, "");
  wv_session_push_message (s, WV_MESSAGE_INFO, NULL);
  g_assert_cmpuint (c.messages, ==, 1);
  g_free (c.last_message);
}

static void
test_session_start_errors (void)
{
  g_autoptr(WvSession) s = wv_session_new ();
  g_autoptr(GError) error = NULL;
  WvClientConfig config;

  /* The engine refuses the configuration: the session says why and does
   * not run. */
  wv_client_config_init (&config);
  config.connections = 0;
  g_assert_false (wv_session_start (s, &config, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (wv_session_get_running (s));
  g_assert_true (wv_session_get_started (s));
  g_assert_true (wv_session_get_self_test (s));
  g_clear_error (&error);

  /* A session runs once. */
  config.connections = 1;
  g_assert_false (wv_session_start (s, &config, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  wv_client_config_clear (&config);
}

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static GFile *
export_sync (WvSession *s,
             GFile     *folder,
             GError   **error)
{
  GAsyncResult *result = NULL;
  GFile *dir;

  wv_session_export_csv_async (s, folder, NULL, export_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  dir = wv_session_export_csv_finish (s, result, error);
  g_object_unref (result);
  return dir;
}

static guint
count_lines (GFile      *dir,
             const char *name)
{
  g_autoptr(GFile) file = g_file_get_child (dir, name);
  g_autofree char *text = NULL;
  guint n = 0;

  g_assert_true (g_file_load_contents (file, NULL, &text, NULL, NULL, NULL));
  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

static void
test_session_export (void)
{
  g_autoptr(WvSession) s = wv_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("wv-gui-model-XXXXXX", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (tmp);
  g_autoptr(GFile) first = NULL, second = NULL, bad = NULL;
  g_autofree char *name = wv_session_dup_export_name (s);
  g_autofree char *base = NULL;
  WvRecord r;

  for (guint i = 0; i < 5000; i++)
    {
      r = stats (i % 2, 4, i % 2, 1, -1, G_GINT64_CONSTANT (1763800000000000000) + i * 1000000);
      wv_session_push_record (s, &r);
    }
  r = wv_test_hop (0, 4, WV_DIR_C2S, 1, 1, "127.0.0.1", 0.05, TRUE);
  wv_session_push_record (s, &r);
  r = wv_test_mtu (0, WV_DIR_C2S, 1, "127.0.0.1", 1500);
  wv_session_push_record (s, &r);

  first = export_sync (s, folder, &error);
  g_assert_no_error (error);
  base = g_file_get_basename (first);
  g_assert_cmpstr (base, ==, name);
  g_assert_cmpuint (count_lines (first, "stats.csv"), ==, 1 + 5000);
  g_assert_cmpuint (count_lines (first, "summary.csv"), ==, 1);
  g_assert_cmpuint (count_lines (first, "hop.csv"), ==, 2);
  g_assert_cmpuint (count_lines (first, "mtu.csv"), ==, 2);
  g_assert_cmpuint (count_lines (first, "path_mtu.csv"), ==, 1);

  /* Records that came later are in the next export, in a new directory. */
  r = stats (0, 4, WV_DIR_C2S, 60, -1, G_GINT64_CONSTANT (1763800009000000000));
  wv_session_push_record (s, &r);
  second = export_sync (s, folder, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_equal (first, second));
  g_clear_pointer (&base, g_free);
  base = g_file_get_basename (second);
  g_assert_true (g_str_has_suffix (base, "-2"));
  g_assert_cmpuint (count_lines (second, "stats.csv"), ==, 1 + 5001);

  /* A folder that cannot be written: the engine's error. */
  {
    g_autoptr(GFile) file = g_file_get_child (first, "stats.csv");

    bad = export_sync (s, file, &error);
    g_assert_null (bad);
    g_assert_nonnull (error);
    g_test_message ("expected export error: %s", error->message);
  }
}

/* --- settings, formatting ---------------------------------------------------------- */

static void
test_config_from_settings (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = wv_gui_settings_new (&error);
  WvClientConfig config;

  g_assert_no_error (error);
  g_settings_set_uint (settings, "connections", 16);
  g_settings_set_string (settings, "families", "ipv6");
  g_settings_set_uint (settings, "probe-rate", 250);
  g_settings_set_uint (settings, "probe-size", 200);
  g_settings_set_uint (settings, "bulk-rate", 2500);
  g_settings_set_uint (settings, "duration", 30);
  g_settings_set_uint (settings, "max-ttl", 24);
  g_settings_set_uint (settings, "rounds", 5);
  g_settings_set_uint (settings, "mtu-max", 9000);
  g_settings_set_boolean (settings, "mtu", FALSE);
  g_settings_set_string (settings, "stun-server", "  stun://stun.example.org:3478 ");

  g_settings_set_string (settings, "mtu-sizes", "1500, 9000 1280");

  g_assert_true (wv_gui_client_config_from_settings (settings, "http://192.0.2.1:8080", &config, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config.url, ==, "http://192.0.2.1:8080");
  g_assert_false (config.ipv4);
  g_assert_true (config.ipv6);
  g_assert_cmpuint (config.connections, ==, 16);
  g_assert_cmpuint (config.streams.rate_pps, ==, 250);
  g_assert_cmpuint (config.streams.probe_size, ==, 200);
  g_assert_cmpuint (config.streams.bulk_bps, ==, 2500000);
  g_assert_cmpfloat (config.streams.duration_s, ==, 30);
  g_assert_cmpuint (config.max_ttl, ==, 24);
  g_assert_cmpuint (config.rounds, ==, 5);
  g_assert_cmpuint (config.mtu_max, ==, 9000);
  g_assert_cmpuint (config.n_mtu_sizes, ==, 3);
  g_assert_cmpuint (config.mtu_sizes[0], ==, 1280);
  g_assert_cmpuint (config.mtu_sizes[1], ==, 1500);
  g_assert_cmpuint (config.mtu_sizes[2], ==, 9000);
  g_assert_true (config.traceroute);
  g_assert_false (config.mtu);
  g_assert_cmpstr (config.stun_uri, ==, "stun://stun.example.org:3478");
  wv_client_config_clear (&config);

  /* Self-test: no URL; an empty STUN server is none. */
  g_settings_set_string (settings, "stun-server", "");
  g_settings_set_string (settings, "families", "both");
  g_settings_reset (settings, "mtu-sizes");
  g_assert_true (wv_gui_client_config_from_settings (settings, NULL, &config, &error));
  g_assert_null (config.url);
  g_assert_null (config.stun_uri);
  g_assert_true (config.ipv4 && config.ipv6);
  /* The default sizes are the engine's default list. */
  {
    guint n_def;
    const guint *def = wv_mtu_sizes_default (&n_def);

    g_assert_cmpuint (config.n_mtu_sizes, ==, n_def);
    for (guint i = 0; i < n_def; i++)
      g_assert_cmpuint (config.mtu_sizes[i], ==, def[i]);
  }
  wv_client_config_clear (&config);

  /* Sizes the engine would refuse: no run, an error that says which. */
  g_settings_set_string (settings, "mtu-sizes", "1280 1500 15000");
  g_assert_false (wv_gui_client_config_from_settings (settings, NULL, &config, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_test_message ("expected: %s", error->message);
  g_assert_nonnull (strstr (error->message, "“15000”"));
  g_clear_error (&error);
  g_assert_null (config.url);
  g_settings_reset (settings, "mtu-sizes");

  /* The schema bounds what can be stored to what the engine accepts. */
  {
    g_autoptr(GSettingsSchema) schema = NULL;
    static const struct { const char *key; guint ok, bad; } ranges[] = {
      { "connections", 16, 17 }, { "probe-rate", 1000, 1001 }, { "probe-size", 1184, 1185 },
      { "max-ttl", 64, 65 }, { "duration", 3600, 3601 }, { "probe-rate", 1, 0 },
      { "rounds", WV_MAX_ROUNDS, WV_MAX_ROUNDS + 1 }, { "mtu-max", WV_MTU_MAX, WV_MTU_MAX + 1 },
      { "mtu-max", WV_MTU_MIN, WV_MTU_MIN - 1 },
    };

    g_object_get (settings, "settings-schema", &schema, NULL);
    for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
      {
        g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, ranges[i].key);
        g_autoptr(GVariant) ok = g_variant_ref_sink (g_variant_new_uint32 (ranges[i].ok));
        g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_uint32 (ranges[i].bad));

        g_assert_true (g_settings_schema_key_range_check (key, ok));
        g_assert_false (g_settings_schema_key_range_check (key, bad));
      }
    {
      g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, "families");
      g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_string ("ipv5"));

      g_assert_false (g_settings_schema_key_range_check (key, bad));
    }
  }
}

static void
test_parse_listen (void)
{
  static const struct { const char *text; const char *expected; } good[] = {
    { "0.0.0.0:8080 [::]:8080", "0.0.0.0:8080|[::]:8080" },
    { " 127.0.0.1:0 ,\t[::1]:9000,", "127.0.0.1:0|[::1]:9000" },
    { "server.example.org:65535", "server.example.org:65535" },
  };
  static const char *bad[] = {
    "", "   ", "localhost", ":8080", "0.0.0.0:65536", "0.0.0.0:http", "[::1:8080", "0.0.0.0:-1",
    "a:1 b:2 c:3 d:4 e:5 f:6 g:7 h:8 i:9 j:10 k:11 l:12 m:13 n:14 o:15 p:16 q:17",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) list = wv_gui_parse_listen (good[i].text, &error);
      g_autofree char *joined = NULL;

      g_assert_no_error (error);
      joined = g_strjoinv ("|", list);
      g_assert_cmpstr (joined, ==, good[i].expected);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) list = wv_gui_parse_listen (bad[i], &error);

      g_assert_null (list);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_format (void)
{
  static const struct { double v; const char *ms; const char *pct; } cases[] = {
    { 0.3521, "0.352", "0.4 %" },
    { 0, "0.000", "0 %" },
    { 33.3333, "33.333", "33 %" },
    { 150.06, "150.1", "150 %" },
    { NAN, "–", "–" },
    { INFINITY, "–", "–" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ms = wv_gui_format_ms (cases[i].v);
      g_autofree char *pct = wv_gui_format_pct (cases[i].v);

      g_assert_cmpstr (ms, ==, cases[i].ms);
      g_assert_cmpstr (pct, ==, cases[i].pct);
    }
  g_assert_cmpint (wv_gui_families_from_string ("ipv4"), ==, WV_FAMILIES_IPV4);
  g_assert_cmpint (wv_gui_families_from_string ("garbage"), ==, WV_FAMILIES_BOTH);
  g_assert_cmpstr (wv_gui_families_to_string (WV_FAMILIES_IPV6), ==, "ipv6");
  g_assert_cmpstr (wv_gui_direction_label (WV_DIR_S2C), ==, "Server → client");
  g_assert_cmpstr (wv_gui_conn_state_label (WV_CONN_STREAMING), ==, "Measuring");
  g_assert_cmpstr (wv_gui_phase_label (WV_PHASE_MTU), ==, "Measuring the MTU");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gui/trace-path/reached", test_trace_path_reached);
  g_test_add_func ("/gui/trace-path/not-reached", test_trace_path_not_reached);
  g_test_add_func ("/gui/session/connections", test_session_connections);
  g_test_add_func ("/gui/session/records", test_session_records);
  g_test_add_func ("/gui/session/storage", test_session_storage);
  g_test_add_func ("/gui/session/classes", test_session_classes);
  g_test_add_func ("/gui/session/messages", test_session_messages);
  g_test_add_func ("/gui/session/start-errors", test_session_start_errors);
  g_test_add_func ("/gui/session/export", test_session_export);
  g_test_add_func ("/gui/settings/client-config", test_config_from_settings);
  g_test_add_func ("/gui/settings/parse-listen", test_parse_listen);
  g_test_add_func ("/gui/format", test_format);
  return g_test_run ();
}

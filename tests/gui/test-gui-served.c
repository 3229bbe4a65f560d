/* test-gui-served.c: Serve mode's clients without a display or a network
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * WvServedClients fed the way the server's signals feed it: which records
 * go to which client, the connections renumbered per client and back to
 * the server's numbers in the export, when a client runs and ends, the
 * record budget all clients share, the cap on clients kept, what a peer
 * may send that must not confuse it, and the export (the files of
 * `serve --csv --json`). The real server with real clients is
 * test-gui-serve.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "wv-gui-test.h"
#include "wv-served-clients.h"
#include "../wv-test-records.h"

#define T0 G_GINT64_CONSTANT (1763800000000000000)

static const WvServerClient phone = { "192.0.2.5", "phone", "session-a", "" };
static const WvServerClient laptop = { "2001:db8::9", "laptop", "session-b", "wifi-verify 0.1.0" };

typedef struct {
  GPtrArray *texts;
} Messages;

static void
on_message (WvServedClients *clients,
            guint            kind,
            const char      *text,
            Messages        *m)
{
  g_ptr_array_add (m->texts, g_strdup (text));
}

static gboolean
has_message (Messages   *m,
             const char *part)
{
  for (guint i = 0; i < m->texts->len; i++)
    if (strstr (g_ptr_array_index (m->texts, i), part))
      return TRUE;
  return FALSE;
}

static WvRecord
stats (guint       conn,
       int         family,
       WvDirection dir,
       guint       window_s,
       gint64      time_ns)
{
  WvRecord r = wv_test_record (WV_RECORD_STATS, conn, family, dir);

  r.time_ns = time_ns;
  r.stats.window_s = window_s;
  r.stats.dscp = -1;
  r.stats.rx.probes = 100;
  r.stats.rx.expected = 100;
  r.stats.rtt_ms = (WvSummary) { 1, 2, 3, 4, 2.5, 10 };
  return r;
}

static WvRecord
summary (guint       conn,
         int         family,
         WvDirection dir,
         gint64      time_ns)
{
  WvRecord r = stats (conn, family, dir, 0, time_ns);

  r.type = WV_RECORD_SUMMARY;
  return r;
}

static WvServedClient *
item (WvServedClients *clients,
      guint            i)
{
  g_autoptr(WvServedClient) c = g_list_model_get_item (wv_served_clients_get_model (clients), i);

  g_assert_nonnull (c);
  return c;                     /* the model holds it */
}

/* Records go to the client they name; each client numbers its connections
 * from 0 in the order they came, in a session of its own. */
static void
test_clients (void)
{
  g_autoptr(WvServedClients) clients = wv_served_clients_new ();
  Messages m = { g_ptr_array_new_with_free_func (g_free) };
  WvServedClient *a, *b;
  WvSession *sa, *sb;
  WvRecord r;

  g_signal_connect (clients, "message", G_CALLBACK (on_message), &m);
  /* The server numbers the connections of all its clients together. */
  wv_served_clients_push_state (clients, &phone, 7, 4, WV_CONN_CONNECTING);
  wv_served_clients_push_state (clients, &laptop, 8, 6, WV_CONN_CONNECTING);
  wv_served_clients_push_state (clients, &phone, 9, 6, WV_CONN_CONNECTING);
  g_assert_cmpuint (g_list_model_get_n_items (wv_served_clients_get_model (clients)), ==, 2);
  a = item (clients, 0);
  b = item (clients, 1);
  g_assert_cmpstr (wv_served_client_get_label (a), ==, "phone");
  g_assert_cmpstr (wv_served_client_get_address (a), ==, "192.0.2.5");
  g_assert_cmpstr (wv_served_client_get_session_id (a), ==, "session-a");
  g_assert_cmpstr (wv_served_client_get_software (a), ==, "");
  g_assert_cmpstr (wv_served_client_get_software (b), ==, "wifi-verify 0.1.0");
  g_assert_true (has_message (&m, "New client: phone (192.0.2.5)"));
  g_assert_true (wv_served_clients_find (clients, "laptop") == b);
  g_assert_null (wv_served_clients_find (clients, "nobody"));

  sa = wv_served_client_get_session (a);
  sb = wv_served_client_get_session (b);
  g_assert_true (wv_served_client_get_running (a));
  g_assert_true (wv_session_get_running (sa));
  g_assert_cmpuint (wv_served_client_get_n_connections (a), ==, 2);
  g_assert_cmpuint (wv_served_client_get_server_index (a, 0), ==, 7);
  g_assert_cmpuint (wv_served_client_get_server_index (a, 1), ==, 9);
  g_assert_cmpuint (wv_served_client_get_server_index (a, 2), ==, G_MAXUINT);
  g_assert_cmpint (wv_session_get_connection_family (sa, 1), ==, 6);
  {
    g_autofree char *label = wv_session_dup_connection_label (sa, 1);

    g_assert_cmpstr (label, ==, "IPv6 · 1");
  }
  g_assert_cmpuint (wv_served_client_get_n_connections (b), ==, 1);

  /* The hello names the software; an empty one later does not erase it. */
  {
    WvServerClient hello = phone;

    hello.software = "wifi-verify-web 0.1.0 (Chromium 156; Linux)";
    wv_served_clients_push_state (clients, &hello, 9, 6, WV_CONN_READY);
    wv_served_clients_push_state (clients, &phone, 7, 4, WV_CONN_STREAMING);
    g_assert_cmpstr (wv_served_client_get_software (a), ==, hello.software);
  }
  g_assert_cmpint (wv_served_client_get_state (a), ==, WV_CONN_STREAMING);

  r = stats (9, 6, WV_DIR_S2C, 1, T0);
  wv_served_clients_push_record (clients, &phone, &r);
  g_assert_cmpuint (wv_session_get_n_records (sa), ==, 1);
  g_assert_cmpuint (wv_session_get_record (sa, 0)->conn, ==, 1);
  g_assert_nonnull (wv_session_get_latest_stats (sa, 1, WV_DIR_S2C));
  g_assert_cmpuint (wv_session_get_n_records (sb), ==, 0);
  g_assert_cmpuint (wv_served_clients_get_n_records (clients), ==, 1);
  g_assert_true (wv_served_clients_get_unexported (clients));

  /* The same session id from another address is another client. */
  {
    WvServerClient other = phone;

    other.address = "192.0.2.77";
    wv_served_clients_push_record (clients, &other, &r);
    g_assert_cmpuint (g_list_model_get_n_items (wv_served_clients_get_model (clients)), ==, 3);
    g_assert_cmpuint (wv_session_get_n_records (sa), ==, 1);
  }

  /* A client runs while any connection does; its end is logged. */
  wv_served_clients_push_state (clients, &phone, 7, 4, WV_CONN_FINISHED);
  g_assert_true (wv_served_client_get_running (a));
  g_assert_cmpint (wv_served_client_get_state (a), ==, WV_CONN_READY);
  wv_served_clients_push_state (clients, &phone, 9, 6, WV_CONN_LOST);
  g_assert_false (wv_served_client_get_running (a));
  g_assert_false (wv_session_get_running (sa));
  g_assert_cmpint (wv_served_client_get_state (a), ==, WV_CONN_FINISHED);
  g_assert_true (has_message (&m, "Client phone (192.0.2.5) finished"));
  wv_served_clients_push_state (clients, &laptop, 8, 6, WV_CONN_FAILED);
  g_assert_cmpint (wv_served_client_get_state (b), ==, WV_CONN_FAILED);
  g_assert_true (has_message (&m, "Client laptop (2001:db8::9) ended without finishing"));

  /* A client that comes back with another connection runs again, on the
   * same time axis. */
  {
    gint64 origin = wv_session_get_time_origin (sa);

    wv_served_clients_push_state (clients, &phone, 12, 4, WV_CONN_CONNECTING);
    g_assert_true (wv_served_client_get_running (a));
    g_assert_cmpint (wv_session_get_time_origin (sa), ==, origin);
    g_assert_cmpuint (wv_served_client_get_server_index (a, 2), ==, 12);
  }

  /* The server stopped: everything has ended. */
  wv_served_clients_server_stopped (clients);
  g_assert_false (wv_served_client_get_running (a));
  g_ptr_array_unref (m.texts);
}

/* What a peer controls (its label, session id, family, how many
 * connections) cannot confuse the list. */
static void
test_hostile (void)
{
  g_autoptr(WvServedClients) clients = wv_served_clients_new ();
  WvServerClient odd = { "192.0.2.5", "bad \xff label", "\xfe session", "soft\xc0ware" };
  WvServedClient *c;
  WvRecord r;

  wv_served_clients_push_state (clients, &odd, 1, 4, WV_CONN_CONNECTING);
  c = item (clients, 0);
  g_assert_true (g_utf8_validate (wv_served_client_get_label (c), -1, NULL));
  g_assert_true (g_utf8_validate (wv_served_client_get_session_id (c), -1, NULL));
  g_assert_true (g_utf8_validate (wv_served_client_get_software (c), -1, NULL));

  /* A family that is none, a state out of range: ignored. */
  wv_served_clients_push_state (clients, &odd, 2, 5, WV_CONN_CONNECTING);
  wv_served_clients_push_state (clients, &odd, 1, 4, (WvConnState) 99);
  r = stats (3, 0, WV_DIR_C2S, 1, T0);
  wv_served_clients_push_record (clients, &odd, &r);
  g_assert_cmpuint (wv_served_client_get_n_connections (c), ==, 1);
  g_assert_cmpint (wv_served_client_get_state (c), ==, WV_CONN_CONNECTING);
  g_assert_cmpuint (wv_session_get_n_records (wv_served_client_get_session (c)), ==, 0);

  /* More connections than a session holds: the rest are left out. */
  for (guint i = 0; i < WV_SESSION_MAX_CONNECTIONS + 10; i++)
    wv_served_clients_push_state (clients, &odd, 100 + i, 4, WV_CONN_CONNECTING);
  g_assert_cmpuint (wv_served_client_get_n_connections (c), ==, WV_SESSION_MAX_CONNECTIONS);
  r = stats (100 + WV_SESSION_MAX_CONNECTIONS + 5, 4, WV_DIR_C2S, 1, T0);
  wv_served_clients_push_record (clients, &odd, &r);
  g_assert_cmpuint (wv_session_get_n_records (wv_served_client_get_session (c)), ==, 0);
}

/* All clients together keep at most the budget of per-second statistics;
 * summaries are always kept. */
static void
test_record_budget (void)
{
  g_autoptr(WvServedClients) clients = wv_served_clients_new ();
  Messages m = { g_ptr_array_new_with_free_func (g_free) };
  WvRecord r;

  g_signal_connect (clients, "message", G_CALLBACK (on_message), &m);
  wv_served_clients_set_record_limit (clients, 30);
  for (guint i = 0; i < 20; i++)
    {
      r = stats (0, 4, WV_DIR_C2S, 1, T0 + i);
      wv_served_clients_push_record (clients, &phone, &r);
      r = stats (1, 6, WV_DIR_S2C, 1, T0 + i);
      wv_served_clients_push_record (clients, &laptop, &r);
    }
  g_assert_cmpuint (wv_served_clients_get_n_records (clients), ==, 30);
  /* They came in turns: half each. */
  g_assert_cmpuint (wv_session_get_n_records (wv_served_client_get_session (item (clients, 0))), ==, 15);
  g_assert_cmpuint (wv_session_get_n_records (wv_served_client_get_session (item (clients, 1))), ==, 15);
  /* Still charted: the latest statistics are the newest. */
  g_assert_cmpint (wv_session_get_latest_stats (wv_served_client_get_session (item (clients, 1)), 0,
                                                WV_DIR_S2C)->time_ns, ==, T0 + 19);
  g_assert_true (has_message (&m, "laptop (2001:db8::9): This run has kept"));
  r = summary (0, 4, WV_DIR_C2S, T0 + 30);
  wv_served_clients_push_record (clients, &phone, &r);
  g_assert_cmpuint (wv_served_clients_get_n_records (clients), ==, 31);
  g_ptr_array_unref (m.texts);
}

/* At most WV_SERVED_CLIENTS_MAX clients: a new one makes the oldest that
 * has ended go; while all run, a new one is left out. */
static void
test_forget (void)
{
  g_autoptr(WvServedClients) clients = wv_served_clients_new ();
  Messages m = { g_ptr_array_new_with_free_func (g_free) };
  GListModel *model = wv_served_clients_get_model (clients);
  char session[32], label[32];
  WvServerClient c = { "192.0.2.5", label, session, "" };

  g_signal_connect (clients, "message", G_CALLBACK (on_message), &m);
  for (guint i = 0; i < WV_SERVED_CLIENTS_MAX; i++)
    {
      g_snprintf (session, sizeof session, "s%u", i);
      g_snprintf (label, sizeof label, "c%u", i);
      wv_served_clients_push_state (clients, &c, i, 4, WV_CONN_CONNECTING);
    }
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, WV_SERVED_CLIENTS_MAX);
  g_snprintf (session, sizeof session, "late");
  g_snprintf (label, sizeof label, "late");
  wv_served_clients_push_state (clients, &c, 1000, 4, WV_CONN_CONNECTING);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, WV_SERVED_CLIENTS_MAX);
  g_assert_null (wv_served_clients_find (clients, "late"));

  /* c3 ends: the next new client takes its place. */
  g_snprintf (session, sizeof session, "s3");
  g_snprintf (label, sizeof label, "c3");
  wv_served_clients_push_state (clients, &c, 3, 4, WV_CONN_FAILED);
  g_snprintf (session, sizeof session, "late");
  g_snprintf (label, sizeof label, "late");
  wv_served_clients_push_state (clients, &c, 1000, 4, WV_CONN_CONNECTING);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, WV_SERVED_CLIENTS_MAX);
  g_assert_nonnull (wv_served_clients_find (clients, "late"));
  g_assert_null (wv_served_clients_find (clients, "c3"));
  g_assert_nonnull (wv_served_clients_find (clients, "c2"));
  g_assert_true (has_message (&m, "the oldest, c3 (192.0.2.5), is no longer kept"));
  g_ptr_array_unref (m.texts);
}

/* A session fed from outside runs from wv_session_begin() on; the
 * records handed to a thread stay as they were. */
static void
test_session_begin (void)
{
  g_autoptr(WvSession) s = wv_session_new ();
  g_autoptr(WvSessionRecords) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  WvClientConfig config = { 0 };
  WvRecord r;

  g_assert_false (wv_session_get_started (s));
  wv_session_begin (s);
  g_assert_true (wv_session_get_started (s));
  g_assert_true (wv_session_get_running (s));
  g_assert_true (isnan (wv_session_get_end_time (s)));
  /* It has no client of its own to start. */
  g_assert_false (wv_session_start (s, &config, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);

  for (guint i = 0; i < 5000; i++)
    {
      r = stats (0, 4, WV_DIR_C2S, 1, T0 + i);
      wv_session_push_record (s, &r);
    }
  snapshot = wv_session_dup_records (s);
  r = stats (0, 4, WV_DIR_C2S, 1, T0 + 9999);
  wv_session_push_record (s, &r);
  g_assert_cmpuint (wv_session_records_get_n (snapshot), ==, 5000);
  g_assert_cmpint (wv_session_records_get (snapshot, 4999)->time_ns, ==, T0 + 4999);
  g_assert_null (wv_session_records_get (snapshot, 5000));

  wv_session_push_finished (s, TRUE);
  g_assert_false (wv_session_get_running (s));
  g_assert_false (isnan (wv_session_get_end_time (s)));
}

/* --- export ------------------------------------------------------------------------------- */

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static GFile *
export_sync (WvServedClients *clients,
             GFile           *folder,
             GError         **error)
{
  GAsyncResult *result = NULL;
  GFile *dir;

  wv_served_clients_export_async (clients, folder, NULL, export_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  dir = wv_served_clients_export_finish (clients, result, error);
  g_object_unref (result);
  return dir;
}

static char *
read_file (GFile      *dir,
           const char *name)
{
  g_autoptr(GFile) file = g_file_get_child (dir, name);
  char *text = NULL;

  g_assert_true (g_file_load_contents (file, NULL, &text, NULL, NULL, NULL));
  return text;
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

/* The files of `serve --csv DIR --json FILE`: every record naming its
 * client, the server's connection numbers, all clients' records in time
 * order, each client's in its own order. */
static void
test_export (void)
{
  g_autoptr(WvServedClients) clients = wv_served_clients_new ();
  g_autofree char *tmp = g_dir_make_tmp ("wv-gui-served-XXXXXX", NULL);
  g_autoptr(GFile) folder = g_file_new_for_path (tmp);
  g_autoptr(GFile) first = NULL, second = NULL, bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = wv_served_clients_dup_export_name (clients);
  g_autofree char *base = NULL, *jsonl = NULL, *csv = NULL;
  g_auto(GStrv) lines = NULL;
  double last = 0;
  WvRecord r;

  g_assert_true (g_str_has_suffix (name, "-serve"));
  wv_served_clients_push_state (clients, &phone, 4, 4, WV_CONN_STREAMING);
  wv_served_clients_push_state (clients, &laptop, 5, 6, WV_CONN_STREAMING);
  /* Two seconds of both, the laptop's a little later each second. */
  for (guint i = 0; i < 2; i++)
    {
      r = stats (4, 4, WV_DIR_C2S, 1, T0 + i * G_GINT64_CONSTANT (1000000000));
      wv_served_clients_push_record (clients, &phone, &r);
      r = stats (5, 6, WV_DIR_S2C, 1, T0 + i * G_GINT64_CONSTANT (1000000000) + 500000000);
      wv_served_clients_push_record (clients, &laptop, &r);
    }
  r = wv_test_hop (4, 4, WV_DIR_S2C, 1, 1, "192.0.2.5", 3.5, TRUE);
  r.time_ns = T0 + G_GINT64_CONSTANT (3000000000);
  wv_served_clients_push_record (clients, &phone, &r);
  r = summary (5, 6, WV_DIR_S2C, T0 + G_GINT64_CONSTANT (4000000000));
  wv_served_clients_push_record (clients, &laptop, &r);

  first = export_sync (clients, folder, &error);
  g_assert_no_error (error);
  base = g_file_get_basename (first);
  g_assert_cmpstr (base, ==, name);
  g_assert_false (wv_served_clients_get_unexported (clients));

  jsonl = read_file (first, "records.jsonl");
  lines = g_strsplit (jsonl, "\n", -1);
  g_assert_cmpuint (count_lines (jsonl), ==, 6);
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *o;
      const char *label;

      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      o = json_node_get_object (json_parser_get_root (parser));
      label = json_object_get_string_member (o, "client_label");
      g_assert_cmpfloat (json_object_get_double_member (o, "time"), >=, last);
      last = json_object_get_double_member (o, "time");
      if (g_str_equal (label, "phone"))
        {
          g_assert_cmpstr (json_object_get_string_member (o, "client"), ==, "192.0.2.5");
          g_assert_cmpint (json_object_get_int_member (o, "conn"), ==, 4);
        }
      else
        {
          g_assert_cmpstr (label, ==, "laptop");
          g_assert_cmpstr (json_object_get_string_member (o, "client"), ==, "2001:db8::9");
          g_assert_cmpint (json_object_get_int_member (o, "conn"), ==, 5);
        }
    }
  g_assert_nonnull (strstr (lines[0], "\"client_label\":\"phone\""));
  g_assert_nonnull (strstr (lines[1], "\"client_label\":\"laptop\""));
  g_assert_nonnull (strstr (lines[4], "\"type\":\"hop\""));
  g_assert_nonnull (strstr (lines[5], "\"type\":\"summary\""));
  csv = read_file (first, "stats.csv");
  g_assert_cmpuint (count_lines (csv), ==, 1 + 4);
  g_assert_nonnull (strstr (csv, ",client,client_label,"));
  g_clear_pointer (&csv, g_free);
  csv = read_file (first, "hop.csv");
  g_assert_cmpuint (count_lines (csv), ==, 1 + 1);

  /* New records: unexported again, and the next export is a new directory. */
  r = stats (4, 4, WV_DIR_C2S, 1, T0 + G_GINT64_CONSTANT (5000000000));
  wv_served_clients_push_record (clients, &phone, &r);
  g_assert_true (wv_served_clients_get_unexported (clients));
  second = export_sync (clients, folder, &error);
  g_assert_no_error (error);
  g_clear_pointer (&base, g_free);
  base = g_file_get_basename (second);
  g_assert_true (g_str_has_suffix (base, "-2"));

  /* A folder that cannot be written: the writer's error, still unexported. */
  r = stats (4, 4, WV_DIR_C2S, 1, T0 + G_GINT64_CONSTANT (6000000000));
  wv_served_clients_push_record (clients, &phone, &r);
  {
    g_autoptr(GFile) file = g_file_get_child (first, "stats.csv");

    bad = export_sync (clients, file, &error);
    g_assert_null (bad);
    g_assert_nonnull (error);
    g_test_message ("expected export error: %s", error->message);
    g_assert_true (wv_served_clients_get_unexported (clients));
  }
  wv_gui_test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gui/served/clients", test_clients);
  g_test_add_func ("/gui/served/hostile", test_hostile);
  g_test_add_func ("/gui/served/record-budget", test_record_budget);
  g_test_add_func ("/gui/served/forget", test_forget);
  g_test_add_func ("/gui/served/session-begin", test_session_begin);
  g_test_add_func ("/gui/served/export", test_export);
  return g_test_run ();
}

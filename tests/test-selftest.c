/* test-selftest.c: wifi-verify-cli self-test end to end
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs "wifi-verify-cli self-test" for 10 s with two connections per
 * family and JSON and CSV output, then checks that every record is there:
 * per-second statistics for every connection, direction and window, and a
 * summary for every connection and direction, with no loss and an RTT
 * between 0 and 5 ms, timed wire to wire (our own stack reported apart),
 * 200 kbit/s of bulk traffic measured as such up to the last second, and a
 * path MTU on loopback (MTU 65536) given as "at least" the largest size
 * tried.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "wv-test-pair.h"

#define DURATION 10
#define CONNS 2

static const char *cli_path;

static char *
run_cli (const char *const *argv, int *status)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (proc);
  if (*status != 0)
    g_test_message ("%s exited %d\nstdout:\n%s\nstderr:\n%s", argv[0], *status, out, err);
  return g_strconcat (out, err, NULL);
}

static double
member_double (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  g_assert_nonnull (n);
  return JSON_NODE_HOLDS_NULL (n) ? NAN : json_node_get_double (n);
}

static void
test_self_test (void)
{
  g_autofree char *dir = g_dir_make_tmp ("wv-selftest-XXXXXX", NULL);
  g_autofree char *json = g_build_filename (dir, "records.jsonl", NULL);
  g_autofree char *csv = g_build_filename (dir, "csv", NULL);
  g_autofree char *text = NULL, *output = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *duration = g_strdup_printf ("%d", DURATION);
  g_autofree char *conns = g_strdup_printf ("%d", CONNS);
  const char *argv[] = { cli_path, "self-test", "--duration", duration, "--connections", conns,
                         "--bulk", "200000", "--json", json, "--csv", csv, NULL };
  guint path_mtus = 0;
  double last_thr[4][2] = { { 0 } };
  gboolean ipv6 = wv_test_have_ipv6_loopback ();
  guint n_conns = ipv6 ? 2 * CONNS : CONNS;
  /* [conn][dir][window 1/10/60] per-second records seen */
  guint stats[4][2][3] = { { { 0 } } };
  guint summaries[4][2] = { { 0 } };
  int status;

  if (!ipv6)
    g_test_message ("no IPv6 loopback: measuring IPv4 only");
  output = run_cli (argv, &status);
  g_assert_cmpint (status, ==, 0);

  g_assert_true (g_file_get_contents (json, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *o;
      const char *type, *dir;
      gint64 conn, family;
      int d;

      if (lines[i][0] == '\0')
        continue;
      json_parser_load_from_data (parser, lines[i], -1, &error);
      g_assert_no_error (error);
      o = json_node_get_object (json_parser_get_root (parser));
      type = json_object_get_string_member (o, "type");
      conn = json_object_get_int_member (o, "conn");
      family = json_object_get_int_member (o, "family");
      dir = json_object_get_string_member (o, "dir");
      g_assert_cmpint (conn, >=, 0);
      g_assert_cmpint (conn, <, n_conns);
      /* Connections 0..CONNS-1 are IPv4, the rest IPv6. */
      g_assert_cmpint (family, ==, conn < CONNS ? 4 : 6);
      g_assert_true (g_str_equal (dir, "c2s") || g_str_equal (dir, "s2c"));
      d = g_str_equal (dir, "c2s") ? 0 : 1;

      if (g_str_equal (type, "stats"))
        {
          gint64 w = json_object_get_int_member (o, "window_s");

          g_assert_true (w == 1 || w == 10 || w == 60);
          stats[conn][d][w == 1 ? 0 : w == 10 ? 1 : 2]++;
          g_assert_cmpstr (json_object_get_string_member (o, "owd_mode"), ==, "synced");
          /* Issue 10: the bulk rate does not drop to 0 at the end of the
           * run (the windows after the streams stopped are taken over the
           * part when they ran, or unknown): checked on the last one. */
          if (w == 1)
            last_thr[conn][d] = member_double (o, "throughput_bps");
        }
      else if (g_str_equal (type, "path_mtu"))
        {
          /* 1500 is the largest size tried and loopback carries 65536. */
          path_mtus++;
          g_assert_cmpint (json_object_get_int_member (o, "mtu"), ==, 1500);
          g_assert_true (json_object_get_boolean_member (o, "at_least"));
        }
      else if (g_str_equal (type, "summary"))
        {
          JsonObject *rtt = json_object_get_object_member (o, "rtt_ms");
          JsonObject *owd = json_object_get_object_member (o, "owd_ms");
          double rtt_p50 = member_double (rtt, "p50");
          double loss = member_double (o, "loss_pct");
          gint64 probes = json_object_get_int_member (o, "probes");

          summaries[conn][d]++;
          g_test_message ("conn %" G_GINT64_FORMAT " %s: %" G_GINT64_FORMAT
                          " probes, loss %.2f %%, rtt p50 %.3f ms, owd p50 %.3f ms",
                          conn, dir, probes, loss, rtt_p50, member_double (owd, "p50"));
          /* 100 probes/s for DURATION s, give or take the start and end. */
          g_assert_cmpint (probes, >=, 100 * DURATION - 50);
          g_assert_cmpfloat (loss, ==, 0.0);
          g_assert_cmpfloat (rtt_p50, >, 0.0);
          g_assert_cmpfloat (rtt_p50, <, 5.0);
          g_assert_cmpfloat (member_double (rtt, "mean"), <, 5.0);
          g_assert_cmpfloat (member_double (owd, "p50"), >, 0.0);
          g_assert_cmpfloat (member_double (owd, "p50"), <, member_double (rtt, "p50") + 1.0);
          g_assert_cmpint (json_object_get_int_member (o, "rx_ttl"), ==, 64);
          /* Wire to wire, but for a few probes that the stack held back
           * (left out, "untimed") or whose follow-up was lost; our own
           * stack's share reported apart. */
          g_assert_cmpint (json_object_get_int_member (o, "wire_samples"), >=,
                           json_object_get_int_member (owd, "n") * 95 / 100);
          g_assert_cmpint (json_object_get_int_member (o, "rtt_wire_samples"), >=,
                           json_object_get_int_member (rtt, "n") * 95 / 100);
          g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "stack_send_ms"), "n"),
                           >=, probes * 9 / 10);
          g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "stack_recv_ms"), "n"),
                           >=, probes * 9 / 10);
          /* 200 kbit/s of bulk each way (25 packets/s, light enough not to
           * starve the probes on a loaded machine), averaged over the run. */
          g_assert_cmpfloat (member_double (o, "throughput_bps"), >, 0.16e6);
          g_assert_cmpfloat (member_double (o, "throughput_bps"), <, 0.24e6);
        }
    }

  /* Both directions of every connection. */
  g_assert_cmpuint (path_mtus, ==, 2 * n_conns);
  for (guint c = 0; c < n_conns; c++)
    for (int d = 0; d < 2; d++)
      {
        g_assert_cmpuint (summaries[c][d], ==, 1);
        g_assert_true (isnan (last_thr[c][d]) || last_thr[c][d] > 0);
        /* One record per second and window; the first second may be missed. */
        for (int w = 0; w < 3; w++)
          g_assert_cmpuint (stats[c][d][w], >=, DURATION - 1);
      }

  /* The CSV files are there with a header and rows. */
  {
    static const char *files[] = { "stats.csv", "summary.csv" };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *path = g_build_filename (csv, files[i], NULL);
        g_autofree char *contents = NULL;
        g_auto(GStrv) rows = NULL;

        g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
        rows = g_strsplit (contents, "\n", -1);
        g_assert_true (g_str_has_prefix (rows[0], "time_unix_s,"));
        g_assert_cmpuint (g_strv_length (rows), >, 2);
      }
  }
}

/* Bad arguments are refused with a message, not a crash. */
static void
test_bad_arguments (void)
{
  static const char *cases[][6] = {
    { "self-test", "--connections", "17", NULL },
    { "self-test", "--rate", "0", NULL },
    { "self-test", "--family", "5", NULL },
    { "self-test", "--dscp", "XX1", NULL },
    { "self-test", "--duration", "-1", NULL },
    { "run", NULL },
    { "run", "ftp://example.invalid", "--duration", "1", NULL },
    { "frobnicate", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[8] = { cli_path };
      g_autofree char *out = NULL;
      int status;

      for (guint j = 0; cases[i][j]; j++)
        argv[j + 1] = cases[i][j];
      out = run_cli (argv, &status);
      g_assert_cmpint (status, !=, 0);
      g_assert_true (strstr (out, "wifi-verify-cli") != NULL);
      g_assert_null (strstr (out, "CRITICAL"));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli_path = g_getenv ("WV_CLI");
  g_assert_nonnull (cli_path);
  g_test_add_func ("/selftest/bad-arguments", test_bad_arguments);
  g_test_add_func ("/selftest/records", test_self_test);
  return g_test_run ();
}

/* test-run.c: run files written, read back, cut short and damaged
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "wv-output.h"
#include "wv-run.h"

#define SEC G_GINT64_CONSTANT (1000000000)
#define T0  (G_GINT64_CONSTANT (1700000000) * SEC)
#define N_STATS 300

typedef struct {
  char *dir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("wv-run-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "a" WV_RUN_FILE_SUFFIX, NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);

      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static WvRunMeta *
make_meta (void)
{
  WvRunMeta *meta = wv_run_meta_new ();

  meta->start_ns = T0;
  meta->mode = g_strdup ("run");
  meta->server = g_strdup ("http://192.0.2.10:8080");
  json_object_set_int_member (meta->settings, "connections", 2);
  json_object_set_double_member (meta->settings, "duration_s", 10.5);
  json_object_set_string_member (meta->settings, "dscp", "CS0,EF");
  wv_run_meta_add_interface (meta, "wlan0", "192.0.2.7");
  wv_run_meta_add_interface (meta, "wlan0", "2001:db8::7");
  wv_run_meta_add_interface (meta, "wlan0", "192.0.2.7");
  wv_run_meta_add_interface (meta, "eth1", NULL);
  meta->has_wifi = TRUE;
  meta->wifi_absent = WV_WIFI_ABSENT_NONE;
  g_strlcpy (meta->wifi.iface, "wlan0", sizeof meta->wifi.iface);
  memcpy (meta->wifi.ssid, "lab", 3);
  meta->wifi.ssid_len = 3;
  g_strlcpy (meta->wifi.bssid, "02:00:00:00:01:00", sizeof meta->wifi.bssid);
  meta->wifi.frequency_mhz = 2437;
  meta->wifi.channel = 6;
  meta->wifi.signal_pct = 80;
  meta->wifi.bitrate_kbps = 54000;
  {
    WvRecord v = { .type = WV_RECORD_VERDICT };

    v.verdict.run = TRUE;
    v.verdict.profile = WV_PROFILE_VOICE;
    v.verdict.grade = WV_GRADE_GOOD;
    wv_run_meta_take_record (meta, &v);
    v.verdict.profile = WV_PROFILE_VIDEO;
    v.verdict.grade = WV_GRADE_POOR;
    wv_run_meta_take_record (meta, &v);
    /* A direction's verdict is not the run's. */
    v.verdict.run = FALSE;
    v.verdict.profile = WV_PROFILE_INTERACTIVE;
    wv_run_meta_take_record (meta, &v);
  }
  return meta;
}

/* One-second statistics, a hop, a verdict and a Wi-Fi record. */
static void
make_record (WvRecord *r, guint i)
{
  memset (r, 0, sizeof *r);
  r->time_ns = T0 + i * SEC / 10;
  r->conn = i % 3;
  r->family = i % 2 ? 6 : 4;
  r->dir = i % 2 ? WV_DIR_S2C : WV_DIR_C2S;
  switch (i % 7)
    {
    case 0:
      r->type = WV_RECORD_HOP;
      r->hop.round = 1;
      r->hop.ttl = 1 + i % 5;
      g_snprintf (r->hop.addr, sizeof r->hop.addr, "10.0.%u.1", i % 5);
      r->hop.rtt_ms = 1.5 + i;
      r->hop.has_rx_tos = TRUE;
      r->hop.rx_tos = 0xb8;
      break;
    case 1:
      r->type = WV_RECORD_VERDICT;
      r->verdict.profile = WV_PROFILE_VIDEO;
      r->verdict.grade = WV_GRADE_FAIR;
      r->verdict.metric = WV_VERDICT_METRIC_LOSS;
      r->verdict.value = 0.5;
      r->verdict.threshold = 0.1;
      r->verdict.r_factor = r->verdict.mos = NAN;
      r->verdict.delay_ms = 12;
      r->verdict.loss_pct = 0.5;
      r->verdict.dscp = -1;
      break;
    case 2:
      r->type = WV_RECORD_WIFI;
      g_strlcpy (r->wifi.iface, "wlan0", sizeof r->wifi.iface);
      r->wifi.signal_pct = (int) (i % 101);
      r->wifi.frequency_mhz = 5180;
      break;
    default:
      r->type = WV_RECORD_STATS;
      r->stats.window_s = 1;
      r->stats.dscp = -1;
      r->stats.rx.probes = 100 - i % 3;
      r->stats.rx.expected = 100;
      r->stats.rx.loss_pct = (i % 3) * 1.0;
      r->stats.rx.jitter_ms = 0.25 * i;
      r->stats.rx.rx_ttl = r->stats.rx.rx_tos = -1;
      r->stats.rx.owd_ms = (WvSummary) { 1, 2, 3, 4, 2.5, 100 - i % 3 };
      r->stats.clock_error_ms = r->stats.sched_err_p99_ms = -1;
      break;
    }
}

static void
assert_same_records (const WvRun *run, guint n)
{
  g_assert_cmpuint (run->records->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      WvRecord want;
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      make_record (&want, i);
      a = wv_record_to_json (&want);
      b = wv_record_to_json (&g_array_index (run->records, WvRecord, i));
      g_assert_cmpstr (a, ==, b);
    }
}

static WvRun *
load (const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return wv_run_load (file, NULL, error);
}

/* Writes a run of n records; flushes after flush_after of them. */
static void
write_run (const char *path, guint n)
{
  g_autoptr(WvRunMeta) meta = make_meta ();
  g_autoptr(WvRunWriter) w = NULL;
  g_autoptr(GError) error = NULL;

  w = wv_run_writer_new (path, FALSE, meta, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      WvRecord r;

      make_record (&r, i);
      g_assert_true (wv_run_writer_add (w, &r, &error));
      g_assert_no_error (error);
    }
  meta->end_ns = T0 + 60 * SEC;
  g_assert_true (wv_run_writer_finish (w, meta, &error));
  g_assert_no_error (error);
}

static void
test_meta_json (void)
{
  g_autoptr(WvRunMeta) meta = make_meta ();
  g_autoptr(WvRunMeta) copy = NULL;
  g_autoptr(WvRunMeta) bare = wv_run_meta_new ();
  g_autoptr(WvRunMeta) bare_copy = NULL;
  g_autofree char *json = wv_run_meta_to_json (meta);
  g_autofree char *again = NULL;
  g_autofree char *bare_json = NULL;
  const WvRunInterface *iface;

  g_assert_true (g_str_has_prefix (json, "{\"type\":\"meta\",\"time\":1700000000.000,\"format\":1,"));
  g_assert_nonnull (strstr (json, "\"interfaces\":[{\"name\":\"wlan0\",\"addresses\":"
                                  "[\"192.0.2.7\",\"2001:db8::7\"]},{\"name\":\"eth1\",\"addresses\":[]}]"));
  g_assert_nonnull (strstr (json, "\"end\":null"));
  g_assert_nonnull (strstr (json, "\"wifi_absent\":null"));
  g_assert_nonnull (strstr (json, "\"verdict\":{\"voice\":\"good\",\"video\":\"poor\","
                                  "\"interactive\":\"unknown\"}"));

  copy = wv_run_meta_copy (meta);
  again = wv_run_meta_to_json (copy);
  g_assert_cmpstr (again, ==, json);
  g_assert_cmpint (copy->start_ns, ==, T0);
  g_assert_cmpstr (copy->server, ==, "http://192.0.2.10:8080");
  g_assert_cmpint (json_object_get_int_member (copy->settings, "connections"), ==, 2);
  g_assert_cmpuint (copy->interfaces->len, ==, 2);
  iface = g_ptr_array_index (copy->interfaces, 0);
  g_assert_cmpstr (iface->addresses[1], ==, "2001:db8::7");
  g_assert_true (copy->has_wifi);
  g_assert_cmpuint (copy->wifi.channel, ==, 6);
  g_assert_cmpint (copy->verdict[WV_PROFILE_VOICE], ==, WV_GRADE_GOOD);
  g_assert_cmpint (copy->verdict[WV_PROFILE_VIDEO], ==, WV_GRADE_POOR);
  g_assert_cmpint (copy->verdict[WV_PROFILE_INTERACTIVE], ==, WV_GRADE_UNKNOWN);
  g_assert_cmpmem (copy->wifi.ssid, copy->wifi.ssid_len, "lab", 3);

  /* This host's facts; no Wi-Fi, with the reason. */
  g_assert_nonnull (bare->version);
  g_assert_nonnull (bare->hostname);
  g_assert_nonnull (bare->kernel);
  g_assert_cmpint (bare->start_ns, >, T0);
  bare->wifi_absent = WV_WIFI_ABSENT_NOT_WIFI;
  bare->wifi_absent_detail = g_strdup ("lo is not a Wi-Fi interface");
  bare_json = wv_run_meta_to_json (bare);
  g_assert_nonnull (strstr (bare_json, "\"wifi\":null,\"wifi_absent\":\"not-wifi\","
                                       "\"wifi_absent_detail\":\"lo is not a Wi-Fi interface\"}"));
  bare_copy = wv_run_meta_copy (bare);
  g_assert_false (bare_copy->has_wifi);
  g_assert_cmpint (bare_copy->wifi_absent, ==, WV_WIFI_ABSENT_NOT_WIFI);
}

/* Written, flushed, finished; read back whole; the partial file while it
 * is written reads up to the last flush. */
static void
test_write_read (Fixture *f, gconstpointer data)
{
  g_autoptr(WvRunMeta) meta = make_meta ();
  g_autoptr(WvRunWriter) w = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WvRun) run = NULL;
  g_autoptr(WvRun) partial = NULL;
  g_autofree char *partial_path = g_strconcat (f->path, ".partial", NULL);
  g_autofree char *out = NULL;
  g_autofree char *cmd = NULL;
  int status;

  w = wv_run_writer_new (f->path, FALSE, meta, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (wv_run_writer_get_partial_path (w), ==, partial_path);
  g_assert_true (g_file_test (partial_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  for (guint i = 0; i < N_STATS; i++)
    {
      WvRecord r;

      make_record (&r, i);
      g_assert_true (wv_run_writer_add (w, &r, &error));
      g_assert_no_error (error);
      if (i == 99)
        g_assert_true (wv_run_writer_flush (w, &error));
    }

  /* What the flush wrote is readable now: the first 100 records, and the
   * file says it is cut short (its member has no end yet). */
  partial = load (partial_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (partial->meta);
  g_assert_cmpint (partial->meta->end_ns, ==, 0);
  g_assert_true (partial->truncated);
  assert_same_records (partial, 100);

  meta->end_ns = T0 + 60 * SEC;
  g_assert_true (wv_run_writer_finish (w, meta, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (partial_path, G_FILE_TEST_EXISTS));

  run = load (f->path, &error);
  g_assert_no_error (error);
  g_assert_false (run->truncated);
  g_assert_cmpuint (run->problems->len, ==, 0);
  g_assert_cmpuint (run->n_skipped, ==, 0);
  g_assert_cmpint (run->meta->end_ns, ==, T0 + 60 * SEC);
  g_assert_cmpstr (run->meta->mode, ==, "run");
  assert_same_records (run, N_STATS);

  /* Any gzip reader takes the two members as one stream. */
  cmd = g_strdup_printf ("gzip -t '%s'", f->path);
  if (g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL))
    g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_free (cmd);
  cmd = g_strdup_printf ("sh -c \"gzip -dc '%s' | wc -l\"", f->path);
  if (g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL) && g_spawn_check_wait_status (status, NULL))
    g_assert_cmpint (atoi (out), ==, N_STATS + 1);
}

/* An existing file or partial file is kept unless overwrite. */
static void
test_overwrite (Fixture *f, gconstpointer data)
{
  g_autoptr(WvRunMeta) meta = make_meta ();
  g_autoptr(GError) error = NULL;
  g_autofree char *partial_path = g_strconcat (f->path, ".partial", NULL);
  WvRunWriter *w;

  write_run (f->path, 10);
  w = wv_run_writer_new (f->path, FALSE, meta, &error);
  g_assert_null (w);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (partial_path, "crash", -1, NULL));
  g_unlink (f->path);
  w = wv_run_writer_new (f->path, FALSE, meta, &error);
  g_assert_null (w);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST);
  g_clear_error (&error);
  g_unlink (partial_path);

  write_run (f->path, 3);
  w = wv_run_writer_new (f->path, TRUE, meta, &error);
  g_assert_no_error (error);
  g_assert_true (wv_run_writer_finish (w, meta, &error));
  g_assert_no_error (error);
  wv_run_writer_free (w);
  {
    g_autoptr(WvRun) run = load (f->path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (run->records->len, ==, 0);
    g_assert_nonnull (run->meta);
  }

  /* A directory that does not exist: a clear error. */
  {
    g_autofree char *bad = g_build_filename (f->dir, "no", "such", "x.wvrun", NULL);

    w = wv_run_writer_new (bad, FALSE, meta, &error);
    g_assert_null (w);
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
    g_assert_nonnull (strstr (error->message, "x.wvrun.partial"));
  }
}

/* Cut at every length from the end of the metadata on: never a crash, the
 * records read are always a prefix of those written, and all of them only
 * at the full length. */
static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autofree char *cut = g_build_filename (f->dir, "cut.wvrun", NULL);
  g_autofree char *bytes = NULL;
  gsize len;
  guint last = 0;

  write_run (f->path, N_STATS);
  g_assert_true (g_file_get_contents (f->path, &bytes, &len, NULL));

  for (gsize at = 0; at <= len; at = at == len ? len + 1 : MIN (at + (at < 200 ? 1 : 37), len))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WvRun) run = NULL;

      g_assert_true (g_file_set_contents (cut, bytes, (gssize) at, NULL));
      run = load (cut, &error);
      if (run == NULL)
        {
          /* Nothing readable yet: only before the metadata is complete. */
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
          g_assert_nonnull (strstr (error->message, "cut.wvrun"));
          g_assert_cmpuint (last, ==, 0);
          continue;
        }
      g_assert_no_error (error);
      g_assert_nonnull (run->meta);
      g_assert_cmpuint (run->records->len, >=, last);
      g_assert_cmpuint (run->records->len, <=, N_STATS);
      assert_same_records (run, run->records->len);
      last = run->records->len;
      if (at < len)
        {
          g_assert_true (run->truncated);
          g_assert_cmpuint (run->problems->len, >=, 1);
        }
    }
  g_assert_cmpuint (last, ==, N_STATS);
}

/* Damaged bytes in the compressed records: what came before is kept. */
static void
test_damaged (Fixture *f, gconstpointer data)
{
  g_autofree char *bytes = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  write_run (f->path, N_STATS);
  g_assert_true (g_file_get_contents (f->path, &bytes, &len, NULL));
  for (gsize i = len / 2; i < len / 2 + 64; i++)
    bytes[i] ^= 0x5a;
  g_assert_true (g_file_set_contents (f->path, bytes, (gssize) len, NULL));
  {
    g_autoptr(WvRun) run = load (f->path, &error);

    g_assert_no_error (error);
    g_assert_true (run->truncated);
    g_assert_cmpuint (run->records->len, <, N_STATS);
    g_assert_cmpuint (run->problems->len, >=, 1);
    g_assert_nonnull (run->meta);
  }

  /* Not a run file at all. */
  g_assert_true (g_file_set_contents (f->path, "\x1f\x8bgarbage that is not deflate", -1, NULL));
  g_assert_null (load (f->path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (f->path, "", 0, NULL));
  g_assert_null (load (f->path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);
  g_assert_null (load ("/nonexistent/x.wvrun", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* Plain JSON lines (what --json writes): records we do not know, lines
 * that are not JSON and a last line cut off are skipped and counted. */
static void
test_plain (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WvRun) run = NULL;

  for (guint i = 0; i < 5; i++)
    {
      WvRecord r;
      g_autofree char *json = NULL;

      make_record (&r, i);
      json = wv_record_to_json (&r);
      g_string_append_printf (text, "%s\n", json);
      if (i == 1)
        g_string_append (text, "{\"type\":\"from-the-future\",\"time\":1}\n"
                               "not json\n\n{\"time\":5}\n[1,2]\n"
                               "{\"type\":\"from-the-future\",\"time\":2}\n");
    }
  g_string_append (text, "{\"type\":\"stats\",\"ti");
  g_assert_true (g_file_set_contents (f->path, text->str, (gssize) text->len, NULL));
  run = load (f->path, &error);
  g_assert_no_error (error);
  g_assert_null (run->meta);
  assert_same_records (run, 5);
  g_assert_cmpuint (run->n_skipped, ==, 6);
  g_assert_true (run->truncated);
  g_assert_cmpuint (run->problems->len, ==, 5);
  g_assert_nonnull (strstr (g_ptr_array_index (run->problems, 0), "line 4: not a JSON object"));
  g_assert_nonnull (strstr (g_ptr_array_index (run->problems, 3), "line 12: cut off"));
  g_assert_cmpstr (g_ptr_array_index (run->problems, 4), ==,
                   "2 records of type \"from-the-future\", which this version does not know, left out");
}

/* A list of runs reads only the start of each file. */
static void
test_meta_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) file = g_file_new_for_path (f->path);
  g_autoptr(GError) error = NULL;
  g_autoptr(WvRunMeta) meta = NULL;
  g_autofree char *bytes = NULL;
  gsize len;

  write_run (f->path, N_STATS);
  meta = wv_run_load_meta (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (meta->end_ns, ==, T0 + 60 * SEC);
  g_assert_cmpint (meta->verdict[WV_PROFILE_VIDEO], ==, WV_GRADE_POOR);

  /* Still there when the records are damaged beyond the metadata. */
  g_assert_true (g_file_get_contents (f->path, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (f->path, bytes, (gssize) len / 2, NULL));
  g_clear_pointer (&meta, wv_run_meta_free);
  meta = wv_run_load_meta (file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (meta->mode, ==, "run");

  /* JSON lines have no metadata. */
  g_assert_true (g_file_set_contents (f->path, "{\"type\":\"hop\",\"time\":1}\n", -1, NULL));
  g_clear_pointer (&meta, wv_run_meta_free);
  meta = wv_run_load_meta (file, NULL, &error);
  g_assert_null (meta);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  WvRun **out = data;
  g_autoptr(GError) error = NULL;

  *out = wv_run_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autoptr(GFile) file = g_file_new_for_path (f->path);
  g_autoptr(WvRun) run = NULL;

  write_run (f->path, 20);
  wv_run_load_async (file, NULL, loaded_cb, &run);
  while (run == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_same_records (run, 20);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/run/meta-json", test_meta_json);
  g_test_add ("/run/write-read", Fixture, NULL, fixture_set_up, test_write_read, fixture_tear_down);
  g_test_add ("/run/overwrite", Fixture, NULL, fixture_set_up, test_overwrite, fixture_tear_down);
  g_test_add ("/run/truncated", Fixture, NULL, fixture_set_up, test_truncated, fixture_tear_down);
  g_test_add ("/run/damaged", Fixture, NULL, fixture_set_up, test_damaged, fixture_tear_down);
  g_test_add ("/run/plain", Fixture, NULL, fixture_set_up, test_plain, fixture_tear_down);
  g_test_add ("/run/meta-only", Fixture, NULL, fixture_set_up, test_meta_only, fixture_tear_down);
  g_test_add ("/run/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  return g_test_run ();
}

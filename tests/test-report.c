/* test-report.c: reports of hand-made runs: text, comparison, PDF, and the
 * charts drawn onto plain cairo without a display
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "wv-chart-draw.h"
#include "wv-report.h"
#include "wv-test-records.h"

#define SEC G_GINT64_CONSTANT (1000000000)
#define T0  (G_GINT64_CONSTANT (1763800000) * SEC)

static void
add (GArray *records, WvRecord r)
{
  g_array_append_val (records, r);
}

/* A run of two IPv4 connections, 10 s of one-second statistics, their
 * summaries, and a traceroute of 3 rounds over 4 hops (the peer at 4).
 * @loss is the loss of connection 1 s2c; @second_hop the address
 * connection 1 saw at TTL 2 (ECMP when it differs from 10.1.0.1); @mtu the
 * path MTU. */
static GArray *
make_run (double loss, const char *second_hop, guint mtu, double owd)
{
  GArray *records = g_array_new (FALSE, FALSE, sizeof (WvRecord));

  for (guint conn = 0; conn < 2; conn++)
    for (WvDirection dir = WV_DIR_C2S; dir <= WV_DIR_S2C; dir++)
      {
        double l = conn == 1 && dir == WV_DIR_S2C ? loss : 0;

        for (guint s = 1; s <= 10; s++)
          {
            WvRecord r = wv_test_record (WV_RECORD_STATS, conn, 4, dir);

            r.time_ns = T0 + s * SEC;
            r.stats.window_s = 1;
            r.stats.dscp = -1;
            r.stats.rx.probes = 100;
            r.stats.rx.expected = 100;
            r.stats.rx.loss_pct = l;
            r.stats.rx.jitter_ms = 1 + 0.1 * s;
            r.stats.rx.owd_ms = (WvSummary) { owd - 1, owd + 0.1 * s, owd + 5, owd + 6, owd, 100 };
            r.stats.rtt_ms = (WvSummary) { 2 * owd - 1, 2 * owd, 2 * owd + 5, 2 * owd + 6, 2 * owd, 100 };
            r.stats.rx.rx_ttl = r.stats.rx.rx_tos = -1;
            add (records, r);
          }
        {
          WvRecord r = wv_test_record (WV_RECORD_SUMMARY, conn, 4, dir);

          r.time_ns = T0 + 11 * SEC;
          r.stats.dscp = -1;
          r.stats.duration_s = 10;
          r.stats.probes_sent = 1000;
          r.stats.rx.probes = (guint) (1000 - 10 * l);
          r.stats.rx.expected = 1000;
          r.stats.rx.loss_pct = l;
          r.stats.rx.jitter_ms = 1.5;
          r.stats.rx.owd_ms = (WvSummary) { owd - 1, owd, owd + 5, owd + 6, owd, 1000 };
          r.stats.rtt_ms = (WvSummary) { 2 * owd - 1, 2 * owd, 2 * owd + 5, 2 * owd + 6, 2 * owd, 1000 };
          r.stats.rx.rx_ttl = r.stats.rx.rx_tos = -1;
          add (records, r);
        }
        for (guint round = 1; round <= 3; round++)
          for (guint ttl = 1; ttl <= 4; ttl++)
            {
              const char *addrs[] = { "10.0.0.1", conn == 1 ? second_hop : "10.1.0.1", "10.2.0.1",
                                      "192.0.2.10" };

              add (records, wv_test_hop (conn, 4, dir, round, ttl, addrs[ttl - 1], ttl * 1.5, ttl == 4));
            }
        add (records, wv_test_mtu (conn, dir, 4, "192.0.2.10", mtu));
        {
          WvRecord r = wv_test_record (WV_RECORD_PATH_MTU, conn, 4, dir);

          r.path_mtu.mtu = mtu;
          r.path_mtu.confirmed = TRUE;
          add (records, r);
        }
      }
  return records;
}

static WvRunMeta *
make_meta (void)
{
  WvRunMeta *meta = wv_run_meta_new ();

  meta->start_ns = T0;
  meta->end_ns = T0 + 12 * SEC;
  meta->mode = g_strdup ("run");
  meta->server = g_strdup ("http://192.0.2.10:8080");
  wv_run_meta_add_interface (meta, "eth0", "192.0.2.7");
  meta->wifi_absent = WV_WIFI_ABSENT_NOT_WIFI;
  meta->wifi_absent_detail = g_strdup ("eth0 is not a Wi-Fi interface");
  return meta;
}

static WvReport *
make_report (double loss, const char *second_hop, guint mtu, double owd)
{
  g_autoptr(GArray) records = make_run (loss, second_hop, mtu, owd);
  g_autoptr(WvRunMeta) meta = make_meta ();

  return wv_report_new (meta, (const WvRecord *) (gpointer) records->data, records->len);
}

static char *
print_to_string (void (*print) (WvReport *, const char *, FILE *), WvReport *report)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&text, &len);

  print (report, "a.wvrun", f);
  fclose (f);
  return text;
}

static void
assert_contains (const char *text, const char *want)
{
  if (strstr (text, want) == NULL)
    g_error ("missing “%s” in:\n%s", want, text);
}

static void
test_text (void)
{
  g_autoptr(WvReport) report = make_report (2.0, "10.1.0.2", 1500, 20);
  g_autofree char *text = print_to_string (wv_report_print, report);
  const WvRecord *v;

  /* No verdict records: computed from the summaries, by the same rules. */
  g_assert_true (wv_report_verdicts_computed (report));
  v = wv_report_get_run_verdict (report, WV_PROFILE_VIDEO);
  g_assert_nonnull (v);
  g_assert_cmpint (v->verdict.grade, ==, WV_GRADE_POOR);
  g_assert_cmpuint (v->conn, ==, 1);

  assert_contains (text, "wifi-verify run a.wvrun");
  assert_contains (text, "mode        run against http://192.0.2.10:8080");
  assert_contains (text, "Wi-Fi       none: eth0 is not a Wi-Fi interface");
  assert_contains (text, "computed from the summaries");
  assert_contains (text, "video call            poor  loss 2.00 % > 1 %; connection 1 IPv4 s2c");
  assert_contains (text, "interactive (gaming)  poor  loss 2.00 % > 1 %; connection 1 IPv4 s2c");
  /* d = 20 + 3 + 20 = 43 ms, e = 2 %: R = 94.2 - 1.032 - 30 ln 1.3 = 85.297 */
  assert_contains (text, "voice call            good  R 85.3 >= 80");
  assert_contains (text, "1    v4  s2c  -     good R 85.3         poor loss 2.00 %");
  /* The summary table and the path with its notes. */
  assert_contains (text, "1    v4   s2c  -           980    2.00");
  assert_contains (text, "connection 1 IPv4 s2c path (3 rounds):");
  assert_contains (text, "   2  10.1.0.2 ");
  assert_contains (text, "path MTU 1500 (confirmed by the peer)");
  assert_contains (text, "IPv4 c2s: 2 paths: A (connection 0), B (connection 1); they differ at TTL 2 "
                         "(A 10.1.0.1, B 10.1.0.2)");
}

static void
test_compare (void)
{
  g_autoptr(WvReport) a = make_report (0, "10.1.0.1", 1500, 20);
  g_autoptr(WvReport) b = make_report (2.0, "10.1.0.2", 1400, 35);
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&text, &len);

  wv_report_print_compare (a, "before.wvrun", b, "after.wvrun", f);
  fclose (f);
  assert_contains (text, "  A  before.wvrun: ");
  assert_contains (text, "  B  after.wvrun: ");
  assert_contains (text, "video call            good delay 25.0 ms           poor loss 2.00 %             worse");
  assert_contains (text, "  1    v4  s2c  -     40.00 -> 70.00        20.00 -> 35.00        1.50 -> 1.50        0.00 -> 2.00");
  assert_contains (text, "video call: good in A, poor in B (loss 2.00 % > 1 %)");
  assert_contains (text, "connection 1 IPv4 s2c: loss 0.00 -> 2.00 %");
  assert_contains (text, "connection 0 IPv4 c2s: one-way delay 20.00 -> 35.00 ms");
  assert_contains (text, "connection 1 IPv4 c2s: hop 2 was 10.1.0.1, is 10.1.0.2");
  assert_contains (text, "connection 0 IPv4 c2s: path MTU 1500, then 1400");
  /* Jitter did not change: not listed. */
  g_assert_null (strstr (text, ": jitter "));
  free (text);

  /* A run compared with itself: nothing worth a mention. */
  text = NULL;
  f = open_memstream (&text, &len);
  wv_report_print_compare (a, "a", a, "a", f);
  fclose (f);
  assert_contains (text, "none worth a mention");
  free (text);
}

/* The PDF, read back with pdftotext and rendered with pdftoppm, with no
 * display set. */
static void
test_pdf (void)
{
  g_autoptr(WvReport) report = make_report (2.0, "10.1.0.2", 1500, 20);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("wv-report-XXXXXX", NULL);
  g_autofree char *pdf = g_build_filename (dir, "r.pdf", NULL);
  g_autofree char *png = g_build_filename (dir, "page", NULL);
  g_autofree char *png1 = g_build_filename (dir, "page-1.png", NULL);
  g_autofree char *bytes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *flat = NULL;
  const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  const char *argv_png[] = { "pdftoppm", "-r", "40", "-f", "1", "-l", "1", "-png", pdf, png, NULL };
  gsize len;
  int status;

  g_unsetenv ("DISPLAY");
  g_unsetenv ("WAYLAND_DISPLAY");
  g_assert_true (wv_report_write_pdf (report, "a.wvrun", pdf, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (pdf, &bytes, &len, NULL));
  g_assert_cmpuint (len, >, 10000);
  g_assert_true (g_str_has_prefix (bytes, "%PDF-"));

  if (!g_find_program_in_path ("pdftotext"))
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &text,
                               NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* Words, not layout: join the lines pdftotext wrapped. */
  {
    g_auto(GStrv) words = g_regex_split_simple ("\\s+", text, 0, 0);

    flat = g_strjoinv (" ", words);
  }
  assert_contains (flat, "Network path report");
  assert_contains (flat, "measured against http://192.0.2.10:8080");
  assert_contains (flat, "video call POOR loss 2.00 % > 1 % (connection 1 IPv4 s2c)");
  assert_contains (flat, "voice call GOOD");
  assert_contains (flat, "R 85.3 >= 80 (MOS 4.21, high)");
  assert_contains (flat, "Summary per connection and direction");
  assert_contains (flat, "One-way delay, median per second, client to server (ms)");
  assert_contains (flat, "Loss per second, server to client (%)");
  assert_contains (flat, "conn 1 IPv4");
  assert_contains (flat, "connection 1: path MTU 1500 (confirmed)");
  assert_contains (flat, "10.1.0.2");
  assert_contains (flat, "2 paths: A (connection 0), B (connection 1)");
  assert_contains (flat, "No outage was recorded in this run.");

  if (g_find_program_in_path ("pdftoppm"))
    {
      g_assert_true (g_spawn_sync (NULL, (char **) argv_png, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                                   NULL, NULL, &status, &error));
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_true (g_file_test (png1, G_FILE_TEST_EXISTS));
      g_unlink (png1);
    }
  g_unlink (pdf);
  g_rmdir (dir);

  /* A file that cannot be written: an error naming it. */
  g_assert_false (wv_report_write_pdf (report, "a", "/nonexistent/dir/r.pdf", &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/r.pdf"));
}

static guint32
pixel (cairo_surface_t *s, int x, int y)
{
  const guint8 *data = cairo_image_surface_get_data (s);

  return *(const guint32 *) (gconstpointer) (data + y * cairo_image_surface_get_stride (s) + 4 * x);
}

/* The charts' drawing on an image surface: a flat series at 50 on a 0-100
 * axis lies on the plot's middle row, in the series colour. */
static void
test_chart_render (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 200);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GListStore) store = g_list_store_new (WV_TYPE_SERIES);
  g_autoptr(WvSeries) s = wv_series_new ("flat", 100);
  g_autoptr(WvChartAxis) axis = wv_chart_axis_new (0, 1);
  WvChartCanvas *canvas;
  WvChartColor blue;
  WvTimeChartSpec spec = {
    .title = "Flat", .unit = "%", .series = G_LIST_MODEL (store), .y_axis = axis,
    .window = 60, .now = 60, .fixed_min = 0, .fixed_max = 100, .include_zero = TRUE,
    .fg = { 0, 0, 0, 1 }, .time_labels = WV_TIME_LABELS_ELAPSED,
  };
  WvTimeChartMargins m = { 0 };
  WvChartFrame frame;
  WvAxisTicks ticks;
  int row, col, found = 0;
  guint32 want;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (guint t = 0; t <= 60; t++)
    wv_series_append (s, t, 50);
  g_list_store_append (store, s);
  canvas = wv_chart_canvas_new_cairo (cr, NULL, "Sans 9");
  wv_time_chart_render (canvas, &spec, 400, 200);

  /* Where the frame put the plot and the value 50. */
  m.small = wv_chart_create_small_layout (canvas);
  wv_time_chart_compute_margins (&spec, 400, 200, &m);
  wv_time_chart_compute_frame (&spec, 400, &m, &frame, &ticks);
  g_object_unref (m.small);
  g_assert_cmpfloat (ticks.min, ==, 0);
  g_assert_cmpfloat (ticks.max, ==, 100);
  row = (int) floor (wv_chart_frame_value_to_y (&frame, 50));
  col = (int) (frame.plot.origin.x + frame.plot.size.width / 2);
  cairo_surface_flush (surface);
  wv_chart_color_series (0, FALSE, &blue);
  want = 0xff000000u | (guint32) llround (blue.red * 255) << 16 |
         (guint32) llround (blue.green * 255) << 8 | (guint32) llround (blue.blue * 255);
  for (int y = row - 1; y <= row + 1; y++)
    found += pixel (surface, col, y) == want;
  g_assert_cmpint (found, >=, 1);
  /* Nothing drawn at the top quarter of the plot at that column. */
  g_assert_cmphex (pixel (surface, col, (int) (frame.plot.origin.y + frame.plot.size.height / 4)) & 0xffffff,
                   !=, want & 0xffffff);
  wv_chart_canvas_free_cairo (canvas);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/text", test_text);
  g_test_add_func ("/report/compare", test_compare);
  g_test_add_func ("/report/pdf", test_pdf);
  g_test_add_func ("/report/chart-render", test_chart_render);
  return g_test_run ();
}

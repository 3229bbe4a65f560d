/* test-wv-series.c: the ring buffer, its list model and its decimation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include "wv-series.h"
#include "wv-series-point.h"

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

static void
record_change (GListModel *model,
               guint       position,
               guint       removed,
               guint       added,
               GArray     *log)
{
  Change c = { position, removed, added };

  g_array_append_val (log, c);
}

static GArray *
watch (WvSeries *series)
{
  GArray *log = g_array_new (FALSE, FALSE, sizeof (Change));

  g_signal_connect (series, "items-changed", G_CALLBACK (record_change), log);

  return log;
}

static void
assert_change (GArray *log,
               guint   index,
               guint   position,
               guint   removed,
               guint   added)
{
  Change *c;

  g_assert_cmpuint (index, <, log->len);
  c = &g_array_index (log, Change, index);
  g_assert_cmpuint (c->position, ==, position);
  g_assert_cmpuint (c->removed, ==, removed);
  g_assert_cmpuint (c->added, ==, added);
}

static void
assert_times (WvSeries     *series,
              const double *times,
              guint         n)
{
  g_assert_cmpuint (wv_series_get_n_points (series), ==, n);

  for (guint i = 0; i < n; i++)
    {
      WvPoint p;

      g_assert_true (wv_series_get_point (series, i, &p));
      g_assert_cmpfloat (p.time, ==, times[i]);
    }
}

static void
test_defaults (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("conn 1", 0);

  g_assert_cmpuint (wv_series_get_capacity (series), ==, 6000);
  g_assert_cmpuint (wv_series_get_n_points (series), ==, 0);
  g_assert_cmpstr (wv_series_get_label (series), ==, "conn 1");
  g_assert_true (wv_series_get_visible (series));
  g_assert_cmpint (wv_series_get_line_style (series), ==, WV_LINE_STYLE_SOLID);
  g_assert_cmpfloat (wv_series_get_gap_threshold (series), ==, 1.5);
  g_assert_cmpuint (wv_series_get_color_index (series), ==, 0);

  /* A capacity beyond the bound is clamped rather than allocated. */
  {
    g_autoptr(WvSeries) big = wv_series_new (NULL, G_MAXUINT);

    g_assert_cmpuint (wv_series_get_capacity (big), ==, WV_SERIES_MAX_CAPACITY);
  }
}

static void
test_ring_wrap (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("ring", 4);
  g_autoptr(GArray) log = watch (series);
  WvPoint p;

  for (guint i = 1; i <= 6; i++)
    g_assert_true (wv_series_append (series, i, i * 10));

  /* Capacity 4: 1 and 2 were dropped, 3..6 remain, oldest first. */
  assert_times (series, (double[]) { 3, 4, 5, 6 }, 4);
  g_assert_true (wv_series_get_point (series, 0, &p));
  g_assert_cmpfloat (p.value, ==, 30);
  g_assert_true (wv_series_get_point (series, 3, &p));
  g_assert_cmpfloat (p.value, ==, 60);
  g_assert_false (wv_series_get_point (series, 4, &p));

  /* Four plain appends, then drop-oldest + append twice. */
  g_assert_cmpuint (log->len, ==, 8);
  assert_change (log, 0, 0, 0, 1);
  assert_change (log, 1, 1, 0, 1);
  assert_change (log, 2, 2, 0, 1);
  assert_change (log, 3, 3, 0, 1);
  assert_change (log, 4, 0, 1, 0);
  assert_change (log, 5, 3, 0, 1);
  assert_change (log, 6, 0, 1, 0);
  assert_change (log, 7, 3, 0, 1);

  /* Wrap a few more times: still sorted, still 4. */
  for (guint i = 7; i <= 13; i++)
    g_assert_true (wv_series_append (series, i, i * 10));
  assert_times (series, (double[]) { 10, 11, 12, 13 }, 4);

  wv_series_clear (series);
  g_assert_cmpuint (wv_series_get_n_points (series), ==, 0);
  assert_change (log, log->len - 1, 0, 4, 0);
}

static void
test_reject_non_finite (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("bad", 8);
  g_autoptr(GArray) log = watch (series);

  g_assert_true (wv_series_append (series, 1, 5));
  g_assert_false (wv_series_append (series, 2, NAN));
  g_assert_false (wv_series_append (series, 3, INFINITY));
  g_assert_false (wv_series_append (series, -INFINITY, 1));
  g_assert_false (wv_series_append (series, NAN, 1));

  g_assert_cmpuint (wv_series_get_n_points (series), ==, 1);
  g_assert_cmpuint (wv_series_get_n_rejected (series), ==, 4);
  g_assert_cmpuint (log->len, ==, 1);
}

static void
test_out_of_order (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("late", 5);
  g_autoptr(GArray) log = watch (series);

  wv_series_append (series, 1, 1);
  wv_series_append (series, 2, 2);
  wv_series_append (series, 4, 4);
  wv_series_append (series, 5, 5);
  g_array_set_size (log, 0);

  /* A late point goes where it belongs. */
  g_assert_true (wv_series_append (series, 3, 3));
  assert_times (series, (double[]) { 1, 2, 3, 4, 5 }, 5);
  g_assert_cmpuint (log->len, ==, 1);
  assert_change (log, 0, 2, 0, 1);

  /* Full, and older than everything kept: refused, nothing emitted. */
  g_assert_false (wv_series_append (series, 0.5, 0));
  g_assert_cmpuint (log->len, ==, 1);
  g_assert_cmpuint (wv_series_get_n_rejected (series), ==, 0);

  /* Full, late but not oldest: the oldest goes, the point lands first. */
  g_assert_true (wv_series_append (series, 1.5, 1.5));
  assert_times (series, (double[]) { 1.5, 2, 3, 4, 5 }, 5);
  assert_change (log, 1, 0, 1, 0);
  assert_change (log, 2, 0, 0, 1);

  /* Equal times keep arrival order. */
  g_assert_true (wv_series_append (series, 4, 40));
  {
    WvPoint a, b;

    g_assert_true (wv_series_get_point (series, 2, &a));
    g_assert_true (wv_series_get_point (series, 3, &b));
    g_assert_cmpfloat (a.time, ==, 4);
    g_assert_cmpfloat (a.value, ==, 4);
    g_assert_cmpfloat (b.time, ==, 4);
    g_assert_cmpfloat (b.value, ==, 40);
  }
}

static void
test_append_points (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("batch", 4);
  g_autoptr(GArray) log = watch (series);
  const WvPoint batch[] = {
    { 3, 3 }, { 3.5, NAN }, { 4, 4 }, { 5, 5 }, { 6, 6 },
  };
  const WvPoint late[] = { { 7, 7 }, { 4.5, 4.5 } };

  wv_series_append (series, 1, 1);
  wv_series_append (series, 2, 2);
  g_array_set_size (log, 0);

  g_assert_cmpuint (wv_series_append_points (series, batch, G_N_ELEMENTS (batch)), ==, 4);
  g_assert_cmpuint (wv_series_get_n_rejected (series), ==, 1);
  assert_times (series, (double[]) { 3, 4, 5, 6 }, 4);

  /* Both old points went, then four new ones came: two emissions. */
  g_assert_cmpuint (log->len, ==, 2);
  assert_change (log, 0, 0, 2, 0);
  assert_change (log, 1, 0, 0, 4);

  /* A batch with a late point is reported as a full change. */
  g_assert_cmpuint (wv_series_append_points (series, late, G_N_ELEMENTS (late)), ==, 2);
  assert_times (series, (double[]) { 4.5, 5, 6, 7 }, 4);
  g_assert_cmpuint (log->len, ==, 3);
  assert_change (log, 2, 0, 4, 4);

  /* Nothing stored, nothing said. */
  g_assert_cmpuint (wv_series_append_points (series, (WvPoint[]) { { NAN, 1 } }, 1), ==, 0);
  g_assert_cmpuint (wv_series_append_points (series, NULL, 0), ==, 0);
  g_assert_cmpuint (log->len, ==, 3);
}

static void
test_list_model (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("model", 3);
  g_autoptr(WvSeriesPoint) point = NULL;
  GListModel *model = G_LIST_MODEL (series);

  for (guint i = 0; i < 5; i++)
    wv_series_append (series, i, i * 2);

  g_assert_true (g_list_model_get_item_type (model) == WV_TYPE_SERIES_POINT);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  point = g_list_model_get_item (model, 1);
  g_assert_nonnull (point);
  g_assert_cmpfloat (wv_series_point_get_time (point), ==, 3);
  g_assert_cmpfloat (wv_series_point_get_value (point), ==, 6);
  g_assert_false (wv_series_point_is_break (point));
  g_assert_null (g_list_model_get_item (model, 3));
}

static GArray *
new_decimated (void)
{
  return g_array_new (FALSE, FALSE, sizeof (WvDecimatedPoint));
}

static void
test_decimate_counts (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("probe", 6000);
  g_autoptr(WvSeries) flat = wv_series_new ("flat", 6000);
  g_autoptr(GArray) out = new_decimated ();
  const WvDecimatedPoint *p;

  /* 60 s at 100 points/s, alternating 0 and 1. */
  for (guint i = 0; i < 6000; i++)
    {
      wv_series_append (series, i / 100.0, i % 2);
      wv_series_append (flat, i / 100.0, 7);
    }

  /* 600 columns of 10 points, each holding a 0 and a 1: min and max. */
  g_assert_cmpuint (wv_series_decimate (series, 0, 60, 600, out), ==, 1200);
  p = (const WvDecimatedPoint *) (gpointer) out->data;
  g_assert_cmpfloat (p[0].x, ==, 0.5);
  g_assert_cmpfloat (p[0].value, ==, 0);   /* the 0 came first */
  g_assert_true (p[0].move_to);
  g_assert_cmpfloat (p[1].x, ==, 0.5);
  g_assert_cmpfloat (p[1].value, ==, 1);
  g_assert_false (p[1].move_to);
  g_assert_cmpfloat (p[1199].x, ==, 599.5);
  for (guint i = 1; i < out->len; i++)
    g_assert_false (p[i].move_to);

  /* A constant column is one point. */
  g_assert_cmpuint (wv_series_decimate (flat, 0, 60, 600, out), ==, 600);

  /* More columns than points: every point, none merged. */
  g_assert_cmpuint (wv_series_decimate (series, 0, 60, 12000, out), ==, 6000);

  /* Right half only: 300 columns, plus the point just before 30 s that
   * carries the line in from the left edge. */
  g_assert_cmpuint (wv_series_decimate (series, 30, 60, 300, out), ==, 601);
  p = (const WvDecimatedPoint *) (gpointer) out->data;
  g_assert_cmpfloat_with_epsilon (p[0].x, -0.1, 1e-9);
  g_assert_true (p[0].move_to);
  g_assert_cmpfloat (p[1].x, ==, 0.5);

  /* Nothing to draw. */
  g_assert_cmpuint (wv_series_decimate (series, 0, 60, 0, out), ==, 0);
  g_assert_cmpuint (wv_series_decimate (series, 60, 0, 600, out), ==, 0);
  g_assert_cmpuint (wv_series_decimate (series, NAN, 60, 600, out), ==, 0);
}

static void
test_decimate_gaps (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("gaps", 100);
  g_autoptr(GArray) out = new_decimated ();
  const WvDecimatedPoint *p;

  /* One point a second, 0..9 then 15..19: a 6 s hole. */
  for (guint t = 0; t <= 9; t++)
    wv_series_append (series, t, t);
  for (guint t = 15; t <= 19; t++)
    wv_series_append (series, t, t);

  g_assert_cmpuint (wv_series_decimate (series, 0, 20, 20, out), ==, 15);
  p = (const WvDecimatedPoint *) (gpointer) out->data;
  for (guint i = 0; i < out->len; i++)
    g_assert_cmpint (p[i].move_to, ==, i == 0 || i == 10);
  g_assert_cmpfloat (p[10].x, ==, 15.5);

  /* A larger threshold bridges it. */
  wv_series_set_gap_threshold (series, 10);
  g_assert_cmpuint (wv_series_decimate (series, 0, 20, 20, out), ==, 15);
  p = (const WvDecimatedPoint *) (gpointer) out->data;
  g_assert_false (p[10].move_to);
}

static void
test_break (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("break", 100);
  g_autoptr(GArray) out = new_decimated ();
  const WvDecimatedPoint *p;

  /* Ignored on an empty series. */
  wv_series_append_break (series, 0.5);
  g_assert_cmpuint (wv_series_get_n_points (series), ==, 0);

  wv_series_append (series, 0, 1);
  wv_series_append (series, 1, 2);
  wv_series_append (series, 2, 3);
  wv_series_append_break (series, 2.5);
  wv_series_append_break (series, 2.6);   /* a second break adds nothing */
  wv_series_append_break (series, NAN);
  wv_series_append (series, 3, 4);
  wv_series_append (series, 4, 5);
  g_assert_cmpuint (wv_series_get_n_points (series), ==, 6);

  g_assert_cmpuint (wv_series_decimate (series, 0, 5, 5, out), ==, 5);
  p = (const WvDecimatedPoint *) (gpointer) out->data;
  g_assert_true (p[0].move_to);
  g_assert_false (p[1].move_to);
  g_assert_false (p[2].move_to);
  g_assert_true (p[3].move_to);
  g_assert_false (p[4].move_to);
  g_assert_cmpfloat (p[3].value, ==, 4);

  /* The list model shows the break as a NaN point. */
  {
    g_autoptr(WvSeriesPoint) item = g_list_model_get_item (G_LIST_MODEL (series), 3);

    g_assert_true (wv_series_point_is_break (item));
    g_assert_cmpfloat (wv_series_point_get_time (item), ==, 2.5);
  }
}

static void
test_nearest (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("near", 100);
  guint index = G_MAXUINT;

  g_assert_false (wv_series_find_nearest (series, 1, &index));

  for (guint t = 0; t <= 3; t++)
    wv_series_append (series, t, t * 10);

  g_assert_true (wv_series_find_nearest (series, 1.4, &index));
  g_assert_cmpuint (index, ==, 1);
  g_assert_true (wv_series_find_nearest (series, 1.5, &index));
  g_assert_cmpuint (index, ==, 1);   /* ties go to the earlier point */
  g_assert_true (wv_series_find_nearest (series, 1.6, &index));
  g_assert_cmpuint (index, ==, 2);
  g_assert_true (wv_series_find_nearest (series, -5, &index));
  g_assert_cmpuint (index, ==, 0);
  g_assert_true (wv_series_find_nearest (series, 99, &index));
  g_assert_cmpuint (index, ==, 3);
  g_assert_false (wv_series_find_nearest (series, NAN, &index));

  g_assert_cmpuint (wv_series_lower_bound (series, 2), ==, 2);
  g_assert_cmpuint (wv_series_lower_bound (series, 2.01), ==, 3);
  g_assert_cmpuint (wv_series_lower_bound (series, 100), ==, 4);

  /* Breaks are never the answer. */
  {
    g_autoptr(WvSeries) broken = wv_series_new ("broken", 100);

    wv_series_append (broken, 0, 0);
    wv_series_append (broken, 1, 10);
    wv_series_append_break (broken, 1.5);
    wv_series_append (broken, 2, 20);

    g_assert_true (wv_series_find_nearest (broken, 1.5, &index));
    g_assert_cmpuint (index, ==, 1);
    g_assert_true (wv_series_find_nearest (broken, 1.51, &index));
    g_assert_cmpuint (index, ==, 3);
  }
}

static void
test_value_range (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("range", 100);
  double min = -1, max = -1;

  g_assert_false (wv_series_get_value_range (series, 0, 10, &min, &max));

  wv_series_append (series, 0, 5);
  wv_series_append (series, 1, -2);
  wv_series_append (series, 2, 8);
  wv_series_append_break (series, 2.5);
  wv_series_append (series, 3, 100);

  g_assert_true (wv_series_get_value_range (series, 0, 2, &min, &max));
  g_assert_cmpfloat (min, ==, -2);
  g_assert_cmpfloat (max, ==, 8);

  g_assert_true (wv_series_get_value_range (series, 1.5, 2.9, &min, &max));
  g_assert_cmpfloat (min, ==, 8);
  g_assert_cmpfloat (max, ==, 8);

  g_assert_true (wv_series_get_value_range (series, -10, 10, &min, &max));
  g_assert_cmpfloat (max, ==, 100);

  min = max = 42;
  g_assert_false (wv_series_get_value_range (series, 3.5, 10, &min, &max));
  g_assert_cmpfloat (min, ==, 42);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_properties (void)
{
  g_autoptr(WvSeries) series = wv_series_new ("props", 10);
  guint notified = 0;

  g_signal_connect (series, "notify", G_CALLBACK (count_notify), &notified);

  wv_series_set_visible (series, FALSE);
  wv_series_set_visible (series, FALSE);
  g_assert_false (wv_series_get_visible (series));
  g_assert_cmpuint (notified, ==, 1);

  wv_series_set_line_style (series, WV_LINE_STYLE_DASHED);
  wv_series_set_color_index (series, 5);
  wv_series_set_label (series, "props v6");
  wv_series_set_label (series, "props v6");
  g_assert_cmpuint (notified, ==, 4);

  wv_series_set_gap_threshold (series, -1);
  wv_series_set_gap_threshold (series, NAN);
  g_assert_cmpfloat (wv_series_get_gap_threshold (series), ==, 1.5);
  g_assert_cmpuint (notified, ==, 4);

  g_object_set (series, "line-style", WV_LINE_STYLE_DOTTED, NULL);
  g_assert_cmpint (wv_series_get_line_style (series), ==, WV_LINE_STYLE_DOTTED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/series/defaults", test_defaults);
  g_test_add_func ("/series/ring-wrap", test_ring_wrap);
  g_test_add_func ("/series/reject-non-finite", test_reject_non_finite);
  g_test_add_func ("/series/out-of-order", test_out_of_order);
  g_test_add_func ("/series/append-points", test_append_points);
  g_test_add_func ("/series/list-model", test_list_model);
  g_test_add_func ("/series/decimate-counts", test_decimate_counts);
  g_test_add_func ("/series/decimate-gaps", test_decimate_gaps);
  g_test_add_func ("/series/break", test_break);
  g_test_add_func ("/series/nearest", test_nearest);
  g_test_add_func ("/series/value-range", test_value_range);
  g_test_add_func ("/series/properties", test_properties);

  return g_test_run ();
}

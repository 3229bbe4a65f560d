/* test-wv-chart-axis.c: tick computation, normalisation, number formats and
 * the palette
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <float.h>
#include <math.h>

#include "wv-chart-axis.h"
#include "wv-chart-format.h"
#include "wv-chart-palette.h"

static void
assert_ticks (double data_min,
              double data_max,
              guint  max_intervals,
              double min,
              double max,
              double step,
              guint  n_intervals)
{
  WvAxisTicks t;

  g_assert_true (wv_chart_axis_nice_ticks (data_min, data_max, max_intervals, &t));
  g_assert_cmpfloat_with_epsilon (t.min, min, fabs (step) * 1e-9);
  g_assert_cmpfloat_with_epsilon (t.max, max, fabs (step) * 1e-9);
  g_assert_cmpfloat_with_epsilon (t.step, step, fabs (step) * 1e-9);
  g_assert_cmpuint (t.n_intervals, ==, n_intervals);
}

static void
test_nice_ticks (void)
{
  WvAxisTicks t = { 0 };

  /* 97 / 5 = 19.4: steps of 10 need 10 intervals, of 20 need 5. */
  assert_ticks (0, 97, 5, 0, 100, 20, 5);
  /* 1.5 / 4: 0.1 -> 15, 0.2 -> 8 (3.2 .. 4.8), 0.5 -> 4 (3 .. 5). */
  assert_ticks (3.2, 4.7, 4, 3, 5, 0.5, 4);
  /* Negative values: 5 -> -10 .. 15 is 5 intervals, 10 -> 3. */
  assert_ticks (-7, 13, 4, -10, 20, 10, 3);
  /* Reversed bounds are the same range. */
  assert_ticks (97, 0, 5, 0, 100, 20, 5);
  /* Empty ranges are widened: 50 by 10 % either way, 0 to 0 .. 1. */
  assert_ticks (50, 50, 5, 45, 55, 5, 2);
  assert_ticks (0, 0, 5, 0, 1, 0.2, 5);
  /* Huge and tiny values keep exact nice steps. */
  assert_ticks (1e12, 3e12, 4, 1e12, 3e12, 5e11, 4);
  assert_ticks (1e-9, 3e-9, 4, 1e-9, 3e-9, 5e-10, 4);
  /* 0.6 / 0.2 is 2.9999999999999996 in doubles: still 3 intervals. */
  assert_ticks (0, 0.6, 3, 0, 0.6, 0.2, 3);
  /* max_intervals is clamped to 1 .. 100. */
  assert_ticks (0, 7, 0, 0, 10, 10, 1);

  g_assert_false (wv_chart_axis_nice_ticks (NAN, 1, 5, &t));
  g_assert_false (wv_chart_axis_nice_ticks (0, INFINITY, 5, &t));

  /* The span of ±DBL_MAX overflows: still a usable, finite answer. */
  g_assert_true (wv_chart_axis_nice_ticks (-DBL_MAX, DBL_MAX, 4, &t));
  g_assert_true (isfinite (t.min) && isfinite (t.max) && isfinite (t.step));
  g_assert_cmpfloat (t.step, >, 0);
  g_assert_cmpuint (t.n_intervals, ==, 4);

  /* A range narrower than doubles resolve at 1e15 is widened so that
   * ticks stay distinct. */
  g_assert_true (wv_chart_axis_nice_ticks (1e15, 1e15 + 0.001, 5, &t));
  g_assert_cmpfloat (t.step, >, 0);
  g_assert_cmpfloat (t.max, >, t.min);
  g_assert_cmpfloat (t.min, <=, 1e15);
  g_assert_cmpfloat (t.max, >=, 1e15 + 0.001);
  g_assert_cmpfloat (t.min + t.step, >, t.min);
}

static void
test_time_step (void)
{
  g_assert_cmpfloat (wv_chart_axis_time_step (60, 6), ==, 10);
  g_assert_cmpfloat (wv_chart_axis_time_step (60, 12), ==, 5);
  g_assert_cmpfloat (wv_chart_axis_time_step (60, 11), ==, 10);
  g_assert_cmpfloat (wv_chart_axis_time_step (60, 1), ==, 60);
  g_assert_cmpfloat (wv_chart_axis_time_step (3600, 4), ==, 900);
  g_assert_cmpfloat (wv_chart_axis_time_step (0.5, 10), ==, 0.1);
  g_assert_cmpfloat (wv_chart_axis_time_step (1e9, 5), ==, 3600);
  g_assert_cmpfloat (wv_chart_axis_time_step (NAN, 5), ==, 1);
  g_assert_cmpfloat (wv_chart_axis_time_step (60, 0), ==, 60);
}

static void
test_normalize (void)
{
  g_autoptr(WvChartAxis) axis = wv_chart_axis_new (10, 50);
  double min, max;

  g_assert_cmpfloat (wv_chart_axis_normalize (axis, 20), ==, 0.25);
  g_assert_cmpfloat (wv_chart_axis_normalize (axis, 50), ==, 1);
  g_assert_cmpfloat (wv_chart_axis_normalize (axis, 60), ==, 1.25);
  g_assert_cmpfloat (wv_chart_axis_normalize (axis, 10), ==, 0);

  /* Non-finite bounds are refused, reversed ones swapped. */
  wv_chart_axis_set_range (axis, NAN, 1);
  wv_chart_axis_get_range (axis, &min, &max);
  g_assert_cmpfloat (min, ==, 10);
  g_assert_cmpfloat (max, ==, 50);

  wv_chart_axis_set_range (axis, 3, 1);
  wv_chart_axis_get_range (axis, &min, &max);
  g_assert_cmpfloat (min, ==, 1);
  g_assert_cmpfloat (max, ==, 3);

  wv_chart_axis_set_range (axis, 5, 5);
  g_assert_cmpfloat (wv_chart_axis_normalize (axis, 123), ==, 0.5);
}

static void
assert_string_free (char       *got,
                    const char *expected)
{
  g_assert_cmpstr (got, ==, expected);
  g_free (got);
}

static void
test_format (void)
{
  g_assert_cmpint (wv_format_decimals_for (1), ==, 0);
  g_assert_cmpint (wv_format_decimals_for (0.2), ==, 1);
  g_assert_cmpint (wv_format_decimals_for (0.1), ==, 1);
  g_assert_cmpint (wv_format_decimals_for (0.05), ==, 2);
  g_assert_cmpint (wv_format_decimals_for (0.001), ==, 3);
  g_assert_cmpint (wv_format_decimals_for (25), ==, 0);
  g_assert_cmpint (wv_format_decimals_for (1e-9), ==, WV_FORMAT_MAX_DECIMALS);
  g_assert_cmpint (wv_format_decimals_for (0), ==, 0);
  g_assert_cmpint (wv_format_decimals_for (NAN), ==, 0);

  assert_string_free (wv_format_decimal (12.5, 0.1, "ms", NULL), "12.5 ms");
  assert_string_free (wv_format_decimal (12.6, 1, NULL, NULL), "13");
  assert_string_free (wv_format_decimal (20, 0.1, "%", NULL), "20.0 %");
  assert_string_free (wv_format_decimal (-0.0001, 0.1, NULL, NULL), "0.0");
  assert_string_free (wv_format_decimal (-3.25, 0.01, NULL, NULL), "-3.25");
  assert_string_free (wv_format_decimal (2e9, 1, "bit/s", NULL), "2e+09 bit/s");
  assert_string_free (wv_format_decimal (3e-9, 1e-10, NULL, NULL), "3e-09");
  assert_string_free (wv_format_decimal (NAN, 1, "ms", NULL), "– ms");

  assert_string_free (wv_format_si (12.5e6, 1e5, "bit/s", NULL), "12.5 Mbit/s");
  assert_string_free (wv_format_si (12.5e6, 1e5, NULL, NULL), "12.5 M");
  assert_string_free (wv_format_si (500e3, 5e5, NULL, NULL), "500 k");
  assert_string_free (wv_format_si (250, 50, "bit/s", NULL), "250 bit/s");
  assert_string_free (wv_format_si (250, 50, NULL, NULL), "250");
  assert_string_free (wv_format_si (0, 1, "bit/s", NULL), "0 bit/s");
  assert_string_free (wv_format_si (-1.5e3, 100, NULL, NULL), "-1.5 k");
  assert_string_free (wv_format_si (2.5e-9, 1e-10, "s", NULL), "2.5 ns");
  /* 999.96 k with one decimal would print "1000.0 k": go up a prefix. */
  assert_string_free (wv_format_si (999.96e3, 100, NULL, NULL), "1.000 M");
  /* Beyond the largest prefix the number just grows. */
  assert_string_free (wv_format_si (3e18, 1e17, NULL, NULL), "3000 P");

  assert_string_free (wv_format_rtt_ms (1.234, 2.346, 5.678), "1.23 / 2.35 / 5.68 ms");
  assert_string_free (wv_format_rtt_ms (12.3, 15, 99.9), "12.3 / 15.0 / 99.9 ms");
  assert_string_free (wv_format_rtt_ms (NAN, 150, NAN), "? / 150 / ? ms");
  g_assert_null (wv_format_rtt_ms (NAN, NAN, NAN));
}

static void
test_palette (void)
{
  GdkRGBA a, b;

  wv_chart_palette_get (0, FALSE, &a);
  g_assert_cmpfloat_with_epsilon (a.red, 0x1c / 255.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (a.green, 0x5f / 255.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (a.blue, 0xd0 / 255.0, 1e-6);
  g_assert_cmpfloat (a.alpha, ==, 1);

  /* Indexes wrap around. */
  wv_chart_palette_get (WV_CHART_PALETTE_SIZE, FALSE, &b);
  g_assert_true (gdk_rgba_equal (&a, &b));

  /* All sixteen differ from each other, in both variants, and each dark
   * variant is lighter than its light one. */
  for (guint dark = 0; dark <= 1; dark++)
    {
      for (guint i = 0; i < WV_CHART_PALETTE_SIZE; i++)
        {
          for (guint j = i + 1; j < WV_CHART_PALETTE_SIZE; j++)
            {
              wv_chart_palette_get (i, dark, &a);
              wv_chart_palette_get (j, dark, &b);
              g_assert_false (gdk_rgba_equal (&a, &b));
            }
        }
    }

  for (guint i = 0; i < WV_CHART_PALETTE_SIZE; i++)
    {
      wv_chart_palette_get (i, FALSE, &a);
      wv_chart_palette_get (i, TRUE, &b);
      g_assert_cmpfloat (a.red + a.green + a.blue, <, b.red + b.green + b.blue);
    }

  /* Out-of-range status falls back to "unknown". */
  wv_chart_palette_get_status (WV_CHART_STATUS_UNKNOWN, FALSE, &a);
  wv_chart_palette_get_status ((WvChartStatus) 99, FALSE, &b);
  g_assert_true (gdk_rgba_equal (&a, &b));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart-axis/nice-ticks", test_nice_ticks);
  g_test_add_func ("/chart-axis/time-step", test_time_step);
  g_test_add_func ("/chart-axis/normalize", test_normalize);
  g_test_add_func ("/chart-format/format", test_format);
  g_test_add_func ("/chart-palette/palette", test_palette);

  return g_test_run ();
}

/* test-wv-time-chart.c: WvTimeChart in a window, rendered offscreen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include "wv-chart-format.h"
#include "wv-chart-palette.h"
#include "wv-chart-private.h"
#include "wv-time-chart.h"
#include "wv-test-render.h"

#define NOW 1000.0

/* Anti-aliasing and blending may move a channel a little; a different
 * palette colour is more than 60 away in some channel. */
#define COLOR_TOLERANCE 40

#define REQUIRE_DISPLAY()                         \
  G_STMT_START {                                  \
    if (!wv_test_have_gtk ())                     \
      {                                           \
        g_test_skip (WV_TEST_NO_DISPLAY);         \
        return;                                   \
      }                                           \
  } G_STMT_END

static WvSeries *
series_new (const char  *label,
            guint        color,
            WvLineStyle  style)
{
  WvSeries *series = wv_series_new (label, 0);

  wv_series_set_color_index (series, color);
  wv_series_set_line_style (series, style);

  return series;
}

static void
fill_constant (WvSeries *series,
               double    t0,
               double    t1,
               double    step,
               double    value)
{
  for (guint i = 0; t0 + i * step <= t1 + 1e-9; i++)
    wv_series_append (series, t0 + i * step, value);
}

static GtkWidget *
chart_new (const char *title,
           const char *unit)
{
  GtkWidget *chart = wv_time_chart_new ();

  wv_time_chart_set_title (WV_TIME_CHART (chart), title);
  wv_time_chart_set_unit (WV_TIME_CHART (chart), unit);
  wv_time_chart_set_now (WV_TIME_CHART (chart), NOW);

  return chart;
}

/* Where the layers draw a value and a time, computed by hand from the plot
 * rectangle and ranges the chart reports for its last frame. */
static int
expected_row (WvTimeChart *chart,
              double       value)
{
  graphene_rect_t plot;
  WvAxisTicks ticks;

  wv_time_chart_get_plot_area (chart, &plot);
  wv_time_chart_get_y_ticks (chart, &ticks);

  return (int) floor (plot.origin.y +
                      (plot.size.height - 1) * (1 - (value - ticks.min) / (ticks.max - ticks.min)));
}

static int
expected_column (WvTimeChart *chart,
                 double       time)
{
  graphene_rect_t plot;
  double t_start, t_end;

  wv_time_chart_get_plot_area (chart, &plot);
  wv_time_chart_get_time_range (chart, &t_start, &t_end);

  return (int) (plot.origin.x + floor ((time - t_start) * plot.size.width / (t_end - t_start)));
}

static void
series_color (WvSeries   *series,
              GtkWidget  *widget,
              GdkRGBA    *out)
{
  wv_chart_palette_get (wv_series_get_color_index (series), wv_chart_is_dark (widget), out);
}

static int
find_series_row (GdkTexture  *texture,
                 WvTimeChart *chart,
                 WvSeries    *series,
                 int          x)
{
  g_autoptr(WvTestImage) image = wv_test_image_new (texture);
  graphene_rect_t plot;
  GdkRGBA color;

  wv_time_chart_get_plot_area (chart, &plot);
  series_color (series, GTK_WIDGET (chart), &color);

  return wv_test_image_find_row (image, x,
                                 (int) plot.origin.y,
                                 (int) (plot.origin.y + plot.size.height - 1),
                                 &color, COLOR_TOLERANCE);
}

static void
save (GdkTexture *texture,
      const char *name)
{
  g_autofree char *path = wv_test_save_png (texture, name);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

typedef struct
{
  GtkWidget *window;
  WvTimeChart *chart;
  WvSeries *a;   /* 20 ms */
  WvSeries *b;   /* 10 ms */
  WvSeries *c;   /* 50 ms, dashed */
} ThreeLines;

static void
three_lines_setup (ThreeLines    *f,
                   gconstpointer  data)
{
  if (!wv_test_have_gtk ())
    return;

  f->chart = WV_TIME_CHART (chart_new ("Delay c2s", "ms"));
  wv_time_chart_set_include_zero (f->chart, FALSE);

  f->a = series_new ("A", 0, WV_LINE_STYLE_SOLID);
  f->b = series_new ("B", 1, WV_LINE_STYLE_SOLID);
  f->c = series_new ("C", 2, WV_LINE_STYLE_DASHED);
  fill_constant (f->a, NOW - 60, NOW, 0.1, 20);
  fill_constant (f->b, NOW - 60, NOW, 0.1, 10);
  fill_constant (f->c, NOW - 60, NOW, 0.1, 50);
  wv_time_chart_add_series (f->chart, f->a);
  wv_time_chart_add_series (f->chart, f->b);
  wv_time_chart_add_series (f->chart, f->c);

  f->window = wv_test_window_new (GTK_WIDGET (f->chart), 600, 300);
}

static void
three_lines_teardown (ThreeLines    *f,
                      gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  g_clear_object (&f->a);
  g_clear_object (&f->b);
  g_clear_object (&f->c);
}

static void
test_constant_lines (ThreeLines    *f,
                     gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = NULL;
  graphene_rect_t plot;
  WvAxisTicks ticks;
  double t_start, t_end;
  int x;

  REQUIRE_DISPLAY ();

  texture = wv_test_render (f->window);
  save (texture, "time-chart-three-lines.png");

  /* Data 10 .. 50 over a ~245 px plot (6 intervals of 36 px at most):
   * steps of 5 would need 8 intervals, steps of 10 need 4. */
  wv_time_chart_get_y_ticks (f->chart, &ticks);
  g_assert_cmpfloat (ticks.min, ==, 10);
  g_assert_cmpfloat (ticks.max, ==, 50);
  g_assert_cmpfloat (ticks.step, ==, 10);
  g_assert_cmpuint (ticks.n_intervals, ==, 4);

  wv_time_chart_get_time_range (f->chart, &t_start, &t_end);
  g_assert_cmpfloat (t_start, ==, NOW - 60);
  g_assert_cmpfloat (t_end, ==, NOW);

  wv_time_chart_get_plot_area (f->chart, &plot);
  g_assert_cmpfloat (plot.size.width, >, 400);
  g_assert_cmpfloat (plot.size.height, >, 150);
  g_assert_cmpfloat (plot.origin.x + plot.size.width, <=, 600);
  g_assert_cmpfloat (plot.origin.y + plot.size.height, <=, 300);

  /* Each constant series is a horizontal line at its value's row: 20 is a
   * quarter up from the bottom row, 10 the bottom row, 50 the top row. */
  x = expected_column (f->chart, NOW - 30);
  g_assert_cmpint (abs (find_series_row (texture, f->chart, f->a, x) - expected_row (f->chart, 20)), <=, 1);
  g_assert_cmpint (abs (find_series_row (texture, f->chart, f->b, x) - expected_row (f->chart, 10)), <=, 1);
  g_assert_cmpint (expected_row (f->chart, 10), ==, (int) (plot.origin.y + plot.size.height - 1));
  g_assert_cmpint (expected_row (f->chart, 50), ==, (int) plot.origin.y);

  /* The dashed series shows in some of the columns around x, not all. */
  {
    guint hits = 0;

    for (int dx = 0; dx < 20; dx++)
      hits += find_series_row (texture, f->chart, f->c, x + dx) == (int) plot.origin.y;

    g_assert_cmpuint (hits, >, 5);
    g_assert_cmpuint (hits, <, 20);
  }

  /* Hidden: the colour is gone from the whole plot height. */
  wv_series_set_visible (f->a, FALSE);
  g_clear_object (&texture);
  texture = wv_test_render (f->window);
  save (texture, "time-chart-three-lines-a-hidden.png");

  for (int dx = -50; dx <= 50; dx += 10)
    g_assert_cmpint (find_series_row (texture, f->chart, f->a, x + dx), ==, -1);
  g_assert_cmpint (abs (find_series_row (texture, f->chart, f->b, x) - expected_row (f->chart, 10)), <=, 1);
}

static void
test_pick_and_tooltip (ThreeLines    *f,
                       gconstpointer  data)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *expected = NULL;
  graphene_rect_t plot;
  WvChartPick pick;
  double t_end;
  int x, y_a, y_c;

  REQUIRE_DISPLAY ();

  texture = wv_test_render (f->window);
  wv_time_chart_get_plot_area (f->chart, &plot);
  wv_time_chart_get_time_range (f->chart, NULL, &t_end);

  x = expected_column (f->chart, NOW - 30);
  y_a = expected_row (f->chart, 20);
  y_c = expected_row (f->chart, 50);

  /* 3 px below the 20 ms line: that line's point in this column. */
  g_assert_true (wv_time_chart_pick (f->chart, x + 0.5, y_a + 0.5 + 3, 24, &pick));
  g_assert_true (pick.series == f->a);
  g_assert_cmpfloat (pick.value, ==, 20);
  g_assert_cmpfloat_with_epsilon (pick.distance, 3, 0.01);
  g_assert_cmpfloat_with_epsilon (pick.x, x + 0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (pick.y, y_a + 0.5, 1e-9);
  g_assert_cmpint (expected_column (f->chart, pick.time), ==, x);

  /* Halfway between the 20 and 50 ms lines nothing is within 24 px. */
  g_assert_false (wv_time_chart_pick (f->chart, x, (y_a + y_c) / 2.0, 24, &pick));
  g_assert_null (wv_time_chart_get_tooltip_markup (f->chart, x, (y_a + y_c) / 2.0));

  /* Outside the plot nothing is picked. */
  g_assert_false (wv_time_chart_pick (f->chart, 1, 1, 24, &pick));

  /* The tooltip names the series, its value with unit and the time. */
  g_assert_true (wv_time_chart_pick (f->chart, x + 0.5, y_a + 0.5 + 3, 24, &pick));
  markup = wv_time_chart_get_tooltip_markup (f->chart, x + 0.5, y_a + 0.5 + 3);
  expected = g_strdup_printf ("<b>%.2f s ago</b>\n"
                              "<span foreground=\"#62a0ea\">━━</span> A  <b>20.0 ms</b>",
                              t_end - pick.time);
  g_assert_cmpstr (markup, ==, expected);
  g_assert_true (pango_parse_markup (markup, -1, 0, NULL, NULL, NULL, NULL));

  /* With the 20 ms series hidden, the same spot finds nothing. */
  wv_series_set_visible (f->a, FALSE);
  g_clear_object (&texture);
  texture = wv_test_render (f->window);
  g_assert_false (wv_time_chart_pick (f->chart, x + 0.5, y_a + 0.5 + 3, 24, &pick));
}

static void
test_gap (void)
{
  g_autoptr(WvSeries) d = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *chart, *window;
  int in_gap, before_gap, after_gap;

  REQUIRE_DISPLAY ();

  chart = chart_new ("Jitter", "ms");
  d = series_new ("D", 3, WV_LINE_STYLE_SOLID);
  fill_constant (d, NOW - 60, NOW - 40, 0.1, 30);
  fill_constant (d, NOW - 20, NOW, 0.1, 30);
  /* NaN and infinities are refused, never drawn. */
  g_assert_false (wv_series_append (d, NOW - 30, NAN));
  g_assert_false (wv_series_append (d, NOW - 30, INFINITY));
  g_assert_false (wv_series_append (d, NOW - 30, -INFINITY));
  g_assert_cmpuint (wv_series_get_n_rejected (d), ==, 3);
  wv_time_chart_add_series (WV_TIME_CHART (chart), d);

  window = wv_test_window_new (chart, 600, 300);
  texture = wv_test_render (window);
  save (texture, "time-chart-gap.png");

  in_gap = expected_column (WV_TIME_CHART (chart), NOW - 30);
  before_gap = expected_column (WV_TIME_CHART (chart), NOW - 50);
  after_gap = expected_column (WV_TIME_CHART (chart), NOW - 10);

  g_assert_cmpint (find_series_row (texture, WV_TIME_CHART (chart), d, before_gap), ==,
                   expected_row (WV_TIME_CHART (chart), 30));
  g_assert_cmpint (find_series_row (texture, WV_TIME_CHART (chart), d, after_gap), ==,
                   expected_row (WV_TIME_CHART (chart), 30));
  /* The 20 s without data is not bridged. */
  for (int dx = -20; dx <= 20; dx++)
    g_assert_cmpint (find_series_row (texture, WV_TIME_CHART (chart), d, in_gap + dx), ==, -1);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_dense_columns (void)
{
  g_autoptr(WvSeries) e = NULL;
  g_autoptr(WvSeries) f = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(WvTestImage) image = NULL;
  GtkWidget *chart, *window, *layer;
  graphene_rect_t plot;
  WvAxisTicks ticks;
  GdkRGBA color_f;
  int x, top, bottom;
  guint on = 0;

  REQUIRE_DISPLAY ();

  /* 100 points/s: ten per pixel column, drawn as one-pixel bars. */
  chart = chart_new ("Delay s2c", "ms");
  wv_time_chart_set_include_zero (WV_TIME_CHART (chart), FALSE);
  e = series_new ("E", 0, WV_LINE_STYLE_SOLID);
  f = series_new ("F", 4, WV_LINE_STYLE_DASHED);
  fill_constant (e, NOW - 60, NOW, 0.01, 25);
  fill_constant (f, NOW - 60, NOW, 0.01, 40);
  wv_time_chart_add_series (WV_TIME_CHART (chart), e);
  wv_time_chart_add_series (WV_TIME_CHART (chart), f);

  window = wv_test_window_new (chart, 600, 300);
  texture = wv_test_render (window);
  save (texture, "time-chart-dense.png");
  image = wv_test_image_new (texture);

  /* 25 .. 40 in at most 6 intervals: steps of 2 need 8, steps of 5 three. */
  wv_time_chart_get_y_ticks (WV_TIME_CHART (chart), &ticks);
  g_assert_cmpfloat (ticks.min, ==, 25);
  g_assert_cmpfloat (ticks.max, ==, 40);

  /* A constant series is one point per column, every column. */
  wv_time_chart_get_plot_area (WV_TIME_CHART (chart), &plot);
  layer = gtk_widget_get_first_child (chart);
  g_assert_cmpuint (_wv_line_layer_get_points (WV_LINE_LAYER (layer))->len, ==, (guint) plot.size.width);

  top = (int) plot.origin.y;
  bottom = (int) (plot.origin.y + plot.size.height - 1);
  x = expected_column (WV_TIME_CHART (chart), NOW - 30);
  g_assert_cmpint (find_series_row (texture, WV_TIME_CHART (chart), e, x), ==, bottom);

  /* Dashed: 6 columns on, 4 off, whatever the phase. */
  wv_chart_palette_get (4, FALSE, &color_f);
  for (int dx = 0; dx < 10; dx++)
    on += wv_test_color_distance (wv_test_image_pixel (image, x + dx, top), &color_f) <= COLOR_TOLERANCE;
  g_assert_cmpuint (on, ==, 6);

  /* Hidden, the bars are gone. */
  wv_series_set_visible (e, FALSE);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  for (int dx = -50; dx <= 50; dx += 5)
    g_assert_cmpint (find_series_row (texture, WV_TIME_CHART (chart), e, x + dx), ==, -1);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_extremes (void)
{
  g_autoptr(WvSeries) huge = NULL;
  g_autoptr(WvSeries) tiny = NULL;
  g_autoptr(WvSeries) mixed = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *box, *c1, *c2, *c3, *window;
  graphene_rect_t plot;
  WvAxisTicks ticks;

  REQUIRE_DISPLAY ();

  huge = series_new ("huge", 4, WV_LINE_STYLE_SOLID);
  tiny = series_new ("tiny", 5, WV_LINE_STYLE_DASHED);
  mixed = series_new ("mixed", 6, WV_LINE_STYLE_DOTTED);

  for (guint i = 0; i <= 600; i++)
    {
      double t = NOW - 60 + i * 0.1;

      wv_series_append (huge, t, 4e12 + 1e12 * sin (i / 30.0));
      wv_series_append (tiny, t, 2e-9 + 1e-9 * cos (i / 20.0));
      wv_series_append (mixed, t, i % 100 == 0 ? 1e300 : (i % 2 ? 1e-300 : -1e300));
    }

  c1 = chart_new ("Huge", "bit/s");
  wv_time_chart_set_formatter (WV_TIME_CHART (c1), wv_format_si, NULL, NULL);
  wv_time_chart_add_series (WV_TIME_CHART (c1), huge);
  c2 = chart_new ("Tiny", "s");
  wv_time_chart_set_include_zero (WV_TIME_CHART (c2), FALSE);
  wv_time_chart_add_series (WV_TIME_CHART (c2), tiny);
  c3 = chart_new ("Mixed", NULL);
  wv_time_chart_add_series (WV_TIME_CHART (c3), mixed);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_size_request (c1, -1, 200);
  gtk_widget_set_size_request (c2, -1, 200);
  gtk_widget_set_size_request (c3, -1, 200);
  gtk_box_append (GTK_BOX (box), c1);
  gtk_box_append (GTK_BOX (box), c2);
  gtk_box_append (GTK_BOX (box), c3);

  window = wv_test_window_new (box, 600, 600);
  texture = wv_test_render (window);
  save (texture, "time-chart-extremes.png");

  /* 3e12 .. 5e12 from 0 (include-zero): steps of 1e12 need 5 intervals,
   * which a plot of 180 px or more allows (36 px each); smaller plots get
   * steps of 2e12 up to 6e12. */
  wv_time_chart_get_y_ticks (WV_TIME_CHART (c1), &ticks);
  wv_time_chart_get_plot_area (WV_TIME_CHART (c1), &plot);
  g_assert_cmpfloat (ticks.min, ==, 0);
  if (plot.size.height >= 5 * 36)
    {
      g_assert_cmpfloat (ticks.step, ==, 1e12);
      g_assert_cmpfloat (ticks.max, ==, 5e12);
    }
  else
    {
      g_assert_cmpfloat (ticks.step, ==, 2e12);
      g_assert_cmpfloat (ticks.max, ==, 6e12);
    }

  wv_time_chart_get_y_ticks (WV_TIME_CHART (c2), &ticks);
  g_assert_cmpfloat_with_epsilon (ticks.step, 5e-10, 1e-20);
  g_assert_cmpfloat_with_epsilon (ticks.min, 1e-9, 1e-20);
  g_assert_cmpfloat_with_epsilon (ticks.max, 3e-9, 1e-20);

  wv_time_chart_get_y_ticks (WV_TIME_CHART (c3), &ticks);
  g_assert_true (isfinite (ticks.min) && isfinite (ticks.max) && isfinite (ticks.step));
  g_assert_cmpfloat (ticks.min, <=, -1e300);
  g_assert_cmpfloat (ticks.max, >=, 1e300);

  gtk_window_destroy (GTK_WINDOW (window));
}

/* 16 connections x (IPv4, IPv6), 60 s of one delay point every 10 ms:
 * what the delay chart holds at full load. */
static GPtrArray *
make_delay_series (guint n_connections)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  for (guint family = 0; family < 2; family++)
    {
      for (guint conn = 0; conn < n_connections; conn++)
        {
          g_autofree char *label = g_strdup_printf ("conn %u · IPv%c · c2s", conn + 1, family ? '6' : '4');
          WvSeries *series = series_new (label, conn, family ? WV_LINE_STYLE_DASHED : WV_LINE_STYLE_SOLID);
          double base = 12 + conn * 1.7 + family * 0.8;

          for (guint i = 0; i < 6000; i++)
            {
              double t = NOW - 60 + i * 0.01;
              double v = base + g_rand_double_range (rand, 0, 1.5);

              /* A burst of queueing on a few connections, and a short
               * outage on one. */
              if (conn % 5 == 2 && t > NOW - 35 && t < NOW - 31)
                v += 25 * sin ((t - (NOW - 35)) / 4 * G_PI);
              if (conn == 7 && family == 0 && t > NOW - 20 && t < NOW - 17)
                continue;

              wv_series_append (series, t, v);
            }

          g_ptr_array_add (all, series);
        }
    }

  return all;
}

static void
test_many_series (void)
{
  g_autoptr(GPtrArray) all = make_delay_series (16);
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *chart, *window;
  graphene_rect_t plot;
  guint n_layers = 0;

  REQUIRE_DISPLAY ();

  chart = chart_new ("Delay c2s (one-way)", "ms");
  wv_time_chart_set_include_zero (WV_TIME_CHART (chart), FALSE);
  for (guint i = 0; i < all->len; i++)
    wv_time_chart_add_series (WV_TIME_CHART (chart), g_ptr_array_index (all, i));
  g_assert_cmpuint (g_list_model_get_n_items (wv_time_chart_get_series (WV_TIME_CHART (chart))), ==, 32);

  window = wv_test_window_new (chart, 1200, 400);
  texture = wv_test_render (window);
  save (texture, "time-chart-32-series.png");

  /* Every layer reduced its 6000 points to at most two per column. */
  wv_time_chart_get_plot_area (WV_TIME_CHART (chart), &plot);
  for (GtkWidget *child = gtk_widget_get_first_child (chart);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const GArray *points = _wv_line_layer_get_points (WV_LINE_LAYER (child));

      g_assert_cmpuint (points->len, >, plot.size.width / 2);
      g_assert_cmpuint (points->len, <=, 2 * plot.size.width + 2 + 2);
      n_layers++;
    }
  g_assert_cmpuint (n_layers, ==, 32);

  /* The user shows only connections 1-4. */
  for (guint i = 0; i < all->len; i++)
    wv_series_set_visible (g_ptr_array_index (all, i), i % 16 < 4);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  save (texture, "time-chart-8-of-32-series.png");

  /* Same in the dark. */
  for (guint i = 0; i < all->len; i++)
    wv_series_set_visible (g_ptr_array_index (all, i), TRUE);
  wv_test_set_dark (TRUE);
  g_assert_true (wv_chart_is_dark (chart));
  g_clear_object (&texture);
  texture = wv_test_render (window);
  save (texture, "time-chart-32-series-dark.png");
  wv_test_set_dark (FALSE);
  g_assert_false (wv_chart_is_dark (chart));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_per_second_charts (void)
{
  g_autoptr(GPtrArray) series = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  GtkWidget *box, *throughput, *loss, *window;
  WvAxisTicks ticks;

  REQUIRE_DISPLAY ();

  throughput = chart_new ("Throughput s2c", "bit/s");
  wv_time_chart_set_formatter (WV_TIME_CHART (throughput), wv_format_si, NULL, NULL);
  loss = chart_new ("Loss c2s", "%");

  for (guint conn = 0; conn < 4; conn++)
    {
      for (guint family = 0; family < 2; family++)
        {
          g_autofree char *label = g_strdup_printf ("conn %u · IPv%c", conn + 1, family ? '6' : '4');
          WvSeries *tp = series_new (label, conn, family ? WV_LINE_STYLE_DASHED : WV_LINE_STYLE_SOLID);
          WvSeries *ls = series_new (label, conn, family ? WV_LINE_STYLE_DASHED : WV_LINE_STYLE_SOLID);

          for (guint s = 0; s <= 60; s++)
            {
              double t = NOW - 60 + s;

              /* Connection 3 over IPv6 lost its aggregates for 8 s. */
              if (conn == 2 && family == 1 && s > 30 && s < 39)
                continue;

              wv_series_append (tp, t, (20 + conn * 8 + g_rand_double_range (rand, -3, 3)) * 1e6);
              wv_series_append (ls, t, s > 40 && s < 48 && conn == 1 ? g_rand_double_range (rand, 2, 9)
                                                                   : g_rand_double_range (rand, 0, 0.4));
            }

          wv_time_chart_add_series (WV_TIME_CHART (throughput), tp);
          wv_time_chart_add_series (WV_TIME_CHART (loss), ls);
          g_ptr_array_add (series, tp);
          g_ptr_array_add (series, ls);
        }
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_vexpand (throughput, TRUE);
  gtk_widget_set_vexpand (loss, TRUE);
  gtk_box_append (GTK_BOX (box), throughput);
  gtk_box_append (GTK_BOX (box), loss);

  window = wv_test_window_new (box, 900, 500);
  texture = wv_test_render (window);
  save (texture, "time-chart-per-second.png");

  wv_time_chart_get_y_ticks (WV_TIME_CHART (throughput), &ticks);
  g_assert_cmpfloat (ticks.min, ==, 0);
  g_assert_cmpfloat (ticks.max, >=, 44e6);

  wv_time_chart_get_y_ticks (WV_TIME_CHART (loss), &ticks);
  g_assert_cmpfloat (ticks.min, ==, 0);
  g_assert_cmpfloat (ticks.max, >=, 8);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_paused (void)
{
  g_autoptr(WvSeries) s = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *chart, *window;
  double t_start, t_end;

  REQUIRE_DISPLAY ();

  chart = chart_new ("Paused", "ms");
  s = series_new ("s", 0, WV_LINE_STYLE_SOLID);
  fill_constant (s, NOW - 60, NOW, 0.5, 5);
  wv_time_chart_add_series (WV_TIME_CHART (chart), s);
  window = wv_test_window_new (chart, 500, 250);

  texture = wv_test_render (window);
  wv_time_chart_get_time_range (WV_TIME_CHART (chart), &t_start, &t_end);
  g_assert_cmpfloat (t_end, ==, NOW);

  wv_time_chart_set_paused (WV_TIME_CHART (chart), TRUE);
  g_assert_true (wv_time_chart_get_paused (WV_TIME_CHART (chart)));

  /* Time goes on and data keeps coming, the view stays. */
  wv_time_chart_set_now (WV_TIME_CHART (chart), NOW + 10);
  fill_constant (s, NOW + 0.5, NOW + 10, 0.5, 8);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  save (texture, "time-chart-paused.png");
  wv_time_chart_get_time_range (WV_TIME_CHART (chart), &t_start, &t_end);
  g_assert_cmpfloat (t_start, ==, NOW - 60);
  g_assert_cmpfloat (t_end, ==, NOW);
  g_assert_cmpuint (wv_series_get_n_points (s), ==, 121 + 20);

  /* Resumed: the right edge is now again, with the new data. */
  wv_time_chart_set_paused (WV_TIME_CHART (chart), FALSE);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  wv_time_chart_get_time_range (WV_TIME_CHART (chart), &t_start, &t_end);
  g_assert_cmpfloat (t_start, ==, NOW - 50);
  g_assert_cmpfloat (t_end, ==, NOW + 10);
  g_assert_cmpint (find_series_row (texture, WV_TIME_CHART (chart), s,
                                    expected_column (WV_TIME_CHART (chart), NOW + 5)),
                   ==, expected_row (WV_TIME_CHART (chart), 8));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_live_clock (void)
{
  g_autoptr(WvSeries) s = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *chart, *window;
  graphene_rect_t plot;
  double t_end, frozen, period;

  REQUIRE_DISPLAY ();

  /* Point time 0 is 100 s ago on the monotonic clock. */
  chart = wv_time_chart_new ();
  wv_time_chart_set_time_origin (WV_TIME_CHART (chart), g_get_monotonic_time () - 100 * G_USEC_PER_SEC);
  g_assert_true (isnan (wv_time_chart_get_now (WV_TIME_CHART (chart))));
  s = series_new ("live", 0, WV_LINE_STYLE_SOLID);
  fill_constant (s, 40, 100, 0.1, 3);
  wv_time_chart_add_series (WV_TIME_CHART (chart), s);
  window = wv_test_window_new (chart, 500, 250);

  texture = wv_test_render (window);
  wv_time_chart_get_time_range (WV_TIME_CHART (chart), NULL, &t_end);
  wv_time_chart_get_plot_area (WV_TIME_CHART (chart), &plot);
  g_assert_cmpfloat (t_end, >=, 99.9);
  g_assert_cmpfloat (t_end, <, 110);

  /* Now is rounded to whole pixels of scrolling. */
  period = 60.0 / plot.size.width;
  g_assert_cmpfloat (fabs (remainder (t_end / period, 1.0)), <, 1e-6);

  /* Paused, the clock no longer moves the view. */
  wv_time_chart_set_paused (WV_TIME_CHART (chart), TRUE);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  wv_time_chart_get_time_range (WV_TIME_CHART (chart), NULL, &frozen);
  wv_test_iterate (200);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  wv_time_chart_get_time_range (WV_TIME_CHART (chart), NULL, &t_end);
  g_assert_cmpfloat (t_end, ==, frozen);

  wv_time_chart_set_paused (WV_TIME_CHART (chart), FALSE);
  wv_test_iterate (200);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  wv_time_chart_get_time_range (WV_TIME_CHART (chart), NULL, &t_end);
  g_assert_cmpfloat (t_end, >, frozen + 0.1);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_small_and_empty (void)
{
  g_autoptr(WvSeries) s = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *chart, *window;
  graphene_rect_t plot;
  WvAxisTicks ticks;

  REQUIRE_DISPLAY ();

  /* Empty: a 0 .. 1 axis and "No data". */
  chart = chart_new ("Reordering", "%");
  window = wv_test_window_new (chart, 400, 200);
  texture = wv_test_render (window);
  save (texture, "time-chart-empty.png");
  wv_time_chart_get_y_ticks (WV_TIME_CHART (chart), &ticks);
  g_assert_cmpfloat (ticks.min, ==, 0);
  g_assert_cmpfloat (ticks.max, ==, 1);

  /* A series with data only outside the window is empty too. */
  s = series_new ("old", 0, WV_LINE_STYLE_SOLID);
  fill_constant (s, NOW - 200, NOW - 100, 1, 4);
  wv_time_chart_add_series (WV_TIME_CHART (chart), s);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  wv_time_chart_get_y_ticks (WV_TIME_CHART (chart), &ticks);
  g_assert_cmpfloat (ticks.max, ==, 1);

  /* The smallest size: a sparkline without labels, still drawn. */
  fill_constant (s, NOW - 60, NOW, 0.5, 4);
  wv_test_window_resize (window, chart, 100, 60);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  save (texture, "time-chart-100x60.png");
  wv_time_chart_get_plot_area (WV_TIME_CHART (chart), &plot);
  g_assert_cmpfloat (plot.size.width, >=, 80);
  g_assert_cmpfloat (plot.size.height, >=, 20);
  g_assert_cmpint (find_series_row (texture, WV_TIME_CHART (chart), s,
                                    expected_column (WV_TIME_CHART (chart), NOW - 30)),
                   ==, expected_row (WV_TIME_CHART (chart), 4));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_series_list (void)
{
  WvSeries *a, *b;
  GtkWidget *chart;
  guint n_children = 0;

  REQUIRE_DISPLAY ();

  a = series_new ("a", 0, WV_LINE_STYLE_SOLID);
  b = series_new ("b", 1, WV_LINE_STYLE_SOLID);

  chart = g_object_ref_sink (wv_time_chart_new ());
  wv_time_chart_add_series (WV_TIME_CHART (chart), a);
  wv_time_chart_add_series (WV_TIME_CHART (chart), a);
  wv_time_chart_add_series (WV_TIME_CHART (chart), b);
  g_assert_cmpuint (g_list_model_get_n_items (wv_time_chart_get_series (WV_TIME_CHART (chart))), ==, 2);

  /* One layer per series, in order. */
  for (GtkWidget *child = gtk_widget_get_first_child (chart); child; child = gtk_widget_get_next_sibling (child))
    {
      g_assert_true (wv_line_layer_get_series (WV_LINE_LAYER (child)) == (n_children == 0 ? a : b));
      n_children++;
    }
  g_assert_cmpuint (n_children, ==, 2);

  wv_time_chart_remove_series (WV_TIME_CHART (chart), a);
  g_assert_true (wv_line_layer_get_series (WV_LINE_LAYER (gtk_widget_get_first_child (chart))) == b);
  g_assert_null (gtk_widget_get_next_sibling (gtk_widget_get_first_child (chart)));

  /* Bad values are refused or clamped. */
  wv_time_chart_set_window (WV_TIME_CHART (chart), NAN);
  g_assert_cmpfloat (wv_time_chart_get_window (WV_TIME_CHART (chart)), ==, 60);
  wv_time_chart_set_window (WV_TIME_CHART (chart), 0.001);
  g_assert_cmpfloat (wv_time_chart_get_window (WV_TIME_CHART (chart)), ==, 1);
  wv_time_chart_set_now (WV_TIME_CHART (chart), INFINITY);
  g_assert_true (isnan (wv_time_chart_get_now (WV_TIME_CHART (chart))));

  /* The chart lets go of everything: no leaks, no handlers left. */
  g_object_unref (chart);
  wv_series_append (a, 1, 1);
  wv_series_set_visible (b, FALSE);
  g_assert_finalize_object (a);
  g_assert_finalize_object (b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  wv_test_init_gtk ();

  g_test_add ("/time-chart/constant-lines", ThreeLines, NULL,
              three_lines_setup, test_constant_lines, three_lines_teardown);
  g_test_add ("/time-chart/pick-and-tooltip", ThreeLines, NULL,
              three_lines_setup, test_pick_and_tooltip, three_lines_teardown);
  g_test_add_func ("/time-chart/gap", test_gap);
  g_test_add_func ("/time-chart/dense-columns", test_dense_columns);
  g_test_add_func ("/time-chart/extremes", test_extremes);
  g_test_add_func ("/time-chart/many-series", test_many_series);
  g_test_add_func ("/time-chart/per-second", test_per_second_charts);
  g_test_add_func ("/time-chart/paused", test_paused);
  g_test_add_func ("/time-chart/live-clock", test_live_clock);
  g_test_add_func ("/time-chart/small-and-empty", test_small_and_empty);
  g_test_add_func ("/time-chart/series-list", test_series_list);

  return g_test_run ();
}

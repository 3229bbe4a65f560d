/* bench-charts.c: frame time of a loaded WvTimeChart
 *
 * 32 series (16 connections x IPv4/IPv6) holding 60 s of one delay point
 * every 10 ms, while new points keep arriving at that rate and the view
 * scrolls at 60 frames per second. Each frame is snapshotted (our code:
 * value range, decimation, render nodes) and rendered offscreen, at
 * 1200x400 and at 1920x1080, with the window's renderer (GL where
 * available) and with the cairo renderer. Prints mean and 99th percentile.
 *
 * Usage: bench-charts [N_FRAMES]   (default 300)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdlib.h>

#include "wv-chart-private.h"
#include "wv-time-chart.h"
#include "wv-test-render.h"

#define N_CONNECTIONS 16
#define RATE          100.0   /* points per second per series */
#define FPS           60.0
#define START         1000.0

typedef struct
{
  GArray *snapshot_ms;
  GArray *render_ms;
  GArray *total_ms;
} Timings;

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
stats (GArray *values,
       double *mean,
       double *p99)
{
  double sum = 0;

  g_array_sort (values, compare_doubles);

  for (guint i = 0; i < values->len; i++)
    sum += g_array_index (values, double, i);

  *mean = values->len ? sum / values->len : NAN;
  *p99 = values->len ? g_array_index (values, double, MIN (values->len - 1, (guint) ceil (values->len * 0.99) - 1)) : NAN;
}

static double
delay_value (guint  conn,
             guint  family,
             double t,
             GRand *rand)
{
  double v = 12 + conn * 1.7 + family * 0.8 + g_rand_double_range (rand, 0, 1.5);

  if (conn % 5 == 2 && fmod (t, 30) > 20 && fmod (t, 30) < 24)
    v += 25 * sin ((fmod (t, 30) - 20) / 4 * G_PI);

  return v;
}

static GPtrArray *
make_series (GRand *rand)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint family = 0; family < 2; family++)
    {
      for (guint conn = 0; conn < N_CONNECTIONS; conn++)
        {
          g_autofree char *label = g_strdup_printf ("conn %u IPv%c", conn + 1, family ? '6' : '4');
          WvSeries *series = wv_series_new (label, 0);

          wv_series_set_color_index (series, conn);
          wv_series_set_line_style (series, family ? WV_LINE_STYLE_DASHED : WV_LINE_STYLE_SOLID);

          for (guint i = 0; i < 60 * RATE; i++)
            {
              double t = START - 60 + i / RATE;

              wv_series_append (series, t, delay_value (conn, family, t, rand));
            }

          g_ptr_array_add (all, series);
        }
    }

  return all;
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* The chart at exactly width x height, whatever the screen size (CI's Xvfb
 * screen is 1280x1024): it sits in a scrolled window asking for that size. */
static GtkWidget *
bench_window_new (GtkWidget *chart,
                  int        width,
                  int        height)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  gtk_widget_set_size_request (chart, width, height);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), chart);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), 320, 240);
  gtk_window_present (GTK_WINDOW (window));

  while (g_get_monotonic_time () < deadline &&
         (gtk_widget_get_width (chart) != width || gtk_widget_get_height (chart) != height))
    wv_test_iterate (10);

  if (gtk_widget_get_width (chart) != width || gtk_widget_get_height (chart) != height)
    g_error ("chart allocated %dx%d instead of %dx%d",
             gtk_widget_get_width (chart), gtk_widget_get_height (chart), width, height);

  wv_test_iterate (50);

  return window;
}

static GskRenderNode *
snapshot_chart (GtkWidget *chart)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  /* The chart's own snapshot (what GTK calls for it each frame); its
   * layers were invalidated by the new time and redraw through it. */
  GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);

  return gtk_snapshot_free_to_node (snapshot);
}

static void
run (GskRenderer *renderer,
     const char  *renderer_name,
     int          width,
     int          height,
     guint        n_frames)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autoptr(GPtrArray) all = make_series (rand);
  g_autoptr(GArray) snapshot_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) render_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) total_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) append_ms = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWidget *chart, *window;
  double now = START;
  double next_point = START + 1 / RATE;
  double s_mean, s_p99, r_mean, r_p99, t_mean, t_p99, a_mean, a_p99;
  guint decimated = 0;
  double blank_ms;
  gboolean own_renderer = renderer == NULL;

  chart = wv_time_chart_new ();
  wv_time_chart_set_title (WV_TIME_CHART (chart), "Delay c2s");
  wv_time_chart_set_unit (WV_TIME_CHART (chart), "ms");
  wv_time_chart_set_include_zero (WV_TIME_CHART (chart), FALSE);
  wv_time_chart_set_now (WV_TIME_CHART (chart), now);
  for (guint i = 0; i < all->len; i++)
    wv_time_chart_add_series (WV_TIME_CHART (chart), g_ptr_array_index (all, i));

  window = bench_window_new (chart, width, height);

  if (own_renderer)
    {
      renderer = gtk_native_get_renderer (GTK_NATIVE (window));
      renderer_name = G_OBJECT_TYPE_NAME (renderer);
    }

  /* Warm up caches (glyphs, shaders) before measuring. */
  for (guint frame = 0; frame < n_frames + 10; frame++)
    {
      g_autoptr(GdkTexture) texture = NULL;
      GskRenderNode *node;
      gint64 start, mid;
      double t_append;

      now += 1 / FPS;

      start = g_get_monotonic_time ();
      for (; next_point <= now; next_point += 1 / RATE)
        {
          for (guint i = 0; i < all->len; i++)
            wv_series_append (g_ptr_array_index (all, i), next_point,
                              delay_value (i % N_CONNECTIONS, i / N_CONNECTIONS, next_point, rand));
        }
      t_append = ms_since (start);
      wv_time_chart_set_now (WV_TIME_CHART (chart), now);

      start = g_get_monotonic_time ();
      node = snapshot_chart (chart);
      mid = g_get_monotonic_time ();
      texture = gsk_renderer_render_texture (renderer, node,
                                             &GRAPHENE_RECT_INIT (0, 0, width, height));
      gsk_render_node_unref (node);

      if (frame < 10)
        continue;

      g_array_append_vals (snapshot_ms, (double[]) { (mid - start) / 1000.0 }, 1);
      g_array_append_vals (render_ms, (double[]) { ms_since (mid) }, 1);
      g_array_append_vals (total_ms, (double[]) { ms_since (start) }, 1);
      g_array_append_vals (append_ms, &t_append, 1);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (chart); child; child = gtk_widget_get_next_sibling (child))
    decimated += _wv_line_layer_get_points (WV_LINE_LAYER (child))->len;

  /* What rendering a plain frame of that size costs (clear, read-back):
   * the floor under the render column. */
  {
    GskRenderNode *blank = gsk_color_node_new (&(GdkRGBA) { 1, 1, 1, 1 },
                                               &GRAPHENE_RECT_INIT (0, 0, width, height));
    gint64 start = g_get_monotonic_time ();

    for (guint i = 0; i < 20; i++)
      g_object_unref (gsk_renderer_render_texture (renderer, blank,
                                                   &GRAPHENE_RECT_INIT (0, 0, width, height)));

    blank_ms = ms_since (start) / 20;
    gsk_render_node_unref (blank);
  }

  stats (snapshot_ms, &s_mean, &s_p99);
  stats (render_ms, &r_mean, &r_p99);
  stats (total_ms, &t_mean, &t_p99);
  stats (append_ms, &a_mean, &a_p99);

  g_print ("%4dx%-4d  %-16s  %5u  %7.2f %7.2f  %7.2f %7.2f  %7.2f %7.2f  %6.3f  %7u  %7.2f\n",
           width, height, renderer_name, n_frames,
           s_mean, s_p99, r_mean, r_p99, t_mean, t_p99, a_mean, decimated, blank_ms);

  gtk_window_destroy (GTK_WINDOW (window));
  wv_test_iterate (20);
}

int
main (int   argc,
      char *argv[])
{
  guint n_frames = 300;
  GskRenderer *cairo_renderer;
  g_autoptr(GError) error = NULL;

  if (argc > 1)
    n_frames = CLAMP (atoi (argv[1]), 10, 100000);

  if (!wv_test_init_gtk ())
    {
      g_print ("bench-charts: skipped: %s\n", WV_TEST_NO_DISPLAY);
      return 0;
    }

  cairo_renderer = gsk_cairo_renderer_new ();
  if (!gsk_renderer_realize (cairo_renderer, NULL, &error))
    {
      g_printerr ("bench-charts: cannot realize a cairo renderer: %s\n", error->message);
      return 1;
    }

  g_print ("WvTimeChart: 32 series x 60 s x %.0f points/s (%u points), new points at %.0f/s, %.0f frames/s\n",
           RATE, (guint) (32 * 60 * RATE), RATE, FPS);
  g_print ("times in ms per frame; snapshot = chart code (ranges, decimation, nodes), render = offscreen\n"
           "render to a texture including read-back; append = adding that frame's new points (mean);\n"
           "blank = rendering an empty frame of that size with the same renderer (mean)\n\n");
  g_print ("size       renderer          frames  snapshot(mean p99)  render(mean p99)   total(mean p99)  append  drawn pts  blank\n");

  for (guint i = 0; i < 2; i++)
    {
      int width = i == 0 ? 1200 : 1920;
      int height = i == 0 ? 400 : 1080;

      run (NULL, NULL, width, height, n_frames);
      run (cairo_renderer, "GskCairoRenderer", width, height, n_frames);
    }

  gsk_renderer_unrealize (cairo_renderer);
  g_object_unref (cairo_renderer);

  return 0;
}

/* test-wv-hop-view.c: WvHopView in a window, rendered offscreen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include "wv-chart-palette.h"
#include "wv-hop-view.h"
#include "wv-test-render.h"

#define PAD 8   /* the view's margin */
#define COLOR_TOLERANCE 40

#define REQUIRE_DISPLAY()                         \
  G_STMT_START {                                  \
    if (!wv_test_have_gtk ())                     \
      {                                           \
        g_test_skip (WV_TEST_NO_DISPLAY);         \
        return;                                   \
      }                                           \
  } G_STMT_END

static void
add (WvHopPath  *path,
     const char *address,
     const char *hostname,
     double      min,
     double      avg,
     double      max,
     double      loss,
     guint       mtu)
{
  WvHop hop = { address, hostname, min, avg, max, loss, mtu };

  g_assert_true (wv_hop_path_add_hop (path, &hop));
}

/* Home gateway, carrier-grade NAT, a silent router, an MTU drop to 1400
 * with a little loss, a lossy router, then the destination. */
static WvHopPath *
office_path (void)
{
  WvHopPath *path = wv_hop_path_new ("conn 1 · IPv4 · c2s", "192.168.1.23", "203.0.113.50");

  wv_hop_path_set_source_mtu (path, 1500);
  add (path, "192.168.1.1", NULL, 0.8, 1.1, 2.3, 0, 1500);
  add (path, "100.64.0.1", NULL, 5, 7, 12, 0, 1500);
  add (path, NULL, NULL, NAN, NAN, NAN, NAN, 0);
  add (path, "203.0.113.9", "core1.example.net", 9, 11, 25, 2, 1400);
  add (path, "198.51.100.7", NULL, 10, 12, 30, 15, 1400);
  add (path, "203.0.113.50", NULL, 11, 13, 22, 0, 1400);

  return path;
}

static gboolean
pixel_is (WvTestImage   *image,
          double         x,
          double         y,
          const GdkRGBA *color)
{
  guint32 pixel = wv_test_image_pixel (image, (int) floor (x), (int) floor (y));

  return wv_test_color_distance (pixel, color) <= COLOR_TOLERANCE;
}

static void
status_color (GtkWidget     *widget,
              WvChartStatus  status,
              GdkRGBA       *out)
{
  wv_chart_palette_get_status (status, wv_chart_is_dark (widget), out);
}

static void
save (GdkTexture *texture,
      const char *name)
{
  g_autofree char *path = wv_test_save_png (texture, name);

  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

static void
test_single_path (void)
{
  g_autoptr(WvHopPath) path = office_path ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(WvTestImage) image = NULL;
  g_autofree char *text = NULL;
  GtkWidget *view, *window;
  graphene_point_t c[7];
  GdkRGBA good, warning, bad, blue, background;
  double col_width, radius;

  REQUIRE_DISPLAY ();

  view = wv_hop_view_new ();
  wv_hop_view_set_path (WV_HOP_VIEW (view), path);
  g_assert_cmpuint (wv_hop_view_get_n_paths (WV_HOP_VIEW (view)), ==, 1);
  g_assert_true (wv_hop_view_get_path (WV_HOP_VIEW (view), 0) == path);

  window = wv_test_window_new (view, 1100, 220);
  texture = wv_test_render (window);
  save (texture, "hop-view-single.png");
  image = wv_test_image_new (texture);

  /* Source + 6 hops, the last being the destination: 7 columns of
   * (1100 - 2 * 8) / 7 px, nodes at the column centres on one row. */
  g_assert_cmpuint (wv_hop_path_get_n_nodes (path), ==, 7);
  col_width = (1100.0 - 2 * PAD) / 7;
  for (guint i = 0; i < 7; i++)
    {
      g_assert_true (wv_hop_view_get_node_center (WV_HOP_VIEW (view), 0, i, &c[i]));
      g_assert_cmpfloat_with_epsilon (c[i].x, PAD + col_width * (i + 0.5), 1e-3);
      g_assert_cmpfloat (c[i].y, ==, c[0].y);
    }
  g_assert_false (wv_hop_view_get_node_center (WV_HOP_VIEW (view), 0, 7, &c[0]));
  g_assert_false (wv_hop_view_get_node_center (WV_HOP_VIEW (view), 1, 0, &c[0]));

  /* Row tall enough for full-size nodes (radius 11). */
  radius = 11;
  status_color (view, WV_CHART_STATUS_GOOD, &good);
  status_color (view, WV_CHART_STATUS_WARNING, &warning);
  status_color (view, WV_CHART_STATUS_BAD, &bad);
  wv_chart_palette_get (0, FALSE, &blue);
  gdk_rgba_parse (&background, "#000000");
  {
    guint32 corner = wv_test_image_pixel (image, 1, 1);

    background.red = ((corner >> 16) & 0xff) / 255.0f;
    background.green = ((corner >> 8) & 0xff) / 255.0f;
    background.blue = (corner & 0xff) / 255.0f;
  }

  /* Fill colours, sampled left of the TTL number inside each node. */
  g_assert_true (pixel_is (image, c[0].x - radius + 3, c[0].y, &blue));       /* source */
  g_assert_true (pixel_is (image, c[1].x - radius + 3, c[1].y, &good));       /* 0 % loss */
  g_assert_true (pixel_is (image, c[3].x - radius + 3, c[3].y, &background)); /* silent: empty */
  g_assert_true (pixel_is (image, c[4].x - radius + 3, c[4].y, &warning));    /* 2 % */
  g_assert_true (pixel_is (image, c[5].x - radius + 3, c[5].y, &bad));        /* 15 % */

  /* The link into TTL 4, where the MTU fell to 1400, is drawn in the
   * warning colour; the link before it is not. */
  g_assert_true (pixel_is (image, (c[3].x + c[4].x) / 2, c[4].y, &warning));
  g_assert_false (pixel_is (image, (c[2].x + c[3].x) / 2, c[3].y, &warning));

  text = wv_hop_view_describe_node (WV_HOP_VIEW (view), 0, 4);
  g_assert_cmpstr (text, ==,
                   "TTL 4: 203.0.113.9\n"
                   "core1.example.net\n"
                   "RTT min / avg / max: 9.0 / 11.0 / 25.0 ms\n"
                   "loss 2.0 %\n"
                   "MTU 1400 (changed here)");
  g_clear_pointer (&text, g_free);

  text = wv_hop_view_describe_node (WV_HOP_VIEW (view), 0, 3);
  g_assert_cmpstr (text, ==, "TTL 3: * (no reply)");
  g_clear_pointer (&text, g_free);

  text = wv_hop_view_describe_node (WV_HOP_VIEW (view), 0, 0);
  g_assert_cmpstr (text, ==, "Source 192.168.1.23\nMTU 1500");
  g_clear_pointer (&text, g_free);

  g_assert_null (wv_hop_view_describe_node (WV_HOP_VIEW (view), 0, 7));

  /* One path alone has nothing to compare with. */
  for (guint h = 0; h < 6; h++)
    g_assert_false (wv_hop_view_get_highlighted (WV_HOP_VIEW (view), 0, h));

  gtk_window_destroy (GTK_WINDOW (window));
}

static WvHopPath *
ecmp_path (const char *label,
           const char *third,
           const char *fourth,
           gboolean    reached)
{
  WvHopPath *path = wv_hop_path_new (label, "2001:db8:10::23", "2001:db8:ffff::50");

  wv_hop_path_set_source_mtu (path, 1500);
  add (path, "2001:db8:10::1", "gw.lan", 0.6, 0.9, 1.8, 0, 1500);
  add (path, "2001:db8:1::1", NULL, 4.1, 5.0, 7.9, 0, 1500);
  add (path, third, NULL, 6.0, 7.2, 9.9, 0, 1500);
  if (fourth != NULL)
    add (path, fourth, NULL, 8.3, 9.1, 14.0, 0.5, 1480);
  else
    add (path, NULL, NULL, NAN, NAN, NAN, NAN, 0);

  if (reached)
    add (path, "2001:db8:ffff::50", "dst.example.net", 9.0, 9.8, 12.5, 0, 1480);

  return path;
}

static void
test_ecmp (void)
{
  g_autoptr(WvHopPath) a = ecmp_path ("conn 1 · IPv6 · c2s", "2001:db8:2::a", "2001:db8:3::1", TRUE);
  g_autoptr(WvHopPath) b = ecmp_path ("conn 2 · IPv6 · c2s", "2001:db8:2::b", "2001:db8:3::1", TRUE);
  g_autoptr(WvHopPath) c = ecmp_path ("conn 3 · IPv6 · c2s", "2001:db8:2::a", NULL, FALSE);
  WvHopPath *paths[] = { a, b, NULL, c };
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(WvTestImage) image = NULL;
  GtkWidget *view, *window;
  graphene_point_t p;
  GdkRGBA highlight;

  REQUIRE_DISPLAY ();

  view = wv_hop_view_new ();
  wv_hop_view_set_paths (WV_HOP_VIEW (view), paths, G_N_ELEMENTS (paths));
  g_assert_cmpuint (wv_hop_view_get_n_paths (WV_HOP_VIEW (view)), ==, 3);

  /* TTL 3 went through 2001:db8:2::a and ::b: highlighted where it
   * answered. TTL 4 answered the same or not at all: not highlighted. */
  g_assert_false (wv_hop_view_get_highlighted (WV_HOP_VIEW (view), 0, 1));
  g_assert_true (wv_hop_view_get_highlighted (WV_HOP_VIEW (view), 0, 2));
  g_assert_true (wv_hop_view_get_highlighted (WV_HOP_VIEW (view), 1, 2));
  g_assert_true (wv_hop_view_get_highlighted (WV_HOP_VIEW (view), 2, 2));
  g_assert_false (wv_hop_view_get_highlighted (WV_HOP_VIEW (view), 0, 3));
  g_assert_false (wv_hop_view_get_highlighted (WV_HOP_VIEW (view), 2, 3));
  g_assert_false (wv_hop_view_get_highlighted (WV_HOP_VIEW (view), 3, 2));

  /* Row 3 did not reach the destination: source, 4 hops, destination. */
  g_assert_cmpuint (wv_hop_path_get_n_nodes (c), ==, 6);
  {
    g_autofree char *text = wv_hop_view_describe_node (WV_HOP_VIEW (view), 2, 5);

    g_assert_cmpstr (text, ==, "Destination 2001:db8:ffff::50\nnot reached");
  }

  window = wv_test_window_new (view, 1000, 480);
  texture = wv_test_render (window);
  save (texture, "hop-view-ecmp.png");
  image = wv_test_image_new (texture);

  /* Columns line up by TTL across rows; the highlighted node has a thick
   * ring in the highlight colour. */
  status_color (view, WV_CHART_STATUS_HIGHLIGHT, &highlight);
  for (guint row = 0; row < 3; row++)
    {
      graphene_point_t q;

      g_assert_true (wv_hop_view_get_node_center (WV_HOP_VIEW (view), row, 3, &p));
      g_assert_true (wv_hop_view_get_node_center (WV_HOP_VIEW (view), 0, 3, &q));
      g_assert_cmpfloat (p.x, ==, q.x);
      g_assert_true (pixel_is (image, p.x + 11, p.y, &highlight));

      g_assert_true (wv_hop_view_get_node_center (WV_HOP_VIEW (view), row, 2, &p));
      g_assert_false (pixel_is (image, p.x + 11, p.y, &highlight));
    }

  wv_test_set_dark (TRUE);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  save (texture, "hop-view-ecmp-dark.png");
  g_clear_pointer (&image, wv_test_image_free);
  image = wv_test_image_new (texture);
  status_color (view, WV_CHART_STATUS_HIGHLIGHT, &highlight);
  g_assert_true (wv_hop_view_get_node_center (WV_HOP_VIEW (view), 1, 3, &p));
  g_assert_true (pixel_is (image, p.x + 11, p.y, &highlight));
  wv_test_set_dark (FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_small_and_empty (void)
{
  g_autoptr(WvHopPath) path = office_path ();
  g_autoptr(WvHopPath) empty = wv_hop_path_new (NULL, NULL, NULL);
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *view, *window;
  graphene_point_t p;

  REQUIRE_DISPLAY ();

  view = wv_hop_view_new ();
  window = wv_test_window_new (view, 300, 120);
  texture = wv_test_render (window);
  save (texture, "hop-view-empty.png");
  g_assert_false (wv_hop_view_get_node_center (WV_HOP_VIEW (view), 0, 0, &p));

  /* A path with no hops and no names: source and unreached destination. */
  wv_hop_view_set_path (WV_HOP_VIEW (view), empty);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  g_assert_true (wv_hop_view_get_node_center (WV_HOP_VIEW (view), 0, 1, &p));

  /* The smallest size: nodes and links only, nothing crashes. */
  wv_hop_view_set_path (WV_HOP_VIEW (view), path);
  wv_test_window_resize (window, view, 100, 60);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  save (texture, "hop-view-100x60.png");
  g_assert_true (wv_hop_view_get_node_center (WV_HOP_VIEW (view), 0, 6, &p));
  g_assert_cmpfloat (p.x, <, 100);
  g_assert_cmpfloat (p.y, <, 60);

  wv_hop_view_set_path (WV_HOP_VIEW (view), NULL);
  g_assert_cmpuint (wv_hop_view_get_n_paths (WV_HOP_VIEW (view)), ==, 0);
  g_clear_object (&texture);
  texture = wv_test_render (window);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_bad_input (void)
{
  g_autoptr(WvHopPath) path = wv_hop_path_new ("bad \xff label", "\xfe", NULL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *long_name = g_strnfill (500, 'n');
  GtkWidget *view, *window;
  WvHopPath *paths[WV_HOP_VIEW_MAX_PATHS + 5];

  REQUIRE_DISPLAY ();

  /* Invalid UTF-8, absurd numbers, a very long name, many hops. */
  add (path, "10.0.0.1\xff", long_name, -1, INFINITY, NAN, 1e9, 65535);
  for (guint i = 0; i < 40; i++)
    add (path, "10.0.0.2", NULL, 1, 2, 3, -5, 0);

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    paths[i] = path;

  view = wv_hop_view_new ();
  wv_hop_view_set_paths (WV_HOP_VIEW (view), paths, G_N_ELEMENTS (paths));
  g_assert_cmpuint (wv_hop_view_get_n_paths (WV_HOP_VIEW (view)), ==, WV_HOP_VIEW_MAX_PATHS);

  window = wv_test_window_new (view, 400, 300);
  texture = wv_test_render (window);

  wv_hop_view_set_paths (WV_HOP_VIEW (view), paths, 1);
  g_clear_object (&texture);
  texture = wv_test_render (window);
  save (texture, "hop-view-bad-input.png");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  wv_test_init_gtk ();

  g_test_add_func ("/hop-view/single-path", test_single_path);
  g_test_add_func ("/hop-view/ecmp", test_ecmp);
  g_test_add_func ("/hop-view/small-and-empty", test_small_and_empty);
  g_test_add_func ("/hop-view/bad-input", test_bad_input);

  return g_test_run ();
}

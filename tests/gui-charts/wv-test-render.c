/* wv-test-render.c: helpers for the chart tests: windows, offscreen
 * rendering, pixels and screenshots
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include "wv-test-render.h"

static gboolean have_gtk;

/**
 * wv_test_init_gtk:
 *
 * Initialises GTK if there is a display to talk to. Tests that need one
 * call g_test_skip (WV_TEST_NO_DISPLAY) when this returned %FALSE.
 */
gboolean
wv_test_init_gtk (void)
{
  if (g_getenv ("WAYLAND_DISPLAY") == NULL && g_getenv ("DISPLAY") == NULL)
    {
      g_test_message ("%s", WV_TEST_NO_DISPLAY);
      return FALSE;
    }

  /* Number formatting in the assertions expects a decimal point. */
  gtk_disable_setlocale ();
  /* Without a session bus GTK's accessibility bridge warns, and warnings
   * are fatal in tests. Nothing here is about accessibility. */
  g_setenv ("GTK_A11Y", "none", FALSE);
  have_gtk = gtk_init_check ();

  if (!have_gtk)
    g_test_message ("gtk_init_check() failed although a display is set");

  return have_gtk;
}

gboolean
wv_test_have_gtk (void)
{
  return have_gtk;
}

void
wv_test_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

/* Waits until the window is mapped and @child has the size asked for:
 * rendering before that would draw a widget of another size. */
static void
wait_for_size (GtkWidget *child,
               int        width,
               int        height)
{
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      if (gtk_widget_get_mapped (child) &&
          gtk_widget_get_width (child) == width &&
          gtk_widget_get_height (child) == height)
        break;

      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  g_assert_true (gtk_widget_get_mapped (child));
  g_assert_cmpint (gtk_widget_get_width (child), ==, width);
  g_assert_cmpint (gtk_widget_get_height (child), ==, height);

  /* Let the first frame (style, layout) settle. */
  wv_test_iterate (20);
}

/**
 * wv_test_window_new:
 *
 * An undecorated window holding @child at (0, 0), so that window pixels
 * are child pixels. Destroy with gtk_window_destroy().
 */
GtkWidget *
wv_test_window_new (GtkWidget *child,
                    int        width,
                    int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_decorated (GTK_WINDOW (window), FALSE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));

  wait_for_size (child, width, height);

  return window;
}

void
wv_test_window_resize (GtkWidget *window,
                       GtkWidget *child,
                       int        width,
                       int        height)
{
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  wait_for_size (child, width, height);
}

void
wv_test_set_dark (gboolean dark)
{
  g_object_set (gtk_settings_get_default (),
                "gtk-application-prefer-dark-theme", dark,
                NULL);
  wv_test_iterate (50);
}

static void
after_paint_cb (GdkFrameClock *clock,
                gboolean      *painted)
{
  *painted = TRUE;
}

/* Makes @widget's window paint a frame, so that the render nodes GTK keeps
 * for its widgets (which widget paintables show) are current. */
static void
wait_for_frame (GtkWidget *widget)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  GdkFrameClock *clock = gtk_widget_get_frame_clock (root);
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gboolean painted = FALSE;
  gulong id;

  g_assert_nonnull (clock);

  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), &painted);
  gtk_widget_queue_draw (root);

  while (!painted && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  g_signal_handler_disconnect (clock, id);
  g_assert_true (painted);
}

/**
 * wv_test_snapshot_node:
 *
 * The render node of @widget as drawn in the last frame of its window, at
 * its allocated size.
 */
GskRenderNode *
wv_test_snapshot_node (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();

  gdk_paintable_snapshot (paintable, snapshot,
                          gtk_widget_get_width (widget),
                          gtk_widget_get_height (widget));

  return gtk_snapshot_free_to_node (snapshot);
}

/* One cairo renderer for all offscreen renders: pixel-exact and the same
 * on every machine. The windows' GL renderer is not used for this: GTK
 * 4.8's GL renderer caches rasterised cairo nodes by node address, and
 * offscreen renders through it after other windows had been destroyed
 * came back with images of freed nodes from earlier tests. */
static GskRenderer *
test_renderer (void)
{
  static GskRenderer *renderer;

  if (renderer == NULL)
    {
      g_autoptr(GError) error = NULL;

      renderer = gsk_cairo_renderer_new ();
      g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
      g_assert_no_error (error);
    }

  return renderer;
}

/**
 * wv_test_render:
 *
 * Renders @widget (normally a window, so its background is included)
 * offscreen, after making its window paint a frame.
 */
GdkTexture *
wv_test_render (GtkWidget *widget)
{
  GskRenderNode *node;
  GdkTexture *texture;
  graphene_rect_t viewport;

  wait_for_frame (widget);
  node = wv_test_snapshot_node (widget);
  g_assert_nonnull (node);

  graphene_rect_init (&viewport, 0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  texture = gsk_renderer_render_texture (test_renderer (), node, &viewport);
  gsk_render_node_unref (node);

  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (widget));
  g_assert_cmpint (gdk_texture_get_height (texture), ==, gtk_widget_get_height (widget));

  return texture;
}

WvTestImage *
wv_test_image_new (GdkTexture *texture)
{
  WvTestImage *image = g_new0 (WvTestImage, 1);

  image->width = gdk_texture_get_width (texture);
  image->height = gdk_texture_get_height (texture);
  image->data = g_new (guint32, (gsize) image->width * image->height);

  /* GDK_MEMORY_DEFAULT is cairo's ARGB32: one native-endian guint32. */
  gdk_texture_download (texture, (guchar *) image->data, image->width * 4);

  return image;
}

void
wv_test_image_free (WvTestImage *image)
{
  g_free (image->data);
  g_free (image);
}

/**
 * wv_test_image_pixel:
 *
 * Returns: the pixel as 0xAARRGGBB (premultiplied; windows are opaque)
 */
guint32
wv_test_image_pixel (WvTestImage *image,
                     int          x,
                     int          y)
{
  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, image->width);
  g_assert_cmpint (y, <, image->height);

  return image->data[(gsize) y * image->width + x];
}

/**
 * wv_test_image_find_row:
 *
 * Returns: the row in [@y_from, @y_to] of column @x whose pixel is nearest
 *   to @color, if that is within @tolerance; -1 otherwise
 */
int
wv_test_image_find_row (WvTestImage   *image,
                        int            x,
                        int            y_from,
                        int            y_to,
                        const GdkRGBA *color,
                        double         tolerance)
{
  double best = G_MAXDOUBLE;
  int best_y = -1;

  y_from = MAX (y_from, 0);
  y_to = MIN (y_to, image->height - 1);

  for (int y = y_from; y <= y_to; y++)
    {
      double d = wv_test_color_distance (wv_test_image_pixel (image, x, y), color);

      if (d < best)
        {
          best = d;
          best_y = y;
        }
    }

  return best <= tolerance ? best_y : -1;
}

/**
 * wv_test_color_distance:
 *
 * Returns: the largest per-channel difference (0 .. 255) between @pixel
 *   and @color
 */
double
wv_test_color_distance (guint32        pixel,
                        const GdkRGBA *color)
{
  double r = (pixel >> 16) & 0xff;
  double g = (pixel >> 8) & 0xff;
  double b = pixel & 0xff;

  return MAX (MAX (fabs (r - color->red * 255), fabs (g - color->green * 255)),
              fabs (b - color->blue * 255));
}

/**
 * wv_test_save_png:
 * @name: file name without directory
 *
 * Saves @texture as screenshots/@name next to the test program (the test's
 * build directory) for a human to look at.
 *
 * Returns: (transfer full): the path written
 */
char *
wv_test_save_png (GdkTexture *texture,
                  const char *name)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);

  return path;
}

/* wv-gui-test.c: what the GUI tests share: the application in-process,
 * waiting without blocking the main loop, screenshots
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The tests run the real WvApplication and WvWindow in their own process
 * (non-unique, memory settings backend, the schema from the build tree)
 * so that they can look at the widgets directly. Screenshots are rendered
 * offscreen with the cairo renderer: GTK 4.8's GL renderer returned stale
 * nodes in offscreen renders (tests/gui-charts/wv-test-render.c).
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "wv-gui.h"
#include "wv-gui-test.h"
#include "wv-table-row.h"

gboolean
wv_gui_test_have_display (void)
{
  return g_getenv ("WAYLAND_DISPLAY") != NULL || g_getenv ("DISPLAY") != NULL;
}

/* A registered, non-unique application with its own settings. */
WvApplication *
wv_gui_test_app_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = wv_gui_settings_new (&error);
  WvApplication *app;

  g_assert_no_error (error);
  app = wv_application_new (settings, G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

static gboolean
window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (data);
}

/* The main window, shown. */
WvWindow *
wv_gui_test_window_new (WvApplication *app)
{
  GtkWindow *window = wv_application_get_main_window (app);

  gtk_window_present (window);
  g_assert_true (wv_gui_test_wait (window_mapped, window, 5000));
  return WV_WINDOW (window);
}

typedef struct {
  GtkWidget *widget;
  int width, height;
} SizeWait;

static gboolean
has_size (gpointer data)
{
  SizeWait *w = data;

  return gtk_widget_get_width (w->widget) == w->width && gtk_widget_get_height (w->widget) == w->height;
}

static gboolean
has_some_size (gpointer data)
{
  SizeWait *w = data;

  return gtk_widget_get_width (w->widget) > 0 && gtk_widget_get_height (w->widget) > 0;
}

/* Resizes @window so that its widget (what screenshots show) is @width x
 * @height and waits for the allocation. The default size also counts the
 * frame of client-side decorations without a compositor, so the first
 * attempt tells how much to add. */
void
wv_gui_test_wait_size (GtkWidget *window,
                       int        width,
                       int        height)
{
  SizeWait w = { window, width, height };
  int frame_w, frame_h;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  g_assert_true (wv_gui_test_wait (has_some_size, &w, 5000));
  wv_gui_test_iterate (200);
  frame_w = width - gtk_widget_get_width (window);
  frame_h = height - gtk_widget_get_height (window);
  if (frame_w != 0 || frame_h != 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width + frame_w, height + frame_h);
  /* A screen smaller than the window (xvfb-run's default is 640x480)
   * keeps it smaller: the tests go on, the screenshots are smaller. */
  if (!wv_gui_test_wait (has_size, &w, 5000))
    g_test_message ("the window is %d x %d, not %d x %d (is the screen smaller? "
                    "tools/test.sh runs Xvfb at 1920x1080)", gtk_widget_get_width (window),
                    gtk_widget_get_height (window), width, height);
  wv_gui_test_iterate (100);
}

void
wv_gui_test_iterate (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/**
 * wv_gui_test_wait:
 *
 * Runs the main loop until @condition holds or @timeout_ms passed.
 *
 * Returns: whether @condition held
 */
gboolean
wv_gui_test_wait (WvGuiTestCondition condition,
                  gpointer           data,
                  guint              timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () >= end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return TRUE;
}

static void
after_paint (GdkFrameClock *clock,
             gboolean      *painted)
{
  *painted = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/**
 * wv_gui_test_screenshot:
 * @name: file name, without directory
 *
 * Renders @widget (a window: its whole content) as it looks now and saves
 * it as <build dir>/tests/gui/screenshots/@name.
 *
 * Returns: (transfer full): the path written
 */
char *
wv_gui_test_screenshot (GtkWidget  *widget,
                        const char *name)
{
  static GskRenderer *renderer;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  GtkSnapshot *snapshot;
  GskRenderNode *node;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  graphene_rect_t viewport;
  gboolean painted = FALSE;
  gulong id;
  char *path;

  /* A frame first, so that every widget has drawn its current state. */
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);
  gtk_widget_queue_draw (widget);
  g_assert_true (wv_gui_test_wait (is_true, &painted, 5000));
  g_signal_handler_disconnect (clock, id);

  if (renderer == NULL)
    {
      g_autoptr(GError) error = NULL;

      renderer = gsk_cairo_renderer_new ();
      g_assert_true (gsk_renderer_realize (renderer, NULL, &error));
      g_assert_no_error (error);
    }
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  graphene_rect_init (&viewport, 0, 0, gtk_widget_get_width (widget), gtk_widget_get_height (widget));
  texture = gsk_renderer_render_texture (renderer, node, &viewport);
  gsk_render_node_unref (node);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

/* Line @line (from 0) of a text file without its line end, or NULL. */
char *
wv_gui_test_read_line (const char *path,
                       guint       line)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  if (line >= g_strv_length (lines))
    return NULL;
  g_strchomp (lines[line]);
  return g_strdup (lines[line]);
}

/* Complete lines (ending in a newline) of a text file; 0 if unreadable. */
guint
wv_gui_test_count_lines (const char *path)
{
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

/* Removes @path and everything in it (a test's export). */
void
wv_gui_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        wv_gui_test_remove_tree (child);
      else
        g_assert_cmpint (g_remove (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static GtkWidget *
find_actionable (GtkWidget  *widget,
                 const char *action_name)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_actionable (c, action_name);

      if (found)
        return found;
    }
  return NULL;
}

/**
 * wv_gui_test_action_enabled:
 *
 * Whether the first button (or other actionable widget) under @root that
 * activates @action_name can be used: what the user sees of an action's
 * enabled state. Fails the test if there is no such widget.
 */
gboolean
wv_gui_test_action_enabled (GtkWidget  *root,
                            const char *action_name)
{
  GtkWidget *widget = find_actionable (root, action_name);

  g_assert_nonnull (widget);
  return gtk_widget_get_sensitive (widget);
}

/**
 * wv_gui_test_save:
 * @name: file name, without directory
 *
 * Lets revealers (banners) and stack transitions finish, then saves a
 * screenshot of @widget (wv_gui_test_screenshot()) and checks it is there.
 */
void
wv_gui_test_save (GtkWidget  *widget,
                  const char *name)
{
  g_autofree char *path = NULL;

  wv_gui_test_iterate (400);
  path = wv_gui_test_screenshot (widget, name);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

/**
 * wv_gui_test_cell:
 *
 * Returns: the text of cell @column of row @row of a model of #WvTableRow
 *   (the row lives on in the model, and so does its text)
 */
const char *
wv_gui_test_cell (GListModel *model,
                  guint       row,
                  guint       column)
{
  g_autoptr(WvTableRow) r = g_list_model_get_item (model, row);

  g_assert_nonnull (r);
  return wv_table_row_get_cell (r, column);
}

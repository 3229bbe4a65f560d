/* test-gui-i18n.c: the window in German
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs with LANGUAGE=de and the catalogue built from po/de.po (the program
 * binds its text domain to the build tree when it runs from there): text
 * from C (_()), from the templates (translatable="yes") and from the
 * charts must all come out in German. Saves a screenshot.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "wv-gui.h"
#include "wv-gui-test.h"

static WvApplication *app;
static WvWindow *window;
static const char *skip_reason;

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (has_label (c, text))
      return TRUE;
  return FALSE;
}

static void
test_german (void)
{
  WvChartsPage *charts;
  g_autofree char *path = NULL;

  if (skip_reason)
    {
      g_test_skip (skip_reason);
      return;
    }

  /* From C. */
  g_assert_cmpstr (wv_window_get_progress_text (window), ==, "Startbereit");
  g_assert_cmpstr (wv_window_get_status_text (window), ==, "Bereit");
  charts = wv_window_get_charts_page (window);
  g_assert_cmpstr (wv_time_chart_get_title (wv_charts_page_get_chart (charts, WV_CHART_METRIC_DELAY, WV_DIR_C2S)),
                   ==, "Einwegverzögerung");
  g_assert_cmpstr (wv_gui_direction_label (WV_DIR_C2S), ==, "Client → Server");
  /* From the templates: the mode switcher, the tabs, the welcome page. */
  g_assert_true (has_label (GTK_WIDGET (window), "Selbsttest"));
  g_assert_true (has_label (GTK_WIDGET (window), "Verbinden"));
  g_assert_true (has_label (GTK_WIDGET (window), "Diagramme"));
  g_assert_true (has_label (GTK_WIDGET (window), "Protokoll"));
  g_assert_true (has_label (GTK_WIDGET (window), "Willkommen bei wifi-verify"));
  g_assert_false (has_label (GTK_WIDGET (window), "Charts"));

  path = wv_gui_test_screenshot (GTK_WIDGET (window), "window-de.png");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("LANGUAGE", "de", TRUE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  wv_gui_init_i18n ();

  g_test_add_func ("/gui/i18n/german", test_german);

  if (!wv_gui_is_uninstalled ())
    skip_reason = "not run from the build tree: the German catalogue of this build is not where the program looks";
  else if (g_strcmp0 (setlocale (LC_MESSAGES, NULL), "C") == 0 ||
           g_strcmp0 (setlocale (LC_MESSAGES, NULL), "POSIX") == 0)
    skip_reason = "the locale is C, which ignores LANGUAGE: run with LC_ALL=C.UTF-8 (as meson test does)";
  else if (!wv_gui_test_have_display () || !gtk_init_check ())
    skip_reason = WV_GUI_TEST_NO_DISPLAY;
  else
    {
      app = wv_gui_test_app_new ();
      window = wv_gui_test_window_new (app);
      wv_gui_test_wait_size (GTK_WIDGET (window), 1280, 800);
    }

  ret = g_test_run ();
  if (window)
    gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&app);
  return ret;
}

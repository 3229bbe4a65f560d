/* wv-gui-test.h: what the GUI tests share: the application in-process,
 * waiting without blocking the main loop, screenshots
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-application.h"
#include "wv-window.h"

G_BEGIN_DECLS

#define WV_GUI_TEST_NO_DISPLAY "no display: neither WAYLAND_DISPLAY nor DISPLAY is set (CI runs the GUI tests under xvfb-run -a)"

typedef gboolean (*WvGuiTestCondition) (gpointer data);

gboolean       wv_gui_test_have_display (void);
WvApplication *wv_gui_test_app_new      (void);
WvWindow      *wv_gui_test_window_new   (WvApplication     *app);
void           wv_gui_test_wait_size    (GtkWidget         *window,
                                         int                width,
                                         int                height);
gboolean       wv_gui_test_wait         (WvGuiTestCondition condition,
                                         gpointer           data,
                                         guint              timeout_ms);
void           wv_gui_test_iterate      (guint              ms);
char          *wv_gui_test_screenshot   (GtkWidget         *widget,
                                         const char        *name);
gboolean       wv_gui_test_action_enabled (GtkWidget       *root,
                                         const char        *action_name);
char          *wv_gui_test_read_line    (const char        *path,
                                         guint              line);
guint          wv_gui_test_count_lines  (const char        *path);
void           wv_gui_test_remove_tree  (const char        *path);
void           wv_gui_test_save         (GtkWidget         *widget,
                                         const char        *name);
const char    *wv_gui_test_cell         (GListModel        *model,
                                         guint              row,
                                         guint              column);

G_END_DECLS

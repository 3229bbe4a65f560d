/* wv-preferences-window.h: the measurement settings
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WV_TYPE_PREFERENCES_WINDOW (wv_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (WvPreferencesWindow, wv_preferences_window, WV, PREFERENCES_WINDOW, GtkWindow)

GtkWidget *wv_preferences_window_new (GtkWindow *parent,
                                      GSettings *settings);

G_END_DECLS

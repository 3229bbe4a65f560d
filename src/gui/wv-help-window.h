/* wv-help-window.h: a short help page (F1)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WV_TYPE_HELP_WINDOW (wv_help_window_get_type ())
G_DECLARE_FINAL_TYPE (WvHelpWindow, wv_help_window, WV, HELP_WINDOW, GtkWindow)

WvHelpWindow *wv_help_window_new (GtkWindow *parent);

G_END_DECLS

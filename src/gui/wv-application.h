/* wv-application.h: the wifi-verify GtkApplication
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define WV_TYPE_APPLICATION (wv_application_get_type ())
G_DECLARE_FINAL_TYPE (WvApplication, wv_application, WV, APPLICATION, GtkApplication)

WvApplication *wv_application_new              (GSettings        *settings,
                                                GApplicationFlags extra_flags);
GSettings     *wv_application_get_settings     (WvApplication    *self);
const GError  *wv_application_get_engine_error (WvApplication    *self);
void           wv_application_set_engine_error (WvApplication    *self,
                                                const GError     *error);
GtkWindow     *wv_application_get_main_window  (WvApplication    *self);

G_END_DECLS

/* wv-log-page.h: the window's log: engine messages, phases, errors
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-session.h"

G_BEGIN_DECLS

/* Lines kept; older ones are removed first. */
#define WV_LOG_PAGE_MAX_LINES 5000

#define WV_TYPE_LOG_PAGE (wv_log_page_get_type ())
G_DECLARE_FINAL_TYPE (WvLogPage, wv_log_page, WV, LOG_PAGE, GtkWidget)

GtkWidget *wv_log_page_new         (void);
void       wv_log_page_append      (WvLogPage     *self,
                                    WvMessageKind  kind,
                                    const char    *text);
void       wv_log_page_clear       (WvLogPage     *self);
guint      wv_log_page_get_n_lines (WvLogPage     *self);
char      *wv_log_page_dup_text    (WvLogPage     *self);

G_END_DECLS

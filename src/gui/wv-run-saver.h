/* wv-run-saver.h: keeps a measurement as a run file while it runs
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wv-session.h"

G_BEGIN_DECLS

#define WV_TYPE_RUN_SAVER (wv_run_saver_get_type ())
G_DECLARE_FINAL_TYPE (WvRunSaver, wv_run_saver, WV, RUN_SAVER, GObject)

GFile      *wv_run_saver_dup_default_dir (void);
WvRunSaver *wv_run_saver_new       (WvSession  *session,
                                    GFile      *dir);
WvSession  *wv_run_saver_get_session (WvRunSaver *self);
GFile      *wv_run_saver_get_file  (WvRunSaver *self);
gboolean    wv_run_saver_get_done  (WvRunSaver *self);
const char *wv_run_saver_get_error (WvRunSaver *self);

G_END_DECLS

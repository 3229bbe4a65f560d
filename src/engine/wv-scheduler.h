/* wv-scheduler.h: periodic sends on a fixed time grid, in one thread
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _WvScheduler WvScheduler;
typedef struct _WvSchedulerTask WvSchedulerTask;

/* Runs in the scheduler's thread at (or as soon as possible after) each
 * point of the task's grid. @late_ns is how late this run is. Return FALSE
 * to stop the task (it is then freed by the scheduler thread). */
typedef gboolean (*WvSchedulerFunc) (gpointer user_data, guint64 tick, gint64 late_ns);

WvScheduler *wv_scheduler_get_default (void);

/* Starts calling @func every @period_ns, the first time at @start_mono_ns
 * (CLOCK_MONOTONIC; 0 = now). The grid is absolute: a late run does not
 * shift later ones. */
WvSchedulerTask *wv_scheduler_add (WvScheduler *self, gint64 period_ns, gint64 start_mono_ns,
                                   WvSchedulerFunc func, gpointer user_data,
                                   GDestroyNotify destroy);
/* Stops a task. When this returns, @func is not running and will not run
 * again; @destroy has been called. */
void wv_scheduler_remove (WvScheduler *self, WvSchedulerTask *task);

G_END_DECLS

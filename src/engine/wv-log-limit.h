/* wv-log-limit.h: a rate limit for log lines caused by a peer
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A peer that sends malformed input thousands of times a second must not
 * fill the log. Each limiter (one per connection) lets through a burst of
 * lines per reason, then one line per interval, and says how many lines
 * it held back in the next one it lets through.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _WvLogLimit WvLogLimit;

/* @burst lines per reason at once, then one every @interval_s seconds. */
WvLogLimit *wv_log_limit_new (guint burst, guint interval_s);
void wv_log_limit_free (WvLogLimit *self);
/* Whether a line for @reason may be logged now. When it may, *@suppressed
 * gets the number of lines of that reason held back since the last one. At
 * most 32 reasons are told apart; others share one budget. */
gboolean wv_log_limit_allow (WvLogLimit *self, const char *reason, guint64 *suppressed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvLogLimit, wv_log_limit_free)

G_END_DECLS

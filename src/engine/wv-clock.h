/* wv-clock.h: how far this host's clock can be trusted
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wv-protocol.h"

G_BEGIN_DECLS

/* Fills @info from adjtimex() (synchronised flag and estimated error) and
 * the kernel boot id. */
void wv_clock_get_info (WvClockInfo *info);

/* Decides how one-way delays between two ends can be computed: directly
 * when both ends share a clock (same boot id) or both are synchronised
 * with a small enough combined error; otherwise from an offset estimate.
 * @error_ms gets the bound on the clock error in the synced case, -1 else. */
WvOwdMode wv_clock_choose_mode (const WvClockInfo *local, const WvClockInfo *peer,
                                double max_error_ms, double *error_ms);

gint64 wv_now_ns (void);          /* CLOCK_REALTIME */
gint64 wv_monotonic_ns (void);    /* CLOCK_MONOTONIC */

G_END_DECLS

/* wv-test-pair.h: two WvPeers connected to each other in one process
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wv-peer.h"

typedef struct {
  WvPeer *offerer;
  WvPeer *answerer;
  char *error;
} WvTestPair;

/* Connects an offerer and an answerer over the given loopback address
 * ("127.0.0.1" or "::1"), running the thread-default main context until
 * both report every channel open or @timeout_s passes. Returns FALSE with
 * pair->error set on failure. */
gboolean wv_test_pair_connect (WvTestPair *pair, const char *address, int family,
                               gboolean socket_errors, guint timeout_s);
void wv_test_pair_clear (WvTestPair *pair);

/* Runs the thread-default main context until *flag becomes TRUE or the
 * timeout passes; returns *flag. */
gboolean wv_test_run_until (gboolean *flag, guint timeout_ms);

gboolean wv_test_have_ipv6_loopback (void);

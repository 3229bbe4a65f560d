/* wv-test-records.h: records made by hand for the tests of the trace table
 * (tests/test-trace-table.c) and of the GUI (tests/gui, its benchmark too)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include "wv-record.h"

/* A record of @type with its header filled in and everything else zero. */
static inline WvRecord
wv_test_record (WvRecordType type,
                guint        conn,
                int          family,
                WvDirection  dir)
{
  WvRecord r;

  memset (&r, 0, sizeof r);
  r.type = type;
  r.conn = conn;
  r.family = family;
  r.dir = dir;
  return r;
}

/* A hop record; @addr NULL is a silent hop (no RTT). */
static inline WvRecord
wv_test_hop (guint       conn,
             int         family,
             WvDirection dir,
             guint       round,
             guint       ttl,
             const char *addr,
             double      rtt,
             gboolean    reached)
{
  WvRecord r = wv_test_record (WV_RECORD_HOP, conn, family, dir);

  r.time_ns = G_GINT64_CONSTANT (1763800000250000000);
  r.hop.round = round;
  r.hop.ttl = ttl;
  if (addr)
    g_strlcpy (r.hop.addr, addr, sizeof r.hop.addr);
  r.hop.rtt_ms = addr ? rtt : -1;
  r.hop.reached = reached;
  return r;
}

/* An IPv4 MTU record for the link up to hop @hop_ttl. */
static inline WvRecord
wv_test_mtu (guint       conn,
             WvDirection dir,
             guint       hop_ttl,
             const char *addr,
             guint       value)
{
  WvRecord r = wv_test_record (WV_RECORD_MTU, conn, 4, dir);

  r.mtu.hop = hop_ttl;
  g_strlcpy (r.mtu.addr, addr, sizeof r.mtu.addr);
  r.mtu.mtu = value;
  return r;
}

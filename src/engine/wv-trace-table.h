/* wv-trace-table.h: traceroute and MTU records gathered per path
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by the CLI's path tables and the GUI's traceroute and MTU pages,
 * so that both show the same per-hop figures.
 */
#pragma once

#include <glib.h>

#include "wv-record.h"

G_BEGIN_DECLS

/* Bounds that keep a misbehaving peer from growing the table without end:
 * 16 connections per family in two directions fit four times over. */
#define WV_TRACE_TABLE_MAX_PATHS        256
#define WV_TRACE_TABLE_MAX_TTL          255
#define WV_TRACE_TABLE_MAX_ANSWERS      1024  /* RTT samples kept per hop */
#define WV_TRACE_TABLE_MAX_ADDRESSES    8     /* distinct addresses kept per hop */

/**
 * WvTracePathKey: which path: one connection, one direction.
 */
typedef struct {
  guint conn;
  int family;
  WvDirection dir;
} WvTracePathKey;

/**
 * WvTraceHop:
 * @ttl: the hop's distance
 * @address: (nullable): the address that answered most often at this TTL,
 *   or %NULL if none answered
 * @n_addresses: distinct addresses that answered (more than one: the
 *   route changed between rounds)
 * @probes: probes sent at this TTL (answered or not)
 * @answers: probes answered
 * @rtt: RTT summary of the answers (n == 0 when none)
 * @loss_pct: unanswered probes in percent, NaN when no probe is known
 * @reached: the answer came from the peer itself
 * @has_mtu: an mtu record names this hop
 * @mtu: MTU measured up to this hop (from an mtu record), 0 if unknown
 * @mtu_address: (nullable): the address the mtu record named
 * @has_rx_tos: a router's ICMP error at this TTL quoted our probe's IP
 *   header (only the ICMP helper sees it)
 * @rx_tos: the TOS byte / traffic class in that quote: the marking the
 *   probe arrived with at this hop (the newest quote)
 */
typedef struct {
  guint ttl;
  const char *address;
  guint n_addresses;
  guint probes;
  guint answers;
  WvSummary rtt;
  double loss_pct;
  gboolean reached;
  gboolean has_mtu;
  guint mtu;
  const char *mtu_address;
  gboolean has_rx_tos;
  guint8 rx_tos;
} WvTraceHop;

typedef struct _WvTraceTable WvTraceTable;

WvTraceTable *wv_trace_table_new          (void);
void          wv_trace_table_free         (WvTraceTable   *self);
gboolean      wv_trace_table_add          (WvTraceTable   *self,
                                           const WvRecord *record);
guint         wv_trace_table_get_n_paths  (WvTraceTable   *self);
int           wv_trace_table_find         (WvTraceTable   *self,
                                           guint           conn,
                                           WvDirection     dir);
void          wv_trace_table_get_key      (WvTraceTable   *self,
                                           guint           path,
                                           WvTracePathKey *out);
guint         wv_trace_table_get_n_hops   (WvTraceTable   *self,
                                           guint           path);
gboolean      wv_trace_table_get_hop      (WvTraceTable   *self,
                                           guint           path,
                                           guint           index,
                                           WvTraceHop     *out);
gboolean      wv_trace_table_get_reached  (WvTraceTable   *self,
                                           guint           path);
guint         wv_trace_table_get_n_ttls   (WvTraceTable   *self,
                                           guint           path);
guint         wv_trace_table_get_path_mtu (WvTraceTable   *self,
                                           guint           path,
                                           gboolean       *confirmed);
gboolean        wv_trace_table_get_path_mtu_at_least (WvTraceTable *self,
                                                      guint         path);
gboolean      wv_trace_table_has_traceroute (WvTraceTable *self,
                                           guint           path);
guint         wv_trace_table_get_n_rounds (WvTraceTable   *self,
                                           guint           path);
gboolean      wv_trace_table_get_sent_tos (WvTraceTable   *self,
                                           guint           path,
                                           guint          *tos);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvTraceTable, wv_trace_table_free)

G_END_DECLS

/* wv-path-probe.h: traceroute and MTU discovery on a connection's own flow
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wv-icmp-helper-client.h"
#include "wv-peer.h"
#include "wv-protocol.h"
#include "wv-record.h"

G_BEGIN_DECLS

typedef struct {
  guint max_ttl;            /* 1..64 */
  guint rounds;             /* 1..10 */
  guint timeout_ms;         /* how long a round waits for silent hops */
  int tos;                  /* TOS byte of the probes, -1 = the default */
} WvTraceParams;

typedef struct {
  guint max_size;           /* largest IP packet tried */
  guint timeout_ms;         /* per probe */
  /* The sizes tried first, below max_size, before the search narrows down
   * to the byte; 0 sizes: wv_mtu_sizes_default(). */
  guint n_sizes;
  guint sizes[WV_MTU_MAX_SIZES];
} WvMtuParams;

#define WV_TRACE_PARAMS_DEFAULT { 16, 3, 1000, -1 }
#define WV_MTU_PARAMS_DEFAULT { 1500, 1000 }

typedef struct {
  guint64 probes_sent;
  guint64 not_applied;      /* the stack could not give a probe its options */
  guint64 icmp_socket;      /* ICMP errors matched from the socket error queue */
  guint64 icmp_helper;      /* ICMP errors matched from the ICMP helper */
  guint64 unmatched;        /* ICMP errors that matched no probe */
} WvPathProbeCounters;

/* The earlier system's list: 576, 1280, 1350, 1400, 1450, 1472, 1490, 1500. */
const guint *wv_mtu_sizes_default (guint *n_sizes);
/* "576 1280,1400": 1 to WV_MTU_MAX_SIZES sizes of WV_MTU_MIN..WV_MTU_MAX
 * bytes, separated by spaces or commas; sorted, repeats dropped. */
gboolean wv_mtu_sizes_parse (const char *text, guint *sizes, guint *n_sizes, GError **error);
/* "576 1280 1400" */
char *wv_mtu_sizes_to_string (const guint *sizes, guint n_sizes);

#define WV_TYPE_PATH_PROBE (wv_path_probe_get_type ())
G_DECLARE_FINAL_TYPE (WvPathProbe, wv_path_probe, WV, PATH_PROBE, GObject)

/* Probes go out through @peer's testprobe channel. @helper may be NULL. */
WvPathProbe *wv_path_probe_new (WvPeer *peer, WvIcmpHelper *helper);
/* Runs @params->rounds traceroute rounds; emits "hop" per probe and "done". */
gboolean wv_path_probe_start_trace (WvPathProbe *self, const WvTraceParams *params,
                                    GError **error);
/* Finds the path MTU and the MTU up to each hop (uses the hops of the last
 * trace, running one round first if there was none); emits "mtu" per hop,
 * "path-mtu" and "done". */
gboolean wv_path_probe_start_mtu (WvPathProbe *self, const WvMtuParams *params,
                                  GError **error);
gboolean wv_path_probe_is_busy (WvPathProbe *self);
void wv_path_probe_cancel (WvPathProbe *self);
/* The peer acknowledged one of our test probes. */
void wv_path_probe_handle_ack (WvPathProbe *self, const WvTestProbe *ack, const WvRecvInfo *info);
/* The peer's WV_TESTPROBE_ACK_WIRE: its ack's wire send time. */
void wv_path_probe_handle_ack_wire (WvPathProbe *self, const WvTestProbe *ack_wire);
/* The peer sends ACK_WIRE after its acks (its hello said wire_times): a
 * trace waits for it (up to the round's deadline) to time the peer hop
 * wire to wire. */
void wv_path_probe_set_peer_wire_times (WvPathProbe *self, gboolean wire_times);
void wv_path_probe_get_counters (WvPathProbe *self, WvPathProbeCounters *out);

G_END_DECLS

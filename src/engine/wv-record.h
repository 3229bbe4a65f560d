/* wv-record.h: measurement records, as written to JSON lines and CSV
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every result the engine produces is a WvRecord: per-second statistics per
 * connection, direction and window, end-of-run summaries, traceroute hops,
 * per-hop MTUs and path MTUs. docs/output.md documents their JSON and CSV
 * forms.
 */
#pragma once

#include <glib.h>

#include "wv-outage.h"
#include "wv-stats.h"

G_BEGIN_DECLS

typedef enum {
  WV_DIR_C2S = 0,   /* sent by the client, received by the server */
  WV_DIR_S2C = 1,   /* sent by the server, received by the client */
} WvDirection;

const char *wv_direction_to_string (WvDirection dir);

typedef enum {
  WV_RECORD_STATS,
  WV_RECORD_SUMMARY,
  WV_RECORD_HOP,
  WV_RECORD_MTU,
  WV_RECORD_PATH_MTU,
  WV_RECORD_OUTAGE,
  WV_RECORD_LOST,
  WV_N_RECORD_TYPES
} WvRecordType;

const char *wv_record_type_to_string (WvRecordType type);

typedef enum {
  WV_OWD_SYNCED,            /* both clocks trusted (or one host): raw OWD */
  WV_OWD_OFFSET_ESTIMATED,  /* OWD corrected by the NTP-style offset estimate */
} WvOwdMode;

const char *wv_owd_mode_to_string (WvOwdMode mode);

/* WV_RECORD_STATS (window_s 1, 10 or 60) and WV_RECORD_SUMMARY (whole run). */
typedef struct {
  guint window_s;           /* 0 for a summary */
  double duration_s;        /* summary: seconds the direction was measured */
  WvRxRecord rx;            /* receiver side: owd, ipdv, jitter, loss, ... */
  WvSummary rtt_ms;         /* sender side, from echoes */
  WvOwdMode owd_mode;
  double clock_error_ms;    /* bound on the OWD error from the clocks, or -1 */
  int dscp;                 /* DSCP the stream was sent with, -1 = default */
  gboolean remarked;        /* received TOS differs from what was sent */
  double sched_err_p99_ms;  /* sender's probe scheduling error p99, -1 unknown */
  guint64 probes_sent;      /* summary: probes the sender sent */
  guint rtt_wire_samples;   /* of rtt_ms.n, the RTTs timed wire to wire */
  double skew_ppm;          /* estimated rate of the receiver's clock against the
                             * sender's, ppm (offset-estimated mode); NaN unknown */
  /* summary only: */
  gboolean rx_missing;      /* the receiver's part is missing: probes, loss unknown */
  gboolean rx_partial;      /* it is missing, but its per-second reports gave
                             * probes and expected; the rest is unknown */
  gboolean tx_missing;      /* the sender's part is missing: probes_sent, rtt unknown */
  gboolean peer_lost;       /* the connection's peer was lost */
  WvExpectedSource expected_source;  /* where rx.expected comes from */
} WvStatsRecord;

/* WV_RECORD_OUTAGE: a gap in the probe streams of one direction, seen by
 * its receiver. Written when it opens (end_ns 0) and again when it ends. */
typedef struct {
  gint64 start_ns;          /* CLOCK_REALTIME of this host (see docs/output.md) */
  gint64 end_ns;            /* 0 while open */
  guint64 probes_lost;
} WvOutageRecord;

/* WV_RECORD_LOST: nothing at all arrived from the peer for timeout_s; the
 * connection ends in WV_CONN_LOST. dir is the direction this end receives. */
typedef struct {
  gint64 last_rx_ns;        /* CLOCK_REALTIME of the last arrival from the peer */
  double timeout_s;
} WvLostRecord;

/* WV_RECORD_HOP: one traceroute probe's answer. */
typedef struct {
  guint round;
  guint ttl;
  char addr[46];            /* empty string: silent hop (JSON null) */
  double rtt_ms;            /* < 0 when silent */
  gboolean reached;         /* the answer came from the peer itself */
} WvHopRecord;

/* WV_RECORD_MTU: the MTU found for the link after a hop. */
typedef struct {
  guint hop;
  char addr[46];
  guint mtu;
} WvMtuRecord;

typedef struct {
  guint mtu;
  gboolean confirmed;       /* the peer received a probe of this size */
  gboolean at_least;        /* the largest size tried got through: the path
                             * MTU is this or more (no larger probe failed) */
} WvPathMtuRecord;

typedef struct {
  WvRecordType type;
  gint64 time_ns;           /* CLOCK_REALTIME when the record was made */
  guint conn;               /* connection number in the run, from 0 */
  int family;               /* 4 or 6 */
  WvDirection dir;          /* the end that sent the probes */
  union {
    WvStatsRecord stats;
    WvHopRecord hop;
    WvMtuRecord mtu;
    WvPathMtuRecord path_mtu;
    WvOutageRecord outage;
    WvLostRecord lost;
  };
} WvRecord;

G_END_DECLS

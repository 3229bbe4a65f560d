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
  WV_RECORD_VERDICT,
  WV_RECORD_WIFI,
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
  /* DSCP marking along the path: the TOS byte (IPv4) or traffic class
   * (IPv6) of our probe as the router received it, read from the IP header
   * its ICMP error quotes (only the ICMP helper sees that header); and the
   * TOS the probe was sent with (none: the system default). A zeroed
   * record knows neither. */
  gboolean has_rx_tos;
  guint8 rx_tos;
  gboolean has_tos;
  guint8 tos;
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

/* WV_RECORD_VERDICT: how one direction of one connection (or, with
 * run, the whole run) would serve a real-time use; src/engine/wv-verdict.h
 * computes them, docs/verdict.md explains every rule. */
typedef enum {
  WV_PROFILE_VOICE,
  WV_PROFILE_VIDEO,
  WV_PROFILE_INTERACTIVE,
  WV_N_PROFILES
} WvProfile;

const char *wv_profile_to_string (WvProfile profile);

typedef enum {
  WV_GRADE_UNKNOWN,         /* nothing measured to judge by */
  WV_GRADE_GOOD,
  WV_GRADE_FAIR,
  WV_GRADE_POOR,
  WV_N_GRADES
} WvGrade;

const char *wv_grade_to_string (WvGrade grade);

typedef enum {
  WV_VERDICT_METRIC_NONE,
  WV_VERDICT_METRIC_R_FACTOR,   /* voice: E-model rating */
  WV_VERDICT_METRIC_DELAY,      /* one-way delay, ms */
  WV_VERDICT_METRIC_LOSS,       /* loss, % */
  WV_VERDICT_METRIC_OUTAGE,     /* longest outage, s */
  WV_N_VERDICT_METRICS
} WvVerdictMetric;

const char *wv_verdict_metric_to_string (WvVerdictMetric metric);

typedef struct {
  gboolean run;             /* the run as a whole: conn/family/dir name the
                             * direction that decided it */
  int dscp;                 /* class of the stream judged, -1 = default */
  WvProfile profile;
  WvGrade grade;
  WvVerdictMetric metric;   /* what decided the grade */
  double value;             /* its value */
  double threshold;         /* the limit it met (good) or missed */
  double r_factor;          /* voice only, else NaN */
  double mos;               /* voice only, else NaN */
  double delay_ms;          /* the delay judged (NaN unknown) */
  gboolean delay_from_rtt;  /* no one-way delay: half the round trip */
  double loss_pct;          /* the loss judged (NaN unknown) */
  guint outages;
  double outage_max_s;      /* longest outage, 0 without one */
} WvVerdictRecord;

/* WV_RECORD_WIFI: the Wi-Fi link of the interface this end measures
 * through, from NetworkManager, at the start and once a second. The
 * record's conn, family and dir do not apply (written as null). */
#define WV_SSID_MAX 32

typedef struct {
  char iface[16];           /* interface name */
  guint8 ssid[WV_SSID_MAX]; /* raw bytes, not necessarily UTF-8 */
  guint ssid_len;
  char bssid[18];           /* "aa:bb:cc:dd:ee:ff", "" unknown */
  guint frequency_mhz;      /* 0 unknown */
  guint channel;            /* 0 unknown */
  int signal_pct;           /* NetworkManager's strength, 0-100, -1 unknown */
  guint bitrate_kbps;       /* the device's current link rate, 0 unknown */
  gboolean roamed;          /* the BSSID changed since the previous record */
} WvWifiRecord;

/* "2.4 GHz", "5 GHz", "6 GHz" (by frequency), or NULL. */
const char *wv_wifi_band (guint frequency_mhz);

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
    WvVerdictRecord verdict;
    WvWifiRecord wifi;
  };
} WvRecord;

G_END_DECLS

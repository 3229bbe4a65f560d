/* wv-connection.h: one measured connection, client or server side
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "wv-icmp-helper-client.h"
#include "wv-path-probe.h"
#include "wv-peer.h"
#include "wv-protocol.h"
#include "wv-record.h"

G_BEGIN_DECLS

typedef enum {
  WV_ROLE_CLIENT,
  WV_ROLE_SERVER,
} WvRole;

typedef enum {
  WV_CONN_CONNECTING,  /* ICE, DTLS, SCTP, hello */
  WV_CONN_READY,       /* hello exchanged, nothing streaming */
  WV_CONN_STREAMING,
  WV_CONN_STOPPING,    /* waiting for probes in flight and the peer's summary */
  WV_CONN_FINISHED,
  WV_CONN_FAILED,
  WV_CONN_LOST,        /* nothing arrived from the peer for the lost timeout */
} WvConnState;

const char *wv_conn_state_to_string (WvConnState state);
/* FINISHED, FAILED and LOST: the connection will not change again. */
gboolean wv_conn_state_is_final (WvConnState state);

/* Default of wv_connection_set_lost_timeout(). */
#define WV_LOST_TIMEOUT_DEFAULT_S 5

/* The stream output (bit/s on the wire) a server's connections share: each
 * streaming connection holds what it was granted until its streams stop. */
typedef struct _WvOutBudget WvOutBudget;

WvOutBudget *wv_out_budget_new (guint64 total_bps);
WvOutBudget *wv_out_budget_ref (WvOutBudget *budget);
void wv_out_budget_unref (WvOutBudget *budget);
guint64 wv_out_budget_get_total (WvOutBudget *budget);
guint64 wv_out_budget_get_used (WvOutBudget *budget);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvOutBudget, wv_out_budget_unref)

/* What a server is willing to send for one connection. */
typedef struct {
  guint max_rate_pps;
  guint max_probe_size;
  guint64 max_bulk_bps;
  double max_duration_s;
  guint64 max_out_bps;      /* all stream output of the connection, bit/s on the wire; 0: none */
  WvOutBudget *budget;      /* shared with the server's other connections, or NULL */
} WvServerCaps;

#define WV_SERVER_CAPS_DEFAULT { 1000, WV_PROBE_MAX_SIZE, 50 * 1000 * 1000, 3600, \
                                 60 * 1000 * 1000, NULL }

/* Bytes of headers on the wire per data-channel message, counted by the
 * output caps: IPv6 40, UDP 8, DTLS 37, SCTP common header and DATA chunk 28. */
#define WV_WIRE_OVERHEAD 113

/* Bit/s on the wire that one end sends for @p: its probes in every class,
 * its echoes of the peer's probes and its bulk traffic. */
guint64 wv_streams_out_bps (const WvMsgStreams *p);

typedef struct {
  guint64 malformed;        /* control messages or packets that did not parse */
  guint64 unknown;          /* well-formed messages of an unknown type */
  guint64 unexpected;       /* messages not valid in the current state/role */
  guint64 echoes_limited;   /* probes not echoed because of the echo rate cap */
  guint64 bulk_skipped;     /* bulk sends skipped: the channel's buffer was full */
  guint64 send_errors;
  guint64 rtt_untimed;      /* echoes left out of the RTT: no wire times for them */
} WvConnCounters;

typedef enum {
  WV_OWD_AUTO = -1,         /* decide from the two ends' clock info */
} WvOwdModeChoice;

#define WV_TYPE_CONNECTION (wv_connection_get_type ())
G_DECLARE_FINAL_TYPE (WvConnection, wv_connection, WV, CONNECTION, GObject)

WvConnection *wv_connection_new (WvRole role, guint index, const char *session,
                                 const char *id, const WvPeerConfig *peer_config,
                                 GError **error);
WvPeer *wv_connection_get_peer (WvConnection *self);
WvConnState wv_connection_get_state (WvConnection *self);
guint wv_connection_get_index (WvConnection *self);
const char *wv_connection_get_id (WvConnection *self);
int wv_connection_get_family (WvConnection *self);
WvOwdMode wv_connection_get_owd_mode (WvConnection *self);
/* The software the peer named in its hello ("" before it). */
const char *wv_connection_get_peer_software (WvConnection *self);
void wv_connection_get_counters (WvConnection *self, WvConnCounters *out);

void wv_connection_set_caps (WvConnection *self, const WvServerCaps *caps);
/* WV_OWD_AUTO, WV_OWD_SYNCED or WV_OWD_OFFSET_ESTIMATED */
void wv_connection_set_owd_mode (WvConnection *self, int mode);
/* Largest combined clock error (ms) for which synchronised clocks are
 * trusted for one-way delays. */
void wv_connection_set_max_clock_error (WvConnection *self, double ms);
void wv_connection_set_idle_timeout (WvConnection *self, guint seconds);
/* While streaming (and stopping): nothing at all received from the peer
 * for this long declares it lost (WV_CONN_LOST, a "lost" record, the
 * summaries from what this end knows). At least 1 s. */
void wv_connection_set_lost_timeout (WvConnection *self, double seconds);

/* Client: asks the server to start both directions' streams. */
gboolean wv_connection_start_streams (WvConnection *self, const WvMsgStreams *params,
                                      GError **error);
/* Uses @helper (may be NULL) besides the socket error queue for ICMP. */
void wv_connection_set_icmp_helper (WvConnection *self, WvIcmpHelper *helper);
/* Client: traceroute and/or MTU search in both directions (this end's
 * probes here, the server's on request); records arrive through "record",
 * then "path-done" is emitted. */
gboolean wv_connection_run_path (WvConnection *self, const WvMsgPathRequest *request,
                                 GError **error);
void wv_connection_get_path_counters (WvConnection *self, WvPathProbeCounters *out);
/* Whether this end's traceroute or MTU search is running. */
gboolean wv_connection_is_path_running (WvConnection *self);

/* Stops the streams, waits for probes in flight, exchanges the summaries,
 * emits them and ends in WV_CONN_FINISHED. */
void wv_connection_stop (WvConnection *self);
/* Ends at once in WV_CONN_FAILED (the peer said bye, the WebRTC connection
 * failed, or the program quits): emits summaries of what was measured
 * locally. */
void wv_connection_abort (WvConnection *self, const char *reason);

JsonNode *wv_connection_describe (WvConnection *self);

G_END_DECLS

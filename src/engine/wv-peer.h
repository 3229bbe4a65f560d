/* wv-peer.h: one WebRTC peer connection with the four measurement channels
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <nice/agent.h>

#include "wv-send-options.h"

G_BEGIN_DECLS

/* The channels of every connection, pre-negotiated with fixed SCTP stream
 * ids so that both ends open them without a DCEP round trip. */
typedef enum {
  WV_CHANNEL_CONTROL = 0,    /* reliable, ordered: JSON control messages */
  WV_CHANNEL_PROBE = 1,      /* unreliable, unordered: probe streams */
  WV_CHANNEL_BULK = 2,       /* unreliable, unordered: throughput */
  WV_CHANNEL_TESTPROBE = 3,  /* unreliable, unordered: traceroute and MTU probes */
  WV_N_CHANNELS
} WvChannel;

const char *wv_channel_label (WvChannel ch);

typedef enum {
  WV_PEER_NEW,
  WV_PEER_CONNECTING,
  WV_PEER_CONNECTED,   /* every channel is open */
  WV_PEER_FAILED,
  WV_PEER_CLOSED,
} WvPeerState;

const char *wv_peer_state_to_string (WvPeerState state);

typedef struct {
  gboolean offerer;
  int family;                          /* 0 = any, 4 or 6 */
  const char *const *local_addresses;  /* NULL: every address of the family */
  const char *stun_uri;                /* "stun://host:port" or NULL */
  gboolean socket_errors;              /* IP_RECVERR on the ICE sockets */
} WvPeerConfig;

/* An ICMP (or local) error the kernel queued for one of our datagrams. */
typedef struct {
  char local_addr[WV_ADDR_STRLEN];
  guint local_port;
  char remote_addr[WV_ADDR_STRLEN];
  guint remote_port;
  char offender[WV_ADDR_STRLEN];       /* empty for a local error */
  guint family;
  guint origin;                        /* SO_EE_ORIGIN_* */
  guint type, code;
  guint32 info;                        /* next-hop MTU where relevant */
  gint error_code;
  gint icmp_ttl;                       /* TTL of the ICMP message, -1 unknown */
  gint64 receive_time_ns;
  guint8 payload[64];                  /* start of our quoted UDP payload */
  gsize payload_len;
} WvSocketError;

#define WV_TYPE_PEER (wv_peer_get_type ())
G_DECLARE_FINAL_TYPE (WvPeer, wv_peer, WV, PEER, GObject)

WvPeer *wv_peer_new (const WvPeerConfig *config, GError **error);
void wv_peer_start (WvPeer *self);
gboolean wv_peer_set_remote_description (WvPeer *self, const char *type,
                                         const char *sdp, GError **error);
gboolean wv_peer_add_remote_candidate (WvPeer *self, guint mline,
                                       const char *candidate);
gboolean wv_peer_send (WvPeer *self, WvChannel ch, GBytes *data,
                       const WvSendOptions *options, GError **error);
gboolean wv_peer_send_text (WvPeer *self, WvChannel ch, const char *text,
                            GError **error);
WvPeerState wv_peer_get_state (WvPeer *self);
int wv_peer_get_family (WvPeer *self);
char *wv_peer_dup_selected_pair (WvPeer *self);
/* The local address of the selected candidate pair (no port), or NULL
 * before one is selected. */
char *wv_peer_dup_local_address (WvPeer *self);
NiceAgent *wv_peer_get_nice_agent (WvPeer *self);
guint64 wv_peer_get_buffered_amount (WvPeer *self, WvChannel ch);

/* Called for every send report in the streaming thread that posts it,
 * before the "send-report" signal in the owner's context: for wire times
 * that must not wait for a busy main loop. The function must be
 * thread-safe and quick; it returns TRUE when it took the report, which
 * then is not emitted as "send-report" (a probe stream's hundreds of
 * reports a second stay out of the main loop). Setting another (or NULL)
 * waits for a call in progress to return. */
typedef gboolean (*WvPeerReportFunc) (const WvSendReport *report, gpointer user_data);
void wv_peer_set_report_func (WvPeer *self, WvPeerReportFunc func, gpointer user_data);
/* Closes the peer without waiting: the pipeline is torn down in a thread
 * of its own. Sends fail from now on; no signal is emitted any more. */
void wv_peer_close (WvPeer *self);
/* Waits at most @timeout_ms for the teardowns wv_peer_close() started;
 * TRUE when none is left (for a program about to exit). */
gboolean wv_peer_wait_teardowns (guint timeout_ms);

gboolean wv_candidate_family (const char *candidate, int *family);

G_END_DECLS

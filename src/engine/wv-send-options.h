/* wv-send-options.h: per-message UDP options, send reports, receive info
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

typedef enum {
  WV_DF_DEFAULT = 0,
  WV_DF_ON,
  WV_DF_OFF,
} WvDf;

/* Options for the one UDP datagram that carries a data-channel message.
 * -1 / WV_DF_DEFAULT / 0 mean "leave the default". See patches/README.md. */
typedef struct {
  gint ttl;            /* 1..255: IPv4 TTL or IPv6 hop limit */
  gint tos;            /* 0..255: IPv4 TOS byte or IPv6 traffic class */
  WvDf df;
  gint64 flow_label;   /* 0..0xfffff, IPv6 only */
  guint pad_to;        /* exact IP total length of the datagram */
  guint64 probe_id;    /* 0 = no report wanted */
} WvSendOptions;

#define WV_SEND_OPTIONS_INIT { -1, -1, WV_DF_DEFAULT, -1, 0, 0 }

gboolean wv_send_options_is_default (const WvSendOptions *o);
void wv_send_options_to_udp_options (const WvSendOptions *o, GstWebRTCUdpOptions *out);

#define WV_ADDR_STRLEN 46  /* INET6_ADDRSTRLEN */

/* What the stack reported for a message sent with a probe id: whether the
 * options were applied and, if the datagram left, what went on the wire.
 * Exactly one report arrives per probe id. */
typedef struct {
  guint64 probe_id;
  gboolean sent;          /* a datagram with the options left the socket */
  gboolean applied;       /* every requested option was applied */
  char stage[8];          /* "sctp" or "ice": where the report came from */
  char reason[160];       /* why not applied/sent; empty otherwise */
  char local_addr[WV_ADDR_STRLEN];
  guint local_port;
  char remote_addr[WV_ADDR_STRLEN];
  guint remote_port;
  guint family;           /* 4 or 6; 0 if not sent */
  gint64 send_time_ns;    /* CLOCK_REALTIME just before sendmsg() */
  guint udp_length;       /* UDP header + payload */
  guint ip_length;        /* IP total length */
  guint udp_checksum;
  gboolean has_dtls;
  guint dtls_content_type;
  guint dtls_epoch;
  guint64 dtls_seq;
} WvSendReport;

gboolean wv_send_report_parse (const GstStructure *s, WvSendReport *out);

/* What the kernel told the receiver about the datagram that carried a
 * message; -1 / 0 when unknown (for example the message did not fit in
 * one datagram). */
typedef struct {
  gint ttl;
  gint tos;
  gint64 receive_time_ns;  /* kernel receive timestamp, CLOCK_REALTIME */
  guint length;            /* UDP payload bytes, 0 = unknown */
} WvRecvInfo;

#define WV_RECV_INFO_INIT { -1, -1, 0, 0 }

void wv_recv_info_parse (const GstStructure *s, WvRecvInfo *out);

G_END_DECLS

/* wv-wire-match.h: matching an ICMP error to the probe datagram it quotes
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "wv-send-options.h"

G_BEGIN_DECLS

/* An ICMP error lets us know the datagram it is about by what it quotes.
 * Our datagrams are DTLS records, so the start of the quoted UDP payload is
 * the record header with its epoch and sequence number: unique per
 * connection. A router that quotes only the IP and UDP headers (RFC 792
 * asks for no more than 8 bytes of the datagram) leaves the ports, the UDP
 * length and the checksum, which the send report also gives. */
typedef struct {
  gboolean has_dtls;
  guint dtls_epoch;
  guint64 dtls_seq;
  gboolean has_udp;          /* ports, length and checksum below are known */
  guint local_port;          /* 0 = unknown (only with has_dtls) */
  guint remote_port;         /* 0 = unknown */
  guint udp_length;          /* UDP header + payload */
  guint udp_checksum;
  gint64 time_ns;            /* when the error arrived, CLOCK_REALTIME */
} WvWireKey;

/* Errors about datagrams sent longer ago than this are not matched by the
 * UDP fields (ports, length and checksum can repeat over time). */
#define WV_WIRE_MATCH_WINDOW_NS (10 * G_GINT64_CONSTANT (1000000000))

/* Reads a DTLS record header from the quoted UDP payload. */
gboolean wv_wire_key_set_dtls (WvWireKey *key, const guint8 *payload, gsize len);

/* Whether @key identifies the datagram @report describes. */
gboolean wv_wire_key_matches (const WvWireKey *key, const WvSendReport *report);

G_END_DECLS

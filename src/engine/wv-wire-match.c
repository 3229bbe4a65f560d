/* wv-wire-match.c: matching an ICMP error to the probe datagram it quotes
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "wv-wire-match.h"

/* DTLS 1.0/1.2 record header: content type (20-63 are the TLS types),
 * version {254, 255|253}, epoch (2 bytes), sequence number (6 bytes),
 * length (2 bytes). Only the first 11 bytes are needed. */
gboolean
wv_wire_key_set_dtls (WvWireKey *key, const guint8 *q, gsize len)
{
  if (q == NULL || len < 11 || q[0] < 20 || q[0] > 63 || q[1] != 0xfe)
    return FALSE;
  key->has_dtls = TRUE;
  key->dtls_epoch = (q[3] << 8) | q[4];
  key->dtls_seq = ((guint64) q[5] << 40) | ((guint64) q[6] << 32) | ((guint64) q[7] << 24) |
                  ((guint64) q[8] << 16) | ((guint64) q[9] << 8) | q[10];
  return TRUE;
}

gboolean
wv_wire_key_matches (const WvWireKey *key, const WvSendReport *r)
{
  if (!r->sent)
    return FALSE;
  if (key->local_port && r->local_port != key->local_port)
    return FALSE;
  if (key->remote_port && r->remote_port != key->remote_port)
    return FALSE;
  if (key->has_dtls)
    return r->has_dtls && r->dtls_epoch == key->dtls_epoch && r->dtls_seq == key->dtls_seq;
  if (!key->has_udp || key->local_port == 0 || key->udp_length == 0)
    return FALSE;
  /* No record header quoted: the UDP fields, within the window. A zero
   * checksum (IPv4 without one) says nothing, so it is not enough. */
  if (r->udp_length != key->udp_length || key->udp_checksum == 0 ||
      r->udp_checksum != key->udp_checksum)
    return FALSE;
  return key->time_ns <= 0 || r->send_time_ns <= 0 ||
         (key->time_ns - r->send_time_ns >= -1000000 &&
          key->time_ns - r->send_time_ns <= WV_WIRE_MATCH_WINDOW_NS);
}

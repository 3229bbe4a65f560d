/* wv-testprobe.c: traceroute and MTU probe packets
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Layout (network byte order), docs/protocol.md:
 *   0 magic 0x57, 1 kind (4 probe, 5 ack), 2 version 1, 3 TTL as sent,
 *   4-11 probe id, 12-19 t1, 20-21 UDP length (probe: padded to, 0 = not
 *   padded; ack: arrived in); acks add 22-23 received TTL (signed, -1
 *   unknown), 24-31 t2, 32-39 t3.
 *
 * Probes of earlier senders end at byte 19 (no UDP length): they are
 * accepted, with a UDP length of 0. Earlier receivers read bytes 20-21 of
 * our probes as padding, which they ignore.
 */
#include "config.h"

#include <string.h>

#include "wv-protocol.h"

#define MAGIC 0x57
#define VERSION 1

static void
put64 (guint8 *p, guint64 v)
{
  for (int i = 7; i >= 0; i--, v >>= 8)
    p[i] = v & 0xff;
}

static guint64
get64 (const guint8 *p)
{
  guint64 v = 0;

  for (int i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

gsize
wv_testprobe_write (const WvTestProbe *p, guint8 *buf, gsize size)
{
  gsize need = p->kind == WV_TESTPROBE_ACK ? WV_TESTPROBE_ACK_SIZE : WV_TESTPROBE_SIZE;

  if ((p->kind != WV_TESTPROBE && p->kind != WV_TESTPROBE_ACK && p->kind != WV_TESTPROBE_ACK_WIRE) ||
      size < need || (p->kind == WV_TESTPROBE_ACK_WIRE && size != need) ||
      (p->kind == WV_TESTPROBE_ACK && size != need) || size > WV_PROBE_MAX_SIZE)
    return 0;
  memset (buf, 0, size);
  buf[0] = MAGIC;
  buf[1] = p->kind;
  buf[2] = VERSION;
  buf[3] = p->ttl;
  put64 (buf + 4, p->probe_id);
  put64 (buf + 12, (guint64) p->t1);
  buf[20] = p->udp_length >> 8;
  buf[21] = p->udp_length & 0xff;
  if (p->kind == WV_TESTPROBE_ACK)
    {
      buf[22] = ((guint16) p->rx_ttl) >> 8;
      buf[23] = ((guint16) p->rx_ttl) & 0xff;
      put64 (buf + 24, (guint64) p->t2);
      put64 (buf + 32, (guint64) p->t3);
    }
  return size;
}

gboolean
wv_testprobe_parse (const guint8 *data, gsize len, WvTestProbe *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (len < WV_TESTPROBE_MIN_SIZE || data[0] != MAGIC || data[2] != VERSION ||
      (data[1] != WV_TESTPROBE && data[1] != WV_TESTPROBE_ACK && data[1] != WV_TESTPROBE_ACK_WIRE) ||
      (data[1] == WV_TESTPROBE_ACK && len != WV_TESTPROBE_ACK_SIZE) ||
      (data[1] == WV_TESTPROBE_ACK_WIRE && len != WV_TESTPROBE_SIZE) ||
      len > WV_PROBE_MAX_SIZE)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   "not a test probe (%" G_GSIZE_FORMAT " bytes)", len);
      return FALSE;
    }
  out->kind = data[1];
  out->ttl = data[3];
  out->probe_id = get64 (data + 4);
  out->t1 = (gint64) get64 (data + 12);
  if (len >= WV_TESTPROBE_SIZE)
    out->udp_length = (data[20] << 8) | data[21];
  if (out->kind == WV_TESTPROBE_ACK)
    {
      out->rx_ttl = (gint16) ((data[22] << 8) | data[23]);
      out->t2 = (gint64) get64 (data + 24);
      out->t3 = (gint64) get64 (data + 32);
      if (out->rx_ttl < -1 || out->rx_ttl > 255)
        {
          g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                       "test probe ack with TTL %d", out->rx_ttl);
          return FALSE;
        }
    }
  return TRUE;
}

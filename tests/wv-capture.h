/* wv-capture.h: capture UDP datagrams on an interface with AF_PACKET
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

typedef struct {
  int family;
  guint8 src[16], dst[16];   /* 4 or 16 bytes used */
  guint16 sport, dport;
  guint8 ttl;                /* TTL or hop limit */
  guint8 tos;                /* TOS byte or traffic class */
  gboolean df;               /* IPv4 DF bit */
  guint32 flow_label;        /* IPv6 */
  guint ip_length;
  guint udp_length;
  gboolean dtls;             /* payload starts with a DTLS record header */
  guint8 dtls_type;
  guint16 dtls_epoch;
  guint64 dtls_seq;
} WvCapturedDatagram;

typedef struct _WvCapture WvCapture;

/* Starts capturing in a thread; needs CAP_NET_RAW. On loopback every packet
 * passes twice; only the received copy is kept. */
WvCapture *wv_capture_start (const char *ifname, GError **error);
/* Stops, returns the datagrams (free with g_array_unref) and how many
 * packets the kernel dropped (a test must not trust an incomplete capture). */
GArray *wv_capture_stop (WvCapture *c, guint *drops);

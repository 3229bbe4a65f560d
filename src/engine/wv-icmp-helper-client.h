/* wv-icmp-helper-client.h: GLib client of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Name of the environment variable that overrides the helper path. */
#define WV_ICMP_HELPER_ENV "WV_ICMP_HELPER"
/* The protocol version this client speaks (docs/icmp-helper.md). */
#define WV_ICMP_HELPER_PROTOCOL 1
/* Most quoted UDP payload bytes an event carries. */
#define WV_ICMP_EVENT_MAX_PAYLOAD 256

typedef enum {
  WV_ICMP_KIND_TIME_EXCEEDED,   /* v4 type 11, v6 type 3 */
  WV_ICMP_KIND_UNREACHABLE,     /* v4 type 3 except code 4, v6 type 1 */
  WV_ICMP_KIND_PACKET_TOO_BIG,  /* v4 type 3 code 4, v6 type 2: mtu is set */
} WvIcmpKind;

/* One ICMP error about a UDP datagram sent from a watched port.  All
 * "quoted_" fields come from the copy of our datagram inside the error, as
 * the reporting router saw it. */
typedef struct {
  GSocketFamily family;          /* G_SOCKET_FAMILY_IPV4 or _IPV6 */
  GInetAddress *offender;        /* who sent the error */
  guint ifindex;                 /* interface it arrived on, 0 if unknown */
  guint8 type;
  guint8 code;
  guint32 mtu;                   /* next-hop MTU for "too big", else 0 */
  gint64 time_ns;                /* arrival, CLOCK_REALTIME nanoseconds */
  gboolean kernel_time;          /* time_ns is the kernel's SO_TIMESTAMPNS */

  GInetAddress *quoted_src;
  GInetAddress *quoted_dst;
  guint8 quoted_ttl;             /* TTL or hop limit when it reached the router */
  guint8 quoted_tos;             /* TOS byte or traffic class */
  guint16 quoted_ip_length;      /* IPv4 total length, IPv6 payload length */
  guint16 quoted_ip_id;          /* IPv4 only */
  gboolean quoted_df;            /* IPv4 only */
  guint32 quoted_flow_label;     /* IPv6 only */

  guint16 src_port;
  guint16 dst_port;
  guint16 udp_length;
  guint16 udp_checksum;
  GBytes *payload;               /* quoted UDP payload, at most 256 bytes, never NULL */
} WvIcmpEvent;

#define WV_TYPE_ICMP_EVENT (wv_icmp_event_get_type ())

GType        wv_icmp_event_get_type (void) G_GNUC_CONST;
WvIcmpEvent *wv_icmp_event_copy     (const WvIcmpEvent *event);
void         wv_icmp_event_free     (WvIcmpEvent       *event);
WvIcmpKind   wv_icmp_event_get_kind (const WvIcmpEvent *event);

/* Parses one "* icmp ..." line (without newline) into an event, validating
 * every field.  Exposed for the tests; the helper object uses it. */
WvIcmpEvent *wv_icmp_event_parse    (const char  *line,
                                     GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvIcmpEvent, wv_icmp_event_free)

#define WV_TYPE_ICMP_HELPER (wv_icmp_helper_get_type ())

G_DECLARE_FINAL_TYPE (WvIcmpHelper, wv_icmp_helper, WV, ICMP_HELPER, GObject)

/* $WV_ICMP_HELPER if set, else the build tree's helper if it exists, else
 * the installed one. */
char         *wv_icmp_helper_dup_default_path        (void);

/* path: the helper to run, or NULL for wv_icmp_helper_dup_default_path(). */
WvIcmpHelper *wv_icmp_helper_new                     (const char           *path);
const char   *wv_icmp_helper_get_path                (WvIcmpHelper         *self);

/* Spawns the helper, checks its protocol version, reads what it can do
 * and re-registers the ports watched before (after a crash, say).  Does
 * nothing but succeed when it is already running. */
void          wv_icmp_helper_start_async             (WvIcmpHelper         *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean      wv_icmp_helper_start_finish            (WvIcmpHelper         *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
/* Asks the helper to quit and lets go of it; pending requests fail with
 * G_IO_ERROR_CANCELLED.  The watched ports are forgotten. */
void          wv_icmp_helper_stop                    (WvIcmpHelper         *self);
gboolean      wv_icmp_helper_get_running             (WvIcmpHelper         *self);

/* What the last successful start found (FALSE / NULL before that). */
gboolean      wv_icmp_helper_get_icmp4_available     (WvIcmpHelper         *self);
gboolean      wv_icmp_helper_get_icmp6_available     (WvIcmpHelper         *self);
const char   *wv_icmp_helper_get_program_version     (WvIcmpHelper         *self);
/* The helper's check-support reply after "ok", for logs and bug reports. */
const char   *wv_icmp_helper_get_support_details     (WvIcmpHelper         *self);
/* NULL when both raw sockets are open; otherwise a sentence or two telling
 * the user what is missing and what to run (setcap, root, ...). */
char         *wv_icmp_helper_dup_privilege_advice    (WvIcmpHelper         *self);

/* Starts/stops reporting errors about UDP datagrams sent from a local port.
 * family is G_SOCKET_FAMILY_IPV4 or G_SOCKET_FAMILY_IPV6.  The port must be
 * bound by a socket of the current user unless the helper runs as root.
 * Errors are G_IO_ERROR_* with the helper's reason in the message. */
void          wv_icmp_helper_watch_async             (WvIcmpHelper         *self,
                                                      GSocketFamily         family,
                                                      guint16               port,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean      wv_icmp_helper_watch_finish            (WvIcmpHelper         *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
void          wv_icmp_helper_unwatch_async           (WvIcmpHelper         *self,
                                                      GSocketFamily         family,
                                                      guint16               port,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean      wv_icmp_helper_unwatch_finish          (WvIcmpHelper         *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS

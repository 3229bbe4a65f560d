/* wv-client.h: a measurement run against a server (or a self-test)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "wv-connection.h"
#include "wv-server.h"
#include "wv-wifi.h"

G_BEGIN_DECLS

typedef enum {
  WV_PHASE_IDLE,
  WV_PHASE_CONNECT,
  WV_PHASE_TRACEROUTE,
  WV_PHASE_MTU,
  WV_PHASE_STREAMS,
  WV_PHASE_STOPPING,
  WV_PHASE_DONE,
} WvPhase;

const char *wv_phase_to_string (WvPhase phase);

typedef struct {
  char *url;                /* server URL, the page URL with ?token=T too; NULL = self-test */
  char *token;              /* access token; NULL = the URL's (or none) */
  gboolean ipv4, ipv6;      /* families to measure */
  guint connections;        /* per family, 1..16 */
  WvMsgStreams streams;     /* rate, probe size, bulk, duration, classes */
  char *stun_uri;
  int owd_mode;             /* WV_OWD_AUTO, WV_OWD_SYNCED, WV_OWD_OFFSET_ESTIMATED */
  double max_clock_error_ms;
  guint connect_timeout_s;
  double lost_timeout_s;    /* a connection whose peer is silent this long is lost (default 5) */
  /* phases after connecting, in this order */
  gboolean traceroute;      /* hop by hop, both directions (default TRUE) */
  gboolean mtu;             /* per-hop and path MTU, both directions (default TRUE) */
  gboolean streams_phase;   /* probe streams for streams.duration_s (default TRUE) */
  guint max_ttl;            /* traceroute: 1..64 (default 16) */
  guint rounds;             /* traceroute rounds (default 3) */
  int trace_dscp;           /* traceroute probes' DSCP, -1 = unmarked (default) */
  guint mtu_max;            /* largest IP packet the MTU search tries (default 1500) */
  guint n_mtu_sizes;        /* sizes the MTU search tries first; 0 = wv_mtu_sizes_default() */
  guint mtu_sizes[WV_MTU_MAX_SIZES];
  char *icmp_helper;        /* path of wifi-verify-icmp-helper; NULL = default */
} WvClientConfig;

void wv_client_config_init (WvClientConfig *config);
void wv_client_config_clear (WvClientConfig *config);

#define WV_TYPE_CLIENT (wv_client_get_type ())
G_DECLARE_FINAL_TYPE (WvClient, wv_client, WV, CLIENT, GObject)

WvClient *wv_client_new (const WvClientConfig *config);
/* Starts the run; signals report progress, records and the end. */
gboolean wv_client_start (WvClient *self, GError **error);
/* Ends the run early (Ctrl-C): the streams stop, the summaries of what was
 * measured are exchanged and emitted, then "finished" is emitted. */
void wv_client_stop (WvClient *self);
WvPhase wv_client_get_phase (WvClient *self);
const WvClientConfig *wv_client_get_config (WvClient *self);
/* The Wi-Fi link of the interfaces the connections use, watched from the
 * end of the connect phase to the end of the run; its readings come as
 * "record"s too. */
WvWifiMonitor *wv_client_get_wifi_monitor (WvClient *self);
guint wv_client_get_n_connections (WvClient *self);
WvConnection *wv_client_get_connection (WvClient *self, guint index);
/* The embedded server of a self-test, or NULL. */
WvServer *wv_client_get_server (WvClient *self);
/* What to do so that the ICMP helper can open its raw sockets, or NULL when
 * it can (traceroute and MTU work without it, through the socket error
 * queue; the helper adds ICMP errors the kernel does not pass to us). */
char *wv_client_dup_privilege_advice (WvClient *self);

gboolean wv_have_ipv6 (gboolean loopback);

/* The API base (".../api/v1", no trailing slash, no query) for a server
 * URL given with or without the API path, or for the page URL the server
 * prints ("http://HOST:PORT/?token=T"); NULL and @error if it is not an
 * http(s) URL or has another query. */
char *wv_api_base_url (const char *url, GError **error);
/* The URL's access token (its "token" query parameter), or NULL: without
 * @error set when there is none, with it when it is not a valid token. */
char *wv_api_token_from_url (const char *url, GError **error);

G_END_DECLS

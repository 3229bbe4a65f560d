/* wv-server.h: the measuring server: HTTP signalling and server-side connections
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "wv-api.h"
#include "wv-connection.h"

G_BEGIN_DECLS

/* A "client" of the per-client limits is an IPv4 address or an IPv6 /64
 * (wv_api_host_key()). */
typedef struct {
  char **listen;            /* "host:port", "[v6]:port"; NULL = 0.0.0.0:8080 and [::]:8080 */
  char **ice_addresses;     /* restrict ICE to these addresses; NULL = every interface */
  char *stun_uri;
  char *token;              /* access token (wv_token_is_valid()); NULL = a new random one */
  gboolean no_token;        /* no access control at all (closed labs) */
  guint max_connections;    /* concurrent connections, all clients */
  guint max_per_client;     /* concurrent connections from one client */
  guint max_setups_per_client; /* of those, being set up (before hello) */
  guint max_http;           /* open HTTP connections, all clients */
  guint max_http_per_client; /* open HTTP connections from one client */
  gsize max_body;           /* bytes of one request body */
  guint http_timeout_s;     /* a request's headers and body arrive within this */
  guint setup_timeout_s;    /* from offer to hello exchanged */
  double lost_timeout_s;    /* silence after which a client's connection is lost */
  guint ready_timeout_s;    /* a ready connection that measures nothing ends */
  guint64 max_total_out_bps; /* stream output of all connections together, bit/s */
  WvServerCaps caps;
  gboolean socket_errors;   /* IP_RECVERR on the ICE sockets (traceroute) */
  char *tls_cert_file;      /* PEM certificate (chain): serve HTTPS; NULL = HTTP */
  char *tls_key_file;       /* its private key (NULL: in tls_cert_file) */
  gboolean log_sessions;    /* log connections coming and going */
} WvServerConfig;

void wv_server_config_init (WvServerConfig *config);
void wv_server_config_clear (WvServerConfig *config);

#define WV_API_PREFIX "/api/v1"
/* The most ICE candidates one POST .../candidates may carry. */
#define WV_MAX_CANDIDATES_PER_POST WV_API_MAX_CANDIDATES_PER_POST
/* The most remote candidates the server uses per connection. */
#define WV_MAX_REMOTE_CANDIDATES 16

/* Who a connection belongs to, as the "record" and "connection-state"
 * signals tell it. */
typedef struct {
  const char *address;      /* the client's IP address, "" if unknown */
  const char *label;        /* the offer's "label", or "client" and the session's start */
  const char *session;      /* the client's session id (one per run, all its connections) */
  const char *software;     /* what the client's hello named, "" before it */
} WvServerClient;

#define WV_TYPE_SERVER (wv_server_get_type ())
G_DECLARE_FINAL_TYPE (WvServer, wv_server, WV, SERVER, GObject)

WvServer *wv_server_new (const WvServerConfig *config);
gboolean wv_server_start (WvServer *self, GError **error);
/* The URLs it listens on, for example "http://127.0.0.1:40000". */
char **wv_server_dup_urls (WvServer *self);
/* The page URLs a user copies, with the token: "http://127.0.0.1:40000/?token=T"
 * (without "?token=" when access control is off). */
char **wv_server_dup_page_urls (WvServer *self);
/* The web client's URLs with this machine's real addresses and the token. */
char **wv_server_dup_web_urls (WvServer *self);
/* The access token, or NULL when access control is off. */
const char *wv_server_get_token (WvServer *self);
guint wv_server_get_n_connections (WvServer *self);
JsonNode *wv_server_describe (WvServer *self);
void wv_server_stop (WvServer *self);

G_END_DECLS

/* wv-server.h: the measuring server: HTTP signalling and server-side connections
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "wv-connection.h"

G_BEGIN_DECLS

typedef struct {
  char **listen;            /* "host:port", "[v6]:port"; NULL = 0.0.0.0:8080 and [::]:8080 */
  char **ice_addresses;     /* restrict ICE to these addresses; NULL = every interface */
  char *stun_uri;
  guint max_connections;    /* concurrent connections, all clients */
  guint max_per_client;     /* concurrent connections from one client address */
  gsize max_body;           /* bytes of one request body */
  guint setup_timeout_s;    /* from offer to hello exchanged */
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
#define WV_MAX_CANDIDATES_PER_POST 64

/* Who a connection belongs to, as the "record" signal tells it. */
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
guint wv_server_get_n_connections (WvServer *self);
JsonNode *wv_server_describe (WvServer *self);
void wv_server_stop (WvServer *self);

G_END_DECLS

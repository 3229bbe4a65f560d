/* wv-client.c: a measurement run against a server (or a self-test)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Phases, as in the reference system: connect (every connection signals
 * over HTTP and reaches the "ready" state, or fails and is left out), then
 * traceroute and MTU discovery from both ends of every connection (each
 * phase optional), then the probe streams for the requested duration,
 * then stop (summaries exchanged) and done. In a self-test the client also
 * runs an embedded server on the loopback addresses.
 */
#define G_LOG_DOMAIN "wv-client"

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <libsoup/soup.h>

#include "wv-clock.h"
#include "wv-client.h"
#include "wv-host.h"
#include "wv-verdict.h"
#include "wv-wifi.h"

#define STOP_TIMEOUT_S 15
#define PATH_PHASE_TIMEOUT_S 60

typedef struct {
  WvClient *client;         /* not a ref */
  WvConnection *conn;
  guint index;
  int family;
  char *server_id;          /* from the answer */
  GPtrArray *pending;       /* local candidates before the answer (JsonNode) */
  guint next_remote;        /* "since" of the next long poll */
  gboolean polling;
  gboolean ended;
  gboolean path_busy;
} ClientConn;

struct _WvClient
{
  GObject parent_instance;

  WvClientConfig config;
  char *base_url;
  char *token;               /* NULL: the server has no access control */
  char *session;
  WvServer *server;          /* self-test */
  SoupSession *http;
  GCancellable *cancellable;
  GPtrArray *conns;          /* ClientConn */
  WvPhase phase;
  guint phase_source;
  guint progress_source;
  gint64 streams_start_mono;
  gboolean finished;
  WvIcmpHelper *helper;
  char *privilege_advice;
  guint path_pending;
  guint path_total;
  guint deletes_pending;
  guint deletes_timeout;
  gboolean finish_ok;
  WvVerdicts *verdicts;      /* the run's summaries, judged at the end */
  WvWifiMonitor *wifi;       /* the Wi-Fi link of the interfaces used */
};

G_DEFINE_FINAL_TYPE (WvClient, wv_client, G_TYPE_OBJECT)

enum {
  SIGNAL_PHASE_CHANGED,
  SIGNAL_PROGRESS,
  SIGNAL_CONNECTION_STATE,
  SIGNAL_RECORD,
  SIGNAL_MESSAGE,
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A query other than "token=T" (the page URL the server prints) is not
 * one of ours. */
static gboolean
query_is_token_only (const char *query)
{
  g_autoptr(GHashTable) params = NULL;

  if (query == NULL)
    return TRUE;
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, NULL);
  return params && g_hash_table_size (params) == 1 && g_hash_table_contains (params, "token");
}

char *
wv_api_base_url (const char *url, GError **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GUri) base = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL || !query_is_token_only (g_uri_get_query (uri)) ||
      g_uri_get_fragment (uri))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "\"%s\" is not an http:// or https:// URL of a wifi-verify server", url);
      return NULL;
    }
  path = g_strdup (g_uri_get_path (uri));
  while (g_str_has_suffix (path, "/"))
    path[strlen (path) - 1] = '\0';
  if (!g_str_has_suffix (path, WV_API_PREFIX))
    {
      char *with_api = g_strconcat (path, WV_API_PREFIX, NULL);

      g_free (path);
      path = with_api;
    }
  base = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), g_uri_get_userinfo (uri),
                      g_uri_get_host (uri), g_uri_get_port (uri), path, NULL, NULL);
  text = g_uri_to_string (base);
  return g_steal_pointer (&text);
}

char *
wv_api_token_from_url (const char *url, GError **error)
{
  g_autofree char *token = wv_api_url_token (url);

  if (token != NULL && !wv_token_is_valid (token))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the token in \"%s\" is not a wifi-verify access token", url);
      return NULL;
    }
  return g_steal_pointer (&token);
}

const char *
wv_phase_to_string (WvPhase phase)
{
  switch (phase)
    {
    case WV_PHASE_IDLE: return "idle";
    case WV_PHASE_CONNECT: return "connect";
    case WV_PHASE_TRACEROUTE: return "traceroute";
    case WV_PHASE_MTU: return "mtu";
    case WV_PHASE_STREAMS: return "streams";
    case WV_PHASE_STOPPING: return "stopping";
    case WV_PHASE_DONE: return "done";
    default: return "unknown";
    }
}

void
wv_client_config_init (WvClientConfig *config)
{
  memset (config, 0, sizeof *config);
  config->ipv4 = TRUE;
  config->ipv6 = TRUE;
  config->connections = 1;
  config->streams.rate_pps = 100;
  config->streams.probe_size = 64;
  config->streams.duration_s = 10;
  config->owd_mode = WV_OWD_AUTO;
  config->max_clock_error_ms = 1.0;
  config->connect_timeout_s = 30;
  config->lost_timeout_s = WV_LOST_TIMEOUT_DEFAULT_S;
  config->traceroute = TRUE;
  config->mtu = TRUE;
  config->streams_phase = TRUE;
  config->max_ttl = 16;
  config->rounds = 3;
  config->trace_dscp = -1;
  config->mtu_max = 1500;
}

void
wv_client_config_clear (WvClientConfig *config)
{
  g_clear_pointer (&config->url, g_free);
  g_clear_pointer (&config->token, g_free);
  g_clear_pointer (&config->stun_uri, g_free);
  g_clear_pointer (&config->icmp_helper, g_free);
}

/* IPv6 is measured when this host can use it: the loopback address for a
 * self-test, any global address otherwise. */
gboolean
wv_have_ipv6 (gboolean loopback)
{
  int fd = socket (AF_INET6, SOCK_DGRAM, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  if (loopback)
    {
      struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
      ok = bind (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
    }
  else
    {
      /* A route to a global address (nothing is sent by connect()). */
      struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons (9) };
      inet_pton (AF_INET6, "2001:db8::1", &sa.sin6_addr);
      ok = connect (fd, (struct sockaddr *) &sa, sizeof sa) == 0;
    }
  close (fd);
  return ok;
}

static void
message (WvClient *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
message (WvClient *self, const char *format, ...)
{
  va_list args;
  g_autofree char *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, text);
}

static void
set_phase (WvClient *self, WvPhase phase)
{
  if (self->phase == phase)
    return;
  self->phase = phase;
  g_signal_emit (self, signals[SIGNAL_PHASE_CHANGED], 0, (guint) phase);
}

static void check_phase (WvClient *self);

/* --- HTTP signalling ------------------------------------------------------ */

static SoupMessage *
json_request (WvClient *self, const char *method, const char *path, JsonNode *body)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  if (msg && self->token)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }

  if (msg && body)
    {
      g_autoptr(JsonGenerator) gen = json_generator_new ();
      gsize len;
      char *text;

      json_generator_set_root (gen, body);
      text = json_generator_to_data (gen, &len);
      soup_message_set_request_body_from_bytes (msg, "application/json",
                                                g_bytes_new_take (text, len));
    }
  return msg;
}

/* Returns the parsed JSON object of a 2xx answer, or NULL with @error. */
/* What a server sends is checked for type before use: a member of the
 * wrong type reads as missing. */
static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

static gboolean
member_int (JsonObject *o, const char *name, gint64 min, gint64 max, gint64 *out)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return *out >= min && *out <= max;
}

static JsonObject *
member_object (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static JsonNode *
finish_json (SoupSession *http, SoupMessage *msg, GAsyncResult *res, GError **error)
{
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (http, res, error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint status = soup_message_get_status (msg);
  gsize len;
  const char *data;

  if (body == NULL)
    return NULL;
  data = g_bytes_get_data (body, &len);
  if (status == 204)
    return json_node_new (JSON_NODE_NULL);
  if (len == 0 || !json_parser_load_from_data (parser, data, len, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the server answered HTTP %u without a JSON object", status);
      return NULL;
    }
  if (status < 200 || status >= 300)
    {
      JsonObject *o = json_node_get_object (json_parser_get_root (parser));
      const char *why = member_string (member_object (o, "error"), "message");
      g_autofree char *quoted = wv_log_escape (why ? why : "no reason given", 200);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the server refused (HTTP %u): %s",
                   status, quoted);
      return NULL;
    }
  return json_node_copy (json_parser_get_root (parser));
}

static void poll_candidates (ClientConn *cc);

static void
client_conn_fail (ClientConn *cc, const char *why)
{
  if (wv_connection_get_state (cc->conn) == WV_CONN_CONNECTING)
    wv_connection_abort (cc->conn, why);
}

static void
on_candidates_posted (GObject *source, GAsyncResult *res, gpointer data)
{
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), res);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = finish_json (SOUP_SESSION (source), msg, res, &error);

  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("posting candidates: %s", error->message);
}

/* In as many requests as the server's per-request limit needs. */
static void
post_candidates (ClientConn *cc, GPtrArray *cands)
{
  WvClient *self = cc->client;
  g_autofree char *path = g_strdup_printf ("/connections/%s/candidates", cc->server_id);

  for (guint start = 0; start < cands->len; start += WV_MAX_CANDIDATES_PER_POST)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(SoupMessage) msg = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "candidates");
      json_builder_begin_array (b);
      for (guint i = start; i < cands->len && i < start + WV_MAX_CANDIDATES_PER_POST; i++)
        json_builder_add_value (b, json_node_copy (g_ptr_array_index (cands, i)));
      json_builder_end_array (b);
      json_builder_end_object (b);
      body = json_builder_get_root (b);
      msg = json_request (self, "POST", path, body);
      soup_session_send_and_read_async (self->http, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                        on_candidates_posted, NULL);
    }
}

static void
on_local_candidate (WvPeer *peer, guint mline, const char *candidate, ClientConn *cc)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mline");
  json_builder_add_int_value (b, mline);
  json_builder_set_member_name (b, "candidate");
  json_builder_add_string_value (b, candidate);
  json_builder_end_object (b);
  g_ptr_array_add (cc->pending, json_builder_get_root (b));
  if (cc->server_id)
    {
      post_candidates (cc, cc->pending);
      g_ptr_array_set_size (cc->pending, 0);
    }
}

static void
on_candidates_polled (GObject *source, GAsyncResult *res, gpointer data)
{
  ClientConn *cc = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), res);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = finish_json (SOUP_SESSION (source), msg, res, &error);
  JsonObject *o;
  JsonArray *list;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  cc->polling = FALSE;
  if (reply == NULL)
    {
      client_conn_fail (cc, error->message);
      return;
    }
  o = json_node_get_object (reply);
  if (json_object_has_member (o, "candidates") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (o, "candidates")))
    {
      list = json_object_get_array_member (o, "candidates");
      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *n = json_array_get_element (list, i);
          const char *cand;
          gint64 mline;

          if (!JSON_NODE_HOLDS_OBJECT (n))
            continue;
          cand = member_string (json_node_get_object (n), "candidate");
          if (cand && member_int (json_node_get_object (n), "mline", 0, 0, &mline))
            wv_peer_add_remote_candidate (wv_connection_get_peer (cc->conn), mline, cand);
        }
    }
  {
    gint64 next;

    /* The server never queues more than 256 candidates. */
    if (member_int (o, "next", 0, 256, &next))
      cc->next_remote = next;
  }
  poll_candidates (cc);
}

/* Long-polls the server's candidates until the connection is up. */
static void
poll_candidates (ClientConn *cc)
{
  WvClient *self = cc->client;
  g_autofree char *path = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  if (cc->polling || cc->server_id == NULL ||
      wv_connection_get_state (cc->conn) != WV_CONN_CONNECTING)
    return;
  path = g_strdup_printf ("/connections/%s/candidates?since=%u", cc->server_id, cc->next_remote);
  msg = json_request (self, "GET", path, NULL);
  cc->polling = TRUE;
  soup_session_send_and_read_async (self->http, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    on_candidates_polled, cc);
}

static void
on_answer (GObject *source, GAsyncResult *res, gpointer data)
{
  ClientConn *cc = data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), res);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = finish_json (SOUP_SESSION (source), msg, res, &error);
  JsonObject *o;
  const char *id, *sdp;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      client_conn_fail (cc, error->message);
      return;
    }
  o = json_node_get_object (reply);
  id = member_string (o, "id");
  sdp = member_string (o, "sdp");
  if (g_strcmp0 (member_string (o, "type"), "answer") != 0 ||
      !member_int (o, "protocol", WV_PROTOCOL_VERSION, WV_PROTOCOL_VERSION, &(gint64) { 0 }))
    {
      client_conn_fail (cc, "the server answered with another SDP type or protocol version");
      return;
    }
  if (id == NULL || sdp == NULL || strlen (id) > WV_MAX_ID_LEN ||
      !wv_peer_set_remote_description (wv_connection_get_peer (cc->conn), "answer", sdp, &error))
    {
      client_conn_fail (cc, error ? error->message : "the server's answer has no id or SDP");
      return;
    }
  cc->server_id = g_strdup (id);
  if (cc->pending->len > 0)
    {
      post_candidates (cc, cc->pending);
      g_ptr_array_set_size (cc->pending, 0);
    }
  poll_candidates (cc);
}

static void
on_local_description (WvPeer *peer, const char *type, const char *sdp, ClientConn *cc)
{
  WvClient *self = cc->client;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, WV_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, self->session);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, cc->index);
  json_builder_set_member_name (b, "family");
  json_builder_add_int_value (b, cc->family);
  /* The server names our records with it. */
  json_builder_set_member_name (b, "label");
  json_builder_add_string_value (b, g_get_host_name ());
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, sdp);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  msg = json_request (self, "POST", "/connections", body);
  if (msg == NULL)
    {
      client_conn_fail (cc, "bad server URL");
      return;
    }
  soup_session_send_and_read_async (self->http, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    on_answer, cc);
}

/* --- connections ------------------------------------------------------------- */

static void
on_conn_record (WvConnection *conn, const WvRecord *record, WvClient *self)
{
  /* The verdicts judge the summaries; outages and lost peers count. */
  if (record->type == WV_RECORD_SUMMARY || record->type == WV_RECORD_OUTAGE ||
      record->type == WV_RECORD_LOST)
    wv_verdicts_add_record (self->verdicts, record);
  g_signal_emit (self, signals[SIGNAL_RECORD], 0, record);
}

static void
on_wifi_record (WvWifiMonitor *wifi, const WvRecord *record, WvClient *self)
{
  g_signal_emit (self, signals[SIGNAL_RECORD], 0, record);
}

/* Once connected: the Wi-Fi link of the interfaces the connections use. */
static void
start_wifi (WvClient *self)
{
  g_autoptr(GPtrArray) ifaces = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);
      g_autofree char *addr = wv_peer_dup_local_address (wv_connection_get_peer (cc->conn));
      char *iface = wv_host_dup_interface_for_address (addr);

      if (iface != NULL && !g_ptr_array_find_with_equal_func (ifaces, iface, g_str_equal, NULL))
        g_ptr_array_add (ifaces, iface);
      else
        g_free (iface);
    }
  g_ptr_array_add (ifaces, NULL);
  wv_wifi_monitor_start (self->wifi, (const char * const *) ifaces->pdata);
}

WvWifiMonitor *
wv_client_get_wifi_monitor (WvClient *self)
{
  g_return_val_if_fail (WV_IS_CLIENT (self), NULL);
  return self->wifi;
}

/* The verdicts follow the last summary, as records of their own. */
static void
emit_verdicts (WvClient *self)
{
  g_autoptr(GArray) verdicts = wv_verdicts_compute (self->verdicts, wv_now_ns ());

  for (guint i = 0; i < verdicts->len; i++)
    g_signal_emit (self, signals[SIGNAL_RECORD], 0, &g_array_index (verdicts, WvRecord, i));
}

static void
on_conn_error (WvConnection *conn, const GError *error, WvClient *self)
{
  message (self, "%s", error->message);
}

static void
on_conn_state (WvConnection *conn, guint state, ClientConn *cc)
{
  WvClient *self = cc->client;

  g_signal_emit (self, signals[SIGNAL_CONNECTION_STATE], 0, cc->index, cc->family, state);
  if (wv_conn_state_is_final (state))
    cc->ended = TRUE;
  /* A lost peer earns no more traffic; the others go on. */
  if (state == WV_CONN_LOST)
    wv_peer_close (wv_connection_get_peer (conn));
  check_phase (self);
}

static void next_phase (WvClient *self);

static void
on_helper_started (GObject *source, GAsyncResult *res, gpointer data)
{
  WvClient *self = data;
  g_autoptr(GError) error = NULL;

  if (!wv_icmp_helper_start_finish (WV_ICMP_HELPER (source), res, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_free (self->privilege_advice);
      self->privilege_advice = g_strdup_printf (
          "The ICMP helper did not start (%s). Traceroute and MTU use the socket "
          "error queue instead.", error->message);
      message (self, "%s", self->privilege_advice);
      g_clear_object (&self->helper);
      return;
    }
  g_free (self->privilege_advice);
  self->privilege_advice = wv_icmp_helper_dup_privilege_advice (self->helper);
  if (self->privilege_advice)
    message (self, "%s", self->privilege_advice);
  for (guint i = 0; i < self->conns->len; i++)
    wv_connection_set_icmp_helper (((ClientConn *) g_ptr_array_index (self->conns, i))->conn,
                                   self->helper);
}

static void
on_path_done (WvConnection *conn, ClientConn *cc)
{
  WvClient *self = cc->client;

  if (!cc->path_busy)
    return;
  cc->path_busy = FALSE;
  if (self->path_pending > 0)
    self->path_pending--;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0,
                 self->path_total ? 1.0 - (double) self->path_pending / self->path_total : 1.0);
  if (self->path_pending == 0 &&
      (self->phase == WV_PHASE_TRACEROUTE || self->phase == WV_PHASE_MTU))
    next_phase (self);
}

static void
client_conn_free (ClientConn *cc)
{
  if (cc->conn)
    {
      g_signal_handlers_disconnect_by_data (cc->conn, cc);
      g_signal_handlers_disconnect_by_data (cc->conn, cc->client);
      g_signal_handlers_disconnect_by_data (wv_connection_get_peer (cc->conn), cc);
      g_object_unref (cc->conn);
    }
  g_ptr_array_unref (cc->pending);
  g_free (cc->server_id);
  g_free (cc);
}

static gboolean
add_connection (WvClient *self, int family, GError **error)
{
  const char *loop4[] = { "127.0.0.1", NULL };
  const char *loop6[] = { "::1", NULL };
  WvPeerConfig pc = { TRUE, family, NULL, self->config.stun_uri, TRUE };
  g_autofree char *id = g_uuid_string_random ();
  ClientConn *cc = g_new0 (ClientConn, 1);

  if (self->server)
    pc.local_addresses = family == 4 ? loop4 : loop6;
  cc->client = self;
  cc->index = self->conns->len;
  cc->family = family;
  cc->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  cc->conn = wv_connection_new (WV_ROLE_CLIENT, cc->index, self->session, id, &pc, error);
  if (cc->conn == NULL)
    {
      client_conn_free (cc);
      return FALSE;
    }
  wv_connection_set_owd_mode (cc->conn, self->config.owd_mode);
  wv_connection_set_max_clock_error (cc->conn, self->config.max_clock_error_ms);
  wv_connection_set_lost_timeout (cc->conn, self->config.lost_timeout_s);
  g_signal_connect (cc->conn, "record", G_CALLBACK (on_conn_record), self);
  g_signal_connect (cc->conn, "error", G_CALLBACK (on_conn_error), self);
  g_signal_connect (cc->conn, "state-changed", G_CALLBACK (on_conn_state), cc);
  g_signal_connect (cc->conn, "path-done", G_CALLBACK (on_path_done), cc);
  if (self->helper)
    wv_connection_set_icmp_helper (cc->conn, self->helper);
  g_signal_connect (wv_connection_get_peer (cc->conn), "local-description",
                    G_CALLBACK (on_local_description), cc);
  g_signal_connect (wv_connection_get_peer (cc->conn), "local-candidate",
                    G_CALLBACK (on_local_candidate), cc);
  g_ptr_array_add (self->conns, cc);
  return TRUE;
}

/* --- phases -------------------------------------------------------------------- */

#define DELETE_TIMEOUT_MS 2000

static void
finish_complete (WvClient *self)
{
  g_clear_handle_id (&self->deletes_timeout, g_source_remove);
  if (self->phase == WV_PHASE_DONE)
    return;
  set_phase (self, WV_PHASE_DONE);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, self->finish_ok);
}

static gboolean
deletes_timed_out (gpointer data)
{
  WvClient *self = data;

  self->deletes_timeout = 0;
  finish_complete (self);
  return G_SOURCE_REMOVE;
}

static void
delete_done (GObject *source, GAsyncResult *result, gpointer data)
{
  WvClient *self = data;
  g_autoptr(GInputStream) body = soup_session_send_finish (SOUP_SESSION (source), result, NULL);

  if (--self->deletes_pending == 0)
    finish_complete (self);
  g_object_unref (self);
}

/* Tells the server we are gone, then frees the WebRTC side. "finished" is
 * emitted once the server acknowledged (at most DELETE_TIMEOUT_MS later), so
 * that a program quitting on it does not leave connections behind. */
static void
finish (WvClient *self, gboolean ok)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  self->finish_ok = ok;
  wv_wifi_monitor_stop (self->wifi);
  emit_verdicts (self);
  g_clear_handle_id (&self->phase_source, g_source_remove);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);

      if (cc->server_id && self->server == NULL)
        {
          g_autofree char *path = g_strdup_printf ("/connections/%s", cc->server_id);
          g_autoptr(SoupMessage) msg = json_request (self, "DELETE", path, NULL);

          self->deletes_pending++;
          soup_session_send_async (self->http, msg, G_PRIORITY_DEFAULT, NULL, delete_done,
                                   g_object_ref (self));
        }
      wv_peer_close (wv_connection_get_peer (cc->conn));
    }
  if (self->deletes_pending == 0)
    finish_complete (self);
  else
    self->deletes_timeout = g_timeout_add (DELETE_TIMEOUT_MS, deletes_timed_out, self);
}

static gboolean
progress_tick (gpointer data)
{
  WvClient *self = data;
  double d = self->config.streams.duration_s;
  double f = d > 0 ? (wv_monotonic_ns () - self->streams_start_mono) / (d * 1e9) : 0;

  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, CLAMP (f, 0.0, 1.0));
  return G_SOURCE_CONTINUE;
}

#define STREAMS_START_GRACE_MS 30000

static gboolean
streams_done (gpointer data)
{
  WvClient *self = data;

  self->phase_source = 0;
  wv_client_stop (self);
  return G_SOURCE_REMOVE;
}

static gboolean
stop_timeout (gpointer data)
{
  WvClient *self = data;

  self->phase_source = 0;
  message (self, "some connections did not finish in %d s; ending anyway", STOP_TIMEOUT_S);
  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);
      if (!cc->ended)
        wv_connection_abort (cc->conn, "did not finish in time");
    }
  finish (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
start_streams (WvClient *self)
{
  guint started = 0;

  set_phase (self, WV_PHASE_STREAMS);
  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);
      g_autoptr(GError) error = NULL;

      if (wv_connection_get_state (cc->conn) != WV_CONN_READY)
        continue;
      if (wv_connection_start_streams (cc->conn, &self->config.streams, &error))
        started++;
      else
        message (self, "%s", error->message);
    }
  if (started == 0)
    {
      message (self, "no connection could start its streams");
      finish (self, FALSE);
      return;
    }
  self->streams_start_mono = wv_monotonic_ns ();
  self->progress_source = g_timeout_add (500, progress_tick, self);
  /* Each connection stops itself when its duration is over (counted from
   * its own start); this only stops those that never got going. */
  if (self->config.streams.duration_s > 0)
    self->phase_source = g_timeout_add ((guint) (self->config.streams.duration_s * 1000) +
                                        STREAMS_START_GRACE_MS, streams_done, self);
}

static gboolean
path_timeout (gpointer data)
{
  WvClient *self = data;

  self->phase_source = 0;
  message (self, "the %s phase did not finish in %d s; going on",
           wv_phase_to_string (self->phase), PATH_PHASE_TIMEOUT_S);
  for (guint i = 0; i < self->conns->len; i++)
    ((ClientConn *) g_ptr_array_index (self->conns, i))->path_busy = FALSE;
  self->path_pending = 0;
  next_phase (self);
  return G_SOURCE_REMOVE;
}

/* Traceroute or MTU search on every ready connection, both directions. */
static gboolean
start_path_phase (WvClient *self, WvPhase phase)
{
  WvMsgPathRequest req = { 0 };

  req.trace = phase == WV_PHASE_TRACEROUTE;
  req.max_ttl = self->config.max_ttl;
  req.rounds = self->config.rounds;
  req.trace_marked = self->config.trace_dscp >= 0 && self->config.trace_dscp <= 63;
  req.trace_dscp = req.trace_marked ? (guint) self->config.trace_dscp : 0;
  req.mtu = phase == WV_PHASE_MTU;
  req.mtu_max = self->config.mtu_max;
  req.n_mtu_sizes = MIN (self->config.n_mtu_sizes, WV_MTU_MAX_SIZES);
  memcpy (req.mtu_sizes, self->config.mtu_sizes, sizeof req.mtu_sizes);
  set_phase (self, phase);
  self->path_pending = self->path_total = 0;
  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);
      g_autoptr(GError) error = NULL;

      if (wv_connection_get_state (cc->conn) != WV_CONN_READY)
        continue;
      if (wv_connection_run_path (cc->conn, &req, &error))
        {
          cc->path_busy = TRUE;
          self->path_pending++;
          self->path_total++;
        }
      else
        message (self, "connection %u: %s", cc->index, error->message);
    }
  if (self->path_pending == 0)
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, 0.0);
  self->phase_source = g_timeout_add_seconds (PATH_PHASE_TIMEOUT_S, path_timeout, self);
  return TRUE;
}

/* After connecting: traceroute, MTU, streams, each when asked for. */
static void
next_phase (WvClient *self)
{
  g_clear_handle_id (&self->phase_source, g_source_remove);
  if (self->phase == WV_PHASE_CONNECT)
    start_wifi (self);
  if (self->phase == WV_PHASE_CONNECT && self->config.traceroute &&
      start_path_phase (self, WV_PHASE_TRACEROUTE))
    return;
  if ((self->phase == WV_PHASE_CONNECT || self->phase == WV_PHASE_TRACEROUTE) &&
      self->config.mtu && start_path_phase (self, WV_PHASE_MTU))
    return;
  if (self->config.streams_phase)
    {
      start_streams (self);
      return;
    }
  /* No streams: the connections end here. */
  set_phase (self, WV_PHASE_STOPPING);
  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);

      if (!cc->ended)
        wv_connection_stop (cc->conn);
    }
  check_phase (self);
}

static gboolean
connect_timeout (gpointer data)
{
  WvClient *self = data;

  self->phase_source = 0;
  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);

      if (wv_connection_get_state (cc->conn) == WV_CONN_CONNECTING)
        wv_connection_abort (cc->conn, "not connected in time");
    }
  check_phase (self);
  return G_SOURCE_REMOVE;
}

static void
check_phase (WvClient *self)
{
  guint ready = 0, pending = 0, ended = 0;

  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);
      WvConnState s = wv_connection_get_state (cc->conn);

      ready += s == WV_CONN_READY;
      pending += s == WV_CONN_CONNECTING;
      ended += cc->ended;
    }
  if (self->phase == WV_PHASE_CONNECT && pending == 0)
    {
      g_clear_handle_id (&self->phase_source, g_source_remove);
      if (ready == 0)
        {
          message (self, "no connection could be set up");
          finish (self, FALSE);
          return;
        }
      message (self, "%u of %u connections ready", ready, self->conns->len);
      next_phase (self);
    }
  else if ((self->phase == WV_PHASE_STREAMS || self->phase == WV_PHASE_STOPPING) &&
           ended == self->conns->len)
    {
      finish (self, TRUE);
    }
}

/* --- public ---------------------------------------------------------------------- */

WvClient *
wv_client_new (const WvClientConfig *config)
{
  WvClient *self = g_object_new (WV_TYPE_CLIENT, NULL);

  self->config = *config;
  self->config.url = g_strdup (config->url);
  self->config.token = g_strdup (config->token);
  self->config.stun_uri = g_strdup (config->stun_uri);
  self->config.icmp_helper = g_strdup (config->icmp_helper);
  return self;
}

gboolean
wv_client_start (WvClient *self, GError **error)
{
  gboolean v4 = self->config.ipv4, v6 = self->config.ipv6;

  g_return_val_if_fail (self->phase == WV_PHASE_IDLE, FALSE);

  if (self->config.connections < 1 || self->config.connections > 16)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "connections per family must be 1 to 16");
      return FALSE;
    }
  if (self->config.url == NULL)
    {
      /* Self-test: our own server on the loopback addresses. */
      WvServerConfig sc;
      const char *listen[] = { "127.0.0.1:0", NULL };
      const char *ice[] = { "127.0.0.1", "::1", NULL };
      g_auto(GStrv) urls = NULL;

      wv_server_config_init (&sc);
      sc.listen = (char **) listen;
      sc.ice_addresses = (char **) ice;
      sc.max_connections = 64;
      sc.max_per_client = 64;
      self->server = wv_server_new (&sc);
      if (!wv_server_start (self->server, error))
        return FALSE;
      urls = wv_server_dup_urls (self->server);
      self->base_url = g_strconcat (urls[0], WV_API_PREFIX, NULL);
      self->token = g_strdup (wv_server_get_token (self->server));
      if (v6 && !wv_have_ipv6 (TRUE))
        {
          message (self, "IPv6 left out: this host has no IPv6 loopback address");
          v6 = FALSE;
        }
    }
  else
    {
      self->base_url = wv_api_base_url (self->config.url, error);
      if (self->base_url == NULL)
        return FALSE;
      /* --token wins over the URL's. */
      if (self->config.token)
        self->token = g_strdup (self->config.token);
      else
        {
          self->token = wv_api_token_from_url (self->config.url, error);
          if (self->token == NULL && error && *error)
            return FALSE;
        }
      if (self->token && !wv_token_is_valid (self->token))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "the access token must be %d to %d characters of A-Z a-z 0-9 - . _ ~",
                       WV_TOKEN_MIN_LEN, WV_TOKEN_MAX_LEN);
          return FALSE;
        }
      if (v6 && !self->config.ipv4 && !wv_have_ipv6 (FALSE))
        message (self, "this host seems to have no IPv6 route; trying anyway");
      else if (v6 && !wv_have_ipv6 (FALSE))
        {
          message (self, "IPv6 left out: this host has no IPv6 route");
          v6 = FALSE;
        }
    }
  if (!v4 && !v6)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "no address family to measure");
      return FALSE;
    }

  self->session = wv_random_uuid ();
  if (self->config.traceroute || self->config.mtu)
    {
      /* The helper adds ICMP errors from raw sockets; the socket error queue
       * works without it, so a helper that cannot start only costs a note. */
      self->helper = wv_icmp_helper_new (self->config.icmp_helper);
      wv_icmp_helper_start_async (self->helper, self->cancellable, on_helper_started, self);
    }
  set_phase (self, WV_PHASE_CONNECT);
  for (int f = 0; f < 2; f++)
    {
      int family = f == 0 ? 4 : 6;

      if ((family == 4 && !v4) || (family == 6 && !v6))
        continue;
      for (guint i = 0; i < self->config.connections; i++)
        if (!add_connection (self, family, error))
          return FALSE;
    }
  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);
      g_signal_emit (self, signals[SIGNAL_CONNECTION_STATE], 0, cc->index, cc->family,
                     (guint) WV_CONN_CONNECTING);
      wv_peer_start (wv_connection_get_peer (cc->conn));
    }
  self->phase_source = g_timeout_add_seconds (self->config.connect_timeout_s, connect_timeout, self);
  return TRUE;
}

void
wv_client_stop (WvClient *self)
{
  g_return_if_fail (WV_IS_CLIENT (self));

  if (self->finished)
    return;
  g_clear_handle_id (&self->phase_source, g_source_remove);
  if (self->phase == WV_PHASE_CONNECT || self->phase == WV_PHASE_IDLE)
    {
      for (guint i = 0; i < self->conns->len; i++)
        {
          ClientConn *cc = g_ptr_array_index (self->conns, i);
          wv_connection_abort (cc->conn, "stopped before the streams started");
        }
      finish (self, FALSE);
      return;
    }
  if (self->phase == WV_PHASE_STOPPING)
    return;
  if (self->phase == WV_PHASE_TRACEROUTE || self->phase == WV_PHASE_MTU)
    self->config.streams_phase = FALSE;
  set_phase (self, WV_PHASE_STOPPING);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, 1.0);
  for (guint i = 0; i < self->conns->len; i++)
    {
      ClientConn *cc = g_ptr_array_index (self->conns, i);

      if (!cc->ended)
        wv_connection_stop (cc->conn);
    }
  self->phase_source = g_timeout_add_seconds (STOP_TIMEOUT_S, stop_timeout, self);
  check_phase (self);
}

const WvClientConfig *
wv_client_get_config (WvClient *self)
{
  g_return_val_if_fail (WV_IS_CLIENT (self), NULL);
  return &self->config;
}

WvPhase
wv_client_get_phase (WvClient *self)
{
  return self->phase;
}

guint
wv_client_get_n_connections (WvClient *self)
{
  return self->conns->len;
}

WvConnection *
wv_client_get_connection (WvClient *self, guint index)
{
  ClientConn *cc;

  if (index >= self->conns->len)
    return NULL;
  cc = g_ptr_array_index (self->conns, index);
  return cc->conn;
}

WvServer *
wv_client_get_server (WvClient *self)
{
  return self->server;
}

char *
wv_client_dup_privilege_advice (WvClient *self)
{
  return g_strdup (self->privilege_advice);
}

static void
wv_client_dispose (GObject *object)
{
  WvClient *self = WV_CLIENT (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->phase_source, g_source_remove);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_clear_handle_id (&self->deletes_timeout, g_source_remove);
  if (self->conns)
    g_ptr_array_set_size (self->conns, 0);
  if (self->server)
    wv_server_stop (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->http);
  if (self->helper)
    wv_icmp_helper_stop (self->helper);
  g_clear_object (&self->helper);
  if (self->wifi)
    {
      wv_wifi_monitor_stop (self->wifi);
      g_signal_handlers_disconnect_by_data (self->wifi, self);
      g_clear_object (&self->wifi);
    }
  G_OBJECT_CLASS (wv_client_parent_class)->dispose (object);
}

static void
wv_client_finalize (GObject *object)
{
  WvClient *self = WV_CLIENT (object);

  g_clear_pointer (&self->conns, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_free (self->base_url);
  g_free (self->token);
  g_free (self->session);
  g_free (self->privilege_advice);
  g_clear_pointer (&self->verdicts, wv_verdicts_free);
  wv_client_config_clear (&self->config);
  G_OBJECT_CLASS (wv_client_parent_class)->finalize (object);
}

static void
wv_client_class_init (WvClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_client_dispose;
  object_class->finalize = wv_client_finalize;

  /* (guint WvPhase) */
  signals[SIGNAL_PHASE_CHANGED] =
    g_signal_new ("phase-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* (double fraction of the current phase) */
  signals[SIGNAL_PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);
  /* (guint index, int family, guint WvConnState) */
  signals[SIGNAL_CONNECTION_STATE] =
    g_signal_new ("connection-state", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_INT, G_TYPE_UINT);
  /* (const WvRecord *record) */
  signals[SIGNAL_RECORD] =
    g_signal_new ("record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (const char *text): something the user should know */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (gboolean ok) */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
wv_client_init (WvClient *self)
{
  self->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) client_conn_free);
  self->cancellable = g_cancellable_new ();
  self->verdicts = wv_verdicts_new ();
  self->wifi = wv_wifi_monitor_new ();
  g_signal_connect (self->wifi, "record", G_CALLBACK (on_wifi_record), self);
  self->http = soup_session_new_with_options ("timeout", 20,
                                              "user-agent", "wifi-verify/" PACKAGE_VERSION,
                                              NULL);
}

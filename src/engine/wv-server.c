/* wv-server.c: the measuring server: HTTP signalling and server-side connections
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The signalling API (docs/protocol.md, "HTTP signalling API"):
 *
 *   GET    /api/v1                          service and protocol version
 *   POST   /api/v1/connections              offer -> answer, creates a connection
 *   POST   /api/v1/connections/ID/candidates   the client's ICE candidates
 *   GET    /api/v1/connections/ID/candidates?since=N   ours (long poll)
 *   DELETE /api/v1/connections/ID           ends a connection
 *   GET    /api/v1/status                   diagnostics
 *   GET    /, /app.js, ...                  the web client (wv-web.c)
 *
 * Bodies are JSON; every error is a 4xx/5xx with
 * {"error": {"code": "...", "message": "..."}}. Every API request carries
 * the access token (Authorization: Bearer). The server is meant to face an
 * untrusted network: every HTTP connection serves one request and is
 * closed, whoever wrote the response (libsoup answers some requests by
 * itself); a request's headers and body must arrive within a timeout; no
 * body is read beyond max_body, whatever the method; open HTTP
 * connections, connections and set-ups are limited per client (an IPv4
 * address or an IPv6 /64) and in total; connectivity checks only go to
 * candidates that belong to the client (wv_candidate_check()); a ready
 * connection that measures nothing ends. A malformed request never
 * disturbs anything else.
 */
#define G_LOG_DOMAIN "wv-server"

#include "config.h"

#include <string.h>
#include <netinet/in.h>

#include <libsoup/soup.h>

#include "wv-clock.h"
#include "wv-log-limit.h"
#include "wv-server.h"
#include "wv-web.h"

#define MAX_QUEUED_CANDIDATES 256
#define LONG_POLL_S 5
#define ANSWER_TIMEOUT_S 15
#define LINGER_S 30
#define CLOSE_GRACE_S 5

typedef struct {
  WvServer *server;           /* not a ref */
  WvConnection *conn;
  char *id;
  char *client_host;
  char *client_key;           /* wv_api_host_key (client_host) */
  char *label;                /* the client's name for itself (sanitised), or ours */
  char *session_id;
  GPtrArray *candidates;      /* ours, as JSON objects (JsonNode) */
  GPtrArray *waiters;         /* paused GET .../candidates (SoupServerMessage) */
  SoupServerMessage *answer_waiter;
  guint answer_timeout;
  guint setup_timeout;
  guint linger;
  guint close_grace;
  guint ready_timeout;
  gint64 created_ns;
  guint candidates_used;      /* remote candidates given to ICE */
  guint candidates_ignored;   /* well formed, but not for checks (wv_candidate_check) */
  WvLogLimit *log_limit;
  gboolean done;
  gboolean announced;         /* "connection-state" told its start */
} Session;

/* One HTTP connection (libsoup's, one request each), from accept on. */
typedef struct {
  WvServer *server;           /* not a ref */
  char *key;                  /* client, wv_api_host_key() */
  GSocket *socket;
  guint timeout;              /* the request has not arrived in time */
} HttpConn;

struct _WvServer
{
  GObject parent_instance;

  WvServerConfig config;
  SoupServer *soup;
  GHashTable *sessions;       /* id -> Session */
  guint next_index;
  guint64 requests;
  guint64 bad_requests;
  guint64 rejected_limits;
  guint64 unauthorized;
  guint64 http_refused;
  guint64 http_timeouts;
  guint64 candidates_ignored;
  char *token;                /* NULL: no access control */
  WvOutBudget *budget;
  GHashTable *http_per_key;   /* client key -> open HTTP connections (GUINT) */
  guint n_http;
  WvLogLimit *log_limit;      /* for what is not one connection's */
  gint64 started_ns;
  guint expire_source;
  gboolean stopping;
  guint stop_pending;        /* answers written while stopping, not yet sent */
};

G_DEFINE_FINAL_TYPE (WvServer, wv_server, G_TYPE_OBJECT)

enum {
  SIGNAL_RECORD,
  SIGNAL_CONNECTION_STATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
wv_server_config_init (WvServerConfig *config)
{
  WvServerCaps caps = WV_SERVER_CAPS_DEFAULT;

  memset (config, 0, sizeof *config);
  config->max_connections = 64;
  config->max_per_client = 32;
  config->max_setups_per_client = 32;
  config->max_http = 64;
  config->max_http_per_client = 16;
  config->max_body = 64 * 1024;
  config->http_timeout_s = 10;
  config->setup_timeout_s = 30;
  config->lost_timeout_s = WV_LOST_TIMEOUT_DEFAULT_S;
  config->ready_timeout_s = 120;
  config->max_total_out_bps = 250 * 1000 * 1000;
  config->caps = caps;
  config->socket_errors = TRUE;
}

void
wv_server_config_clear (WvServerConfig *config)
{
  g_clear_pointer (&config->listen, g_strfreev);
  g_clear_pointer (&config->ice_addresses, g_strfreev);
  g_clear_pointer (&config->stun_uri, g_free);
  g_clear_pointer (&config->token, g_free);
  g_clear_pointer (&config->tls_cert_file, g_free);
  g_clear_pointer (&config->tls_key_file, g_free);
}

/* --- responses ---------------------------------------------------------- */

static void
respond_json (SoupServerMessage *msg, guint status, JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *text = NULL;
  gsize len;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &len);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, len);
}

static JsonNode *
error_json (const char *code, const char *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, text);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
respond_error (WvServer *self, SoupServerMessage *msg, guint status, const char *code,
               const char *format, ...) G_GNUC_PRINTF (5, 6);

static void
respond_error (WvServer *self, SoupServerMessage *msg, guint status, const char *code,
               const char *format, ...)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  /* Refusals for limits and for the token are counted apart. */
  if (status == 401)
    self->unauthorized++;
  else if (status < 500 && status != 429)
    self->bad_requests++;
  root = error_json (code, text);
  respond_json (msg, status, root);
}

/* Parses the request body as a JSON object, or answers with an error. */
static JsonObject *
read_json_body (WvServer *self, SoupServerMessage *msg, JsonParser *parser)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  JsonObject *o;
  gsize len;
  const char *data;

  if (type == NULL || g_ascii_strcasecmp (type, "application/json") != 0)
    {
      respond_error (self, msg, 415, "unsupported_media_type",
                     "the body must be application/json");
      return NULL;
    }
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &len);
  if (len > self->config.max_body)
    {
      respond_error (self, msg, 413, "too_large", "the body is larger than %" G_GSIZE_FORMAT
                     " bytes", self->config.max_body);
      return NULL;
    }
  o = wv_api_parse_object (parser, data, len, &error);
  if (o == NULL)
    respond_error (self, msg, 400, "bad_json", "%s", error->message);
  return o;
}

static void
respond_api_error (WvServer *self, SoupServerMessage *msg, const GError *error)
{
  guint status = g_error_matches (error, WV_API_ERROR, WV_API_ERROR_TOO_LARGE) ? 413 : 400;

  respond_error (self, msg, status, wv_api_error_code (error->code), "%s", error->message);
}

/* Logs a line about @s (at most a few per reason and connection, see
 * WvLogLimit); @text is the server's, anything from the peer in it must
 * have gone through wv_log_escape(). */
static void
session_log (Session *s, const char *reason, const char *text)
{
  guint64 held = 0;

  if (!s->server->config.log_sessions || !wv_log_limit_allow (s->log_limit, reason, &held))
    return;
  if (held)
    g_message ("connection %s from %s: %s (%" G_GUINT64_FORMAT " more not logged)", s->id,
               s->client_host, text, held);
  else
    g_message ("connection %s from %s: %s", s->id, s->client_host, text);
}

/* --- sessions ------------------------------------------------------------ */

static void
on_stop_flushed (SoupServerMessage *msg, WvServer *self)
{
  g_signal_handlers_disconnect_by_func (msg, on_stop_flushed, self);
  if (self->stop_pending > 0)
    self->stop_pending--;
}

/* While stopping: wv_server_stop() waits (briefly) for this answer to be
 * written before it closes the sockets. */
static void
track_answer (WvServer *self, SoupServerMessage *msg)
{
  if (!self->stopping)
    return;
  self->stop_pending++;
  g_signal_connect (msg, "finished", G_CALLBACK (on_stop_flushed), self);
}

/* Answers the requests this session holds paused; must run while the
 * server's connections are still up. */
static void
session_release_requests (Session *s)
{
  if (s->answer_waiter)
    {
      respond_error (s->server, s->answer_waiter, 503, "closed", "the connection was closed");
      track_answer (s->server, s->answer_waiter);
      soup_server_message_unpause (s->answer_waiter);
      g_clear_object (&s->answer_waiter);
    }
  for (guint i = 0; i < s->waiters->len; i++)
    {
      SoupServerMessage *m = g_ptr_array_index (s->waiters, i);

      g_signal_handlers_disconnect_by_data (m, s);
      respond_error (s->server, m, 410, "gone", "the connection was closed");
      track_answer (s->server, m);
      soup_server_message_unpause (m);
    }
  g_ptr_array_set_size (s->waiters, 0);
}

static void
session_free (Session *s)
{
  g_clear_handle_id (&s->answer_timeout, g_source_remove);
  g_clear_handle_id (&s->setup_timeout, g_source_remove);
  g_clear_handle_id (&s->linger, g_source_remove);
  g_clear_handle_id (&s->close_grace, g_source_remove);
  g_clear_handle_id (&s->ready_timeout, g_source_remove);
  session_release_requests (s);
  g_ptr_array_unref (s->waiters);
  g_ptr_array_unref (s->candidates);
  if (s->conn)
    {
      g_signal_handlers_disconnect_by_data (s->conn, s);
      g_signal_handlers_disconnect_by_data (wv_connection_get_peer (s->conn), s);
      g_object_unref (s->conn);
    }
  g_free (s->client_host);
  g_free (s->client_key);
  wv_log_limit_free (s->log_limit);
  g_free (s->label);
  g_free (s->session_id);
  g_free (s->id);
  g_free (s);
}

/* Active connections of one client (@key), and how many of them are still
 * being set up. */
static guint
count_client (WvServer *self, const char *key, guint *setups)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  *setups = 0;
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Session *s = value;

      if (!s->done && g_strcmp0 (s->client_key, key) == 0)
        {
          n++;
          *setups += wv_connection_get_state (s->conn) == WV_CONN_CONNECTING;
        }
    }
  return n;
}

static guint
count_active (WvServer *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += !((Session *) value)->done;
  return n;
}

static JsonNode *
candidates_reply (Session *s, guint since)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "candidates");
  json_builder_begin_array (b);
  for (guint i = since; i < s->candidates->len; i++)
    json_builder_add_value (b, json_node_copy (g_ptr_array_index (s->candidates, i)));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "next");
  json_builder_add_int_value (b, s->candidates->len);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Answers the session's long polls with what there is; with @older_than_ns
 * > 0, only those that have waited since before that time. */
static void
wake_waiters (Session *s, gint64 older_than_ns)
{
  for (guint i = 0; i < s->waiters->len;)
    {
      SoupServerMessage *m = g_ptr_array_index (s->waiters, i);
      guint since = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (m), "since"));
      gint64 *started = g_object_get_data (G_OBJECT (m), "started");
      g_autoptr(JsonNode) reply = NULL;

      if (older_than_ns > 0 && started && *started > older_than_ns)
        {
          i++;
          continue;
        }
      reply = candidates_reply (s, since);
      g_signal_handlers_disconnect_by_data (m, s);
      respond_json (m, 200, reply);
      soup_server_message_unpause (m);
      g_ptr_array_remove_index (s->waiters, i);
    }
}

static void
on_local_candidate (WvPeer *peer, guint mline, const char *candidate, Session *s)
{
  g_autoptr(JsonBuilder) b = NULL;

  if (s->candidates->len >= MAX_QUEUED_CANDIDATES)
    return;
  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mline");
  json_builder_add_int_value (b, mline);
  json_builder_set_member_name (b, "candidate");
  json_builder_add_string_value (b, candidate);
  json_builder_end_object (b);
  g_ptr_array_add (s->candidates, json_builder_get_root (b));
  wake_waiters (s, 0);
}

static void
on_local_description (WvPeer *peer, const char *type, const char *sdp, Session *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (s->answer_waiter == NULL)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, s->id);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, type);
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, sdp);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, WV_PROTOCOL_VERSION);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  respond_json (s->answer_waiter, 201, root);
  soup_server_message_unpause (s->answer_waiter);
  g_clear_object (&s->answer_waiter);
  g_clear_handle_id (&s->answer_timeout, g_source_remove);
}

static gboolean
linger_done (gpointer data)
{
  Session *s = data;

  s->linger = 0;
  g_hash_table_remove (s->server->sessions, s->id);
  return G_SOURCE_REMOVE;
}

static void
session_close_peer (Session *s)
{
  g_clear_handle_id (&s->close_grace, g_source_remove);
  wv_peer_close (wv_connection_get_peer (s->conn));
}

static gboolean
close_grace_done (gpointer data)
{
  Session *s = data;

  s->close_grace = 0;
  session_close_peer (s);
  return G_SOURCE_REMOVE;
}

/* A failed connection frees its WebRTC resources at once. A finished one
 * keeps them until the client closes it (DELETE) or CLOSE_GRACE_S pass:
 * our last messages (the final statistics) may still sit in the SCTP
 * send queue when both ends finish, and closing would drop them. Either
 * way it stays visible in the status for a while. */
static gboolean ready_timeout (gpointer data);

/* A ready connection that neither streams nor traces ends after
 * ready_timeout_s: it would hold a slot for ever otherwise. */
static void
arm_ready_timeout (Session *s)
{
  g_clear_handle_id (&s->ready_timeout, g_source_remove);
  if (wv_connection_get_state (s->conn) == WV_CONN_READY && s->server->config.ready_timeout_s)
    s->ready_timeout = g_timeout_add_seconds (s->server->config.ready_timeout_s, ready_timeout, s);
}

static gboolean
ready_timeout (gpointer data)
{
  Session *s = data;
  g_autofree char *why = NULL;

  s->ready_timeout = 0;
  if (wv_connection_is_path_running (s->conn))
    {
      arm_ready_timeout (s);
      return G_SOURCE_REMOVE;
    }
  why = g_strdup_printf ("nothing measured for %u s", s->server->config.ready_timeout_s);
  wv_connection_abort (s->conn, why);
  return G_SOURCE_REMOVE;
}

static void
on_path_done (WvConnection *conn, Session *s)
{
  arm_ready_timeout (s);
}

static void
session_client (Session *s, WvServerClient *out)
{
  out->address = s->client_host ? s->client_host : "";
  out->label = s->label;
  out->session = s->session_id;
  out->software = wv_connection_get_peer_software (s->conn);
}

/* Tells the connection's state to who watches the clients (the app's
 * Serve mode): from the offer accepted on, not for an offer refused. */
static void
emit_state (Session *s, WvConnState state)
{
  WvServerClient client;

  if (!s->announced)
    return;
  session_client (s, &client);
  g_signal_emit (s->server, signals[SIGNAL_CONNECTION_STATE], 0, &client,
                 wv_connection_get_index (s->conn), wv_connection_get_family (s->conn),
                 (guint) state);
}

static void
on_conn_state (WvConnection *conn, guint state, Session *s)
{
  emit_state (s, state);
  if (state == WV_CONN_READY || state == WV_CONN_STREAMING)
    g_clear_handle_id (&s->setup_timeout, g_source_remove);
  arm_ready_timeout (s);
  /* Candidates are over once the connection leaves "connecting": held
   * polls learn it now rather than at their timeout. */
  if (state != WV_CONN_CONNECTING && s->waiters->len > 0)
    wake_waiters (s, 0);
  if (wv_conn_state_is_final (state) && !s->done)
    {
      s->done = TRUE;
      session_log (s, "state", wv_conn_state_to_string (state));
      if (s->answer_waiter)
        {
          /* Failed before an answer existed: the client learns it now. */
          respond_error (s->server, s->answer_waiter, 502, "failed",
                         "the connection failed before an answer was made");
          soup_server_message_unpause (s->answer_waiter);
          g_clear_object (&s->answer_waiter);
          g_clear_handle_id (&s->answer_timeout, g_source_remove);
        }
      if (state == WV_CONN_FINISHED)
        s->close_grace = g_timeout_add_seconds (CLOSE_GRACE_S, close_grace_done, s);
      else
        session_close_peer (s);
      s->linger = g_timeout_add_seconds (LINGER_S, linger_done, s);
    }
}

static void
on_conn_record (WvConnection *conn, const WvRecord *record, Session *s)
{
  WvServerClient client;

  session_client (s, &client);
  g_signal_emit (s->server, signals[SIGNAL_RECORD], 0, &client, record);
}

static void
on_conn_error (WvConnection *conn, const GError *error, Session *s)
{
  /* Errors may quote the peer ("the peer reports an error: ..."). The
   * reason for the rate limit is the text up to the first quote or
   * colon after the connection's name. */
  g_autofree char *text = wv_log_escape (error->message, 300);
  const char *body = strstr (text, "): ");
  g_autofree char *reason = g_strndup (body ? body + 3 : text,
                                       strcspn (body ? body + 3 : text, ":\"("));

  session_log (s, reason, text);
}

static gboolean
answer_timeout (gpointer data)
{
  Session *s = data;

  s->answer_timeout = 0;
  if (s->answer_waiter)
    {
      respond_error (s->server, s->answer_waiter, 504, "timeout", "no answer could be created");
      soup_server_message_unpause (s->answer_waiter);
      g_clear_object (&s->answer_waiter);
    }
  wv_connection_abort (s->conn, "no answer could be created in time");
  return G_SOURCE_REMOVE;
}

static gboolean
setup_timeout (gpointer data)
{
  Session *s = data;

  s->setup_timeout = 0;
  wv_connection_abort (s->conn, "the connection was not set up in time");
  return G_SOURCE_REMOVE;
}

/* --- handlers --------------------------------------------------------------- */

typedef struct {
  Session *session;
  int family;
} SdpFilter;

/* Whether ICE may use @candidate of @s (and counts it). */
static gboolean
use_candidate (Session *s, int family, const char *candidate)
{
  WvCandidate c;
  WvCandidateVerdict v;

  if (!wv_candidate_parse (candidate, &c))
    v = WV_CANDIDATE_NAME;
  else
    v = wv_candidate_check (&c, family, s->client_host);
  if (v == WV_CANDIDATE_USE && s->candidates_used < WV_MAX_REMOTE_CANDIDATES && !s->done)
    {
      s->candidates_used++;
      return TRUE;
    }
  s->candidates_ignored++;
  s->server->candidates_ignored++;
  if (v != WV_CANDIDATE_NAME && v != WV_CANDIDATE_OTHER_FAMILY)
    {
      g_autofree char *quoted = wv_log_escape (candidate, 120);
      g_autofree char *text = g_strdup_printf ("remote candidate ignored (%s): %s",
                                               v == WV_CANDIDATE_USE ? "limit reached"
                                                                     : wv_candidate_verdict_to_string (v),
                                               quoted);
      session_log (s, "candidate", text);
    }
  return FALSE;
}

static gboolean
sdp_keep_candidate (const char *candidate, gpointer data)
{
  SdpFilter *f = data;

  return use_candidate (f->session, f->family, candidate);
}

#define MAX_LABEL_LEN 63

/* The client's name for itself, from the offer's optional "label": it ends
 * up in logs, records and the GUI, so it is made valid UTF-8 without
 * control characters and cut to MAX_LABEL_LEN bytes. Without one, the
 * start of the session id names the client. */
static char *
make_label (JsonObject *o, const char *session_id)
{
  JsonNode *n = json_object_get_member (o, "label");
  const char *given = n && JSON_NODE_HOLDS_VALUE (n) &&
                      json_node_get_value_type (n) == G_TYPE_STRING &&
                      strlen (json_node_get_string (n)) <= WV_MAX_ID_LEN * 4
                      ? json_node_get_string (n) : NULL;
  g_autofree char *valid = given ? g_utf8_make_valid (given, -1) : NULL;
  GString *out = g_string_new (NULL);

  for (const char *p = valid; p && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char buf[6];
      int len = g_unichar_iscntrl (c) ? 1 : g_unichar_to_utf8 (c, buf);

      if (out->len + len > MAX_LABEL_LEN)
        break;
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_len (out, buf, len);
    }
  g_strstrip (out->str);
  out->len = strlen (out->str);
  if (out->len == 0)
    g_string_printf (out, "client %.8s", session_id);
  return g_string_free (out, FALSE);
}

static void
handle_create (WvServer *self, SoupServerMessage *msg)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o = read_json_body (self, msg, parser);
  const char *host;
  g_autofree char *key = NULL;
  g_autofree char *sdp = NULL;
  WvApiOffer offer;
  WvPeerConfig pc = { 0 };
  g_autoptr(GPtrArray) addrs = NULL;
  Session *s;
  SdpFilter filter;
  guint n_client, n_setups, n_seen;

  if (o == NULL)
    return;
  if (!wv_api_parse_offer (o, self->config.max_body, &offer, &error))
    {
      respond_api_error (self, msg, error);
      return;
    }
  host = soup_server_message_get_remote_host (msg);
  key = wv_api_host_key (host);
  n_client = count_client (self, key, &n_setups);
  if (count_active (self) >= self->config.max_connections)
    {
      self->rejected_limits++;
      respond_error (self, msg, 503, "busy", "the server has %u connections, its limit",
                     self->config.max_connections);
      return;
    }
  if (n_client >= self->config.max_per_client)
    {
      self->rejected_limits++;
      respond_error (self, msg, 429, "too_many", "%u connections from %s already",
                     self->config.max_per_client, key);
      return;
    }
  if (n_setups >= self->config.max_setups_per_client)
    {
      self->rejected_limits++;
      respond_error (self, msg, 429, "too_many", "%u connections from %s are being set up already",
                     self->config.max_setups_per_client, key);
      return;
    }

  addrs = g_ptr_array_new ();
  for (guint i = 0; self->config.ice_addresses && self->config.ice_addresses[i]; i++)
    g_ptr_array_add (addrs, self->config.ice_addresses[i]);
  g_ptr_array_add (addrs, NULL);
  pc.offerer = FALSE;
  pc.family = offer.family;
  pc.local_addresses = self->config.ice_addresses ? (const char *const *) addrs->pdata : NULL;
  pc.stun_uri = self->config.stun_uri;
  pc.socket_errors = self->config.socket_errors;

  s = g_new0 (Session, 1);
  s->server = self;
  s->id = wv_random_uuid ();
  s->client_host = g_strdup (host ? host : "");
  s->client_key = g_steal_pointer (&key);
  s->label = make_label (o, offer.session);
  s->session_id = g_strdup (offer.session);
  s->created_ns = wv_now_ns ();
  s->log_limit = wv_log_limit_new (5, 10);
  s->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  s->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  s->conn = wv_connection_new (WV_ROLE_SERVER, self->next_index++, offer.session, s->id, &pc,
                               &error);
  if (s->conn == NULL)
    {
      session_free (s);
      respond_error (self, msg, 503, "unavailable", "cannot create a connection: %s",
                     error->message);
      return;
    }
  {
    WvServerCaps caps = self->config.caps;

    caps.budget = self->budget;
    wv_connection_set_caps (s->conn, &caps);
    wv_connection_set_lost_timeout (s->conn, self->config.lost_timeout_s);
  }
  g_signal_connect (s->conn, "state-changed", G_CALLBACK (on_conn_state), s);
  g_signal_connect (s->conn, "error", G_CALLBACK (on_conn_error), s);
  g_signal_connect (s->conn, "path-done", G_CALLBACK (on_path_done), s);
  g_signal_connect (s->conn, "record", G_CALLBACK (on_conn_record), s);
  g_signal_connect (wv_connection_get_peer (s->conn), "local-candidate",
                    G_CALLBACK (on_local_candidate), s);
  g_signal_connect (wv_connection_get_peer (s->conn), "local-description",
                    G_CALLBACK (on_local_description), s);

  /* Candidates in the offer itself go through the same rule as posted ones. */
  filter.session = s;
  filter.family = offer.family;
  sdp = wv_sdp_filter_candidates (offer.sdp, sdp_keep_candidate, &filter, &n_seen);
  if (!wv_peer_set_remote_description (wv_connection_get_peer (s->conn), "offer", sdp, &error))
    {
      session_free (s);
      respond_error (self, msg, 400, "bad_sdp", "%s", error->message);
      return;
    }
  g_hash_table_insert (self->sessions, s->id, s);
  s->announced = TRUE;
  emit_state (s, wv_connection_get_state (s->conn));
  if (self->config.log_sessions)
    {
      g_autofree char *session = wv_log_escape (offer.session, WV_MAX_ID_LEN);
      g_autofree char *text = g_strdup_printf ("IPv%d, session %s, %s", offer.family, session, s->label);

      session_log (s, "new", text);
    }

  s->answer_waiter = g_object_ref (msg);
  soup_server_message_pause (msg);
  s->answer_timeout = g_timeout_add_seconds (ANSWER_TIMEOUT_S, answer_timeout, s);
  s->setup_timeout = g_timeout_add_seconds (self->config.setup_timeout_s, setup_timeout, s);
}

static void
handle_add_candidates (WvServer *self, SoupServerMessage *msg, Session *s)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *o = read_json_body (self, msg, parser);
  WvApiCandidateItem items[WV_API_MAX_CANDIDATES_PER_POST];
  guint n_items, n_total;
  int family = wv_connection_get_family (s->conn);

  if (o == NULL)
    return;
  if (!wv_api_parse_candidates (o, items, &n_items, &n_total, &error))
    {
      respond_api_error (self, msg, error);
      return;
    }
  /* Well-formed candidates that may not be used (a browser's mDNS name,
   * another family, an address that is not the client's) are ignored:
   * the client's own checks still reach us, and ICE learns its address
   * from them (peer-reflexive). */
  for (guint i = 0; i < n_items; i++)
    if (use_candidate (s, family, items[i].candidate) &&
        !wv_peer_add_remote_candidate (wv_connection_get_peer (s->conn), items[i].mline,
                                       items[i].candidate))
      s->candidates_used--;
  soup_server_message_set_status (msg, 204, NULL);
}

static void
on_waiter_finished (SoupServerMessage *msg, Session *s)
{
  g_ptr_array_remove (s->waiters, msg);
}

static void
handle_get_candidates (WvServer *self, SoupServerMessage *msg, Session *s, GHashTable *query)
{
  const char *since_s = query ? g_hash_table_lookup (query, "since") : NULL;
  guint since = 0;
  g_autoptr(JsonNode) reply = NULL;

  if (!wv_api_parse_since (since_s, MAX_QUEUED_CANDIDATES, &since))
    {
      respond_error (self, msg, 400, "bad_request", "\"since\" must be a number from 0 to %d",
                     MAX_QUEUED_CANDIDATES);
      return;
    }
  if (since < s->candidates->len || s->done ||
      wv_connection_get_state (s->conn) != WV_CONN_CONNECTING)
    {
      reply = candidates_reply (s, MIN (since, s->candidates->len));
      respond_json (msg, 200, reply);
      return;
    }
  /* Long poll: answered when a candidate arrives or by the timeout below. */
  g_object_set_data (G_OBJECT (msg), "since", GUINT_TO_POINTER (since));
  g_object_set_data_full (G_OBJECT (msg), "started", g_memdup2 (&(gint64) { wv_monotonic_ns () },
                                                               sizeof (gint64)), g_free);
  g_ptr_array_add (s->waiters, g_object_ref (msg));
  g_signal_connect (msg, "finished", G_CALLBACK (on_waiter_finished), s);
  soup_server_message_pause (msg);
}

static gboolean
expire_waiters (gpointer data)
{
  WvServer *self = data;
  GHashTableIter iter;
  gpointer value;

  /* Once a second: answer the long polls that have waited LONG_POLL_S
   * with what there is. */
  gint64 limit = wv_monotonic_ns () - LONG_POLL_S * G_GINT64_CONSTANT (1000000000);

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Session *) value)->waiters->len > 0)
      wake_waiters (value, limit);
  return G_SOURCE_CONTINUE;
}

/* Over HTTP the status shows the first 8 characters of connection and
 * session ids only: the full connection id is what lets a client add
 * candidates to and close its connection, and only that client has it. */
#define STATUS_ID_CHARS 8

static void
redact_id (JsonObject *o, const char *member)
{
  const char *id = json_object_has_member (o, member)
                   ? json_object_get_string_member_with_default (o, member, NULL) : NULL;

  if (id && strlen (id) > STATUS_ID_CHARS)
    {
      g_autofree char *prefix = g_strndup (id, STATUS_ID_CHARS);
      json_object_set_string_member (o, member, prefix);
    }
}

static void
handle_status (WvServer *self, SoupServerMessage *msg)
{
  g_autoptr(JsonNode) root = wv_server_describe (self);
  JsonArray *conns = json_object_get_array_member (json_node_get_object (root), "connections");

  for (guint i = 0; i < json_array_get_length (conns); i++)
    {
      JsonObject *o = json_array_get_object_element (conns, i);

      redact_id (o, "id");
      redact_id (o, "session");
    }

  respond_json (msg, 200, root);
}

static void
handle_root (WvServer *self, SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "service");
  json_builder_add_string_value (b, "wifi-verify");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, WV_PROTOCOL_VERSION);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  respond_json (msg, 200, root);
}

static void
server_callback (SoupServer *soup, SoupServerMessage *msg, const char *path,
                 GHashTable *query, gpointer user_data)
{
  WvServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  char id[WV_MAX_ID_LEN + 1];
  WvRoute route = wv_api_route (path, id);
  Session *s = NULL;

  self->requests++;
  if (route == WV_ROUTE_NONE || route == WV_ROUTE_NOT_FOUND)
    {
      /* The web client's page and files; they need no access token. */
      if (!wv_web_has_path (path))
        respond_error (self, msg, 404, "not_found", "no such resource");
      else if (strcmp (method, "GET") != 0 && strcmp (method, "HEAD") != 0)
        respond_error (self, msg, 405, "method", "use GET");
      else
        wv_web_serve (msg, path);
      return;
    }
  if (route == WV_ROUTE_CONNECTION || route == WV_ROUTE_CANDIDATES)
    {
      s = id[0] ? g_hash_table_lookup (self->sessions, id) : NULL;
      if (s == NULL)
        {
          g_autofree char *quoted = wv_log_escape (id, WV_MAX_ID_LEN);

          respond_error (self, msg, 404, "not_found", "no connection \"%s\"", quoted);
          return;
        }
    }
  if (!wv_api_method_allowed (route, method))
    {
      respond_error (self, msg, 405, "method", "use %s", wv_api_route_methods (route));
      return;
    }
  switch (route)
    {
    case WV_ROUTE_ROOT:
      handle_root (self, msg);
      break;
    case WV_ROUTE_STATUS:
      handle_status (self, msg);
      break;
    case WV_ROUTE_CONNECTIONS:
      handle_create (self, msg);
      break;
    case WV_ROUTE_CONNECTION:
      wv_connection_abort (s->conn, "the client closed the connection");
      if (s->done)
        session_close_peer (s);
      soup_server_message_set_status (msg, 204, NULL);
      break;
    case WV_ROUTE_CANDIDATES:
      if (strcmp (method, "POST") == 0)
        handle_add_candidates (self, msg, s);
      else
        handle_get_candidates (self, msg, s, query);
      break;
    default:
      respond_error (self, msg, 404, "not_found", "no such resource");
    }
}

/* --- refusing a body before it is read ---------------------------------- */

/* libsoup reads a request's whole body even when an early handler has set
 * an error status, so a client could make us buffer gigabytes before it
 * hears 413. Instead the connection is taken from libsoup: the error is
 * written, our side shut down for writing, and what the client still sends
 * is read and dropped for a moment (closing with unread data would reset
 * the connection, and the client might lose the answer), then closed. */

#define REFUSE_DRAIN_MAX (16 * 1024 * 1024)
#define BEARER_CHALLENGE "Bearer realm=\"wifi-verify\""
#define UNAUTHORIZED_TEXT "send the server's access token: Authorization: Bearer TOKEN " \
                          "(the token is in the URL the server printed)"
#define REFUSE_DRAIN_MS 2000

typedef struct {
  GIOStream *io;
  GSocket *socket;
  GCancellable *cancellable;
  char *response;          /* being written */
  guint timer;
  gsize drained;
  guint8 buf[4096];
} Refusal;

static void
refusal_free (Refusal *r)
{
  g_clear_handle_id (&r->timer, g_source_remove);
  g_clear_object (&r->cancellable);
  g_free (r->response);
  g_clear_object (&r->socket);
  g_clear_object (&r->io);
  g_free (r);
}

static void
refusal_closed (GObject *source, GAsyncResult *res, gpointer data)
{
  g_io_stream_close_finish (G_IO_STREAM (source), res, NULL);
  refusal_free (data);
}

static void
refusal_close (Refusal *r)
{
  g_clear_handle_id (&r->timer, g_source_remove);
  g_io_stream_close_async (r->io, G_PRIORITY_DEFAULT, NULL, refusal_closed, r);
}

static gboolean
refusal_timeout (gpointer data)
{
  Refusal *r = data;

  r->timer = 0;
  g_cancellable_cancel (r->cancellable);
  return G_SOURCE_REMOVE;
}

static void
refusal_drained (GObject *source, GAsyncResult *res, gpointer data)
{
  Refusal *r = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, NULL);

  if (n <= 0 || (r->drained += n) >= REFUSE_DRAIN_MAX)
    {
      refusal_close (r);
      return;
    }
  g_input_stream_read_async (G_INPUT_STREAM (source), r->buf, sizeof r->buf, G_PRIORITY_DEFAULT,
                             r->cancellable, refusal_drained, r);
}

static void
refusal_written (GObject *source, GAsyncResult *res, gpointer data)
{
  Refusal *r = data;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, NULL))
    {
      refusal_close (r);
      return;
    }
  if (r->socket)
    g_socket_shutdown (r->socket, FALSE, TRUE, NULL);
  r->timer = g_timeout_add (REFUSE_DRAIN_MS, refusal_timeout, r);
  g_input_stream_read_async (g_io_stream_get_input_stream (r->io), r->buf, sizeof r->buf,
                             G_PRIORITY_DEFAULT, r->cancellable, refusal_drained, r);
}

static void
refuse_unread (WvServer *self, SoupServerMessage *msg, guint status, const char *code,
               const char *text)
{
  g_autoptr(JsonNode) node = error_json (code, text);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autofree char *body = NULL;
  GSocket *socket = soup_server_message_get_socket (msg);
  HttpConn *hc = g_object_get_data (G_OBJECT (msg), "wv-http");
  Refusal *r;
  gsize len;

  self->requests++;
  /* The refusal has its own time limit (REFUSE_DRAIN_MS). */
  if (hc)
    g_clear_handle_id (&hc->timeout, g_source_remove);
  r = g_new0 (Refusal, 1);
  r->socket = socket ? g_object_ref (socket) : NULL;
  r->io = soup_server_message_steal_connection (msg);
  if (r->io == NULL)
    {
      /* Cannot happen for a message being read; answer the usual way. */
      refusal_free (r);
      respond_error (self, msg, status, code, "%s", text);
      return;
    }
  if (status == 401)
    self->unauthorized++;
  else
    self->bad_requests++;
  r->cancellable = g_cancellable_new ();
  json_generator_set_root (gen, node);
  body = json_generator_to_data (gen, &len);
  r->response = g_strdup_printf ("HTTP/1.1 %u %s\r\nServer: wifi-verify/" PACKAGE_VERSION "\r\n"
                                 "%sContent-Type: application/json\r\nContent-Length: %"
                                 G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n%s",
                                 status, soup_status_get_phrase (status),
                                 status == 401 ? "WWW-Authenticate: " BEARER_CHALLENGE "\r\n" : "",
                                 len, body);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (r->io), r->response,
                                   strlen (r->response), G_PRIORITY_DEFAULT, r->cancellable,
                                   refusal_written, r);
}

/* Before the body is read: refuses bodies that are too large or unsized
 * (whatever the method and path), then API requests without the token. */
static void
early_callback (SoupServer *soup, SoupServerMessage *msg, const char *path,
                GHashTable *query, gpointer user_data)
{
  WvServer *self = user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (h);
  gboolean needs_length = strcmp (method, "POST") == 0 || strcmp (method, "PUT") == 0;
  gboolean has_body;

  if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF ||
      (needs_length && encoding != SOUP_ENCODING_CONTENT_LENGTH))
    {
      refuse_unread (self, msg, 411, "length_required", "send a Content-Length");
      return;
    }
  if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (h) > (goffset) self->config.max_body)
    {
      g_autofree char *text = g_strdup_printf ("the body is larger than %" G_GSIZE_FORMAT " bytes",
                                               self->config.max_body);
      refuse_unread (self, msg, 413, "too_large", text);
      return;
    }
  if (self->token == NULL || wv_api_route (path, NULL) == WV_ROUTE_NONE ||
      wv_api_authorized (soup_message_headers_get_one (h, "Authorization"), self->token))
    return;
  has_body = encoding == SOUP_ENCODING_CONTENT_LENGTH && soup_message_headers_get_content_length (h) > 0;
  if (has_body)
    {
      refuse_unread (self, msg, 401, "unauthorized", UNAUTHORIZED_TEXT);
      return;
    }
  /* Without a body, libsoup writes this answer without calling the
   * handler. */
  self->requests++;
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", BEARER_CHALLENGE);
  respond_error (self, msg, 401, "unauthorized", UNAUTHORIZED_TEXT);
}

/* --- HTTP connections ------------------------------------------------------- */

static void
http_conn_free (gpointer data)
{
  HttpConn *hc = data;
  WvServer *self = hc->server;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->http_per_key, hc->key));

  g_clear_handle_id (&hc->timeout, g_source_remove);
  if (n <= 1)
    g_hash_table_remove (self->http_per_key, hc->key);
  else
    g_hash_table_insert (self->http_per_key, g_strdup (hc->key), GUINT_TO_POINTER (n - 1));
  if (self->n_http > 0)
    self->n_http--;
  g_clear_object (&hc->socket);
  g_free (hc->key);
  g_free (hc);
}

/* Shuts the connection down: libsoup's read or write then fails, and it
 * closes the connection as when a client hangs up. */
static gboolean
http_conn_timeout (gpointer data)
{
  HttpConn *hc = data;

  hc->timeout = 0;
  hc->server->http_timeouts++;
  if (hc->socket)
    g_socket_shutdown (hc->socket, TRUE, TRUE, NULL);
  return G_SOURCE_REMOVE;
}

/* Every HTTP connection, when it is accepted (libsoup makes its first
 * message at once), and every later message on it. */
static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, WvServer *self)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  const char *host = soup_server_message_get_remote_host (msg);
  g_autofree char *key = wv_api_host_key (host);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->http_per_key, key));
  HttpConn *hc;

  /* One request per connection, whoever writes the response (libsoup
   * answers some requests by itself, "OPTIONS *" or a bad URI): libsoup
   * 3.2 keeps a kept-alive connection in CLOSE-WAIT for ever once the
   * client has closed it. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  if (g_object_get_data (G_OBJECT (msg), "wv-http"))
    return;
  if (self->n_http >= self->config.max_http || n >= self->config.max_http_per_client)
    {
      /* Closed before a byte is read: the client sees the connection
       * reset or closed, and may try again later. */
      self->http_refused++;
      if (socket)
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
      if (wv_log_limit_allow (self->log_limit, "http", NULL))
        g_message ("refusing an HTTP connection from %s: %s", key,
                   n >= self->config.max_http_per_client ? "too many from this client"
                                                         : "too many in all");
      return;
    }
  hc = g_new0 (HttpConn, 1);
  hc->server = self;
  hc->key = g_steal_pointer (&key);
  hc->socket = socket ? g_object_ref (socket) : NULL;
  g_hash_table_insert (self->http_per_key, g_strdup (hc->key), GUINT_TO_POINTER (n + 1));
  self->n_http++;
  /* The whole request must have arrived within http_timeout_s; and any
   * single read or write that waits a second longer fails (GSocket's
   * timeout also applies to libsoup's non-blocking I/O: a client that
   * does not read its answer). */
  if (socket)
    g_socket_set_timeout (socket, self->config.http_timeout_s + 1);
  hc->timeout = g_timeout_add_seconds (self->config.http_timeout_s, http_conn_timeout, hc);
  g_object_set_data_full (G_OBJECT (msg), "wv-http", hc, http_conn_free);
}

/* The whole request has arrived. */
static void
on_request_read (SoupServer *soup, SoupServerMessage *msg, WvServer *self)
{
  HttpConn *hc = g_object_get_data (G_OBJECT (msg), "wv-http");

  if (hc)
    g_clear_handle_id (&hc->timeout, g_source_remove);
}

/* --- public ------------------------------------------------------------------ */

WvServer *
wv_server_new (const WvServerConfig *config)
{
  WvServer *self = g_object_new (WV_TYPE_SERVER, NULL);

  self->config = *config;
  self->config.listen = g_strdupv (config->listen);
  self->config.ice_addresses = g_strdupv (config->ice_addresses);
  self->config.stun_uri = g_strdup (config->stun_uri);
  self->config.token = g_strdup (config->token);
  self->config.caps.budget = NULL;
  self->config.http_timeout_s = MAX (self->config.http_timeout_s, 1);
  if (!config->no_token)
    self->token = config->token ? g_strdup (config->token) : wv_token_new ();
  self->budget = wv_out_budget_new (config->max_total_out_bps ? config->max_total_out_bps
                                                              : G_MAXUINT64);
  self->config.tls_cert_file = g_strdup (config->tls_cert_file);
  self->config.tls_key_file = g_strdup (config->tls_key_file);
  return self;
}

static gboolean
parse_listen (const char *spec, GSocketAddress **out, GError **error)
{
  g_autoptr(GSocketConnectable) c = NULL;
  g_autoptr(GSocketAddressEnumerator) e = NULL;

  c = g_network_address_parse (spec, 8080, error);
  if (c == NULL)
    return FALSE;
  /* Listen addresses are literal IPs (resolving could block); a name is
   * refused with a clear message. */
  if (!g_hostname_is_ip_address (g_network_address_get_hostname (G_NETWORK_ADDRESS (c))))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "listen address \"%s\" must be an IP address and port", spec);
      return FALSE;
    }
  e = g_socket_connectable_enumerate (c);
  *out = g_socket_address_enumerator_next (e, NULL, error);
  return *out != NULL;
}

gboolean
wv_server_start (WvServer *self, GError **error)
{
  const char *defaults[] = { "0.0.0.0:8080", "[::]:8080", NULL };
  const char *const *listen = self->config.listen ? (const char *const *) self->config.listen
                                                  : defaults;
  guint ok = 0;
  g_autoptr(GTlsCertificate) cert = NULL;
  SoupServerListenOptions listen_options = 0;

  if (self->token && !wv_token_is_valid (self->token))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the access token must be %d to %d characters of A-Z a-z 0-9 - . _ ~",
                   WV_TOKEN_MIN_LEN, WV_TOKEN_MAX_LEN);
      return FALSE;
    }
  /* HTTPS makes the web client's page a secure context, which browsers
   * need before they give it fine timers (docs/browser-client.md). */
  if (self->config.tls_cert_file)
    {
      g_autoptr(GError) local = NULL;

      cert = self->config.tls_key_file
             ? g_tls_certificate_new_from_files (self->config.tls_cert_file,
                                                 self->config.tls_key_file, &local)
             : g_tls_certificate_new_from_file (self->config.tls_cert_file, &local);
      if (cert == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "cannot use the TLS certificate %s%s%s: %s", self->config.tls_cert_file,
                       self->config.tls_key_file ? " with the key " : "",
                       self->config.tls_key_file ? self->config.tls_key_file : "", local->message);
          return FALSE;
        }
      listen_options = SOUP_SERVER_LISTEN_HTTPS;
    }
  self->soup = soup_server_new ("server-header", "wifi-verify/" PACKAGE_VERSION,
                                "tls-certificate", cert, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  g_signal_connect (self->soup, "request-read", G_CALLBACK (on_request_read), self);
  soup_server_add_handler (self->soup, NULL, server_callback, self, NULL);
  soup_server_add_early_handler (self->soup, NULL, early_callback, self, NULL);

  for (guint i = 0; listen[i]; i++)
    {
      g_autoptr(GSocketAddress) addr = NULL;
      g_autoptr(GError) local = NULL;
      g_autoptr(GSocket) sock = NULL;
      GSocketFamily family;

      if (!parse_listen (listen[i], &addr, error))
        return FALSE;
      family = g_socket_address_get_family (addr);
      /* Our own socket so that an IPv6 listener is IPv6-only and does not
       * collide with the IPv4 one on the same port (soup_server_listen()
       * refuses the IPV6_ONLY flag for explicit addresses). */
      sock = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &local);
      if (sock && family == G_SOCKET_FAMILY_IPV6)
        g_socket_set_option (sock, IPPROTO_IPV6, IPV6_V6ONLY, 1, NULL);
      if (sock)
        g_socket_set_listen_backlog (sock, 128);
      if (sock && !(g_socket_bind (sock, addr, TRUE, &local) && g_socket_listen (sock, &local)))
        g_clear_object (&sock);
      if (sock && !soup_server_listen_socket (self->soup, sock, listen_options, &local))
        g_clear_object (&sock);
      if (sock == NULL)
        {
          const char *why = local ? local->message : "unknown error";

          /* A default address family the host lacks is not fatal. */
          if (self->config.listen == NULL)
            {
              g_message ("not listening on %s: %s", listen[i], why);
              continue;
            }
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot listen on %s: %s",
                       listen[i], why);
          return FALSE;
        }
      ok++;
    }
  if (ok == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not listen on any address");
      return FALSE;
    }
  self->started_ns = wv_now_ns ();
  self->expire_source = g_timeout_add_seconds (1, expire_waiters, self);
  return TRUE;
}

char **
wv_server_dup_urls (WvServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  GPtrArray *out = g_ptr_array_new ();

  for (GSList *l = uris; l; l = l->next)
    {
      g_autofree char *s = g_uri_to_string (l->data);
      /* Without the trailing slash. */
      if (g_str_has_suffix (s, "/"))
        s[strlen (s) - 1] = '\0';
      g_ptr_array_add (out, g_steal_pointer (&s));
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

char **
wv_server_dup_page_urls (WvServer *self)
{
  g_auto(GStrv) urls = wv_server_dup_urls (self);
  GStrvBuilder *b = g_strv_builder_new ();
  char **out;

  for (guint i = 0; urls[i]; i++)
    {
      g_autofree char *url = self->token ? g_strdup_printf ("%s/?token=%s", urls[i], self->token)
                                         : g_strdup_printf ("%s/", urls[i]);

      g_strv_builder_add (b, url);
    }
  out = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return out;
}

/* The web client's URLs to give out: this machine's real addresses (never
 * a wildcard, loopback last, wv_web_dup_page_urls()), with the token. */
char **
wv_server_dup_web_urls (WvServer *self)
{
  g_auto(GStrv) urls = wv_server_dup_urls (self);
  char **pages = wv_web_dup_page_urls ((const char *const *) urls);

  for (guint i = 0; self->token && pages[i]; i++)
    {
      char *with = g_strdup_printf ("%s?token=%s", pages[i], self->token);

      g_free (pages[i]);
      pages[i] = with;
    }
  return pages;
}

const char *
wv_server_get_token (WvServer *self)
{
  return self->token;
}

guint
wv_server_get_n_connections (WvServer *self)
{
  return count_active (self);
}

JsonNode *
wv_server_describe (WvServer *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GHashTableIter iter;
  gpointer value;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "service");
  json_builder_add_string_value (b, "wifi-verify");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, WV_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "uptime_s");
  json_builder_add_double_value (b, (wv_now_ns () - self->started_ns) / 1e9);
  json_builder_set_member_name (b, "limits");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "max_connections");
  json_builder_add_int_value (b, self->config.max_connections);
  json_builder_set_member_name (b, "max_per_client");
  json_builder_add_int_value (b, self->config.max_per_client);
  json_builder_set_member_name (b, "max_setups_per_client");
  json_builder_add_int_value (b, self->config.max_setups_per_client);
  json_builder_set_member_name (b, "max_http");
  json_builder_add_int_value (b, self->config.max_http);
  json_builder_set_member_name (b, "max_http_per_client");
  json_builder_add_int_value (b, self->config.max_http_per_client);
  json_builder_set_member_name (b, "max_rate_pps");
  json_builder_add_int_value (b, self->config.caps.max_rate_pps);
  json_builder_set_member_name (b, "max_bulk_bps");
  json_builder_add_int_value (b, self->config.caps.max_bulk_bps);
  json_builder_set_member_name (b, "max_duration_s");
  json_builder_add_double_value (b, self->config.caps.max_duration_s);
  json_builder_set_member_name (b, "max_out_bps");
  json_builder_add_int_value (b, self->config.caps.max_out_bps);
  json_builder_set_member_name (b, "max_total_out_bps");
  json_builder_add_int_value (b, self->config.max_total_out_bps);
  json_builder_set_member_name (b, "ready_timeout_s");
  json_builder_add_int_value (b, self->config.ready_timeout_s);
  json_builder_set_member_name (b, "access_token");
  json_builder_add_boolean_value (b, self->token != NULL);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "requests");
  json_builder_add_int_value (b, self->requests);
  json_builder_set_member_name (b, "bad_requests");
  json_builder_add_int_value (b, self->bad_requests);
  json_builder_set_member_name (b, "rejected_by_limits");
  json_builder_add_int_value (b, self->rejected_limits);
  json_builder_set_member_name (b, "unauthorized");
  json_builder_add_int_value (b, self->unauthorized);
  json_builder_set_member_name (b, "http_refused");
  json_builder_add_int_value (b, self->http_refused);
  json_builder_set_member_name (b, "http_timeouts");
  json_builder_add_int_value (b, self->http_timeouts);
  json_builder_set_member_name (b, "candidates_ignored");
  json_builder_add_int_value (b, self->candidates_ignored);
  json_builder_set_member_name (b, "out_bps_granted");
  json_builder_add_int_value (b, wv_out_budget_get_used (self->budget));
  json_builder_set_member_name (b, "http_open");
  json_builder_add_int_value (b, self->n_http);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "connections");
  json_builder_begin_array (b);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Session *s = value;
      JsonNode *conn = wv_connection_describe (s->conn);

      json_object_set_string_member (json_node_get_object (conn), "client",
                                     s->client_host ? s->client_host : "");
      json_object_set_int_member (json_node_get_object (conn), "candidates_used",
                                  s->candidates_used);
      json_object_set_int_member (json_node_get_object (conn), "candidates_ignored",
                                  s->candidates_ignored);
      json_object_set_string_member (json_node_get_object (conn), "label", s->label);
      json_object_set_string_member (json_node_get_object (conn), "software",
                                     wv_connection_get_peer_software (s->conn));
      json_builder_add_value (b, conn);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

#define STOP_FLUSH_MS 500

static gboolean
stop_wakeup (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
wv_server_stop (WvServer *self)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  gint64 deadline;
  GHashTableIter iter;
  gpointer value;
  GSource *wakeup;

  if (self->stopping)
    {
      g_main_context_unref (context);
      return;
    }
  self->stopping = TRUE;
  /* Held requests first: "closed" and "gone", before aborting a connection
   * would answer its offer with "failed". */
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    session_release_requests (value);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    wv_connection_abort (((Session *) value)->conn, "the server is shutting down");
  g_clear_handle_id (&self->expire_source, g_source_remove);

  /* libsoup writes those answers from the main loop: give it a moment
   * before the sockets close, so clients hear why. */
  deadline = g_get_monotonic_time () + STOP_FLUSH_MS * 1000;
  wakeup = g_timeout_source_new (10);
  g_source_set_callback (wakeup, stop_wakeup, NULL, NULL);
  g_source_attach (wakeup, context);
  while (self->stop_pending > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (wakeup);
  g_source_unref (wakeup);
  g_main_context_unref (context);
  if (self->soup)
    soup_server_disconnect (self->soup);
}

static void
wv_server_dispose (GObject *object)
{
  WvServer *self = WV_SERVER (object);

  g_clear_handle_id (&self->expire_source, g_source_remove);
  if (self->sessions)
    g_hash_table_remove_all (self->sessions);
  g_clear_object (&self->soup);
  G_OBJECT_CLASS (wv_server_parent_class)->dispose (object);
}

static void
wv_server_finalize (GObject *object)
{
  WvServer *self = WV_SERVER (object);

  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->http_per_key, g_hash_table_unref);
  g_clear_pointer (&self->budget, wv_out_budget_unref);
  g_clear_pointer (&self->log_limit, wv_log_limit_free);
  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_clear_pointer (&self->token, g_free);
  wv_server_config_clear (&self->config);
  G_OBJECT_CLASS (wv_server_parent_class)->finalize (object);
}

static void
wv_server_class_init (WvServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_server_dispose;
  object_class->finalize = wv_server_finalize;

  /* (const WvServerClient *client, const WvRecord *record): every record
   * of every connection, with the client it is about */
  signals[SIGNAL_RECORD] =
    g_signal_new ("record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_POINTER);
  /* (const WvServerClient *client, guint index, int family, guint state):
   * a connection's state (WvConnState), from its offer accepted on; its
   * index is the "conn" of its records */
  signals[SIGNAL_CONNECTION_STATE] =
    g_signal_new ("connection-state", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_POINTER, G_TYPE_UINT, G_TYPE_INT,
                  G_TYPE_UINT);
}

static void
wv_server_init (WvServer *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) session_free);
  self->http_per_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->log_limit = wv_log_limit_new (5, 10);
}

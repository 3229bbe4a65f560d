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
 * {"error": {"code": "...", "message": "..."}}. Limits on body size,
 * concurrent connections overall and per client address, and set-up time
 * protect the server; a malformed request never disturbs anything else.
 */
#define G_LOG_DOMAIN "wv-server"

#include "config.h"

#include <string.h>
#include <netinet/in.h>

#include <libsoup/soup.h>

#include "wv-clock.h"
#include "wv-server.h"
#include "wv-web.h"

#define MAX_CANDIDATES_PER_REQUEST WV_MAX_CANDIDATES_PER_POST
#define MAX_CANDIDATE_LEN 512
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
  char *label;                /* the client's name for itself (sanitised), or ours */
  char *session_id;
  GPtrArray *candidates;      /* ours, as JSON objects (JsonNode) */
  GPtrArray *waiters;         /* paused GET .../candidates (SoupServerMessage) */
  SoupServerMessage *answer_waiter;
  guint answer_timeout;
  guint setup_timeout;
  guint linger;
  guint close_grace;
  gint64 created_ns;
  gboolean done;
} Session;

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
  gint64 started_ns;
  guint expire_source;
  gboolean stopping;
  guint stop_pending;        /* answers written while stopping, not yet sent */
};

G_DEFINE_FINAL_TYPE (WvServer, wv_server, G_TYPE_OBJECT)

enum {
  SIGNAL_RECORD,
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
  config->max_body = 64 * 1024;
  config->setup_timeout_s = 30;
  config->caps = caps;
  config->socket_errors = TRUE;
}

void
wv_server_config_clear (WvServerConfig *config)
{
  g_clear_pointer (&config->listen, g_strfreev);
  g_clear_pointer (&config->ice_addresses, g_strfreev);
  g_clear_pointer (&config->stun_uri, g_free);
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
  /* Refusals for limits are counted apart (rejected_by_limits). */
  if (status < 500 && status != 429)
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
  JsonNode *root;
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
  if (len == 0 || !g_utf8_validate (data, len, NULL) ||
      !json_parser_load_from_data (parser, data, len, &error))
    {
      respond_error (self, msg, 400, "bad_json", "the body is not valid JSON%s%s",
                     error ? ": " : "", error ? error->message : "");
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      respond_error (self, msg, 400, "bad_json", "the body must be a JSON object");
      return NULL;
    }
  return json_node_get_object (root);
}

static const char *
get_string (JsonObject *o, const char *name, gsize max_len)
{
  JsonNode *n = json_object_get_member (o, name);
  const char *s;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  s = json_node_get_string (n);
  return s && strlen (s) <= max_len ? s : NULL;
}

static gboolean
get_int (JsonObject *o, const char *name, gint64 min, gint64 max, gint64 *out)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return *out >= min && *out <= max;
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
  g_free (s->label);
  g_free (s->session_id);
  g_free (s->id);
  g_free (s);
}

static guint
count_client (WvServer *self, const char *host)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Session *s = value;
      if (!s->done && g_strcmp0 (s->client_host, host) == 0)
        n++;
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
static void
on_conn_state (WvConnection *conn, guint state, Session *s)
{
  if (state == WV_CONN_READY || state == WV_CONN_STREAMING)
    g_clear_handle_id (&s->setup_timeout, g_source_remove);
  /* Candidates are over once the connection leaves "connecting": held
   * polls learn it now rather than at their timeout. */
  if (state != WV_CONN_CONNECTING && s->waiters->len > 0)
    wake_waiters (s, 0);
  if ((state == WV_CONN_FINISHED || state == WV_CONN_FAILED) && !s->done)
    {
      s->done = TRUE;
      if (s->server->config.log_sessions)
        g_message ("connection %s from %s: %s", s->id, s->client_host,
                   wv_conn_state_to_string (state));
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
  WvServerClient client = {
    s->client_host ? s->client_host : "",
    s->label,
    s->session_id,
    wv_connection_get_peer_software (s->conn),
  };

  g_signal_emit (s->server, signals[SIGNAL_RECORD], 0, &client, record);
}

static void
on_conn_error (WvConnection *conn, const GError *error, Session *s)
{
  if (s->server->config.log_sessions)
    g_message ("connection %s from %s: %s", s->id, s->client_host, error->message);
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

#define MAX_LABEL_LEN 63

/* The client's name for itself, from the offer's optional "label": it ends
 * up in logs, records and the GUI, so it is made valid UTF-8 without
 * control characters and cut to MAX_LABEL_LEN bytes. Without one, the
 * start of the session id names the client. */
static char *
make_label (JsonObject *o, const char *session_id)
{
  const char *given = get_string (o, "label", WV_MAX_ID_LEN * 4);
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
  const char *session_id, *sdp, *host;
  gint64 family = 0, protocol = 0, index = 0;
  WvPeerConfig pc = { 0 };
  g_autoptr(GPtrArray) addrs = NULL;
  Session *s;
  g_autofree char *uuid = NULL;

  if (o == NULL)
    return;
  if (!get_int (o, "protocol", 1, 1000, &protocol) || protocol != WV_PROTOCOL_VERSION)
    {
      respond_error (self, msg, 400, "protocol", "\"protocol\" must be %d", WV_PROTOCOL_VERSION);
      return;
    }
  session_id = get_string (o, "session", WV_MAX_ID_LEN);
  sdp = get_string (o, "sdp", self->config.max_body);
  if (session_id == NULL || *session_id == '\0' || sdp == NULL ||
      !get_int (o, "family", 4, 6, &family) || (family != 4 && family != 6) ||
      !get_int (o, "index", 0, 1000, &index))
    {
      respond_error (self, msg, 400, "bad_request",
                     "need \"session\" (string), \"family\" (4 or 6), \"index\" and \"sdp\"");
      return;
    }
  host = soup_server_message_get_remote_host (msg);
  if (count_active (self) >= self->config.max_connections)
    {
      self->rejected_limits++;
      respond_error (self, msg, 503, "busy", "the server has %u connections, its limit",
                     self->config.max_connections);
      return;
    }
  if (count_client (self, host) >= self->config.max_per_client)
    {
      self->rejected_limits++;
      respond_error (self, msg, 429, "too_many", "%u connections from %s already",
                     self->config.max_per_client, host ? host : "?");
      return;
    }

  addrs = g_ptr_array_new ();
  for (guint i = 0; self->config.ice_addresses && self->config.ice_addresses[i]; i++)
    g_ptr_array_add (addrs, self->config.ice_addresses[i]);
  g_ptr_array_add (addrs, NULL);
  pc.offerer = FALSE;
  pc.family = family;
  pc.local_addresses = self->config.ice_addresses ? (const char *const *) addrs->pdata : NULL;
  pc.stun_uri = self->config.stun_uri;
  pc.socket_errors = self->config.socket_errors;

  uuid = g_uuid_string_random ();
  s = g_new0 (Session, 1);
  s->server = self;
  s->id = g_strdup (uuid);
  s->client_host = g_strdup (host);
  s->label = make_label (o, session_id);
  s->session_id = g_strdup (session_id);
  s->created_ns = wv_now_ns ();
  s->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  s->waiters = g_ptr_array_new_with_free_func (g_object_unref);
  s->conn = wv_connection_new (WV_ROLE_SERVER, self->next_index++, session_id, s->id, &pc, &error);
  if (s->conn == NULL)
    {
      session_free (s);
      respond_error (self, msg, 503, "unavailable", "cannot create a connection: %s",
                     error->message);
      return;
    }
  wv_connection_set_caps (s->conn, &self->config.caps);
  g_signal_connect (s->conn, "state-changed", G_CALLBACK (on_conn_state), s);
  g_signal_connect (s->conn, "error", G_CALLBACK (on_conn_error), s);
  g_signal_connect (s->conn, "record", G_CALLBACK (on_conn_record), s);
  g_signal_connect (wv_connection_get_peer (s->conn), "local-candidate",
                    G_CALLBACK (on_local_candidate), s);
  g_signal_connect (wv_connection_get_peer (s->conn), "local-description",
                    G_CALLBACK (on_local_description), s);

  if (!wv_peer_set_remote_description (wv_connection_get_peer (s->conn), "offer", sdp, &error))
    {
      session_free (s);
      respond_error (self, msg, 400, "bad_sdp", "%s", error->message);
      return;
    }
  g_hash_table_insert (self->sessions, s->id, s);
  if (self->config.log_sessions)
    g_message ("connection %s from %s (%s): IPv%d, session %s", s->id, host ? host : "?",
               s->label, (int) family, session_id);

  s->answer_waiter = g_object_ref (msg);
  soup_server_message_pause (msg);
  s->answer_timeout = g_timeout_add_seconds (ANSWER_TIMEOUT_S, answer_timeout, s);
  s->setup_timeout = g_timeout_add_seconds (self->config.setup_timeout_s, setup_timeout, s);
}

/* A host candidate that a web browser hides behind an mDNS name
 * (<uuid>.local). We do not resolve it: the browser's connectivity checks
 * reach us anyway, and the pair forms from the peer-reflexive candidate
 * they show. */
static gboolean
is_mdns_candidate (const char *candidate)
{
  g_auto(GStrv) tokens = g_strsplit (candidate, " ", 6);

  return g_strv_length (tokens) >= 5 &&
         g_str_has_suffix (tokens[4], ".local") && strlen (tokens[4]) > strlen (".local");
}

static void
handle_add_candidates (WvServer *self, SoupServerMessage *msg, Session *s)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *o = read_json_body (self, msg, parser);
  JsonNode *node;
  JsonArray *list;
  guint n, added = 0, ignored = 0;

  if (o == NULL)
    return;
  node = json_object_get_member (o, "candidates");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      respond_error (self, msg, 400, "bad_request", "need \"candidates\": [...]");
      return;
    }
  list = json_node_get_array (node);
  n = json_array_get_length (list);
  if (n > MAX_CANDIDATES_PER_REQUEST)
    {
      respond_error (self, msg, 413, "too_large", "at most %d candidates per request",
                     MAX_CANDIDATES_PER_REQUEST);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      JsonObject *c;
      const char *cand;
      gint64 mline;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      c = json_node_get_object (item);
      cand = get_string (c, "candidate", MAX_CANDIDATE_LEN);
      if (cand == NULL || !get_int (c, "mline", 0, 16, &mline))
        continue;
      if (is_mdns_candidate (cand))
        {
          ignored++;
          continue;
        }
      added += wv_peer_add_remote_candidate (wv_connection_get_peer (s->conn), mline, cand);
    }
  if (added == 0 && n > ignored)
    {
      respond_error (self, msg, 400, "bad_candidates",
                     "none of the %u candidates is usable for this connection", n);
      return;
    }
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
  guint64 since = 0;
  g_autoptr(JsonNode) reply = NULL;

  if (since_s && (!g_ascii_string_to_unsigned (since_s, 10, 0, MAX_QUEUED_CANDIDATES, &since, NULL)))
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
  g_object_set_data (G_OBJECT (msg), "since", GUINT_TO_POINTER ((guint) since));
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
  g_auto(GStrv) parts = NULL;
  guint n;

  self->requests++;
  /* One request per connection: libsoup 3.2 never closes a kept-alive
   * connection the client has closed (it stays in CLOSE-WAIT), so a
   * long-running server would run out of file descriptors. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  if (!g_str_has_prefix (path, WV_API_PREFIX) ||
      (path[strlen (WV_API_PREFIX)] != '\0' && path[strlen (WV_API_PREFIX)] != '/'))
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
  parts = g_strsplit (path + strlen (WV_API_PREFIX), "/", 5);
  n = g_strv_length (parts);
  /* parts[0] is "" for a leading '/'. */
  if (n <= 1 || (n == 2 && parts[1][0] == '\0'))
    {
      if (strcmp (method, "GET") != 0)
        respond_error (self, msg, 405, "method", "use GET");
      else
        handle_root (self, msg);
      return;
    }
  if (n == 2 && strcmp (parts[1], "status") == 0)
    {
      if (strcmp (method, "GET") != 0)
        respond_error (self, msg, 405, "method", "use GET");
      else
        handle_status (self, msg);
      return;
    }
  if (strcmp (parts[1], "connections") == 0)
    {
      Session *s = NULL;

      if (n == 2)
        {
          if (strcmp (method, "POST") != 0)
            respond_error (self, msg, 405, "method", "use POST to create a connection");
          else
            handle_create (self, msg);
          return;
        }
      s = g_hash_table_lookup (self->sessions, parts[2]);
      if (s == NULL)
        {
          respond_error (self, msg, 404, "not_found", "no connection \"%.64s\"", parts[2]);
          return;
        }
      if (n == 3)
        {
          if (strcmp (method, "DELETE") != 0)
            respond_error (self, msg, 405, "method", "use DELETE");
          else
            {
              wv_connection_abort (s->conn, "the client closed the connection");
              if (s->done)
                session_close_peer (s);
              soup_server_message_set_status (msg, 204, NULL);
            }
          return;
        }
      if (n == 4 && strcmp (parts[3], "candidates") == 0)
        {
          if (strcmp (method, "POST") == 0)
            handle_add_candidates (self, msg, s);
          else if (strcmp (method, "GET") == 0)
            handle_get_candidates (self, msg, s, query);
          else
            respond_error (self, msg, 405, "method", "use GET or POST");
          return;
        }
    }
  respond_error (self, msg, 404, "not_found", "no such resource");
}

/* --- refusing a body before it is read ---------------------------------- */

/* libsoup reads a request's whole body even when an early handler has set
 * an error status, so a client could make us buffer gigabytes before it
 * hears 413. Instead the connection is taken from libsoup: the error is
 * written, our side shut down for writing, and what the client still sends
 * is read and dropped for a moment (closing with unread data would reset
 * the connection, and the client might lose the answer), then closed. */

#define REFUSE_DRAIN_MAX (16 * 1024 * 1024)
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
  Refusal *r;
  gsize len;

  self->requests++;
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
  self->bad_requests++;
  r->cancellable = g_cancellable_new ();
  json_generator_set_root (gen, node);
  body = json_generator_to_data (gen, &len);
  r->response = g_strdup_printf ("HTTP/1.1 %u %s\r\nServer: wifi-verify/" PACKAGE_VERSION "\r\n"
                                 "Content-Type: application/json\r\nContent-Length: %"
                                 G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n%s",
                                 status, soup_status_get_phrase (status), len, body);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (r->io), r->response,
                                   strlen (r->response), G_PRIORITY_DEFAULT, r->cancellable,
                                   refusal_written, r);
}

/* Refuses oversized or unsized bodies before they are read. */
static void
early_callback (SoupServer *soup, SoupServerMessage *msg, const char *path,
                GHashTable *query, gpointer user_data)
{
  WvServer *self = user_data;
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);

  if (strcmp (method, "POST") != 0 && strcmp (method, "PUT") != 0)
    return;
  if (soup_message_headers_get_encoding (h) != SOUP_ENCODING_CONTENT_LENGTH)
    refuse_unread (self, msg, 411, "length_required", "send a Content-Length");
  else if (soup_message_headers_get_content_length (h) > (goffset) self->config.max_body)
    {
      g_autofree char *text = g_strdup_printf ("the body is larger than %" G_GSIZE_FORMAT " bytes",
                                               self->config.max_body);
      refuse_unread (self, msg, 413, "too_large", text);
    }
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
  json_builder_set_member_name (b, "max_rate_pps");
  json_builder_add_int_value (b, self->config.caps.max_rate_pps);
  json_builder_set_member_name (b, "max_bulk_bps");
  json_builder_add_int_value (b, self->config.caps.max_bulk_bps);
  json_builder_set_member_name (b, "max_duration_s");
  json_builder_add_double_value (b, self->config.caps.max_duration_s);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "counters");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "requests");
  json_builder_add_int_value (b, self->requests);
  json_builder_set_member_name (b, "bad_requests");
  json_builder_add_int_value (b, self->bad_requests);
  json_builder_set_member_name (b, "rejected_by_limits");
  json_builder_add_int_value (b, self->rejected_limits);
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
}

static void
wv_server_init (WvServer *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) session_free);
}

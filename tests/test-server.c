/* test-server.c: robustness of the measuring server's HTTP signalling API
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs a WvServer in this process on 127.0.0.1 (on a port the system
 * chooses) and talks to it with libsoup and, for what libsoup would not
 * send (chunked or unsized bodies, a body that never comes, a client that
 * hangs up), with raw sockets. Every malformed request must get the status
 * and error code of docs/protocol.md ("HTTP signalling API") with a JSON
 * error body, and must leave the server serving. Real offers come from a
 * WvPeer in the client role, made the way wv-client.c makes them; the test
 * never goes on after the answer, like a client that vanished, so the
 * server's set-up timeout must fail those connections and free them.
 *
 * The server runs in the default main context of the test thread, so every
 * request is sent asynchronously and the context iterated until the answer
 * comes or a deadline passes: a hang fails the test with a message instead
 * of blocking it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "wv-gst.h"
#include "wv-peer.h"
#include "wv-protocol.h"
#include "wv-client.h"
#include "wv-server.h"
#include "wv-web.h"
#include "wv-test-pair.h"

/* Small limits, so that the limits can be reached with a few requests. */
#define MAX_BODY 16384
#define MAX_CONNECTIONS 3
#define MAX_PER_CLIENT 2
/* Long enough that no connection of the main server fails while a test
 * uses it; /server/setup-timeout runs its own server with 2 s. */
#define MAIN_SETUP_TIMEOUT_S 30
#define SHORT_SETUP_TIMEOUT_S 2

#define REQUEST_TIMEOUT_MS 10000
/* A long poll is answered after LONG_POLL_S (5 s) at the next tick of a
 * once-a-second timer. */
#define LONG_POLL_TIMEOUT_MS 8000

#define SESSION "4c0ffee0-test-session"
/* The access token of the test servers; every request carries it unless
 * a test says otherwise. */
#define TOKEN "test-token-0123456789_abcdef"
#define AUTH_HEADER "Authorization: Bearer " TOKEN "\r\n"
#define CANDIDATE "candidate:1 1 UDP 2015363327 127.0.0.1 9 typ host"

typedef struct {
  WvServer *server;
  char *url;              /* "http://127.0.0.1:PORT", without a trailing slash */
  guint16 port;
  SoupSession *session;
  /* What the tests sent to this server, to check its counters against. */
  guint sent;             /* complete requests */
  guint early;            /* of which refused when the headers arrived: 411, 413 by size */
  guint bad;              /* 4xx error responses other than 429 */
  guint too_many;         /* 429 too_many */
  guint busy;             /* 503 busy */
  const char *auth;       /* Authorization header of the requests; NULL: none */
} Env;

/* The server most tests share; /server/still-serving checks at the end
 * that it survived everything the others sent it. */
static Env main_env;
static char *main_env_skip;   /* why it could not start */
static char *offer_sdp;       /* one real offer, made once */
/* Warnings and criticals logged (by the server or the libraries under it)
 * since they were last checked. */
static GPtrArray *logged;

/* --- log ---------------------------------------------------------------------- */

/* Marks the test failed and goes on, so that one run shows every
 * mismatch; each message is logged, as the TAP line shows only one. */
static void fail (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
fail (const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_test_message ("FAIL: %s", text);
  g_test_fail_printf ("%s", text);
}

/* A warning or critical fails the test that caused it, with the request
 * that caused it named, instead of aborting the whole program: the other
 * cases still run and report. main() makes them non-fatal for that. */
static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  if (level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL))
    {
      const char *domain = NULL, *message = NULL;

      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
          domain = fields[i].value;
        else if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
          message = fields[i].value;
      g_ptr_array_add (logged, g_strdup_printf ("%s %s: %s", domain ? domain : "(no domain)",
                                                level & G_LOG_LEVEL_CRITICAL ? "CRITICAL"
                                                                             : "WARNING",
                                                message ? message : "?"));
    }
  return g_log_writer_default (level, fields, n_fields, data);
}

static GLogFunc test_log_handler;

/* The test framework prints debug messages; those of the sockets of every
 * request would drown the TAP output. G_MESSAGES_DEBUG brings them back. */
static void
log_handler (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) && g_getenv ("G_MESSAGES_DEBUG") == NULL)
    return;
  test_log_handler (domain, level, message, data);
}

static void
check_logs (const char *when)
{
  for (guint i = 0; i < logged->len; i++)
    fail ("%s: logged %s", when, (const char *) g_ptr_array_index (logged, i));
  g_ptr_array_set_size (logged, 0);
}

/* --- main context --------------------------------------------------------- */

typedef gboolean (*CondFunc) (gpointer data);

static gboolean
tick_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the default main context until @cond holds or @timeout_ms pass. A
 * periodic source wakes the loop so that the deadline is seen in time. */
static gboolean
run_until (CondFunc cond, gpointer data, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint tick = g_timeout_add (20, tick_cb, NULL);
  gboolean ok;

  while (!(ok = cond (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

static gboolean
flag_set (gpointer data)
{
  return *(gboolean *) data;
}

/* Lets events already queued (a peer being closed, a response being
 * written) run before things go. */
static void
drain_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* --- responses --------------------------------------------------------------- */

typedef struct {
  char *what;             /* the request, for messages */
  guint status;           /* 0: no response */
  char *content_type;
  char *allow;            /* the Allow header, if any */
  char *coop, *coep;      /* the cross-origin isolation headers, if any */
  char *text;             /* the body, NUL-terminated */
  gsize len;
  JsonNode *json;         /* the body parsed, NULL if empty or not JSON */
} Response;

static void
response_clear (Response *r)
{
  g_clear_pointer (&r->what, g_free);
  g_clear_pointer (&r->content_type, g_free);
  g_clear_pointer (&r->allow, g_free);
  g_clear_pointer (&r->coop, g_free);
  g_clear_pointer (&r->coep, g_free);
  g_clear_pointer (&r->text, g_free);
  g_clear_pointer (&r->json, json_node_unref);
  r->status = 0;
  r->len = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Response, response_clear)

static void
response_set_body (Response *r, const char *data, gsize len)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  r->text = g_strndup (data, len);
  r->len = len;
  if (len > 0 && json_parser_load_from_data (parser, r->text, len, NULL) &&
      json_parser_get_root (parser) != NULL)
    r->json = json_node_ref (json_parser_get_root (parser));
}

static JsonObject *
response_object (Response *r)
{
  return r->json && JSON_NODE_HOLDS_OBJECT (r->json) ? json_node_get_object (r->json) : NULL;
}

static const char *
member_string (JsonObject *o, const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  return n && JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
         ? json_node_get_string (n) : NULL;
}

static gboolean
member_int (JsonObject *o, const char *name, gint64 *out)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (n);
  return TRUE;
}

/* The error code of a response, for the tallies; NULL if it has none. */
static const char *
response_code (Response *r)
{
  JsonObject *o = response_object (r);
  JsonNode *e = o ? json_object_get_member (o, "error") : NULL;

  return e && JSON_NODE_HOLDS_OBJECT (e) ? member_string (json_node_get_object (e), "code")
                                         : NULL;
}

static void
tally (Env *env, Response *r, gboolean sized_over)
{
  if (r->status == 0)
    return;
  env->sent++;
  if (r->status == 411 || (r->status == 413 && sized_over))
    env->early++;
  if (r->status == 429)
    env->too_many++;
  else if (r->status >= 400 && r->status < 500)
    env->bad++;
  if (r->status == 503 && g_strcmp0 (response_code (r), "busy") == 0)
    env->busy++;
}

/* Checks that @r is an error response of the documented shape:
 * {"error": {"code": CODE, "message": "..."}} as application/json. Marks
 * the test failed (and goes on, so that one run shows every mismatch). */
static gboolean
check_error (Response *r, guint want_status, const char *want_code)
{
  JsonObject *o = response_object (r);
  JsonNode *e = o ? json_object_get_member (o, "error") : NULL;
  JsonObject *eo = e && JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
  const char *code = member_string (eo, "code");
  const char *message = member_string (eo, "message");

  if (r->status != want_status || g_strcmp0 (code, want_code) != 0)
    {
      fail ("%s: got %u %s, want %u %s (body: %.300s)", r->what, r->status,
            code ? code : "(no code)", want_status, want_code,
            r->text ? r->text : "");
      return FALSE;
    }
  if (g_strcmp0 (r->content_type, "application/json") != 0)
    {
      fail ("%s: error body is %s, not application/json", r->what,
            r->content_type ? r->content_type : "untyped");
      return FALSE;
    }
  if (message == NULL || *message == '\0' || json_object_get_size (o) != 1 ||
      json_object_get_size (eo) != 2)
    {
      fail ("%s: not an error object of the documented shape: %.300s", r->what,
            r->text);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_status (Response *r, guint want_status)
{
  if (r->status != want_status)
    {
      fail ("%s: got %u, want %u (body: %.300s)", r->what, r->status,
            want_status, r->text ? r->text : "");
      return FALSE;
    }
  if (want_status == 204 && r->len != 0)
    {
      fail ("%s: 204 with a body: %.300s", r->what, r->text);
      return FALSE;
    }
  if (want_status != 204 &&
      (r->json == NULL || g_strcmp0 (r->content_type, "application/json") != 0))
    {
      fail ("%s: %u without a JSON body (%s): %.300s", r->what, want_status,
            r->content_type ? r->content_type : "untyped", r->text);
      return FALSE;
    }
  return TRUE;
}

/* --- HTTP with libsoup ------------------------------------------------------- */

typedef struct {
  Env *env;
  SoupMessage *msg;
  GCancellable *cancellable;
  char *what;
  gboolean sized_over;
  gboolean done;
  GBytes *body;
  GError *error;
} Request;

static void
on_sent (GObject *source, GAsyncResult *res, gpointer data)
{
  Request *req = data;

  req->body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &req->error);
  req->done = TRUE;
}

/* Starts a request; @body NULL sends none, "" an empty one (with a
 * Content-Length of 0); @content_type NULL sends no Content-Type. */
static Request *
request_start (Env *env, SoupSession *session, const char *method, const char *path,
               const char *content_type, const char *body, gssize body_len)
{
  g_autofree char *url = g_strconcat (env->url, path, NULL);
  Request *req = g_new0 (Request, 1);

  req->env = env;
  req->what = g_strdup_printf ("%s %.80s%s", method, path, strlen (path) > 80 ? "..." : "");
  if (body)
    {
      /* Which body it was, for the messages. */
      gsize len = body_len < 0 ? strlen (body) : (gsize) body_len;
      gsize n = MIN (len, 40);
      g_autofree char *head = g_strndup (body, n);
      g_autofree char *tail = len > 80 ? g_strndup (body + len - 40, 40)
                                       : g_strndup (body + n, len - n);
      g_autofree char *head_esc = g_strescape (head, NULL);
      g_autofree char *tail_esc = g_strescape (tail, NULL);
      char *what = g_strdup_printf ("%s [%s body of %zu bytes \"%s%s%s\"]", req->what,
                                    content_type ? content_type : "untyped", len, head_esc,
                                    len > 80 ? "..." : "", tail_esc);

      g_free (req->what);
      req->what = what;
    }
  req->msg = soup_message_new (method, url);
  g_assert_nonnull (req->msg);
  if (env->auth)
    soup_message_headers_replace (soup_message_get_request_headers (req->msg), "Authorization",
                                  env->auth);
  req->cancellable = g_cancellable_new ();
  if (body)
    {
      gsize len = body_len < 0 ? strlen (body) : (gsize) body_len;
      g_autoptr(GBytes) bytes = g_bytes_new (body, len);

      soup_message_set_request_body_from_bytes (req->msg, content_type, bytes);
      req->sized_over = len > MAX_BODY;
    }
  soup_session_send_and_read_async (session ? session : env->session, req->msg,
                                    G_PRIORITY_DEFAULT, req->cancellable, on_sent, req);
  return req;
}

/* Waits for the answer to @req and frees it. No answer within @timeout_ms
 * fails the test and leaves r->status 0. */
static void
request_finish (Request *req, Response *r, guint timeout_ms)
{
  if (!run_until (flag_set, &req->done, timeout_ms))
    {
      fail ("%s: no response within %u ms", req->what, timeout_ms);
      g_cancellable_cancel (req->cancellable);
      run_until (flag_set, &req->done, 1000);
    }
  r->what = g_steal_pointer (&req->what);
  if (req->done && req->body)
    {
      SoupMessageHeaders *h = soup_message_get_response_headers (req->msg);
      const char *type = soup_message_headers_get_content_type (h, NULL);
      const char *allow = soup_message_headers_get_one (h, "Allow");

      r->status = soup_message_get_status (req->msg);
      r->content_type = g_strdup (type);
      r->allow = g_strdup (allow);
      r->coop = g_strdup (soup_message_headers_get_one (h, "Cross-Origin-Opener-Policy"));
      r->coep = g_strdup (soup_message_headers_get_one (h, "Cross-Origin-Embedder-Policy"));
      response_set_body (r, g_bytes_get_data (req->body, NULL), g_bytes_get_size (req->body));
      tally (req->env, r, req->sized_over);
    }
  else if (req->error && !g_error_matches (req->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fail ("%s: %s", r->what, req->error->message);
  check_logs (r->what);
  /* The callback has run (or the request is abandoned with the test
   * failed): nothing refers to @req any more. */
  if (req->done)
    {
      g_clear_pointer (&req->body, g_bytes_unref);
      g_clear_error (&req->error);
      g_object_unref (req->msg);
      g_object_unref (req->cancellable);
      g_free (req);
    }
}

static void
http_with (Response *r, Env *env, SoupSession *session, const char *method, const char *path,
           const char *content_type, const char *body, gssize body_len)
{
  request_finish (request_start (env, session, method, path, content_type, body, body_len), r,
                  REQUEST_TIMEOUT_MS);
}

static void
http (Response *r, Env *env, const char *method, const char *path, const char *content_type,
      const char *body)
{
  http_with (r, env, NULL, method, path, content_type, body, -1);
}

/* A request whose answer must be an error; returns whether it was. */
static gboolean
expect_error (Env *env, const char *method, const char *path, const char *content_type,
              const char *body, gssize body_len, guint want_status, const char *want_code)
{
  g_auto(Response) r = { 0 };

  http_with (&r, env, NULL, method, path, content_type, body, body_len);
  return check_error (&r, want_status, want_code);
}

/* A JSON POST that must be refused: the common case. */
static gboolean
expect_post_error (Env *env, const char *path, const char *body, guint want_status,
                   const char *want_code)
{
  return expect_error (env, "POST", path, "application/json", body, -1, want_status, want_code);
}

/* --- HTTP with a raw socket -------------------------------------------------- */

typedef struct {
  GSocketConnection *conn;
  GByteArray *data;
  gboolean read_reply;
  GCancellable *cancellable;
  gboolean done;
  GError *error;
} RawIo;

/* Whether @data holds one whole response: headers and a Content-Length
 * body (every response of this server has one). */
static gboolean
raw_response_complete (GByteArray *data)
{
  const char *text = (const char *) data->data;
  const char *end = g_strstr_len (text, data->len, "\r\n\r\n");
  g_autoptr(SoupMessageHeaders) headers = NULL;

  if (end == NULL)
    return FALSE;
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (!soup_headers_parse_response (text, end + 2 - text, headers, NULL, NULL, NULL))
    return TRUE;   /* not HTTP: nothing more to wait for */
  return data->len - (gsize) (end + 4 - text) >=
         (gsize) soup_message_headers_get_content_length (headers);
}

static void
on_raw_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  RawIo *io = user_data;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res,
                                                              &io->error);

  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      io->done = TRUE;
      return;
    }
  g_byte_array_append (io->data, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  /* Stop at the end of the response: the server keeps the connection
   * open for a next request. */
  if (raw_response_complete (io->data))
    {
      io->done = TRUE;
      return;
    }
  g_input_stream_read_bytes_async (G_INPUT_STREAM (source), 4096, G_PRIORITY_DEFAULT,
                                   io->cancellable, on_raw_read, io);
}

static void
on_raw_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  RawIo *io = user_data;
  g_autoptr(GError) error = NULL;

  /* The server may stop reading before it has all we send (a refusal on
   * the headers may): read its answer all the same. */
  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, NULL, &error);
  if (!io->read_reply)
    {
      /* The client vanishes: it closes without waiting for an answer. */
      g_io_stream_close (G_IO_STREAM (io->conn), NULL, NULL);
      io->done = TRUE;
      return;
    }
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (G_IO_STREAM (io->conn)),
                                   4096, G_PRIORITY_DEFAULT, io->cancellable, on_raw_read, io);
}

static GSocketConnection *
raw_connect (Env *env)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *conn;

  /* A loopback connect completes in the kernel, without the server's
   * main loop. */
  conn = g_socket_client_connect_to_host (client, "127.0.0.1", env->port, NULL, &error);
  g_assert_no_error (error);
  return conn;
}

/* Sends @request as it is on a new connection and, with @read_reply,
 * parses the response into @r; no response within @timeout_ms fails the
 * test and leaves r->status 0. Without @read_reply, closes the connection
 * as soon as the request is written. The connection is closed after. */
static void
raw_request (Response *r, Env *env, const char *what, const char *request_in, gsize len_in,
             gboolean read_reply, guint timeout_ms)
{
  g_autoptr(GSocketConnection) conn = raw_connect (env);
  /* The token after the request line, as a client would send it. */
  const char *eol = memchr (request_in, '\n', len_in);
  g_autoptr(GByteArray) with_auth = g_byte_array_new ();
  const char *request = request_in;
  gsize len = len_in;

  if (env->auth && eol)
    {
      g_autofree char *line = g_strdup_printf ("Authorization: %s\r\n", env->auth);

      g_byte_array_append (with_auth, (const guint8 *) request_in, eol + 1 - request_in);
      g_byte_array_append (with_auth, (const guint8 *) line, strlen (line));
      g_byte_array_append (with_auth, (const guint8 *) eol + 1, len_in - (eol + 1 - request_in));
      request = (const char *) with_auth->data;
      len = with_auth->len;
    }
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  RawIo io = { conn, g_byte_array_new (), read_reply, cancellable, FALSE, NULL };
  const char *data, *end;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  guint status = 0;

  r->what = g_strdup (what);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                   request, len, G_PRIORITY_DEFAULT, cancellable, on_raw_written,
                                   &io);
  if (!run_until (flag_set, &io.done, timeout_ms))
    {
      fail ("%s: no whole response within %u ms (%u bytes came)", what, timeout_ms,
            io.data->len);
      g_cancellable_cancel (cancellable);
      /* The pending operation ends with the cancellation. */
      if (!run_until (flag_set, &io.done, REQUEST_TIMEOUT_MS))
        g_error ("%s: the connection cannot be cancelled", what);
      g_byte_array_set_size (io.data, 0);
    }
  g_clear_error (&io.error);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  check_logs (what);
  if (!read_reply || io.data->len == 0)
    {
      g_byte_array_unref (io.data);
      return;
    }

  /* The status line and headers, then a Content-Length body. */
  g_byte_array_append (io.data, (const guint8 *) "", 1);
  data = (const char *) io.data->data;
  end = strstr (data, "\r\n\r\n");
  headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  if (end && soup_headers_parse_response (data, end + 2 - data, headers, NULL, &status, NULL))
    {
      const char *rest = end + 4;
      gsize avail = io.data->len - 1 - (rest - data);
      gsize body_len = MIN ((gsize) soup_message_headers_get_content_length (headers), avail);

      r->status = status;
      r->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
      r->allow = g_strdup (soup_message_headers_get_one (headers, "Allow"));
      response_set_body (r, rest, body_len);
    }
  else
    {
      fail ("%s: not an HTTP response: %.300s", what, data);
    }
  g_byte_array_unref (io.data);
}

/* --- the server and offers --------------------------------------------------- */

/* Changes the configuration of the next env_init() (NULL: none). */
static void (*env_config_hook) (WvServerConfig *config);

static gboolean
env_init (Env *env, guint setup_timeout_s, GError **error)
{
  static const char *listen[] = { "127.0.0.1:0", NULL };
  static const char *ice[] = { "127.0.0.1", NULL };
  WvServerConfig config;
  g_auto(GStrv) urls = NULL;
  g_autoptr(GUri) uri = NULL;

  memset (env, 0, sizeof *env);
  wv_server_config_init (&config);
  config.listen = g_strdupv ((char **) listen);
  /* ICE on loopback only: no interface enumeration, no stray candidates. */
  config.ice_addresses = g_strdupv ((char **) ice);
  config.max_connections = MAX_CONNECTIONS;
  config.max_per_client = MAX_PER_CLIENT;
  config.max_body = MAX_BODY;
  config.setup_timeout_s = setup_timeout_s;
  config.socket_errors = FALSE;
  config.log_sessions = FALSE;
  config.token = g_strdup (TOKEN);
  env->auth = "Bearer " TOKEN;
  if (env_config_hook)
    env_config_hook (&config);
  if (config.no_token)
    env->auth = NULL;
  env->server = wv_server_new (&config);
  wv_server_config_clear (&config);
  if (!wv_server_start (env->server, error))
    {
      g_clear_object (&env->server);
      return FALSE;
    }

  urls = wv_server_dup_urls (env->server);
  g_assert_nonnull (urls[0]);
  g_assert_null (urls[1]);
  env->url = g_strdup (urls[0]);
  uri = g_uri_parse (env->url, G_URI_FLAGS_NONE, error);
  g_assert_nonnull (uri);
  g_assert_cmpint (g_uri_get_port (uri), >, 0);
  env->port = g_uri_get_port (uri);
  /* More than libsoup's 2 connections per host: a held long poll must not
   * delay the next request. */
  env_config_hook = NULL;
  env->session = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_MS / 1000 + 5,
                                                "max-conns-per-host", 8, NULL);
  return TRUE;
}

static void
env_clear (Env *env)
{
  if (env->server)
    wv_server_stop (env->server);
  if (env->session)
    soup_session_abort (env->session);
  drain_context ();
  g_clear_object (&env->session);
  g_clear_object (&env->server);
  drain_context ();
  g_clear_pointer (&env->url, g_free);
}

static void
on_offer (WvPeer *peer, const char *type, const char *sdp, gpointer data)
{
  char **out = data;

  if (*out == NULL)
    *out = g_strdup (sdp);
}

static gboolean
string_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* A real SDP offer, made by a WvPeer in the client role as wv-client.c
 * makes it. The peer is closed at once: the server never hears from this
 * client again after its offer, which is all these tests need. */
static const char *
get_offer (void)
{
  const char *addrs[] = { "127.0.0.1", NULL };
  WvPeerConfig pc = { TRUE, 4, addrs, NULL, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(WvPeer) peer = NULL;

  if (offer_sdp)
    return offer_sdp;
  peer = wv_peer_new (&pc, &error);
  g_assert_no_error (error);
  g_signal_connect (peer, "local-description", G_CALLBACK (on_offer), &offer_sdp);
  wv_peer_start (peer);
  if (!run_until (string_set, &offer_sdp, REQUEST_TIMEOUT_MS))
    g_error ("the client peer made no offer within %d ms", REQUEST_TIMEOUT_MS);
  wv_peer_close (peer);
  drain_context ();
  g_assert_nonnull (strstr (offer_sdp, "m=application"));
  return offer_sdp;
}

/* The body of POST /connections, as wv-client.c builds it (with @label
 * if not NULL). */
static char *
offer_body_label (int family, const char *sdp, const char *label)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_int_value (b, WV_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, SESSION);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "family");
  json_builder_add_int_value (b, family);
  if (label)
    {
      json_builder_set_member_name (b, "label");
      json_builder_add_string_value (b, label);
    }
  json_builder_set_member_name (b, "sdp");
  json_builder_add_string_value (b, sdp);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static char *
offer_body (int family, const char *sdp)
{
  return offer_body_label (family, sdp, NULL);
}

/* Checks a 201 answer and returns its connection id. */
static char *
check_answer (Response *r)
{
  JsonObject *o = response_object (r);
  const char *id = member_string (o, "id");
  const char *sdp = member_string (o, "sdp");
  gint64 protocol = 0;

  if (!check_status (r, 201))
    return NULL;
  g_assert_nonnull (id);
  /* A random UUID. */
  g_assert_cmpuint (strlen (id), ==, 36);
  g_assert_true (g_uuid_string_is_valid (id));
  g_assert_cmpstr (member_string (o, "type"), ==, "answer");
  g_assert_nonnull (sdp);
  g_assert_true (g_str_has_prefix (sdp, "v=0"));
  g_assert_nonnull (strstr (sdp, "m=application"));
  g_assert_true (member_int (o, "protocol", &protocol));
  g_assert_cmpint (protocol, ==, WV_PROTOCOL_VERSION);
  return g_strdup (id);
}

/* Creates a connection with a real offer from @session (NULL: the main
 * one) and returns its id. */
static char *
create_connection (Env *env, SoupSession *session)
{
  g_autofree char *body = offer_body (4, get_offer ());
  g_auto(Response) r = { 0 };
  char *id;

  http_with (&r, env, session, "POST", "/api/v1/connections", "application/json", body, -1);
  id = check_answer (&r);
  if (id == NULL)
    g_error ("%s: no connection: %u %.300s", r.what, r.status, r.text ? r.text : "");
  return id;
}

static void
delete_connection (Env *env, const char *id)
{
  g_autofree char *path = g_strconcat ("/api/v1/connections/", id, NULL);
  g_auto(Response) r = { 0 };

  http (&r, env, "DELETE", path, NULL, NULL);
  check_status (&r, 204);
}

/* The connection's entry in wv_server_describe() (in process, full ids). */
static char *
describe_member (Env *env, const char *id, const char *member)
{
  g_autoptr(JsonNode) root = wv_server_describe (env->server);
  JsonArray *conns = json_object_get_array_member (json_node_get_object (root), "connections");

  for (guint i = 0; i < json_array_get_length (conns); i++)
    {
      JsonObject *c = json_array_get_object_element (conns, i);

      if (g_strcmp0 (member_string (c, "id"), id) == 0)
        return g_strdup (member_string (c, member));
    }
  return NULL;
}

static gint64
describe_int (Env *env, const char *id, const char *member)
{
  g_autoptr(JsonNode) root = wv_server_describe (env->server);
  JsonArray *conns = json_object_get_array_member (json_node_get_object (root), "connections");

  for (guint i = 0; i < json_array_get_length (conns); i++)
    {
      JsonObject *c = json_array_get_object_element (conns, i);
      gint64 v = -1;

      if (g_strcmp0 (member_string (c, "id"), id) == 0 && member_int (c, member, &v))
        return v;
    }
  g_error ("connection %s has no integer \"%s\"", id, member);
  return -1;
}

static gboolean
main_env_ready (void)
{
  if (main_env.server)
    return TRUE;
  g_test_skip (main_env_skip);
  return FALSE;
}

/* --- tests -------------------------------------------------------------------- */

static void
check_root (Env *env, const char *path)
{
  g_auto(Response) r = { 0 };
  JsonObject *o;
  gint64 protocol = 0;

  http (&r, env, "GET", path, NULL, NULL);
  if (!check_status (&r, 200))
    return;
  o = response_object (&r);
  g_assert_nonnull (o);
  g_assert_cmpstr (member_string (o, "service"), ==, "wifi-verify");
  g_assert_cmpstr (member_string (o, "version"), ==, PACKAGE_VERSION);
  g_assert_true (member_int (o, "protocol", &protocol));
  g_assert_cmpint (protocol, ==, 1);
}

/* GET /api/v1: service and protocol version; "/api/v1/" is the same. */
static void
test_root (void)
{
  if (!main_env_ready ())
    return;
  check_root (&main_env, "/api/v1");
  check_root (&main_env, "/api/v1/");
  check_root (&main_env, "/api/v1?x=1");
}

/* Paths that name no resource, whatever the method: 404 not_found. */
static void
test_not_found (void)
{
  static const char *paths[] = {
    "/api", "/api/", "/api/v1foo", "/api/v10/status", "/api/v2", "/nope.html", "/.hidden",
    "/web/index.html", "/index.html/", "/%2e%2e/etc/passwd", "/icon.svg.bak",
    "/api/v1/nope", "/api/v1//status", "/api/v1/status/extra", "/api/v1/connections/",
    "/api/v1/connections/unknown-id", "/api/v1/connections/unknown-id/candidates",
    "/api/v1/connections/unknown-id/candidates/more", "/api/v1/connections/unknown-id/nope",
  };
  g_autofree char *long_id = NULL;
  g_autofree char *long_path = NULL;
  g_autofree char *id = NULL;
  g_autofree char *known = NULL;

  if (!main_env_ready ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    expect_error (&main_env, "GET", paths[i], NULL, NULL, -1, 404, "not_found");
  /* An unknown id gives 404 with any method, before the method is looked at. */
  expect_error (&main_env, "DELETE", "/api/v1/connections/unknown-id", NULL, NULL, -1, 404,
                "not_found");
  expect_post_error (&main_env, "/api/v1/connections/unknown-id", "{}", 404, "not_found");
  expect_post_error (&main_env, "/api/v1/connections/unknown-id/candidates",
                     "{\"candidates\": []}", 404, "not_found");
  expect_error (&main_env, "PUT", "/api/v1/connections/unknown-id/candidates",
                "application/json", "{}", -1, 404, "not_found");
  expect_post_error (&main_env, "/nope", "{}", 404, "not_found");
  /* A long id is not a problem (the message quotes at most 64 bytes). */
  long_id = g_strnfill (4000, 'a');
  long_path = g_strconcat ("/api/v1/connections/", long_id, NULL);
  expect_error (&main_env, "GET", long_path, NULL, NULL, -1, 404, "not_found");

  /* Under a known id, only "candidates" exists. */
  id = create_connection (&main_env, NULL);
  known = g_strconcat ("/api/v1/connections/", id, "/nope", NULL);
  expect_error (&main_env, "GET", known, NULL, NULL, -1, 404, "not_found");
  g_free (known);
  known = g_strconcat ("/api/v1/connections/", id, "/candidates/more", NULL);
  expect_error (&main_env, "GET", known, NULL, NULL, -1, 404, "not_found");
  delete_connection (&main_env, id);
}

/* The web client: GET / and its files, from the compiled-in resource, with
 * the headers that make the page cross-origin isolated; no other method. */
static void
test_web (void)
{
  static const struct {
    const char *path;
    const char *type;
    const char *contains;
  } files[] = {
    { "/", "text/html", "<script type=\"module\" src=\"app.js\">" },
    { "/index.html", "text/html", "<title>wifi-verify</title>" },
    { "/app.js", "text/javascript", "import { MeasuredConnection" },
    { "/stats.js", "text/javascript", "export class RxStats" },
    { "/style.css", "text/css", "prefers-color-scheme" },
    { "/icon.svg", "image/svg+xml", "<svg" },
  };

  if (!main_env_ready ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_auto(Response) r = { 0 };

      http (&r, &main_env, "GET", files[i].path, NULL, NULL);
      if (r.status != 200)
        {
          fail ("%s: got %u", r.what, r.status);
          continue;
        }
      g_assert_cmpstr (r.content_type, ==, files[i].type);
      g_assert_nonnull (r.text);
      g_assert_nonnull (strstr (r.text, files[i].contains));
      g_assert_cmpstr (r.coop, ==, "same-origin");
      g_assert_cmpstr (r.coep, ==, "require-corp");
    }
  /* HEAD: the headers without the body. */
  {
    g_auto(Response) r = { 0 };

    http (&r, &main_env, "HEAD", "/", NULL, NULL);
    g_assert_cmpuint (r.status, ==, 200);
    g_assert_cmpuint (r.len, ==, 0);
    g_assert_cmpstr (r.content_type, ==, "text/html");
  }
  /* The page is read-only. */
  expect_post_error (&main_env, "/", "{}", 405, "method");
  expect_error (&main_env, "DELETE", "/app.js", NULL, NULL, -1, 405, "method");
}

/* The addresses the CLI and the GUI print for the web client: wildcards
 * become this machine's addresses (loopback last, no link-local), never
 * 0.0.0.0 or [::]; explicit addresses stay; the scheme and port follow. */
static void
test_page_urls (void)
{
  const char *listen[] = { "http://0.0.0.0:8080", "http://[::]:8080", "https://127.0.0.1:8443",
                           "http://[::1]:9000", "not a url", NULL };
  g_auto(GStrv) urls = wv_web_dup_page_urls (listen);
  guint n = g_strv_length (urls), first_loopback = n;

  for (guint i = 0; i < n; i++)
    {
      g_test_message ("%s", urls[i]);
      g_assert_null (strstr (urls[i], "0.0.0.0"));
      g_assert_null (strstr (urls[i], "[::]"));
      g_assert_null (strstr (urls[i], "[fe80"));
      g_assert_true (g_str_has_suffix (urls[i], "/"));
      if (strstr (urls[i], "127.0.0.1") || strstr (urls[i], "[::1]"))
        first_loopback = MIN (first_loopback, i);
      else
        g_assert_cmpuint (first_loopback, ==, n);   /* other hosts come first */
    }
  g_assert_true (g_strv_contains ((const char *const *) urls, "http://127.0.0.1:8080/"));
  g_assert_true (g_strv_contains ((const char *const *) urls, "https://127.0.0.1:8443/"));
  g_assert_true (g_strv_contains ((const char *const *) urls, "http://[::1]:9000/"));
}

/* Known paths with another method: 405 method, without an Allow header. */
static void
test_method (void)
{
  g_autofree char *id = NULL;
  g_autofree char *conn = NULL;
  g_autofree char *cands = NULL;
  struct {
    const char *method;
    const char *path;
    const char *body;
  } cases[] = {
    { "POST", "/api/v1", "{}" },
    { "POST", "/api/v1/", "{}" },
    { "DELETE", "/api/v1", NULL },
    { "PUT", "/api/v1/status", "{}" },
    { "POST", "/api/v1/status", "{}" },
    { "DELETE", "/api/v1/status", NULL },
    { "GET", "/api/v1/connections", NULL },
    { "DELETE", "/api/v1/connections", NULL },
    { "PUT", "/api/v1/connections", "{}" },
    { "POST", NULL, "{}" },                 /* the connection */
    { "GET", NULL, NULL },
    { "PUT", NULL, "{}" },
    { "PUT", "candidates", "{}" },          /* its candidates */
    { "DELETE", "candidates", NULL },
  };

  if (!main_env_ready ())
    return;
  id = create_connection (&main_env, NULL);
  conn = g_strconcat ("/api/v1/connections/", id, NULL);
  cands = g_strconcat (conn, "/candidates", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *path = cases[i].path == NULL ? conn
                         : g_str_equal (cases[i].path, "candidates") ? cands : cases[i].path;
      g_auto(Response) r = { 0 };

      http (&r, &main_env, cases[i].method, path,
            cases[i].body ? "application/json" : NULL, cases[i].body);
      if (check_error (&r, 405, "method") && r.allow != NULL)
        fail ("%s: 405 with an Allow header: %s", r.what, r.allow);
    }
  /* None of that touched the connection. */
  {
    g_autofree char *state = describe_member (&main_env, id, "state");

    g_assert_cmpstr (state, ==, "connecting");
  }
  delete_connection (&main_env, id);
}

/* Offer bodies that are not a JSON object: 400 bad_json. */
static void
test_offer_bad_json (void)
{
  static const struct {
    const char *body;
    gssize len;
  } cases[] = {
    { "{", -1 },
    { "\xff\xfe", -1 },                     /* not UTF-8 */
    { "{\"a\": \"\xc3\x28\"}", -1 },         /* a bad UTF-8 sequence inside a string */
    { "", 0 },
    { " \r\n\t", -1 },
    { "[]", -1 },
    { "[{\"protocol\": 1}]", -1 },
    { "42", -1 },
    { "\"text\"", -1 },
    { "null", -1 },
    { "true", -1 },
    { "{\"protocol\": 1,}", -1 },
    { "{\"protocol\": 1", -1 },
    { "{\"protocol\": 1}\0{", 16 },         /* a NUL byte in the body */
  };

  if (!main_env_ready ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    expect_error (&main_env, "POST", "/api/v1/connections", "application/json", cases[i].body,
                  cases[i].len, 400, "bad_json");
}

/* Offer members missing, of the wrong type or out of bounds: 400
 * protocol (checked first) or bad_request. */
static void
test_offer_bad_members (void)
{
#define MEMBERS_BUT(protocol, session, index, family, sdp) \
  "{" protocol session index family sdp "\"x\": 0}"
#define P "\"protocol\": 1, "
#define S "\"session\": \"s\", "
#define I "\"index\": 0, "
#define F "\"family\": 4, "
#define D "\"sdp\": \"v=0\", "
  static const char *protocol_cases[] = {
    "{}",
    MEMBERS_BUT ("", S, I, F, D),
    MEMBERS_BUT ("\"protocol\": 999, ", S, I, F, D),
    MEMBERS_BUT ("\"protocol\": 0, ", S, I, F, D),
    MEMBERS_BUT ("\"protocol\": 2, ", S, I, F, D),
    MEMBERS_BUT ("\"protocol\": -1, ", S, I, F, D),
    MEMBERS_BUT ("\"protocol\": \"1\", ", S, I, F, D),
    MEMBERS_BUT ("\"protocol\": 1.0, ", S, I, F, D),
    MEMBERS_BUT ("\"protocol\": null, ", S, I, F, D),
    MEMBERS_BUT ("\"protocol\": [1], ", S, I, F, D),
    /* protocol is checked before the other members */
    "{\"protocol\": 999, \"family\": \"4\"}",
  };
  static const char *request_cases[] = {
    "{\"protocol\": 1}",
    MEMBERS_BUT (P, "", I, F, D),
    MEMBERS_BUT (P, "\"session\": \"\", ", I, F, D),
    MEMBERS_BUT (P, "\"session\": 42, ", I, F, D),
    MEMBERS_BUT (P, "\"session\": null, ", I, F, D),
    MEMBERS_BUT (P, "\"session\": {}, ", I, F, D),
    /* 65 bytes, one more than WV_MAX_ID_LEN */
    MEMBERS_BUT (P, "\"session\": \"0123456789012345678901234567890123456789"
                    "0123456789012345678901234\", ", I, F, D),
    MEMBERS_BUT (P, S, "", F, D),
    MEMBERS_BUT (P, S, "\"index\": -1, ", F, D),
    MEMBERS_BUT (P, S, "\"index\": 1001, ", F, D),
    MEMBERS_BUT (P, S, "\"index\": \"0\", ", F, D),
    MEMBERS_BUT (P, S, "\"index\": 0.5, ", F, D),
    MEMBERS_BUT (P, S, I, "", D),
    MEMBERS_BUT (P, S, I, "\"family\": \"4\", ", D),
    MEMBERS_BUT (P, S, I, "\"family\": 5, ", D),
    MEMBERS_BUT (P, S, I, "\"family\": 0, ", D),
    MEMBERS_BUT (P, S, I, "\"family\": 4.0, ", D),
    MEMBERS_BUT (P, S, I, "\"family\": true, ", D),
    MEMBERS_BUT (P, S, I, F, ""),
    MEMBERS_BUT (P, S, I, F, "\"sdp\": 42, "),
    MEMBERS_BUT (P, S, I, F, "\"sdp\": null, "),
    MEMBERS_BUT (P, S, I, F, "\"sdp\": [\"v=0\"], "),
  };
#undef MEMBERS_BUT
#undef P
#undef S
#undef I
#undef F
#undef D

  if (!main_env_ready ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (protocol_cases); i++)
    expect_post_error (&main_env, "/api/v1/connections", protocol_cases[i], 400, "protocol");
  for (guint i = 0; i < G_N_ELEMENTS (request_cases); i++)
    expect_post_error (&main_env, "/api/v1/connections", request_cases[i], 400, "bad_request");
  /* Nothing was created. */
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);
}

/* The body must be application/json (parameters allowed): 415 else. */
static void
test_offer_content_type (void)
{
  static const char *refused[] = { NULL, "text/plain", "application/jsonx",
                                   "application/x-www-form-urlencoded", "text/json" };
  static const char *accepted[] = { "application/json; charset=utf-8", "APPLICATION/JSON",
                                    "Application/Json ; foo=bar" };
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;

  if (!main_env_ready ())
    return;
  body = offer_body (4, get_offer ());
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    expect_error (&main_env, "POST", "/api/v1/connections", refused[i], body, -1, 415,
                  "unsupported_media_type");
  /* Accepted types get as far as the members: {} lacks "protocol". */
  for (guint i = 0; i < G_N_ELEMENTS (accepted); i++)
    expect_error (&main_env, "POST", "/api/v1/connections", accepted[i], "{}", -1, 400,
                  "protocol");
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);

  /* The candidates POST checks it too. */
  id = create_connection (&main_env, NULL);
  path = g_strconcat ("/api/v1/connections/", id, "/candidates", NULL);
  expect_error (&main_env, "POST", path, NULL, "{\"candidates\": []}", -1, 415,
                "unsupported_media_type");
  expect_error (&main_env, "POST", path, "text/plain", "{\"candidates\": []}", -1, 415,
                "unsupported_media_type");
  delete_connection (&main_env, id);
}

/* SDP that does not parse or has no data channel section: 400 bad_sdp. */
static void
test_offer_bad_sdp (void)
{
  static const char *sdps[] = {
    "hello",
    "",
    "v=0\r\n",
    "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n",
    "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n",
  };
  g_autofree char *audio = NULL;
  g_autofree char *body = NULL;
  g_auto(Response) r = { 0 };

  if (!main_env_ready ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (sdps); i++)
    {
      g_autofree char *b = offer_body (4, sdps[i]);

      expect_post_error (&main_env, "/api/v1/connections", b, 400, "bad_sdp");
    }
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);

  /* A well-formed offer without a data channel (its one media section is
   * audio) would hold a connection slot until its set-up timeout: it is
   * refused like any SDP we cannot connect with. */
  {
    const char *offer = get_offer ();
    const char *m = strstr (offer, "m=application");
    const char *eol = m ? strstr (m, "\r\n") : NULL;

    g_assert_nonnull (eol);
    audio = g_strdup_printf ("%.*sm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=rtpmap:0 PCMU/8000%s",
                             (int) (m - offer), offer, eol);
  }
  body = offer_body (4, audio);
  expect_post_error (&main_env, "/api/v1/connections", body, 400, "bad_sdp");
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);

  /* An offer webrtcbin refuses (no ICE credentials), which the server only
   * learns after it has taken the offer: 502 failed, and no active
   * connection left. */
  {
    g_auto(GStrv) lines = g_strsplit (get_offer (), "\r\n", -1);
    g_autoptr(GString) sdp = g_string_new (NULL);
    g_autofree char *b = NULL;
    g_auto(Response) r2 = { 0 };

    for (guint i = 0; lines[i]; i++)
      if (lines[i][0] && !g_str_has_prefix (lines[i], "a=ice-ufrag:") &&
          !g_str_has_prefix (lines[i], "a=ice-pwd:"))
        g_string_append_printf (sdp, "%s\r\n", lines[i]);
    b = offer_body (4, sdp->str);
    http (&r2, &main_env, "POST", "/api/v1/connections", "application/json", b);
    check_error (&r2, 502, "failed");
  }
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);

  /* An offer for IPv6 while the server's ICE addresses are IPv4 only. */
  {
    g_autofree char *v6 = offer_body (6, get_offer ());

    expect_post_error (&main_env, "/api/v1/connections", v6, 503, "unavailable");
  }
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);
}

/* Bodies over max_body (413) or without Content-Length (411), on any
 * path. */
static void
test_body_limits (void)
{
  g_autofree char *big = NULL;
  g_autofree char *exact = NULL;
  g_autofree char *offer = NULL;
  g_autofree char *chunked = NULL;
  guint early_before;

  if (!main_env_ready ())
    return;
  early_before = main_env.early;

  /* One byte over, on the offer path, an unknown path and a PUT. */
  big = g_strnfill (MAX_BODY + 1, ' ');
  big[0] = '{';
  big[MAX_BODY] = '}';
  expect_post_error (&main_env, "/api/v1/connections", big, 413, "too_large");
  expect_post_error (&main_env, "/api/v1/nope", big, 413, "too_large");
  expect_error (&main_env, "PUT", "/api/v1/status", "application/json", big, -1, 413,
                "too_large");
  /* Far over. */
  {
    g_autofree char *huge = g_strnfill (4 * 1024 * 1024, 'x');

    expect_post_error (&main_env, "/api/v1/connections", huge, 413, "too_large");
  }
  /* Exactly max_body bytes get through to the members. */
  exact = g_strnfill (MAX_BODY, ' ');
  exact[0] = '{';
  exact[MAX_BODY - 1] = '}';
  expect_post_error (&main_env, "/api/v1/connections", exact, 400, "protocol");

  /* A chunked body (raw: libsoup would not chunk a body it knows). */
  offer = offer_body (4, get_offer ());
  chunked = g_strdup_printf ("POST /api/v1/connections HTTP/1.1\r\n"
                             "Host: 127.0.0.1\r\n"
                             "Content-Type: application/json\r\n"
                             "Transfer-Encoding: chunked\r\n"
                             "\r\n"
                             "%zx\r\n%s\r\n0\r\n\r\n", strlen (offer), offer);
  {
    g_auto(Response) r = { 0 };

    raw_request (&r, &main_env, "chunked POST /api/v1/connections", chunked, strlen (chunked),
                 TRUE, REQUEST_TIMEOUT_MS);
    tally (&main_env, &r, FALSE);
    check_error (&r, 411, "length_required");
  }
  /* Chunked on any path, and a PUT. */
  {
    static const char *req =
      "PUT /api/v1/nope HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
    g_auto(Response) r = { 0 };

    raw_request (&r, &main_env, "chunked PUT /api/v1/nope", req, strlen (req), TRUE,
                 REQUEST_TIMEOUT_MS);
    tally (&main_env, &r, FALSE);
    check_error (&r, 411, "length_required");
  }
  /* No Content-Length and no body. */
  {
    static const char *req =
      "POST /api/v1/connections HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\n\r\n";
    g_auto(Response) r = { 0 };

    raw_request (&r, &main_env, "unsized POST /api/v1/connections", req, strlen (req), TRUE,
                 REQUEST_TIMEOUT_MS);
    tally (&main_env, &r, FALSE);
    check_error (&r, 411, "length_required");
  }
  g_assert_cmpuint (main_env.early - early_before, ==, 7);

  /* A client that sends half its headers and waits does not hold up
   * anyone else. */
  {
    static const char *partial = "POST /api/v1/connections HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    g_autoptr(GSocketConnection) slow = raw_connect (&main_env);
    g_autoptr(GError) error = NULL;

    g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (slow)), partial,
                               strlen (partial), NULL, NULL, &error);
    g_assert_no_error (error);
    check_root (&main_env, "/api/v1");
    g_io_stream_close (G_IO_STREAM (slow), NULL, NULL);
  }
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);
}

/* docs/protocol.md: "The length is checked when the headers arrive,
 * before the body is read". So a client that sends only the headers of an
 * oversized or chunked POST gets its 413 or 411 without sending the body;
 * a server that waited for the body would first read (and buffer) all of
 * it, however large the Content-Length. */
static void
test_body_refused_unread (void)
{
  static const struct {
    const char *what;
    const char *request;
    guint status;
    const char *code;
  } cases[] = {
    { "POST with a Content-Length of 1 GB, headers only",
      "POST /api/v1/connections HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n",
      413, "too_large" },
    { "chunked POST, headers only",
      "POST /api/v1/connections HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      411, "length_required" },
  };

  if (!main_env_ready ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Response) r = { 0 };

      /* An answer at once is expected; 3 s is plenty. */
      raw_request (&r, &main_env, cases[i].what, cases[i].request, strlen (cases[i].request),
                   TRUE, 3000);
      tally (&main_env, &r, cases[i].status == 413);
      check_error (&r, cases[i].status, cases[i].code);
    }
  /* Still serving. */
  check_root (&main_env, "/api/v1");
}

/* POST and GET .../candidates on a real connection. */
static void
test_candidates (void)
{
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  g_autofree char *long_cand = NULL;
  g_autofree char *max_cand = NULL;
  g_autoptr(GString) many = g_string_new ("{\"candidates\": [");
  g_autoptr(GString) useless = g_string_new ("{\"candidates\": [");

  if (!main_env_ready ())
    return;
  id = create_connection (&main_env, NULL);
  path = g_strconcat ("/api/v1/connections/", id, "/candidates", NULL);

  /* Over 64 candidates: 413, even if every one is good. */
  for (guint i = 0; i <= WV_MAX_CANDIDATES_PER_POST; i++)
    g_string_append_printf (many, "%s{\"mline\": 0, \"candidate\": \"" CANDIDATE "\"}",
                            i ? ", " : "");
  g_string_append (many, "]}");
  expect_post_error (&main_env, path, many->str, 413, "too_large");
  /* 64 unusable ones pass the count and are all skipped. */
  for (guint i = 0; i < WV_MAX_CANDIDATES_PER_POST; i++)
    g_string_append_printf (useless, "%s{\"mline\": 0, \"candidate\": \"nonsense %u\"}",
                            i ? ", " : "", i);
  g_string_append (useless, "]}");
  expect_post_error (&main_env, path, useless->str, 400, "bad_candidates");

  /* Not a candidates array: bad_request; not a JSON object: bad_json. */
  expect_post_error (&main_env, path, "{}", 400, "bad_request");
  expect_post_error (&main_env, path, "{\"candidates\": {}}", 400, "bad_request");
  expect_post_error (&main_env, path, "{\"candidates\": \"" CANDIDATE "\"}", 400,
                     "bad_request");
  expect_post_error (&main_env, path, "{\"candidates\": null}", 400, "bad_request");
  expect_post_error (&main_env, path, "[]", 400, "bad_json");
  expect_post_error (&main_env, path, "{", 400, "bad_json");
  expect_error (&main_env, "POST", path, "application/json", "", 0, 400, "bad_json");

  /* Elements that are skipped; with nothing else, bad_candidates. */
  {
    static const char *bad[] = {
      "42",
      "null",
      "[0, \"" CANDIDATE "\"]",
      "{}",
      "{\"mline\": 0}",
      "{\"candidate\": \"" CANDIDATE "\"}",
      "{\"mline\": \"0\", \"candidate\": \"" CANDIDATE "\"}",
      "{\"mline\": 0.0, \"candidate\": \"" CANDIDATE "\"}",
      "{\"mline\": -1, \"candidate\": \"" CANDIDATE "\"}",
      "{\"mline\": 17, \"candidate\": \"" CANDIDATE "\"}",
      "{\"mline\": null, \"candidate\": \"" CANDIDATE "\"}",
      "{\"mline\": 0, \"candidate\": 42}",
      "{\"mline\": 0, \"candidate\": \"\"}",
      "{\"mline\": 0, \"candidate\": \"candidate:1 1 UDP 2015363327\"}",
      "{\"mline\": 0, \"candidate\": \"candidate:1 1 UDP 2015363327 127.0.0.1 9 host\"}",
      "{\"mline\": 0, \"candidate\": \"candidate:1 1 UDP 2015363327 127.0.0.1 65536 typ host\"}",
      "{\"mline\": 0, \"candidate\": \"candidate:1 0 UDP 2015363327 127.0.0.1 9 typ host\"}",
      "{\"mline\": 0, \"candidate\": \"candidate:1 1 SCTP 2015363327 127.0.0.1 9 typ host\"}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
      {
        g_autofree char *body = g_strdup_printf ("{\"candidates\": [%s]}", bad[i]);

        expect_post_error (&main_env, path, body, 400, "bad_candidates");
      }
  }
  /* Well formed, but checks may not go there (docs/protocol.md, "Where
   * the server sends connectivity checks"): taken with 204 and ignored,
   * so that a browser's mDNS names do not fail its request. */
  {
    static const char *ignored[] = {
      /* a browser's mDNS name */
      "candidate:1 1 UDP 2015363327 0b7e5c1a-3f2d-4e8a-9c61-5d4f3a2b1c0e.local 50418 typ host",
      /* the other family */
      "candidate:1 1 UDP 2015363327 ::1 50418 typ host",
      /* TCP, or RTCP */
      "candidate:1 1 TCP 2015363327 127.0.0.1 9 typ host tcptype passive",
      "candidate:1 2 UDP 2015363327 127.0.0.1 9 typ host",
      /* multicast, broadcast, unspecified, reserved, link-local */
      "candidate:1 1 UDP 2015363327 224.0.0.1 9 typ host",
      "candidate:1 1 UDP 2015363327 239.255.255.250 1900 typ host",
      "candidate:1 1 UDP 2015363327 255.255.255.255 9 typ host",
      "candidate:1 1 UDP 2015363327 0.0.0.0 9 typ host",
      "candidate:1 1 UDP 2015363327 240.0.0.1 9 typ host",
      "candidate:1 1 UDP 2015363327 169.254.1.1 9 typ host",
      "candidate:1 1 UDP 2015363327 127.0.0.1 0 typ host",
      /* a third party: not the client's address (127.0.0.1) */
      "candidate:1 1 UDP 2015363327 192.0.2.1 9 typ srflx raddr 0.0.0.0 rport 0",
      "candidate:1 1 UDP 2015363327 198.51.100.7 3478 typ relay raddr 0.0.0.0 rport 0",
    };
    gint64 used = describe_int (&main_env, id, "candidates_used");
    gint64 before = describe_int (&main_env, id, "candidates_ignored");

    for (guint i = 0; i < G_N_ELEMENTS (ignored); i++)
      {
        g_autofree char *body = g_strdup_printf ("{\"candidates\": [{\"mline\": 0, "
                                                 "\"candidate\": \"%s\"}]}", ignored[i]);
        g_auto(Response) r = { 0 };

        http (&r, &main_env, "POST", path, "application/json", body);
        check_status (&r, 204);
      }
    g_assert_cmpint (describe_int (&main_env, id, "candidates_used"), ==, used);
    g_assert_cmpint (describe_int (&main_env, id, "candidates_ignored"), ==,
                     before + G_N_ELEMENTS (ignored));
  }

  /* 513 bytes: too long; 512 are allowed. */
  {
    g_autofree char *pad = g_strnfill (512 - strlen (CANDIDATE " x-pad "), 'p');
    g_autofree char *body = NULL;
    g_auto(Response) r = { 0 };

    max_cand = g_strconcat (CANDIDATE " x-pad ", pad, NULL);
    g_assert_cmpuint (strlen (max_cand), ==, 512);
    long_cand = g_strconcat (max_cand, "p", NULL);
    body = g_strdup_printf ("{\"candidates\": [{\"mline\": 0, \"candidate\": \"%s\"}]}",
                            long_cand);
    expect_post_error (&main_env, path, body, 400, "bad_candidates");
    g_free (body);
    body = g_strdup_printf ("{\"candidates\": [{\"mline\": 0, \"candidate\": \"%s\"}]}",
                            max_cand);
    http (&r, &main_env, "POST", path, "application/json", body);
    check_status (&r, 204);
  }

  /* An empty array, one good candidate, one good among bad ones, and a
   * browser's mDNS host candidates (ignored, not refused): 204. */
  {
    static const char *good[] = {
      "{\"candidates\": []}",
      "{\"candidates\": [{\"mline\": 0, \"candidate\": \"candidate:1 1 UDP 2015363327 "
        "0b7e5c1a-3f2d-4e8a-9c61-5d4f3a2b1c0e.local 50418 typ host generation 0\"}]}",
      "{\"candidates\": [{\"mline\": 0, \"candidate\": \"" CANDIDATE "\"}]}",
      "{\"candidates\": [42, {\"mline\": 0, \"candidate\": \"a=" CANDIDATE "\"}, {}],"
        " \"unknown\": true}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (good); i++)
      {
        g_auto(Response) r = { 0 };

        http (&r, &main_env, "POST", path, "application/json", good[i]);
        check_status (&r, 204);
      }
  }

  /* GET with a bad "since": 400 bad_request. */
  {
    static const char *since[] = { "abc", "100000", "257", "-1", "", "1.5", "0x10", " 1",
                                   "99999999999999999999999" };

    for (guint i = 0; i < G_N_ELEMENTS (since); i++)
      {
        g_autofree char *p = g_strconcat (path, "?since=", since[i], NULL);

        expect_error (&main_env, "GET", p, NULL, NULL, -1, 400, "bad_request");
      }
  }
  /* The server's own candidates: ICE on 127.0.0.1 gives at least one at
   * once, so this is not held for long. */
  {
    g_autofree char *p = g_strconcat (path, "?since=0", NULL);
    g_auto(Response) r = { 0 };
    JsonObject *o;
    JsonArray *list;
    gint64 next = -1;

    http (&r, &main_env, "GET", p, NULL, NULL);
    if (check_status (&r, 200))
      {
        o = response_object (&r);
        g_assert_true (json_object_has_member (o, "candidates"));
        list = json_object_get_array_member (o, "candidates");
        g_assert_nonnull (list);
        g_assert_true (member_int (o, "next", &next));
        g_assert_cmpint (next, ==, json_array_get_length (list));
        g_assert_cmpint (next, >=, 1);
        for (guint i = 0; i < json_array_get_length (list); i++)
          {
            JsonObject *c = json_array_get_object_element (list, i);
            gint64 mline = -1;

            g_assert_true (member_int (c, "mline", &mline));
            g_assert_cmpint (mline, ==, 0);
            g_assert_nonnull (strstr (member_string (c, "candidate"), " 127.0.0.1 "));
          }
      }
  }
  {
    g_autofree char *state = describe_member (&main_env, id, "state");

    g_assert_cmpstr (state, ==, "connecting");
  }
  delete_connection (&main_env, id);
}

/* max_per_client: the third concurrent offer from 127.0.0.1 gets 429;
 * ended connections do not count. The status shows ids cut to 8
 * characters; the in-process description shows them whole. */
static void
test_limit_per_client (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *body = NULL;
  g_auto(Response) r = { 0 };
  guint too_many_before;

  if (!main_env_ready ())
    return;
  too_many_before = main_env.too_many;
  a = create_connection (&main_env, NULL);
  b = create_connection (&main_env, NULL);
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 2);
  body = offer_body (4, get_offer ());
  expect_post_error (&main_env, "/api/v1/connections", body, 429, "too_many");
  g_assert_cmpuint (main_env.too_many - too_many_before, ==, 1);
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 2);

  /* Ids in the status. */
  http (&r, &main_env, "GET", "/api/v1/status", NULL, NULL);
  if (check_status (&r, 200))
    {
      JsonArray *conns = json_object_get_array_member (response_object (&r), "connections");
      guint seen = 0;

      g_assert_cmpuint (json_array_get_length (conns), >=, 2);
      for (guint i = 0; i < json_array_get_length (conns); i++)
        {
          JsonObject *o = json_array_get_object_element (conns, i);
          const char *id = member_string (o, "id");
          const char *session = member_string (o, "session");

          g_assert_nonnull (id);
          g_assert_nonnull (session);
          g_assert_cmpuint (strlen (id), <=, 8);
          g_assert_cmpuint (strlen (session), <=, 8);
          g_assert_true (g_str_has_prefix (SESSION, session));
          if (g_str_has_prefix (a, id) || g_str_has_prefix (b, id))
            {
              seen++;
              g_assert_cmpstr (member_string (o, "client"), ==, "127.0.0.1");
              g_assert_cmpstr (member_string (o, "state"), ==, "connecting");
            }
        }
      g_assert_cmpuint (seen, >=, 2);
      /* The whole id is nowhere in it. */
      g_assert_null (strstr (r.text, a));
      g_assert_null (strstr (r.text, b));
    }
  {
    g_autoptr(JsonNode) root = wv_server_describe (main_env.server);
    g_autofree char *text = json_to_string (root, FALSE);
    g_autofree char *state = describe_member (&main_env, a, "id");

    g_assert_cmpstr (state, ==, a);
    g_assert_nonnull (strstr (text, b));
    g_assert_nonnull (strstr (text, SESSION));
  }

  /* An ended connection does not count: after a DELETE, a new offer is
   * taken. */
  delete_connection (&main_env, a);
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 1);
  c = create_connection (&main_env, NULL);
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 2);
  delete_connection (&main_env, b);
  delete_connection (&main_env, c);
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);
}

/* max_connections over all clients: 503 busy, checked before the
 * per-client limit. A second client address comes from 127.0.0.2. */
static void
test_limit_total (void)
{
  g_autoptr(GInetAddress) addr2 = g_inet_address_new_from_string ("127.0.0.2");
  g_autoptr(GSocketAddress) local2 = g_inet_socket_address_new (addr2, 0);
  g_autoptr(GSocket) probe = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) other = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autofree char *d = NULL;
  g_autofree char *body = NULL;
  guint busy_before;

  if (!main_env_ready ())
    return;
  probe = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  if (probe == NULL || !g_socket_bind (probe, local2, FALSE, &error))
    {
      g_autofree char *why = g_strdup_printf ("cannot bind 127.0.0.2 for a second client: %s",
                                              error ? error->message : "no socket");
      g_test_skip (why);
      return;
    }
  g_clear_object (&probe);
  other = soup_session_new_with_options ("local-address", local2,
                                         "timeout", REQUEST_TIMEOUT_MS / 1000 + 5, NULL);

  busy_before = main_env.busy;
  body = offer_body (4, get_offer ());
  a = create_connection (&main_env, NULL);
  b = create_connection (&main_env, NULL);
  c = create_connection (&main_env, other);
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, MAX_CONNECTIONS);
  {
    g_autofree char *client = describe_member (&main_env, c, "client");

    g_assert_cmpstr (client, ==, "127.0.0.2");
  }
  /* Full: busy, from either address (the overall limit comes first). */
  {
    g_auto(Response) r = { 0 };

    http_with (&r, &main_env, other, "POST", "/api/v1/connections", "application/json", body,
               -1);
    check_error (&r, 503, "busy");
  }
  expect_post_error (&main_env, "/api/v1/connections", body, 503, "busy");
  g_assert_cmpuint (main_env.busy - busy_before, ==, 2);
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, MAX_CONNECTIONS);

  delete_connection (&main_env, a);
  d = create_connection (&main_env, other);
  delete_connection (&main_env, b);
  delete_connection (&main_env, c);
  delete_connection (&main_env, d);
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);
  soup_session_abort (other);
}

static gboolean
request_done (gpointer data)
{
  return ((Request *) data)->done;
}

/* Starts a long poll on @cands (".../candidates") that the server holds,
 * and sets *next to the number of candidates it had then. The server
 * gathers its candidates just after its answer, and a new one answers
 * every poll it holds, new to that poll or not. So this polls from the
 * last "next" until a poll is held; one that ends early must bring a
 * candidate. Returns NULL (with the test failed) if none is held. */
static Request *
start_held_poll (Env *env, const char *cands, gint64 *next)
{
  *next = 0;
  for (guint attempt = 0; attempt < 20; attempt++)
    {
      g_autofree char *poll = g_strdup_printf ("%s?since=%" G_GINT64_FORMAT, cands, *next);
      Request *req = request_start (env, NULL, "GET", poll, NULL, NULL, -1);
      g_auto(Response) r = { 0 };
      gint64 got = -1;

      /* Held: not answered at once. */
      if (!run_until (request_done, req, 300))
        return req;
      request_finish (req, &r, 0);
      if (!check_status (&r, 200))
        return NULL;
      g_assert_true (member_int (response_object (&r), "next", &got));
      if (got <= *next)
        {
          fail ("GET %s: answered at once with nothing new, not held (state connecting)", poll);
          return NULL;
        }
      *next = got;
    }
  fail ("GET %s: 20 polls in a row answered at once", cands);
  return NULL;
}

/* DELETE ends a connection at once: 204, also the second time (the server
 * keeps an ended connection for 30 s, LINGER_S, before its id gives 404;
 * the test does not wait that long). A long poll held on it is still
 * answered. */
static void
test_delete (void)
{
  g_autofree char *id = NULL;
  g_autofree char *conn = NULL;
  g_autofree char *cands = NULL;
  g_autofree char *state = NULL;
  Request *held;
  gint64 t0, next;

  if (!main_env_ready ())
    return;
  id = create_connection (&main_env, NULL);
  conn = g_strconcat ("/api/v1/connections/", id, NULL);
  cands = g_strconcat (conn, "/candidates", NULL);

  /* A poll from past the server's last candidate is held; once from a
   * client that hangs up at once. */
  {
    g_autofree char *raw = g_strdup_printf ("GET %s?since=256 HTTP/1.1\r\n"
                                            "Host: 127.0.0.1\r\n\r\n", cands);
    g_auto(Response) ignored = { 0 };

    raw_request (&ignored, &main_env, "long poll, then hang up", raw, strlen (raw), FALSE,
                 REQUEST_TIMEOUT_MS);
    main_env.sent++;
  }
  held = start_held_poll (&main_env, cands, &next);
  t0 = g_get_monotonic_time ();

  delete_connection (&main_env, id);
  state = describe_member (&main_env, id, "state");
  g_assert_cmpstr (state, ==, "failed");
  g_free (state);
  /* A failed connection frees its WebRTC side at once. */
  state = describe_member (&main_env, id, "webrtc_state");
  g_assert_cmpstr (state, ==, "closed");
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);
  /* Again: still 204, the server still knows the id. */
  delete_connection (&main_env, id);

  /* The held poll gets an answer. docs/protocol.md has two for it: 410
   * gone for a poll "still held when the connection is closed", and 200
   * with an empty list once it has waited 5 s. The code gives the second;
   * either is taken, within the 5 to 6 s of the second. */
  if (held)
    {
      g_auto(Response) r = { 0 };

      request_finish (held, &r, LONG_POLL_TIMEOUT_MS);
      g_test_message ("held long poll answered %u, %.1f s after it was seen held", r.status,
                      (g_get_monotonic_time () - t0) / 1e6);
      if (r.status == 410)
        check_error (&r, 410, "gone");
      else if (check_status (&r, 200))
        {
          gint64 got = -1;

          /* Empty, unless a candidate came just before the DELETE. */
          g_assert_true (member_int (response_object (&r), "next", &got));
          g_assert_cmpint (got, >=, next);
          g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                              response_object (&r), "candidates")), ==, got - next);
        }
    }
  /* A poll on the ended connection is answered at once (3 s is plenty,
   * a held one would take 5); candidates for it are not usable any
   * more. */
  {
    g_autofree char *p = g_strconcat (cands, "?since=256", NULL);
    g_auto(Response) r = { 0 };

    request_finish (request_start (&main_env, NULL, "GET", p, NULL, NULL, -1), &r, 3000);
    check_status (&r, 200);
  }
  /* Candidates for it are taken (204) and not used. */
  {
    gint64 used = describe_int (&main_env, id, "candidates_used");
    g_auto(Response) r = { 0 };

    http (&r, &main_env, "POST", cands, "application/json",
          "{\"candidates\": [{\"mline\": 0, \"candidate\": \"" CANDIDATE "\"}]}");
    check_status (&r, 204);
    g_assert_cmpint (describe_int (&main_env, id, "candidates_used"), ==, used);
  }
  /* The connection itself still has only DELETE. */
  expect_post_error (&main_env, conn, "{}", 405, "method");
}

typedef struct {
  Env *env;
  const char *id;
} ConnRef;

static gboolean
conn_failed_and_freed (gpointer data)
{
  ConnRef *ref = data;
  g_autofree char *state = describe_member (ref->env, ref->id, "state");

  return g_strcmp0 (state, "failed") == 0 && wv_server_get_n_connections (ref->env->server) == 0;
}

static gboolean
n_described (gpointer data)
{
  Env *env = data;
  g_autoptr(JsonNode) root = wv_server_describe (env->server);

  return json_array_get_length (json_object_get_array_member (json_node_get_object (root),
                                                              "connections")) >= 2;
}

/* A client that vanishes after its offer: the set-up timeout (2 s here)
 * fails the connection, which stops counting; the server goes on. One
 * client took the answer, the other hung up before it came. */
static void
test_setup_timeout (void)
{
  Env env;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = NULL;
  g_autofree char *state = NULL;
  g_auto(Response) r = { 0 };
  ConnRef ref;
  gint64 t0, elapsed;

  if (!env_init (&env, SHORT_SETUP_TIMEOUT_S, &error))
    {
      g_autofree char *why = g_strdup_printf ("cannot run a server on 127.0.0.1: %s",
                                              error->message);
      g_test_skip (why);
      return;
    }
  body = offer_body (4, get_offer ());
  t0 = g_get_monotonic_time ();
  http (&r, &env, "POST", "/api/v1/connections", "application/json", body);
  id = check_answer (&r);
  g_assert_nonnull (id);
  state = describe_member (&env, id, "state");
  g_assert_cmpstr (state, ==, "connecting");

  /* The second client sends its offer and closes at once. */
  {
    g_autofree char *raw = g_strdup_printf ("POST /api/v1/connections HTTP/1.1\r\n"
                                            "Host: 127.0.0.1\r\n"
                                            "Content-Type: application/json\r\n"
                                            "Content-Length: %zu\r\n\r\n%s",
                                            strlen (body), body);
    g_auto(Response) ignored = { 0 };

    raw_request (&ignored, &env, "offer, then hang up", raw, strlen (raw), FALSE,
                 REQUEST_TIMEOUT_MS);
    env.sent++;
  }
  if (!run_until (n_described, &env, REQUEST_TIMEOUT_MS))
    fail ("the offer of the client that hung up made no connection");
  g_assert_cmpuint (wv_server_get_n_connections (env.server), ==, 2);

  ref.env = &env;
  ref.id = id;
  if (!run_until (conn_failed_and_freed, &ref, (SHORT_SETUP_TIMEOUT_S + 3) * 1000))
    {
      g_autofree char *now = describe_member (&env, id, "state");

      fail ("%.1f s after the offer: connection %s, %u active; want failed, 0",
            (g_get_monotonic_time () - t0) / 1e6, now ? now : "(gone)",
            wv_server_get_n_connections (env.server));
    }
  elapsed = g_get_monotonic_time () - t0;
  g_test_message ("connection failed and freed %.2f s after the offer", elapsed / 1e6);
  /* Not before the timeout (timers in whole seconds may fire a little
   * early relative to our clock, hardly a whole second). */
  g_assert_cmpint (elapsed, >=, (SHORT_SETUP_TIMEOUT_S - 1) * G_USEC_PER_SEC);
  g_free (state);
  state = describe_member (&env, id, "webrtc_state");
  g_assert_cmpstr (state, ==, "closed");

  /* Still serving; the failed connections stay in the status for now. */
  response_clear (&r);
  http (&r, &env, "GET", "/api/v1/status", NULL, NULL);
  if (check_status (&r, 200))
    {
      JsonArray *conns = json_object_get_array_member (response_object (&r), "connections");

      g_assert_cmpuint (json_array_get_length (conns), ==, 2);
      for (guint i = 0; i < json_array_get_length (conns); i++)
        {
          JsonObject *o = json_array_get_object_element (conns, i);

          g_assert_cmpstr (member_string (o, "state"), ==, "failed");
          g_assert_cmpuint (strlen (member_string (o, "id")), <=, 8);
        }
    }
  check_root (&env, "/api/v1");
  /* New offers are taken again. */
  {
    g_autofree char *again = create_connection (&env, NULL);

    delete_connection (&env, again);
  }
  env_clear (&env);
}

static gboolean
two_sessions (gpointer data)
{
  Env *env = data;
  g_autoptr(JsonNode) root = wv_server_describe (env->server);

  return json_array_get_length (json_object_get_array_member (json_node_get_object (root),
                                                              "connections")) >= 2;
}

/* wv_server_stop() with requests held: a long poll gets 410 gone, an offer
 * whose answer is not ready 503 closed (docs/protocol.md, "Errors"). */
static void
test_shutdown (void)
{
  Env env;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *cands = NULL;
  g_autofree char *body = NULL;
  g_auto(Response) polled = { 0 };
  g_auto(Response) offered = { 0 };
  Request *held, *pending;
  gint64 next;

  if (!env_init (&env, MAIN_SETUP_TIMEOUT_S, &error))
    {
      g_autofree char *why = g_strdup_printf ("cannot run a server on 127.0.0.1: %s",
                                              error->message);
      g_test_skip (why);
      return;
    }
  id = create_connection (&env, NULL);
  cands = g_strconcat ("/api/v1/connections/", id, "/candidates", NULL);
  held = start_held_poll (&env, cands, &next);
  g_assert_nonnull (held);

  /* An offer the server has taken (its connection exists) but not yet
   * answered: webrtcbin makes the answer in its own thread, and the
   * server hears of it through the main context, which is not run in
   * between. */
  body = offer_body (4, get_offer ());
  pending = request_start (&env, NULL, "POST", "/api/v1/connections", "application/json",
                           body, -1);
  if (!run_until (two_sessions, &env, REQUEST_TIMEOUT_MS))
    fail ("the second offer made no connection");
  wv_server_stop (env.server);

  request_finish (held, &polled, 3000);
  check_error (&polled, 410, "gone");
  request_finish (pending, &offered, 3000);
  if (offered.status == 201)
    g_test_message ("the answer was ready before the server stopped: no 503 closed to check");
  else
    check_error (&offered, 503, "closed");
  env_clear (&env);
}

/* The offer's optional "label" names the client in the status (and in the
 * server's records); it is cleaned of control characters and cut to 63
 * bytes, and without one the session id's start names the client. */
static void
test_label (void)
{
  static const struct {
    const char *given;
    const char *shown;
  } cases[] = {
    { NULL, "client 4c0ffee0" },
    { "", "client 4c0ffee0" },
    { "   ", "client 4c0ffee0" },
    { "Firefox 153 on Linux", "Firefox 153 on Linux" },
    { "tab\there\nnewline\x7f", "tab here newline" },
    { "\xc3\xa9t\xc3\xa9 phone", "\xc3\xa9t\xc3\xa9 phone" },
    /* 70 bytes: cut to 63, not inside the two-byte character at 62-63. */
    { "0123456789012345678901234567890123456789012345678901234567890\xc3\xa9xxxxxx",
      "0123456789012345678901234567890123456789012345678901234567890\xc3\xa9" },
    { "012345678901234567890123456789012345678901234567890123456789012\xc3\xa9",
      "012345678901234567890123456789012345678901234567890123456789012" },
  };

  if (!main_env_ready ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = offer_body_label (4, get_offer (), cases[i].given);
      g_autofree char *id = NULL;
      g_autofree char *label = NULL;
      g_autofree char *software = NULL;
      g_auto(Response) r = { 0 };

      http (&r, &main_env, "POST", "/api/v1/connections", "application/json", body);
      id = check_answer (&r);
      g_assert_nonnull (id);
      label = describe_member (&main_env, id, "label");
      g_assert_cmpstr (label, ==, cases[i].shown);
      /* No hello yet. */
      software = describe_member (&main_env, id, "software");
      g_assert_cmpstr (software, ==, "");
      delete_connection (&main_env, id);
    }
  /* A label that is not a string is ignored. */
  {
    g_autofree char *body = offer_body (4, get_offer ());
    g_autoptr(GString) numbered = g_string_new (body);
    g_autofree char *id = NULL;
    g_autofree char *label = NULL;
    g_auto(Response) r = { 0 };

    g_string_replace (numbered, "\"family\":4", "\"family\":4,\"label\":42", 1);
    g_assert_nonnull (strstr (numbered->str, "\"label\":42"));
    http (&r, &main_env, "POST", "/api/v1/connections", "application/json", numbered->str);
    id = check_answer (&r);
    label = describe_member (&main_env, id, "label");
    g_assert_cmpstr (label, ==, "client 4c0ffee0");
    delete_connection (&main_env, id);
  }
}

/* "connection-state" names the client of each connection, from its offer
 * on (the app's Serve mode lists clients by it): connecting first, a
 * final state once it ends; the index is the "conn" of its records. */
typedef struct {
  GPtrArray *seen;          /* "address|label|session|family|state" */
  guint index;
  gboolean final;
} StateSeen;

static void
on_connection_state (WvServer *server, const WvServerClient *client, guint index, int family,
                     guint state, StateSeen *seen)
{
  if (g_strcmp0 (client->label, "state test") != 0)
    return;
  g_ptr_array_add (seen->seen, g_strdup_printf ("%s|%s|%s|%d|%s", client->address, client->label,
                                                client->session, family,
                                                wv_conn_state_to_string (state)));
  seen->index = index;
  seen->final = wv_conn_state_is_final (state);
}

static void
test_connection_state (void)
{
  g_autofree char *body = NULL, *id = NULL, *first = NULL;
  g_auto(Response) r = { 0 };
  StateSeen seen = { g_ptr_array_new_with_free_func (g_free), G_MAXUINT, FALSE };
  gulong handler;

  if (!main_env_ready ())
    return;
  handler = g_signal_connect (main_env.server, "connection-state", G_CALLBACK (on_connection_state), &seen);
  /* An offer refused is no connection. */
  body = offer_body_label (4, "v=0 not sdp", "state test");
  http (&r, &main_env, "POST", "/api/v1/connections", "application/json", body);
  check_status (&r, 400);
  g_assert_cmpuint (seen.seen->len, ==, 0);
  response_clear (&r);

  g_free (body);
  body = offer_body_label (4, get_offer (), "state test");
  http (&r, &main_env, "POST", "/api/v1/connections", "application/json", body);
  id = check_answer (&r);
  g_assert_nonnull (id);
  g_assert_cmpuint (seen.seen->len, >=, 1);
  first = g_strdup_printf ("127.0.0.1|state test|%s|4|connecting", SESSION);
  g_assert_cmpstr (g_ptr_array_index (seen.seen, 0), ==, first);
  g_assert_cmpint (seen.index, ==, describe_int (&main_env, id, "index"));
  delete_connection (&main_env, id);
  g_assert_true (run_until (flag_set, &seen.final, 5000));
  g_signal_handler_disconnect (main_env.server, handler);
  g_ptr_array_unref (seen.seen);
}

/* The counters in the status against what the tests sent. */
static void
test_status_counters (void)
{
  g_auto(Response) before = { 0 };
  g_auto(Response) after = { 0 };
  JsonObject *cb, *ca;
  gint64 requests = 0, bad = 0, bad_before = 0, limits = 0;
  guint sent_bad;

  if (!main_env_ready ())
    return;
  http (&before, &main_env, "GET", "/api/v1/status", NULL, NULL);
  g_assert_true (check_status (&before, 200));
  cb = json_object_get_object_member (response_object (&before), "counters");
  g_assert_true (member_int (cb, "bad_requests", &bad_before));

  /* Four more 4xx. */
  sent_bad = main_env.bad;
  expect_error (&main_env, "GET", "/api/v1/nope", NULL, NULL, -1, 404, "not_found");
  expect_error (&main_env, "DELETE", "/api/v1/status", NULL, NULL, -1, 405, "method");
  expect_post_error (&main_env, "/api/v1/connections", "{", 400, "bad_json");
  expect_error (&main_env, "POST", "/api/v1/connections", "text/plain", "{}", -1, 415,
                "unsupported_media_type");
  g_assert_cmpuint (main_env.bad - sent_bad, ==, 4);

  http (&after, &main_env, "GET", "/api/v1/status", NULL, NULL);
  g_assert_true (check_status (&after, 200));
  ca = json_object_get_object_member (response_object (&after), "counters");
  g_assert_true (member_int (ca, "requests", &requests));
  g_assert_true (member_int (ca, "bad_requests", &bad));
  g_assert_true (member_int (ca, "rejected_by_limits", &limits));
  g_test_message ("counters: requests %" G_GINT64_FORMAT " (sent %u, of which %u refused on "
                  "their headers), bad_requests %" G_GINT64_FORMAT " (sent %u 4xx and %u 429), "
                  "rejected_by_limits %" G_GINT64_FORMAT " (sent %u 429 and %u busy)",
                  requests, main_env.sent, main_env.early, bad, main_env.bad,
                  main_env.too_many, limits, main_env.too_many, main_env.busy);

  g_assert_cmpint (bad - bad_before, >=, 4);
  /* Every request counts, this status request included. (The code also
   * counts those refused on their headers, 411 and 413 by Content-Length,
   * which docs/protocol.md says it does not.) */
  g_assert_cmpint (requests, >=, main_env.sent);
  /* Every 4xx error response counts (429 aside, which the code counts
   * under rejected_by_limits). */
  g_assert_cmpint (bad, >=, main_env.bad);
  g_assert_cmpint (limits, >=, main_env.too_many + main_env.busy);
  if (main_env.too_many > 0)
    g_assert_cmpint (limits, >=, 1);
  g_assert_cmpuint (wv_server_get_n_connections (main_env.server), ==, 0);
}

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

typedef struct {
  guint limit;
} FdWait;

static gboolean
fds_at_most (gpointer data)
{
  return count_fds () <= ((FdWait *) data)->limit;
}

/* Clients that ask for keep-alive and then hang up must not leave their
 * connections open on the server (libsoup 3.2 keeps such connections in
 * CLOSE-WAIT forever; the server answers with "Connection: close"). */
static void
test_no_fd_leak (void)
{
  static const char *req = "GET /api/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           "Connection: keep-alive\r\n\r\n";
  FdWait w;
  guint before;

  if (!main_env_ready ())
    return;
  drain_context ();
  before = count_fds ();
  for (guint i = 0; i < 20; i++)
    {
      g_auto(Response) r = { 0 };

      raw_request (&r, &main_env, "keep-alive GET /api/v1", req, strlen (req), TRUE,
                   REQUEST_TIMEOUT_MS);
      check_status (&r, 200);
    }
  /* A few descriptors may come and go on their own (a timer, a poll). */
  w.limit = before + 2;
  if (!run_until (fds_at_most, &w, 3000))
    fail ("20 closed keep-alive connections left %u more open descriptors",
          count_fds () - before);
}

/* --- exposure to an untrusted network (issue 12) ------------------------------- */

static void
no_token_config (WvServerConfig *config)
{
  config->no_token = TRUE;
}

/* Every API request needs the token: 401 with a JSON error and a Bearer
 * challenge otherwise, the status included, before a body is read; paths
 * outside the API (the page, issue 11) need none. */
static void
test_token (void)
{
  static const char *wrong[] = {
    NULL,                                   /* no header */
    "Bearer test-token-0123456789_abcdeX",  /* one character off */
    "Bearer test-token-0123456789_abcde",   /* a prefix */
    "Bearer test-token-0123456789_abcdefg", /* longer */
    "Basic dGVzdDp0ZXN0",
    "test-token-0123456789_abcdef",         /* no scheme */
    "Bearer",
    "Bearer ",
  };
  static const struct { const char *method, *path; } api[] = {
    { "GET", "/api/v1" }, { "GET", "/api/v1/status" },
    { "DELETE", "/api/v1/connections/0b7e5c1a-3f2d-4e8a-9c61-5d4f3a2b1c0e" },
    { "GET", "/api/v1/connections/x/candidates?since=0" }, { "GET", "/api/v1/nope" },
  };
  Env env;
  g_autoptr(GError) error = NULL;
  g_autofree char *offer = NULL;

  if (!env_init (&env, MAIN_SETUP_TIMEOUT_S, &error))
    {
      g_test_skip (error->message);
      return;
    }
  offer = offer_body (4, get_offer ());
  for (guint w = 0; w < G_N_ELEMENTS (wrong); w++)
    {
      env.auth = wrong[w];
      for (guint i = 0; i < G_N_ELEMENTS (api); i++)
        {
          g_auto(Response) r = { 0 };
          Request *req = request_start (&env, NULL, api[i].method, api[i].path, NULL, NULL, -1);

          if (wrong[w] == NULL)
            soup_message_headers_remove (soup_message_get_request_headers (req->msg),
                                         "Authorization");
          request_finish (req, &r, REQUEST_TIMEOUT_MS);
          check_error (&r, 401, "unauthorized");
        }
      /* With a body: refused before it is read. */
      expect_post_error (&env, "/api/v1/connections", offer, 401, "unauthorized");
    }
  /* The header as raw bytes: the challenge is there. */
  {
    g_auto(Response) r = { 0 };
    static const char *req = "GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    env.auth = NULL;
    raw_request (&r, &env, "GET /api/v1/status without a token", req, strlen (req), TRUE,
                 REQUEST_TIMEOUT_MS);
    check_error (&r, 401, "unauthorized");
  }
  /* The token in the query is not an API credential. */
  env.auth = NULL;
  expect_error (&env, "GET", "/api/v1/status?token=" TOKEN, NULL, NULL, -1, 401, "unauthorized");
  /* Outside the API: no token needed; the web client's page holds no data. */
  {
    static const char *pages[] = { "/", "/?token=nope" };

    for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
      {
        g_auto(Response) r = { 0 };

        http (&r, &env, "GET", pages[i], NULL, NULL);
        if (r.status != 200 || g_strcmp0 (r.content_type, "text/html") != 0)
          fail ("%s: got %u (%s), want the page", r.what, r.status,
                r.content_type ? r.content_type : "untyped");
      }
  }
  expect_error (&env, "GET", "/nothing-here", NULL, NULL, -1, 404, "not_found");
  /* The scheme in any case, spaces around the token. */
  {
    static const char *right[] = { "Bearer " TOKEN, "bearer " TOKEN, "BEARER   " TOKEN "  " };

    for (guint i = 0; i < G_N_ELEMENTS (right); i++)
      {
        g_auto(Response) r = { 0 };

        env.auth = right[i];
        http (&r, &env, "GET", "/api/v1/status", NULL, NULL);
        check_status (&r, 200);
      }
  }
  {
    g_autoptr(JsonNode) d = wv_server_describe (env.server);
    JsonObject *c = json_object_get_object_member (json_node_get_object (d), "counters");
    gint64 unauthorized = 0;

    g_assert_true (member_int (c, "unauthorized", &unauthorized));
    g_assert_cmpint (unauthorized, ==, G_N_ELEMENTS (wrong) * (G_N_ELEMENTS (api) + 1) + 2);
  }
  env_clear (&env);

  /* --no-token: nothing needed. */
  env_config_hook = no_token_config;
  if (!env_init (&env, MAIN_SETUP_TIMEOUT_S, &error))
    g_error ("%s", error->message);
  g_assert_null (wv_server_get_token (env.server));
  {
    g_auto(Response) r = { 0 };
    g_auto(GStrv) urls = wv_server_dup_page_urls (env.server);

    http (&r, &env, "GET", "/api/v1/status", NULL, NULL);
    check_status (&r, 200);
    g_assert_null (strstr (urls[0], "token"));
  }
  env_clear (&env);
}

/* The token and ids come from the kernel, and the page URL carries it. */
static void
test_token_values (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  WvServerConfig config;
  g_autoptr(WvServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) urls = NULL;
  g_autofree char *from_url = NULL;

  for (guint i = 0; i < 1000; i++)
    {
      char *t = wv_token_new ();

      g_assert_true (wv_token_is_valid (t));
      g_assert_cmpuint (strlen (t), ==, WV_TOKEN_RANDOM_BYTES / 3 * 4);
      g_assert_true (g_hash_table_add (seen, t));
    }
  for (guint i = 0; i < 1000; i++)
    {
      char *id = wv_random_uuid ();

      g_assert_true (g_uuid_string_is_valid (id));
      g_assert_cmpint (id[14], ==, '4');
      g_assert_true (g_hash_table_add (seen, id));
    }
  g_assert_false (wv_token_is_valid ("short"));
  g_assert_false (wv_token_is_valid ("has space in it 0123456789"));
  g_assert_false (wv_token_is_valid ("percent%20encoded_0123456789"));

  wv_server_config_init (&config);
  config.listen = g_strsplit ("127.0.0.1:0", " ", -1);
  config.ice_addresses = g_strsplit ("127.0.0.1", " ", -1);
  server = wv_server_new (&config);
  g_assert_true (wv_server_start (server, &error));
  g_assert_true (wv_token_is_valid (wv_server_get_token (server)));
  urls = wv_server_dup_page_urls (server);
  g_assert_true (g_str_has_prefix (urls[0], "http://127.0.0.1:"));
  g_assert_nonnull (strstr (urls[0], "/?token="));
  from_url = wv_api_token_from_url (urls[0], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_url, ==, wv_server_get_token (server));
  {
    g_autofree char *base = wv_api_base_url (urls[0], &error);

    g_assert_no_error (error);
    g_assert_true (g_str_has_suffix (base, WV_API_PREFIX));
    g_assert_null (strchr (base, '?'));
  }
  wv_server_stop (server);
  wv_server_config_clear (&config);
  /* A token of the wrong form does not start. */
  wv_server_config_init (&config);
  config.listen = g_strsplit ("127.0.0.1:0", " ", -1);
  config.token = g_strdup ("short");
  g_clear_object (&server);
  server = wv_server_new (&config);
  g_assert_false (wv_server_start (server, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  wv_server_config_clear (&config);
}

/* Requests libsoup answers by itself, bad ones, kept-alive ones and
 * clients that hang up: 1000 of them leave the server's descriptor count
 * where it was. */
static void
test_fd_flat (void)
{
  static const struct { const char *what, *request; gboolean read_reply; } kinds[] = {
    { "OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", TRUE },
    { "a NUL in the path", "GET /api/v1/%00 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", TRUE },
    { "dot segments", "GET /api/v1/%2e%2e/%2e%2e/etc HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", TRUE },
    { "keep-alive", "GET /api/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n", TRUE },
    { "HTTP/1.0 keep-alive", "GET /api/v1 HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", TRUE },
    { "garbage", "\x01\x02 nonsense\r\n\r\n", TRUE },
    { "unknown transfer coding", "POST /api/v1/connections HTTP/1.1\r\nHost: x\r\n"
      "Transfer-Encoding: gzip\r\n\r\n", TRUE },
    { "a host with a slash", "GET /api/v1 HTTP/1.1\r\nHost: a/b\r\n\r\n", TRUE },
    { "CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n", TRUE },
    { "hang up before the answer", "GET /api/v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", FALSE },
    { "hang up in the headers", "GET /api/v1 HTTP/1.1\r\nHost: 12", FALSE },
  };
  Env env;
  g_autoptr(GError) error = NULL;
  FdWait w;
  guint before, answered = 0;

  if (!env_init (&env, MAIN_SETUP_TIMEOUT_S, &error))
    {
      g_test_skip (error->message);
      return;
    }
  /* Warm up: the first requests allocate what stays. */
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_auto(Response) r = { 0 };

      raw_request (&r, &env, kinds[i].what, kinds[i].request, strlen (kinds[i].request),
                   kinds[i].read_reply, REQUEST_TIMEOUT_MS);
    }
  drain_context ();
  before = count_fds ();
  for (guint i = 0; i < 1000; i++)
    {
      g_auto(Response) r = { 0 };
      guint k = i % G_N_ELEMENTS (kinds);

      raw_request (&r, &env, kinds[k].what, kinds[k].request, strlen (kinds[k].request),
                   kinds[k].read_reply, REQUEST_TIMEOUT_MS);
      answered += r.status != 0;
    }
  g_test_message ("1000 requests, %u answered; %u descriptors before, %u after", answered,
                  before, count_fds ());
  g_assert_cmpuint (answered, >=, 700);
  w.limit = before + 2;
  if (!run_until (fds_at_most, &w, 5000))
    fail ("1000 requests left %u more open descriptors", count_fds () - before);
  /* And the server still answers. */
  {
    g_auto(Response) r = { 0 };

    http (&r, &env, "GET", "/api/v1/status", NULL, NULL);
    check_status (&r, 200);
  }
  env_clear (&env);
}

static gsize
rss_peak_kb (void)
{
  g_autofree char *status = NULL;
  const char *p;

  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  p = status ? strstr (status, "VmHWM:") : NULL;
  return p ? g_ascii_strtoull (p + 6, NULL, 10) : 0;
}

static gboolean
reset_rss_peak (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");
  gboolean ok;

  if (f == NULL)
    return FALSE;
  ok = fputs ("5", f) >= 0;
  return fclose (f) == 0 && ok;
}

typedef struct {
  GOutputStream *out;
  guint8 *chunk;
  gsize chunk_len;
  guint64 sent, limit;
  gboolean done;
} BigSend;

static void
on_big_written (GObject *source, GAsyncResult *res, gpointer data)
{
  BigSend *b = data;
  gsize n = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, &n, NULL) ||
      (b->sent += n) >= b->limit)
    {
      b->done = TRUE;
      return;
    }
  g_output_stream_write_all_async (b->out, b->chunk, MIN (b->chunk_len, b->limit - b->sent),
                                   G_PRIORITY_DEFAULT, NULL, on_big_written, b);
}

/* A 300 MB body on GET, DELETE, an unknown method or a path outside the
 * API is refused on its headers; the server reads at most a few MB of it
 * and its memory does not grow by 100 MB. */
static void
test_big_bodies (void)
{
  static const char *heads[] = { "GET /api/v1/status", "DELETE /api/v1/connections/x",
                                 "FROB /api/v1", "GET /index.html", "PATCH /api/v1" };
  const guint64 body = 300 * 1000 * 1000;
  Env env;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *chunk = g_malloc0 (1 << 20);
  gsize base_kb;

  if (!env_init (&env, MAIN_SETUP_TIMEOUT_S, &error))
    {
      g_test_skip (error->message);
      return;
    }
  /* Reset the peak RSS (Linux >= 4.0) so that VmHWM is this test's. */
  if (!reset_rss_peak ())
    {
      env_clear (&env);
      g_test_skip ("cannot reset the peak RSS (/proc/self/clear_refs)");
      return;
    }
  base_kb = rss_peak_kb ();
  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    {
      g_autoptr(GSocketConnection) conn = raw_connect (&env);
      g_autofree char *head = g_strdup_printf ("%s HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                               AUTH_HEADER "Content-Type: application/json\r\n"
                                               "Content-Length: %" G_GUINT64_FORMAT "\r\n\r\n",
                                               heads[i], body);
      BigSend b = { g_io_stream_get_output_stream (G_IO_STREAM (conn)), chunk, 1 << 20, 0, body };
      g_autoptr(GBytes) reply = NULL;

      g_output_stream_write_all (b.out, head, strlen (head), NULL, NULL, NULL);
      g_output_stream_write_all_async (b.out, chunk, 1 << 20, G_PRIORITY_DEFAULT, NULL,
                                       on_big_written, &b);
      if (!run_until (flag_set, &b.done, 30000))
        fail ("%s with a 300 MB body: still sending after 30 s", heads[i]);
      g_test_message ("%s with a 300 MB body: the server took %.1f MB before it closed",
                      heads[i], b.sent / 1e6);
      g_assert_cmpuint (b.sent, <, 64 * 1000 * 1000);
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    }
  /* Chunked, on a GET: 411. */
  {
    g_auto(Response) r = { 0 };
    static const char *req = "GET /api/v1/status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n";

    raw_request (&r, &env, "chunked GET", req, strlen (req), TRUE, REQUEST_TIMEOUT_MS);
    check_error (&r, 411, "length_required");
  }
  /* A small body on a GET is read and ignored. */
  {
    g_auto(Response) r = { 0 };

    http (&r, &env, "GET", "/api/v1/status", "application/json", "{}");
    check_status (&r, 200);
  }
  g_test_message ("peak RSS grew by %.1f MB", (rss_peak_kb () - base_kb) / 1024.0);
  g_assert_cmpuint (rss_peak_kb () - base_kb, <, 100 * 1024);
  env_clear (&env);
}

static void
short_http_config (WvServerConfig *config)
{
  config->http_timeout_s = 2;
  config->max_http_per_client = 3;
}

static gboolean
read_eof (GSocketConnection *conn, guint timeout_ms)
{
  GSocket *sock = g_socket_connection_get_socket (conn);
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      char buf[256];
      gssize n;

      g_main_context_iteration (NULL, FALSE);
      if (!g_socket_condition_timed_wait (sock, G_IO_IN | G_IO_HUP | G_IO_ERR, 10000, NULL, NULL))
        continue;
      n = g_socket_receive (sock, buf, sizeof buf, NULL, NULL);
      if (n <= 0)
        return TRUE;
    }
  return FALSE;
}

/* A request that does not arrive within http_timeout_s is dropped, and
 * one client (here 127.0.0.1) keeps at most max_http_per_client HTTP
 * connections open. */
static void
test_http_timeouts (void)
{
  Env env;
  g_autoptr(GError) error = NULL;
  GSocketConnection *idle[3];
  gint64 t0;

  env_config_hook = short_http_config;
  if (!env_init (&env, MAIN_SETUP_TIMEOUT_S, &error))
    {
      g_test_skip (error->message);
      return;
    }
  for (guint i = 0; i < 3; i++)
    idle[i] = raw_connect (&env);
  /* One sends half a request line; they all wait. */
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (idle[0])), "GET /api", 8,
                             NULL, NULL, NULL);
  {
    g_autoptr(GSocketConnection) fourth = raw_connect (&env);

    /* The fourth is closed at once... */
    if (!read_eof (fourth, 1500))
      fail ("a fourth HTTP connection from one client was not closed");
  }
  /* ...while the three are held until their time is up (2 s). */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < 3; i++)
    {
      if (!read_eof (idle[i], 4000))
        fail ("an idle HTTP connection was not closed after 2 s");
      g_object_unref (idle[i]);
    }
  g_test_message ("idle connections closed after %.1f s", (g_get_monotonic_time () - t0) / 1e6);
  g_assert_cmpint (g_get_monotonic_time () - t0, >, 1000 * 1000);
  /* Then the client is served again. */
  drain_context ();
  {
    g_auto(Response) r = { 0 };

    http (&r, &env, "GET", "/api/v1/status", NULL, NULL);
    if (check_status (&r, 200))
      {
        JsonObject *c = json_object_get_object_member (response_object (&r), "counters");
        gint64 refused = 0, timeouts = 0;

        g_assert_true (member_int (c, "http_refused", &refused));
        g_assert_true (member_int (c, "http_timeouts", &timeouts));
        g_assert_cmpint (refused, >=, 1);
        g_assert_cmpint (timeouts, >=, 3);
      }
  }
  env_clear (&env);
}

static void
one_setup_config (WvServerConfig *config)
{
  config->max_per_client = 3;
  config->max_setups_per_client = 1;
}

/* Connections still being set up have their own, smaller, per-client
 * limit; a set-up slot is free again when its connection ends. */
static void
test_limit_setups (void)
{
  Env env;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *body = offer_body (4, get_offer ());
  g_auto(Response) r = { 0 };

  env_config_hook = one_setup_config;
  if (!env_init (&env, MAIN_SETUP_TIMEOUT_S, &error))
    {
      g_test_skip (error->message);
      return;
    }
  a = create_connection (&env, NULL);
  http (&r, &env, "POST", "/api/v1/connections", "application/json", body);
  if (check_error (&r, 429, "too_many"))
    g_assert_nonnull (strstr (r.text, "being set up"));
  delete_connection (&env, a);
  g_free (create_connection (&env, NULL));
  env_clear (&env);
}

/* After everything above, the shared server still serves. */
static void
test_still_serving (void)
{
  g_auto(Response) r = { 0 };

  if (!main_env_ready ())
    return;
  check_root (&main_env, "/api/v1");
  http (&r, &main_env, "GET", "/api/v1/status", NULL, NULL);
  check_status (&r, 200);
  /* And still takes offers. */
  {
    g_autofree char *id = create_connection (&main_env, NULL);

    delete_connection (&main_env, id);
  }
}

static void
run_test (gconstpointer data)
{
  void (*func) (void) = (void (*) (void)) data;

  func ();
  /* What came after the last request (timers, closing). */
  check_logs ("after the test");
}

static void
add_test (const char *path, void (*func) (void))
{
  g_test_add_data_func (path, (gconstpointer) func, run_test);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  logged = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (log_writer, NULL, NULL);
  test_log_handler = g_log_set_default_handler (log_handler, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  if (!wv_gst_init (&argc, &argv, &error))
    g_error ("%s", error->message);
  if (!env_init (&main_env, MAIN_SETUP_TIMEOUT_S, &error))
    {
      main_env_skip = g_strdup_printf ("cannot run a server on 127.0.0.1: %s", error->message);
      g_clear_error (&error);
    }

  add_test ("/server/root", test_root);
  add_test ("/server/not-found", test_not_found);
  add_test ("/server/web", test_web);
  add_test ("/server/page-urls", test_page_urls);
  add_test ("/server/method", test_method);
  add_test ("/server/offer-bad-json", test_offer_bad_json);
  add_test ("/server/offer-bad-members", test_offer_bad_members);
  add_test ("/server/offer-content-type", test_offer_content_type);
  add_test ("/server/offer-bad-sdp", test_offer_bad_sdp);
  add_test ("/server/body-limits", test_body_limits);
  add_test ("/server/body-refused-unread", test_body_refused_unread);
  add_test ("/server/candidates", test_candidates);
  add_test ("/server/limit-per-client", test_limit_per_client);
  add_test ("/server/limit-total", test_limit_total);
  add_test ("/server/delete", test_delete);
  add_test ("/server/setup-timeout", test_setup_timeout);
  add_test ("/server/shutdown", test_shutdown);
  add_test ("/server/label", test_label);
  add_test ("/server/connection-state", test_connection_state);
  add_test ("/server/status-counters", test_status_counters);
  add_test ("/server/no-fd-leak", test_no_fd_leak);
  add_test ("/server/token", test_token);
  add_test ("/server/token-values", test_token_values);
  add_test ("/server/fd-flat", test_fd_flat);
  add_test ("/server/big-bodies", test_big_bodies);
  add_test ("/server/http-timeouts", test_http_timeouts);
  add_test ("/server/limit-setups", test_limit_setups);
  add_test ("/server/still-serving", test_still_serving);
  ret = g_test_run ();

  env_clear (&main_env);
  g_clear_pointer (&main_env_skip, g_free);
  g_clear_pointer (&offer_sdp, g_free);
  check_logs ("shutting the server down");
  g_clear_pointer (&logged, g_ptr_array_unref);
  return ret;
}

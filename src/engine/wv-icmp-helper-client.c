/* wv-icmp-helper-client.c: GLib client of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helper is a separate, privileged program (src/icmp-helper), so
 * everything it writes is treated as untrusted input: lines are bounded,
 * every reply must answer the oldest outstanding request, and every field
 * is checked for presence, syntax and range (docs/icmp-helper.md).  Any
 * deviation, a crash or a stall ends that helper process and is reported
 * through the "helper-error" signal; the object can then be started again.
 *
 * All I/O is asynchronous on the thread-default main context of the caller
 * of wv_icmp_helper_start_async().  Each helper process gets a refcounted
 * Run; callbacks hold a reference to the Run, not to the WvIcmpHelper, so a
 * late callback from a process that was replaced finds a detached Run and
 * does nothing.
 */

#define G_LOG_DOMAIN "wv-icmp-helper"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

#include "wv-icmp-helper-client.h"
#include "wv-paths.h"

#define HELPER_NAME WV_ICMP_HELPER_NAME
/* Helper lines are at most 1023 bytes plus newline (LIMITS). */
#define MAX_LINE 1023
#define REPLY_TIMEOUT_MS 5000
/* After the helper's output ends, how long to wait for its exit status and
 * last stderr words before reporting what is known. */
#define EXIT_GRACE_MS 1000
#define STDERR_TAIL 512
#define EXIT_PRIVILEGES 2

/* ---- WvIcmpEvent ------------------------------------------------------ */

G_DEFINE_BOXED_TYPE (WvIcmpEvent, wv_icmp_event, wv_icmp_event_copy, wv_icmp_event_free)

WvIcmpEvent *
wv_icmp_event_copy (const WvIcmpEvent *event)
{
  WvIcmpEvent *copy;

  g_return_val_if_fail (event != NULL, NULL);

  copy = g_memdup2 (event, sizeof *event);
  copy->offender = event->offender ? g_object_ref (event->offender) : NULL;
  copy->quoted_src = event->quoted_src ? g_object_ref (event->quoted_src) : NULL;
  copy->quoted_dst = event->quoted_dst ? g_object_ref (event->quoted_dst) : NULL;
  copy->payload = event->payload ? g_bytes_ref (event->payload) : NULL;
  return copy;
}

void
wv_icmp_event_free (WvIcmpEvent *event)
{
  if (event == NULL)
    return;
  g_clear_object (&event->offender);
  g_clear_object (&event->quoted_src);
  g_clear_object (&event->quoted_dst);
  g_clear_pointer (&event->payload, g_bytes_unref);
  g_free (event);
}

WvIcmpKind
wv_icmp_event_get_kind (const WvIcmpEvent *event)
{
  if (event->family == G_SOCKET_FAMILY_IPV4)
    {
      if (event->type == 11)
        return WV_ICMP_KIND_TIME_EXCEEDED;
      return event->code == 4 ? WV_ICMP_KIND_PACKET_TOO_BIG : WV_ICMP_KIND_UNREACHABLE;
    }
  if (event->type == 3)
    return WV_ICMP_KIND_TIME_EXCEEDED;
  return event->type == 2 ? WV_ICMP_KIND_PACKET_TOO_BIG : WV_ICMP_KIND_UNREACHABLE;
}

/* ---- strict key=value parsing ----------------------------------------- */

typedef struct {
  char **words;      /* owns the strings */
  GHashTable *map;   /* key -> value, both pointing into words */
} KeyValues;

static void
key_values_clear (KeyValues *kv)
{
  g_clear_pointer (&kv->map, g_hash_table_unref);
  g_clear_pointer (&kv->words, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KeyValues, key_values_clear)

/* Splits "k=v k=v ..." (single spaces, no empty words, unique keys, exactly
 * the allowed keys, all of them present). */
static gboolean
key_values_parse (KeyValues          *kv,
                  const char         *text,
                  const char * const *keys,
                  GError            **error)
{
  guint n_keys = g_strv_length ((char **) keys);

  kv->words = g_strsplit (text, " ", -1);
  kv->map = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; kv->words[i]; i++)
    {
      char *word = kv->words[i];
      char *eq = strchr (word, '=');

      if (eq == NULL || eq == word)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "malformed field “%s”", word);
          return FALSE;
        }
      *eq = '\0';
      if (!g_strv_contains (keys, word))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unknown field “%s”", word);
          return FALSE;
        }
      if (g_hash_table_contains (kv->map, word))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "repeated field “%s”", word);
          return FALSE;
        }
      g_hash_table_insert (kv->map, word, eq + 1);
    }

  if (g_hash_table_size (kv->map) != n_keys)
    {
      for (guint i = 0; keys[i]; i++)
        if (!g_hash_table_contains (kv->map, keys[i]))
          {
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         "missing field “%s”", keys[i]);
            return FALSE;
          }
    }
  return TRUE;
}

static const char *
kv_get (const KeyValues *kv,
        const char      *key)
{
  return g_hash_table_lookup (kv->map, key);
}

static gboolean
kv_uint (const KeyValues *kv,
         const char      *key,
         guint64          max,
         guint64         *out,
         GError         **error)
{
  const char *value = kv_get (kv, key);
  gsize len = strlen (value);
  guint64 n = 0;

  /* Canonical decimal only: no sign, no leading zero, at most 20 digits. */
  if (len == 0 || len > 20 || (len > 1 && value[0] == '0'))
    goto bad;
  for (gsize i = 0; i < len; i++)
    {
      guint digit;

      if (!g_ascii_isdigit (value[i]))
        goto bad;
      digit = (guint) (value[i] - '0');
      if (n > (G_MAXUINT64 - digit) / 10)
        goto bad;
      n = n * 10 + digit;
    }
  if (n > max)
    goto bad;
  *out = n;
  return TRUE;

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "field “%s” has an invalid value “%s”", key, value);
  return FALSE;
}

static gboolean
kv_choice (const KeyValues    *kv,
           const char         *key,
           const char * const *choices,
           GError            **error)
{
  if (g_strv_contains (choices, kv_get (kv, key)))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "field “%s” has an invalid value “%s”", key, kv_get (kv, key));
  return FALSE;
}

static GInetAddress *
kv_address (const KeyValues *kv,
            const char      *key,
            GSocketFamily    family,
            GError         **error)
{
  const char *value = kv_get (kv, key);
  g_autoptr(GInetAddress) address = NULL;

  if (strlen (value) <= 45 && strchr (value, '%') == NULL)
    address = g_inet_address_new_from_string (value);
  if (address == NULL || g_inet_address_get_family (address) != family)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "field “%s” is not an IPv%c address: “%s”", key,
                   family == G_SOCKET_FAMILY_IPV4 ? '4' : '6', value);
      return NULL;
    }
  return g_steal_pointer (&address);
}

static const char * const event_keys_v4[] = {
  "family", "from", "ifindex", "type", "code", "mtu", "time", "clock", "src", "dst",
  "ttl", "tos", "totlen", "id", "df", "sport", "dport", "ulen", "ucsum", "datalen", "data",
  NULL
};
static const char * const event_keys_v6[] = {
  "family", "from", "ifindex", "type", "code", "mtu", "time", "clock", "src", "dst",
  "hlim", "tclass", "flow", "paylen", "sport", "dport", "ulen", "ucsum", "datalen", "data",
  NULL
};

static int
hex_nibble (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

WvIcmpEvent *
wv_icmp_event_parse (const char  *line,
                     GError     **error)
{
  static const char * const clocks[] = { "kernel", "user", NULL };
  g_auto(KeyValues) kv = { NULL, NULL };
  g_autoptr(WvIcmpEvent) event = g_new0 (WvIcmpEvent, 1);
  const char *prefix_v4 = "* icmp family=4 ";
  const char *prefix_v6 = "* icmp family=6 ";
  gboolean v4;
  guint64 v, datalen;
  const char *data;

  g_return_val_if_fail (line != NULL, NULL);

  if (g_str_has_prefix (line, prefix_v4))
    v4 = TRUE;
  else if (g_str_has_prefix (line, prefix_v6))
    v4 = FALSE;
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not an ICMP event");
      return NULL;
    }

  event->family = v4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6;
  if (!key_values_parse (&kv, line + strlen ("* icmp "), v4 ? event_keys_v4 : event_keys_v6, error))
    return NULL;

  if (!(event->offender = kv_address (&kv, "from", event->family, error)) ||
      !(event->quoted_src = kv_address (&kv, "src", event->family, error)) ||
      !(event->quoted_dst = kv_address (&kv, "dst", event->family, error)))
    return NULL;

  if (!kv_uint (&kv, "ifindex", G_MAXUINT32, &v, error))
    return NULL;
  event->ifindex = (guint) v;
  if (!kv_uint (&kv, "type", 255, &v, error))
    return NULL;
  event->type = (guint8) v;
  if (!kv_uint (&kv, "code", 255, &v, error))
    return NULL;
  event->code = (guint8) v;
  if (v4 ? (event->type != 3 && event->type != 11) : (event->type < 1 || event->type > 3))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "unexpected ICMP type %u", event->type);
      return NULL;
    }
  if (!kv_uint (&kv, "mtu", v4 ? G_MAXUINT16 : G_MAXUINT32, &v, error))
    return NULL;
  event->mtu = (guint32) v;
  if (event->mtu != 0 && wv_icmp_event_get_kind (event) != WV_ICMP_KIND_PACKET_TOO_BIG)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "MTU %u on an ICMP error that carries none", event->mtu);
      return NULL;
    }
  if (!kv_uint (&kv, "time", G_MAXINT64, &v, error))
    return NULL;
  event->time_ns = (gint64) v;
  if (!kv_choice (&kv, "clock", clocks, error))
    return NULL;
  event->kernel_time = g_str_equal (kv_get (&kv, "clock"), "kernel");

  if (!kv_uint (&kv, v4 ? "ttl" : "hlim", 255, &v, error))
    return NULL;
  event->quoted_ttl = (guint8) v;
  if (!kv_uint (&kv, v4 ? "tos" : "tclass", 255, &v, error))
    return NULL;
  event->quoted_tos = (guint8) v;
  if (!kv_uint (&kv, v4 ? "totlen" : "paylen", G_MAXUINT16, &v, error))
    return NULL;
  event->quoted_ip_length = (guint16) v;
  if (v4)
    {
      if (!kv_uint (&kv, "id", G_MAXUINT16, &v, error))
        return NULL;
      event->quoted_ip_id = (guint16) v;
      if (!kv_uint (&kv, "df", 1, &v, error))
        return NULL;
      event->quoted_df = v == 1;
    }
  else
    {
      if (!kv_uint (&kv, "flow", 0xfffff, &v, error))
        return NULL;
      event->quoted_flow_label = (guint32) v;
    }

  if (!kv_uint (&kv, "sport", G_MAXUINT16, &v, error))
    return NULL;
  event->src_port = (guint16) v;
  if (event->src_port == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "source port 0 is never watched");
      return NULL;
    }
  if (!kv_uint (&kv, "dport", G_MAXUINT16, &v, error))
    return NULL;
  event->dst_port = (guint16) v;
  if (!kv_uint (&kv, "ulen", G_MAXUINT16, &v, error))
    return NULL;
  event->udp_length = (guint16) v;
  if (!kv_uint (&kv, "ucsum", G_MAXUINT16, &v, error))
    return NULL;
  event->udp_checksum = (guint16) v;

  if (!kv_uint (&kv, "datalen", WV_ICMP_EVENT_MAX_PAYLOAD, &datalen, error))
    return NULL;
  data = kv_get (&kv, "data");
  if (datalen == 0)
    {
      if (!g_str_equal (data, "-"))
        goto bad_data;
      event->payload = g_bytes_new (NULL, 0);
    }
  else
    {
      g_autofree guint8 *bytes = NULL;

      if (strlen (data) != 2 * datalen)
        goto bad_data;
      bytes = g_malloc (datalen);
      for (gsize i = 0; i < datalen; i++)
        {
          int hi = hex_nibble (data[2 * i]);
          int lo = hex_nibble (data[2 * i + 1]);

          if (hi < 0 || lo < 0)
            goto bad_data;
          bytes[i] = (guint8) (hi << 4 | lo);
        }
      event->payload = g_bytes_new_take (g_steal_pointer (&bytes), datalen);
    }

  return g_steal_pointer (&event);

bad_data:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "field “data” does not hold %" G_GUINT64_FORMAT " bytes of lowercase hex", datalen);
  return NULL;
}

/* ---- the helper object ------------------------------------------------ */

typedef enum {
  REQ_VERSION,
  REQ_CHECK_SUPPORT,
  REQ_WATCH,
  REQ_UNWATCH,
} RequestKind;

typedef struct {
  char token[16];
  RequestKind kind;
  GSocketFamily family;
  guint16 port;
  gboolean handshake;     /* one of the requests wv_icmp_helper_start_async() waits for */
  GTask *task;            /* the caller's request, NULL for internal ones */
} Request;

typedef struct {
  char *icmp4;            /* "open" or the errno name the helper got */
  char *icmp6;
  gboolean nnp_at_start;
  char *start;
  char *details;
  char *program_version;
} Support;

typedef struct _Run Run;

struct _WvIcmpHelper {
  GObject parent_instance;

  char *path;
  Run *run;               /* the current process, from spawn until it is gone */
  gboolean running;       /* the current process finished its handshake */
  Support support;
  GHashTable *watched;    /* GUINT_TO_POINTER (family_bit << 16 | port) */
};

struct _Run {
  grefcount ref;
  WvIcmpHelper *helper;   /* not a reference; NULL once detached */
  char *path;
  GSubprocess *proc;
  GOutputStream *stdin_pipe;
  GInputStream *stdout_pipe;
  GInputStream *stderr_pipe;
  GCancellable *cancellable;

  guint8 read_buf[4096];
  guint8 err_buf[512];
  GString *line;
  GString *stderr_tail;
  GString *outgoing;
  GBytes *in_flight;      /* what write_all_async is writing, kept alive for it */
  gboolean writing;
  gboolean stdin_closed;

  GQueue requests;
  guint next_token;
  guint reply_timeout_id;
  guint grace_id;
  gboolean stdout_done;
  gboolean stderr_done;
  gboolean exited;
  gboolean failed;

  GTask *start_task;
  guint handshake_left;
  GString *rewatch_failures;
  Support support;
};

enum {
  PROP_0,
  PROP_PATH,
  PROP_RUNNING,
  N_PROPS
};

enum {
  SIGNAL_ICMP_EVENT,
  SIGNAL_HELPER_ERROR,
  SIGNAL_EVENTS_DROPPED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (WvIcmpHelper, wv_icmp_helper, G_TYPE_OBJECT)

static void run_fail (Run *run, GError *error);
static void run_lost (Run *run);

static void
support_clear (Support *support)
{
  g_clear_pointer (&support->icmp4, g_free);
  g_clear_pointer (&support->icmp6, g_free);
  g_clear_pointer (&support->start, g_free);
  g_clear_pointer (&support->details, g_free);
  g_clear_pointer (&support->program_version, g_free);
  support->nnp_at_start = FALSE;
}

static guint
watch_key (GSocketFamily family,
           guint16       port)
{
  return (family == G_SOCKET_FAMILY_IPV6 ? 1u << 16 : 0u) | port;
}

static const char *
family_word (GSocketFamily family)
{
  return family == G_SOCKET_FAMILY_IPV6 ? "udp6" : "udp4";
}

static void
request_free (Request *request)
{
  g_clear_object (&request->task);
  g_free (request);
}

static Run *
run_ref (Run *run)
{
  g_ref_count_inc (&run->ref);
  return run;
}

static void
run_unref (Run *run)
{
  if (!g_ref_count_dec (&run->ref))
    return;

  g_assert (run->helper == NULL);
  g_assert (run->reply_timeout_id == 0 && run->grace_id == 0);
  g_queue_clear_full (&run->requests, (GDestroyNotify) request_free);
  g_clear_object (&run->start_task);
  g_clear_object (&run->proc);
  g_clear_object (&run->cancellable);
  g_string_free (run->line, TRUE);
  g_string_free (run->stderr_tail, TRUE);
  g_string_free (run->outgoing, TRUE);
  g_clear_pointer (&run->in_flight, g_bytes_unref);
  if (run->rewatch_failures)
    g_string_free (run->rewatch_failures, TRUE);
  support_clear (&run->support);
  g_free (run->path);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_unref)

static void
run_set_running (WvIcmpHelper *self,
                 gboolean      running)
{
  if (self->running == running)
    return;
  self->running = running;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/* End of input is what makes a healthy helper exit (it may run as another
 * user, so signals are not reliable).  GSubprocess keeps itself and its
 * pipes alive until the child exits, so the pipe must be closed explicitly;
 * a write in flight closes it when it completes. */
static void
run_close_stdin (Run *run)
{
  if (run->stdin_closed || run->writing)
    return;
  run->stdin_closed = TRUE;
  g_output_stream_close (run->stdin_pipe, NULL, NULL);
}

/* Cuts the Run loose from its helper and stops all its I/O. */
static void
run_detach (Run *run)
{
  WvIcmpHelper *self = run->helper;

  g_clear_handle_id (&run->reply_timeout_id, g_source_remove);
  g_clear_handle_id (&run->grace_id, g_source_remove);
  g_cancellable_cancel (run->cancellable);
  run_close_stdin (run);

  if (self == NULL)
    return;
  run->helper = NULL;
  if (self->run == run)
    {
      self->run = NULL;
      run_unref (run);      /* the helper's reference */
      run_set_running (self, FALSE);
    }
}

static void
run_fail_requests (Run          *run,
                   const GError *error)
{
  Request *request;

  while ((request = g_queue_pop_head (&run->requests)))
    {
      if (request->task)
        g_task_return_error (request->task, g_error_copy (error));
      request_free (request);
    }
}

/* Ends this helper process for good.  Consumes error. */
static void
run_fail (Run    *run,
          GError *error)
{
  g_autoptr(WvIcmpHelper) self = NULL;
  g_autoptr(GTask) start_task = NULL;
  gboolean was_running;

  if (run->failed)
    {
      g_error_free (error);
      return;
    }
  run->failed = TRUE;
  run_ref (run);     /* the helper's reference goes in run_detach() */

  self = run->helper ? g_object_ref (run->helper) : NULL;
  was_running = self && self->running;
  start_task = g_steal_pointer (&run->start_task);

  g_debug ("helper %s failed: %s", run->path, error->message);
  if (!run->exited)
    g_subprocess_force_exit (run->proc);
  run_detach (run);
  run_fail_requests (run, error);

  if (start_task)
    g_task_return_error (start_task, g_error_copy (error));
  else if (self && was_running)
    g_signal_emit (self, signals[SIGNAL_HELPER_ERROR], 0, error);

  g_error_free (error);
  run_unref (run);
}

static void
run_protocol_error (Run        *run,
                    const char *what,
                    const char *line)
{
  g_autofree char *shown = g_strndup (line, 80);

  run_fail (run, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                              "The ICMP helper %s sent invalid output (%s): “%s%s”",
                              run->path, what, shown, strlen (line) > 80 ? "…" : ""));
}

/* ---- writing ---------------------------------------------------------- */

static void run_flush (Run *run);

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  run->writing = FALSE;
  g_clear_pointer (&run->in_flight, g_bytes_unref);
  if (run->helper == NULL)
    {
      run_close_stdin (run);   /* detached while writing */
      return;
    }
  if (!ok)
    {
      /* EPIPE: the helper is gone, and its exit status makes the better
       * message. */
      run_lost (run);
      return;
    }
  run_flush (run);
}

static void
run_flush (Run *run)
{
  gsize len;

  if (run->writing || run->outgoing->len == 0 || run->failed)
    return;

  len = run->outgoing->len;
  run->in_flight = g_bytes_new (run->outgoing->str, len);
  g_string_truncate (run->outgoing, 0);
  run->writing = TRUE;
  g_output_stream_write_all_async (run->stdin_pipe, g_bytes_get_data (run->in_flight, NULL), len,
                                   G_PRIORITY_DEFAULT, run->cancellable, on_written,
                                   run_ref (run));
}

static gboolean
on_reply_timeout (gpointer user_data)
{
  Run *run = user_data;

  run->reply_timeout_id = 0;
  run_fail (run, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                              "The ICMP helper %s did not answer within %d seconds",
                              run->path, REPLY_TIMEOUT_MS / 1000));
  return G_SOURCE_REMOVE;
}

static void
run_arm_timeout (Run *run)
{
  g_clear_handle_id (&run->reply_timeout_id, g_source_remove);
  if (!g_queue_is_empty (&run->requests) && !run->failed)
    run->reply_timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, REPLY_TIMEOUT_MS,
                                                on_reply_timeout, run_ref (run),
                                                (GDestroyNotify) run_unref);
}

static void
run_send (Run           *run,
          RequestKind    kind,
          GSocketFamily  family,
          guint16        port,
          gboolean       handshake,
          GTask         *task)
{
  Request *request = g_new0 (Request, 1);
  gboolean was_idle = g_queue_is_empty (&run->requests);

  g_snprintf (request->token, sizeof request->token, "c%u", ++run->next_token);
  request->kind = kind;
  request->family = family;
  request->port = port;
  request->handshake = handshake;
  request->task = task ? g_object_ref (task) : NULL;
  g_queue_push_tail (&run->requests, request);
  if (handshake)
    run->handshake_left++;

  switch (kind)
    {
    case REQ_VERSION:
      g_string_append_printf (run->outgoing, "%s version\n", request->token);
      break;
    case REQ_CHECK_SUPPORT:
      g_string_append_printf (run->outgoing, "%s check-support\n", request->token);
      break;
    case REQ_WATCH:
    case REQ_UNWATCH:
      g_string_append_printf (run->outgoing, "%s %s %s %u\n", request->token,
                              kind == REQ_WATCH ? "watch" : "unwatch",
                              family_word (family), port);
      break;
    default:
      g_assert_not_reached ();
    }

  if (was_idle)
    run_arm_timeout (run);
  run_flush (run);
}

/* ---- replies ---------------------------------------------------------- */

static gboolean
is_reason_word (const char *s)
{
  if (*s == '\0' || strlen (s) > 64)
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_islower (*s) && *s != '-')
      return FALSE;
  return TRUE;
}

static gboolean
is_errno_word (const char *s)
{
  if (g_str_equal (s, "open"))
    return TRUE;
  if (s[0] != 'E' || s[1] == '\0' || strlen (s) > 24)
    return FALSE;
  for (s++; *s; s++)
    if (!g_ascii_isupper (*s) && !g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

static gboolean
parse_version (Run         *run,
               const char  *args,
               GError     **error)
{
  static const char * const keys[] = { "protocol", "program", "version", NULL };
  g_auto(KeyValues) kv = { NULL, NULL };
  const char *version;

  if (!key_values_parse (&kv, args, keys, error))
    return FALSE;
  if (!g_str_equal (kv_get (&kv, "program"), HELPER_NAME))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s is not " HELPER_NAME " (it calls itself “%s”)",
                   run->path, kv_get (&kv, "program"));
      return FALSE;
    }
  if (!g_str_equal (kv_get (&kv, "protocol"), G_STRINGIFY (WV_ICMP_HELPER_PROTOCOL)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "The ICMP helper %s speaks protocol %s, this program needs protocol %d; "
                   "install matching versions",
                   run->path, kv_get (&kv, "protocol"), WV_ICMP_HELPER_PROTOCOL);
      return FALSE;
    }
  version = kv_get (&kv, "version");
  if (*version == '\0' || strlen (version) > 64)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "invalid program version");
      return FALSE;
    }
  g_free (run->support.program_version);
  run->support.program_version = g_strdup (version);
  return TRUE;
}

static gboolean
parse_check_support (Run         *run,
                     const char  *args,
                     GError     **error)
{
  static const char * const keys[] = {
    "icmp4", "icmp6", "start", "uid", "gid", "caps", "bounding", "nnp",
    "nnp-at-start", "seccomp", "owner-check", "timestamps", NULL
  };
  static const char * const starts[] = { "root", "cap", "none", NULL };
  static const char * const caps[] = { "none", NULL };
  static const char * const boundings[] = { "cleared", "kept", NULL };
  static const char * const yes[] = { "yes", NULL };
  static const char * const yes_no[] = { "yes", "no", NULL };
  static const char * const seccomps[] = { "on", "off", "unsupported", NULL };
  static const char * const on_off[] = { "on", "off", NULL };
  static const char * const clocks[] = { "kernel", "user", NULL };
  g_auto(KeyValues) kv = { NULL, NULL };
  guint64 uid, gid;

  if (!key_values_parse (&kv, args, keys, error))
    return FALSE;
  if (!is_errno_word (kv_get (&kv, "icmp4")) || !is_errno_word (kv_get (&kv, "icmp6")))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "invalid socket state");
      return FALSE;
    }
  if (!kv_choice (&kv, "start", starts, error) ||
      !kv_uint (&kv, "uid", G_MAXUINT32, &uid, error) ||
      !kv_uint (&kv, "gid", G_MAXUINT32, &gid, error) ||
      !kv_choice (&kv, "bounding", boundings, error) ||
      !kv_choice (&kv, "nnp-at-start", yes_no, error) ||
      !kv_choice (&kv, "seccomp", seccomps, error) ||
      !kv_choice (&kv, "owner-check", on_off, error) ||
      !kv_choice (&kv, "timestamps", clocks, error))
    return FALSE;

  /* Defence in depth: the helper verifies its own drop and refuses to run
   * otherwise; a helper that claims anything else is not one to talk to. */
  if (!kv_choice (&kv, "caps", caps, error) || !kv_choice (&kv, "nnp", yes, error) || uid == 0)
    {
      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "The ICMP helper %s reports that it kept privileges (uid %" G_GUINT64_FORMAT
                   ", caps %s, nnp %s); not using it",
                   run->path, uid, kv_get (&kv, "caps"), kv_get (&kv, "nnp"));
      return FALSE;
    }

  g_free (run->support.icmp4);
  run->support.icmp4 = g_strdup (kv_get (&kv, "icmp4"));
  g_free (run->support.icmp6);
  run->support.icmp6 = g_strdup (kv_get (&kv, "icmp6"));
  g_free (run->support.start);
  run->support.start = g_strdup (kv_get (&kv, "start"));
  run->support.nnp_at_start = g_str_equal (kv_get (&kv, "nnp-at-start"), "yes");
  g_free (run->support.details);
  run->support.details = g_strdup (args);
  return TRUE;
}

static gboolean
parse_watch_counts (const char  *args,
                    GError     **error)
{
  static const char * const keys[] = { "watched4", "watched6", NULL };
  g_auto(KeyValues) kv = { NULL, NULL };
  guint64 n;

  return key_values_parse (&kv, args, keys, error) &&
         kv_uint (&kv, "watched4", 64, &n, error) &&
         kv_uint (&kv, "watched6", 64, &n, error);
}

static GError *
watch_error (Run           *run,
             const Request *request,
             const char    *reason)
{
  const char *verb = request->kind == REQ_WATCH ? "watch" : "stop watching";
  const char *fam = family_word (request->family);

  if (g_str_equal (reason, "no-socket"))
    return g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                        "Cannot %s %s port %u: the ICMP helper has no raw %s socket",
                        verb, fam, request->port,
                        request->family == G_SOCKET_FAMILY_IPV6 ? "ICMPv6" : "ICMPv4");
  if (g_str_equal (reason, "port-not-owned"))
    return g_error_new (G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                        "Cannot %s %s port %u: no UDP socket of this user is bound to it",
                        verb, fam, request->port);
  if (g_str_equal (reason, "too-many-ports"))
    return g_error_new (G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                        "Cannot %s %s port %u: the ICMP helper watches its maximum of ports",
                        verb, fam, request->port);
  if (g_str_equal (reason, "not-watched"))
    return g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                        "Cannot %s %s port %u: it is not watched", verb, fam, request->port);
  return g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                      "Cannot %s %s port %u: the ICMP helper said “%s”",
                      verb, fam, request->port, reason);
}

static void run_complete_handshake (Run *run);

static void
handle_reply (Run        *run,
              Request    *request,
              const char *rest,
              const char *line)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;
  const char *args = "";

  if (g_str_equal (rest, "ok"))
    ok = TRUE;
  else if (g_str_has_prefix (rest, "ok "))
    {
      ok = TRUE;
      args = rest + 3;
    }
  else if (g_str_has_prefix (rest, "error ") && is_reason_word (rest + 6))
    {
      ok = FALSE;
      args = rest + 6;
    }
  else
    {
      run_protocol_error (run, "malformed reply", line);
      return;
    }

  switch (request->kind)
    {
    case REQ_VERSION:
    case REQ_CHECK_SUPPORT:
      if (!ok)
        {
          run_fail (run, g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                      "The ICMP helper %s refused “%s”: %s", run->path,
                                      request->kind == REQ_VERSION ? "version" : "check-support",
                                      args));
          return;
        }
      if (!(request->kind == REQ_VERSION ? parse_version (run, args, &error)
                                          : parse_check_support (run, args, &error)))
        {
          if (error->code == G_IO_ERROR_INVALID_DATA)
            run_protocol_error (run, error->message, line);
          else
            run_fail (run, g_steal_pointer (&error));
          return;
        }
      break;

    case REQ_WATCH:
    case REQ_UNWATCH:
      {
        WvIcmpHelper *self = run->helper;
        gpointer key = GUINT_TO_POINTER (watch_key (request->family, request->port));

        if (ok && !parse_watch_counts (args, &error))
          {
            run_protocol_error (run, error->message, line);
            return;
          }
        if (ok && request->kind == REQ_WATCH)
          g_hash_table_add (self->watched, key);
        else
          {
            /* Unwatched, or refused: either way a restart must not watch it
             * again.  A refused unwatch ("not-watched") is still an error
             * for the caller. */
            g_hash_table_remove (self->watched, key);
            if (!ok)
              error = watch_error (run, request, args);
            if (!ok && request->handshake)
              {
                if (!run->rewatch_failures)
                  run->rewatch_failures = g_string_new (NULL);
                g_string_append_printf (run->rewatch_failures, "%s%s",
                                        run->rewatch_failures->len ? "; " : "", error->message);
              }
          }

        if (request->task)
          {
            if (error)
              g_task_return_error (request->task, g_steal_pointer (&error));
            else
              g_task_return_boolean (request->task, TRUE);
          }
      }
      break;

    default:
      g_assert_not_reached ();
    }

  if (request->handshake && --run->handshake_left == 0)
    run_complete_handshake (run);
}

static void
run_complete_handshake (Run *run)
{
  g_autoptr(WvIcmpHelper) self = g_object_ref (run->helper);
  g_autoptr(GTask) task = g_steal_pointer (&run->start_task);
  g_autoptr(GString) failures = g_steal_pointer (&run->rewatch_failures);

  if (task == NULL)
    return;
  if (g_task_return_error_if_cancelled (task))
    {
      wv_icmp_helper_stop (self);
      return;
    }

  support_clear (&self->support);
  self->support = run->support;
  memset (&run->support, 0, sizeof run->support);
  run_set_running (self, TRUE);
  g_task_return_boolean (task, TRUE);

  if (failures)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED,
                                             "After restarting the ICMP helper: %s",
                                             failures->str);
      g_signal_emit (self, signals[SIGNAL_HELPER_ERROR], 0, error);
    }
}

static void
handle_event (Run        *run,
              const char *line)
{
  g_autoptr(GError) error = NULL;

  if (g_str_has_prefix (line, "* icmp "))
    {
      g_autoptr(WvIcmpEvent) event = wv_icmp_event_parse (line, &error);

      if (event == NULL)
        {
          run_protocol_error (run, error->message, line);
          return;
        }
      g_signal_emit (run->helper, signals[SIGNAL_ICMP_EVENT], 0, event);
    }
  else if (g_str_has_prefix (line, "* dropped "))
    {
      static const char * const keys[] = { "count", NULL };
      g_auto(KeyValues) kv = { NULL, NULL };
      guint64 count;

      if (!key_values_parse (&kv, line + strlen ("* dropped "), keys, &error) ||
          !kv_uint (&kv, "count", G_MAXUINT32, &count, &error) || count == 0)
        {
          run_protocol_error (run, error ? error->message : "zero count", line);
          return;
        }
      g_signal_emit (run->helper, signals[SIGNAL_EVENTS_DROPPED], 0, (guint) count);
    }
  else
    run_protocol_error (run, "unknown event", line);
}

static void
dispatch_line (Run        *run,
               const char *line)
{
  const char *space = strchr (line, ' ');
  Request *request;

  if (space == NULL)
    {
      run_protocol_error (run, "no token", line);
      return;
    }

  if (g_str_has_prefix (line, "* "))
    {
      handle_event (run, line);
      return;
    }
  if (g_str_has_prefix (line, "! "))
    {
      /* We never send a line without a valid token: this is a bug on one side. */
      run_protocol_error (run, "request rejected", line);
      return;
    }

  request = g_queue_peek_head (&run->requests);
  if (request == NULL || (gsize) (space - line) != strlen (request->token) ||
      strncmp (line, request->token, strlen (request->token)) != 0)
    {
      run_protocol_error (run, "reply to no outstanding request", line);
      return;
    }
  g_queue_pop_head (&run->requests);
  run_arm_timeout (run);
  handle_reply (run, request, space + 1, line);
  request_free (request);
}

static void
handle_line (Run        *run,
             const char *line)
{
  /* A signal handler may drop the last reference to the helper object. */
  WvIcmpHelper *self = g_object_ref (run->helper);

  dispatch_line (run, line);
  g_object_unref (self);
}

/* ---- reading ---------------------------------------------------------- */

static void run_read_stdout (Run *run);

static void
on_stdout_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (run->failed || run->helper == NULL)
    {
      /* Nobody listens any more: a helper still writing gets EPIPE. */
      g_input_stream_close (G_INPUT_STREAM (source), NULL, NULL);
      return;
    }
  if (n <= 0)
    {
      run->stdout_done = TRUE;
      run_lost (run);
      return;
    }

  for (gssize i = 0; i < n; i++)
    {
      guint8 c = run->read_buf[i];

      if (c == '\n')
        {
          g_autofree char *line = g_strndup (run->line->str, run->line->len);

          g_string_truncate (run->line, 0);
          handle_line (run, line);
          /* A handler may have stopped or replaced the helper. */
          if (run->failed || run->helper == NULL)
            return;
        }
      else if (c < 0x20 || c > 0x7e)
        {
          run_protocol_error (run, "non-printable byte", run->line->str);
          return;
        }
      else if (run->line->len >= MAX_LINE)
        {
          run_protocol_error (run, "line longer than 1023 bytes", run->line->str);
          return;
        }
      else
        g_string_append_c (run->line, (char) c);
    }

  run_read_stdout (run);
}

static void
run_read_stdout (Run *run)
{
  g_input_stream_read_async (run->stdout_pipe, run->read_buf, sizeof run->read_buf,
                             G_PRIORITY_DEFAULT, run->cancellable, on_stdout_read,
                             run_ref (run));
}

static void run_read_stderr (Run *run);

static void
on_stderr_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(Run) run = user_data;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);
  if (n <= 0)
    {
      run->stderr_done = TRUE;
      if (!run->failed && run->helper && (run->stdout_done || run->exited))
        run_lost (run);
      return;
    }

  /* Keep only the tail: it ends with the reason the helper gives up. */
  g_string_append_len (run->stderr_tail, (const char *) run->err_buf, n);
  if (run->stderr_tail->len > STDERR_TAIL)
    g_string_erase (run->stderr_tail, 0, run->stderr_tail->len - STDERR_TAIL);
  g_debug ("helper stderr: %.*s", (int) n, run->err_buf);

  run_read_stderr (run);
}

static void
run_read_stderr (Run *run)
{
  g_input_stream_read_async (run->stderr_pipe, run->err_buf, sizeof run->err_buf,
                             G_PRIORITY_DEFAULT, run->cancellable, on_stderr_read,
                             run_ref (run));
}

/* ---- the helper going away -------------------------------------------- */

static char *
sanitized_stderr (Run *run)
{
  g_autofree char *tail = g_strstrip (g_strdup (run->stderr_tail->str));
  char *last;

  for (char *p = tail; *p; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      *p = *p == '\n' ? '\n' : '?';
  /* The last line is the helper's final word; earlier ones are noise. */
  last = strrchr (tail, '\n');
  return g_strdup (last ? last + 1 : tail);
}

static void
run_fail_lost (Run *run)
{
  g_autoptr(GString) message = g_string_new (NULL);
  g_autofree char *said = sanitized_stderr (run);

  g_string_append_printf (message, "The ICMP helper %s ", run->path);
  if (run->exited && g_subprocess_get_if_exited (run->proc))
    {
      int status = g_subprocess_get_exit_status (run->proc);

      g_string_append_printf (message, "exited with status %d", status);
      if (status == EXIT_PRIVILEGES)
        g_string_append (message, " because it could not drop its privileges safely");
    }
  else if (run->exited && g_subprocess_get_if_signaled (run->proc))
    g_string_append_printf (message, "was killed by signal %d (%s)",
                            g_subprocess_get_term_sig (run->proc),
                            g_strsignal (g_subprocess_get_term_sig (run->proc)));
  else
    g_string_append (message, "stopped answering (its output was closed)");
  if (*said)
    g_string_append_printf (message, ": %s", said);

  run_fail (run, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, message->str));
}

static gboolean
on_grace_over (gpointer user_data)
{
  Run *run = user_data;

  run->grace_id = 0;
  run_fail_lost (run);
  return G_SOURCE_REMOVE;
}

/* The helper is going or gone: report once all three of its ends are seen,
 * or after a short grace period with what is known by then. */
static void
run_lost (Run *run)
{
  if (run->failed)
    return;
  if (run->exited && run->stdout_done && run->stderr_done)
    {
      g_clear_handle_id (&run->grace_id, g_source_remove);
      run_fail_lost (run);
      return;
    }
  if (run->grace_id == 0)
    run->grace_id = g_timeout_add_full (G_PRIORITY_DEFAULT, EXIT_GRACE_MS, on_grace_over,
                                        run_ref (run), (GDestroyNotify) run_unref);
}

static void
on_exited (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(Run) run = user_data;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL))
    return;                    /* cancelled: detached */
  run->exited = TRUE;
  if (!run->failed && run->helper)
    run_lost (run);
}

/* ---- public API ------------------------------------------------------- */

char *
wv_icmp_helper_dup_default_path (void)
{
  const char *env = g_getenv (WV_ICMP_HELPER_ENV);

  if (env && *env)
    return g_strdup (env);
  /* The build tree's helper when run from there, else <libexecdir>. */
  return wv_paths_dup_icmp_helper ();
}

WvIcmpHelper *
wv_icmp_helper_new (const char *path)
{
  return g_object_new (WV_TYPE_ICMP_HELPER, "path", path, NULL);
}

const char *
wv_icmp_helper_get_path (WvIcmpHelper *self)
{
  g_return_val_if_fail (WV_IS_ICMP_HELPER (self), NULL);
  return self->path;
}

gboolean
wv_icmp_helper_get_running (WvIcmpHelper *self)
{
  g_return_val_if_fail (WV_IS_ICMP_HELPER (self), FALSE);
  return self->running;
}

gboolean
wv_icmp_helper_get_icmp4_available (WvIcmpHelper *self)
{
  g_return_val_if_fail (WV_IS_ICMP_HELPER (self), FALSE);
  return g_strcmp0 (self->support.icmp4, "open") == 0;
}

gboolean
wv_icmp_helper_get_icmp6_available (WvIcmpHelper *self)
{
  g_return_val_if_fail (WV_IS_ICMP_HELPER (self), FALSE);
  return g_strcmp0 (self->support.icmp6, "open") == 0;
}

const char *
wv_icmp_helper_get_program_version (WvIcmpHelper *self)
{
  g_return_val_if_fail (WV_IS_ICMP_HELPER (self), NULL);
  return self->support.program_version;
}

const char *
wv_icmp_helper_get_support_details (WvIcmpHelper *self)
{
  g_return_val_if_fail (WV_IS_ICMP_HELPER (self), NULL);
  return self->support.details;
}

static gboolean
is_permission_errno (const char *word)
{
  return g_strcmp0 (word, "EPERM") == 0 || g_strcmp0 (word, "EACCES") == 0;
}

char *
wv_icmp_helper_dup_privilege_advice (WvIcmpHelper *self)
{
  const Support *s;
  g_autoptr(GString) advice = g_string_new (NULL);
  gboolean ok4, ok6, perm;
  const char *which;

  g_return_val_if_fail (WV_IS_ICMP_HELPER (self), NULL);

  s = &self->support;
  if (s->icmp4 == NULL)
    return g_strdup_printf ("The ICMP helper (%s) has not been started yet.", self->path);

  ok4 = g_str_equal (s->icmp4, "open");
  ok6 = g_str_equal (s->icmp6, "open");
  if (ok4 && ok6)
    return NULL;

  which = !ok4 && !ok6 ? "ICMPv4 and ICMPv6" : !ok4 ? "ICMPv4" : "ICMPv6";
  perm = (!ok4 && is_permission_errno (s->icmp4)) || (!ok6 && is_permission_errno (s->icmp6));

  if (perm && s->nnp_at_start)
    g_string_append_printf (advice,
                            "wifi-verify runs with the no_new_privs flag set (for example in a "
                            "sandbox or a systemd unit with NoNewPrivileges=yes), so the file "
                            "capability of the ICMP helper cannot take effect and %s errors "
                            "(traceroute hops, path MTU) cannot be received. Run wifi-verify "
                            "outside that sandbox, or as root.", which);
  else if (perm)
    g_string_append_printf (advice,
                            "The ICMP helper needs the CAP_NET_RAW capability to receive %s "
                            "errors (traceroute hops, path MTU). Grant it once with:\n"
                            "  sudo setcap cap_net_raw+ep %s\n"
                            "or run wifi-verify as root. (File capabilities do not work on file "
                            "systems mounted nosuid.)", which, self->path);

  if (!ok6 && g_str_equal (s->icmp6, "EAFNOSUPPORT"))
    g_string_append_printf (advice, "%sIPv6 is disabled on this system, so ICMPv6 errors "
                            "cannot be received.", advice->len ? "\n" : "");
  else if (!ok6 && !is_permission_errno (s->icmp6))
    g_string_append_printf (advice, "%sThe ICMP helper could not open its raw ICMPv6 socket (%s).",
                            advice->len ? "\n" : "", s->icmp6);
  if (!ok4 && !is_permission_errno (s->icmp4))
    g_string_append_printf (advice, "%sThe ICMP helper could not open its raw ICMPv4 socket (%s).",
                            advice->len ? "\n" : "", s->icmp4);

  return g_string_free (g_steal_pointer (&advice), FALSE);
}

void
wv_icmp_helper_start_async (WvIcmpHelper        *self,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key;
  Run *run;

  g_return_if_fail (WV_IS_ICMP_HELPER (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, wv_icmp_helper_start_async);

  if (self->running)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->run != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The ICMP helper is already being started");
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  proc = g_subprocess_launcher_spawn (launcher, &error, self->path, NULL);
  if (proc == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR,
                               g_error_matches (error, G_SPAWN_ERROR, G_SPAWN_ERROR_NOENT)
                                 ? G_IO_ERROR_NOT_FOUND : G_IO_ERROR_FAILED,
                               "Cannot start the ICMP helper %s: %s", self->path, error->message);
      return;
    }

  run = g_new0 (Run, 1);
  g_ref_count_init (&run->ref);       /* this reference belongs to self->run */
  run->helper = self;
  run->path = g_strdup (self->path);
  run->proc = g_steal_pointer (&proc);
  run->stdin_pipe = g_subprocess_get_stdin_pipe (run->proc);
  run->stdout_pipe = g_subprocess_get_stdout_pipe (run->proc);
  run->stderr_pipe = g_subprocess_get_stderr_pipe (run->proc);
  run->cancellable = g_cancellable_new ();
  run->line = g_string_sized_new (256);
  run->stderr_tail = g_string_new (NULL);
  run->outgoing = g_string_new (NULL);
  run->start_task = g_steal_pointer (&task);
  self->run = run;

  g_debug ("started %s as pid %s", run->path, g_subprocess_get_identifier (run->proc));

  run_read_stdout (run);
  run_read_stderr (run);
  g_subprocess_wait_async (run->proc, run->cancellable, on_exited, run_ref (run));

  run_send (run, REQ_VERSION, 0, 0, TRUE, NULL);
  run_send (run, REQ_CHECK_SUPPORT, 0, 0, TRUE, NULL);
  /* After a crash, watch again what was watched before. */
  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint k = GPOINTER_TO_UINT (key);

      run_send (run, REQ_WATCH, (k >> 16) ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4,
                (guint16) (k & 0xffff), TRUE, NULL);
    }
}

gboolean
wv_icmp_helper_start_finish (WvIcmpHelper  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (WV_IS_ICMP_HELPER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wv_icmp_helper_start_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
wv_icmp_helper_stop (WvIcmpHelper *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) start_task = NULL;
  Run *run;

  g_return_if_fail (WV_IS_ICMP_HELPER (self));

  g_hash_table_remove_all (self->watched);
  run = self->run;
  if (run == NULL)
    return;

  run_ref (run);
  run->failed = TRUE;            /* nothing it does from now on is an error */
  start_task = g_steal_pointer (&run->start_task);
  run_detach (run);
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The ICMP helper was stopped");
  run_fail_requests (run, error);
  if (start_task)
    g_task_return_error (start_task, g_error_copy (error));
  run_unref (run);
}

static void
watch_common (WvIcmpHelper        *self,
              RequestKind          kind,
              gpointer             source_tag,
              GSocketFamily        family,
              guint16              port,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (WV_IS_ICMP_HELPER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (family != G_SOCKET_FAMILY_IPV4 && family != G_SOCKET_FAMILY_IPV6)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "Only IPv4 and IPv6 UDP ports can be watched");
  else if (port == 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "Port 0 cannot be watched");
  else if (self->run == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                             "The ICMP helper is not running");
  else
    run_send (self->run, kind, family, port, FALSE, task);
}

void
wv_icmp_helper_watch_async (WvIcmpHelper        *self,
                            GSocketFamily        family,
                            guint16              port,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  watch_common (self, REQ_WATCH, wv_icmp_helper_watch_async, family, port,
                cancellable, callback, user_data);
}

gboolean
wv_icmp_helper_watch_finish (WvIcmpHelper  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wv_icmp_helper_watch_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
wv_icmp_helper_unwatch_async (WvIcmpHelper        *self,
                              GSocketFamily        family,
                              guint16              port,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  watch_common (self, REQ_UNWATCH, wv_icmp_helper_unwatch_async, family, port,
                cancellable, callback, user_data);
}

gboolean
wv_icmp_helper_unwatch_finish (WvIcmpHelper  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == wv_icmp_helper_unwatch_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ---------------------------------------------------------- */

static void
wv_icmp_helper_dispose (GObject *object)
{
  WvIcmpHelper *self = WV_ICMP_HELPER (object);

  wv_icmp_helper_stop (self);

  G_OBJECT_CLASS (wv_icmp_helper_parent_class)->dispose (object);
}

static void
wv_icmp_helper_finalize (GObject *object)
{
  WvIcmpHelper *self = WV_ICMP_HELPER (object);

  support_clear (&self->support);
  g_hash_table_unref (self->watched);
  g_free (self->path);

  G_OBJECT_CLASS (wv_icmp_helper_parent_class)->finalize (object);
}

static void
wv_icmp_helper_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WvIcmpHelper *self = WV_ICMP_HELPER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_icmp_helper_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  WvIcmpHelper *self = WV_ICMP_HELPER (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_free (self->path);
      self->path = g_value_dup_string (value);
      if (self->path != NULL && *self->path == '\0')
        g_clear_pointer (&self->path, g_free);   /* constructed() picks the default */
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_icmp_helper_constructed (GObject *object)
{
  WvIcmpHelper *self = WV_ICMP_HELPER (object);

  G_OBJECT_CLASS (wv_icmp_helper_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = wv_icmp_helper_dup_default_path ();
}

static void
wv_icmp_helper_class_init (WvIcmpHelperClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = wv_icmp_helper_constructed;
  object_class->dispose = wv_icmp_helper_dispose;
  object_class->finalize = wv_icmp_helper_finalize;
  object_class->get_property = wv_icmp_helper_get_property;
  object_class->set_property = wv_icmp_helper_set_property;

  /* A helper that dies between two requests must cost us EPIPE on the
   * pipe, not the whole process; GSocket's class_init does the same. */
  signal (SIGPIPE, SIG_IGN);

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * WvIcmpHelper::icmp-event:
   * @event: the ICMP error, valid during the emission (copy it to keep it)
   */
  signals[SIGNAL_ICMP_EVENT] =
    g_signal_new ("icmp-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  WV_TYPE_ICMP_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * WvIcmpHelper::helper-error:
   * @error: what went wrong; the helper is no longer running unless it was
   *   only about ports that could not be watched again after a restart
   */
  signals[SIGNAL_HELPER_ERROR] =
    g_signal_new ("helper-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * WvIcmpHelper::events-dropped:
   * @count: events the helper discarded because we read too slowly
   */
  signals[SIGNAL_EVENTS_DROPPED] =
    g_signal_new ("events-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
wv_icmp_helper_init (WvIcmpHelper *self)
{
  self->watched = g_hash_table_new (NULL, NULL);
}

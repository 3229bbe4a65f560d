/* wv-protocol.c: control messages (JSON) and probe-channel packets (binary)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * docs/protocol.md is the reference for every format handled here. Reading
 * works in three steps: bounds and token checks on the raw text, json-glib
 * for the parsing itself, then the fields into a local WvMsg that
 * wv_msg_validate() checks before it is copied out. So a failure never
 * touches the caller's struct, and the parser and the validator cannot
 * disagree about what is in range.
 */

#define G_LOG_DOMAIN "wv-protocol"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "wv-protocol.h"

G_DEFINE_QUARK (wv-protocol-error-quark, wv_protocol_error)

/* --- probe-channel packets ------------------------------------------------- */

#define PACKET_MAGIC       0x57  /* 'W' */
#define PACKET_VERSION     1
#define PACKET_HEADER_SIZE 16

G_STATIC_ASSERT (WV_PROBE_MIN_SIZE >= PACKET_HEADER_SIZE);
G_STATIC_ASSERT (WV_ECHO_SIZE == PACKET_HEADER_SIZE + 16);

/* Follow-up block: marker, count, 2 reserved bytes, then per follow-up the
 * 32-bit sequence number and the 64-bit wire send time. In a probe it sits
 * in the padding, which older receivers ignore (and which is zero, without
 * the marker, in an older sender's probes). */
#define FOLLOWUP_MARKER    0x46  /* 'F' */
#define FOLLOWUP_HEAD      4
#define FOLLOWUP_ENTRY     12
G_STATIC_ASSERT (WV_ECHO_WIRE_SIZE == WV_ECHO_SIZE + FOLLOWUP_HEAD + WV_MAX_FOLLOWUPS * FOLLOWUP_ENTRY);
G_STATIC_ASSERT (WV_FOLLOWUP_SIZE == PACKET_HEADER_SIZE + FOLLOWUP_HEAD + WV_MAX_FOLLOWUPS * FOLLOWUP_ENTRY);
G_STATIC_ASSERT (WV_MAX_CLASSES <= G_MAXUINT8);

static void
put_be32 (guint8 *p, guint32 v)
{
  p[0] = (guint8) (v >> 24);
  p[1] = (guint8) (v >> 16);
  p[2] = (guint8) (v >> 8);
  p[3] = (guint8) v;
}

static void
put_be64 (guint8 *p, guint64 v)
{
  put_be32 (p, (guint32) (v >> 32));
  put_be32 (p + 4, (guint32) v);
}

static guint32
get_be32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static guint64
get_be64 (const guint8 *p)
{
  return ((guint64) get_be32 (p) << 32) | get_be32 (p + 4);
}

/* Writes as many of the follow-ups as fit in buf[0..room). */
static void
followups_write (const WvPacket *packet, guint8 *buf, gsize room)
{
  guint n = MIN (packet->n_followups, WV_MAX_FOLLOWUPS);

  if (room < FOLLOWUP_HEAD + FOLLOWUP_ENTRY)
    return;
  n = MIN (n, (room - FOLLOWUP_HEAD) / FOLLOWUP_ENTRY);
  if (n == 0)
    return;
  buf[0] = FOLLOWUP_MARKER;
  buf[1] = (guint8) n;
  for (guint i = 0; i < n; i++)
    {
      put_be32 (buf + FOLLOWUP_HEAD + i * FOLLOWUP_ENTRY, packet->followups[i].seq);
      put_be64 (buf + FOLLOWUP_HEAD + i * FOLLOWUP_ENTRY + 4, (guint64) packet->followups[i].wire_ns);
    }
}

/* Reads a follow-up block if there is a well-formed one; anything else
 * (zero padding, a count out of range) is no follow-up at all. */
static void
followups_read (const guint8 *data, gsize room, WvPacket *p)
{
  guint n;

  p->n_followups = 0;
  if (room < FOLLOWUP_HEAD || data[0] != FOLLOWUP_MARKER)
    return;
  n = data[1];
  if (n == 0 || n > WV_MAX_FOLLOWUPS || room < FOLLOWUP_HEAD + n * FOLLOWUP_ENTRY)
    return;
  for (guint i = 0; i < n; i++)
    {
      p->followups[i].seq = get_be32 (data + FOLLOWUP_HEAD + i * FOLLOWUP_ENTRY);
      p->followups[i].wire_ns = (gint64) get_be64 (data + FOLLOWUP_HEAD + i * FOLLOWUP_ENTRY + 4);
    }
  p->n_followups = n;
}

gsize
wv_packet_write (const WvPacket *packet, guint8 *buf, gsize size)
{
  g_return_val_if_fail (packet != NULL, 0);
  g_return_val_if_fail (buf != NULL, 0);

  switch (packet->kind)
    {
    case WV_PACKET_PROBE:
      if (size < WV_PROBE_MIN_SIZE || size > WV_PROBE_MAX_SIZE)
        return 0;
      break;
    case WV_PACKET_BULK:
      if (size < PACKET_HEADER_SIZE || size > WV_PROBE_MAX_SIZE)
        return 0;
      break;
    case WV_PACKET_ECHO:
      if (size != WV_ECHO_SIZE && size != WV_ECHO_WIRE_SIZE)
        return 0;
      break;
    case WV_PACKET_FOLLOWUP:
      if (size != WV_FOLLOWUP_SIZE)
        return 0;
      break;
    default:
      return 0;
    }
  if (packet->class_index > WV_MAX_CLASSES)
    return 0;

  memset (buf, 0, size);
  buf[0] = PACKET_MAGIC;
  buf[1] = (guint8) packet->kind;
  buf[2] = PACKET_VERSION;
  buf[3] = packet->class_index;
  put_be32 (buf + 4, packet->seq);
  put_be64 (buf + 8, (guint64) packet->t1);
  if (packet->kind == WV_PACKET_ECHO)
    {
      put_be64 (buf + 16, (guint64) packet->t2);
      put_be64 (buf + 24, (guint64) packet->t3);
      followups_write (packet, buf + WV_ECHO_SIZE, size - WV_ECHO_SIZE);
    }
  else if (packet->kind == WV_PACKET_PROBE || packet->kind == WV_PACKET_FOLLOWUP)
    followups_write (packet, buf + PACKET_HEADER_SIZE, size - PACKET_HEADER_SIZE);
  return size;
}

gboolean
wv_packet_parse (const guint8 *data, gsize len, WvPacket *out, GError **error)
{
  WvPacket p = { 0 };

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len < PACKET_HEADER_SIZE)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   "packet of %" G_GSIZE_FORMAT " bytes, shorter than the %u-byte header",
                   len, PACKET_HEADER_SIZE);
      return FALSE;
    }
  if (data[0] != PACKET_MAGIC)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   "packet magic 0x%02x, expected 0x%02x", data[0], PACKET_MAGIC);
      return FALSE;
    }
  /* The version comes before the kind: another version may have other kinds. */
  if (data[2] != PACKET_VERSION)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_VERSION,
                   "packet version %u, this end speaks %u", data[2], PACKET_VERSION);
      return FALSE;
    }
  switch (data[1])
    {
    case WV_PACKET_PROBE:
    case WV_PACKET_BULK:
      if (len > WV_PROBE_MAX_SIZE)
        {
          g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_TOO_LARGE,
                       "%s packet of %" G_GSIZE_FORMAT " bytes, larger than %u",
                       data[1] == WV_PACKET_PROBE ? "probe" : "bulk", len, WV_PROBE_MAX_SIZE);
          return FALSE;
        }
      break;
    case WV_PACKET_ECHO:
      if (len != WV_ECHO_SIZE && len != WV_ECHO_WIRE_SIZE)
        {
          g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                       "echo packet of %" G_GSIZE_FORMAT " bytes, expected %u or %u",
                       len, WV_ECHO_SIZE, WV_ECHO_WIRE_SIZE);
          return FALSE;
        }
      break;
    case WV_PACKET_FOLLOWUP:
      if (len != WV_FOLLOWUP_SIZE)
        {
          g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                       "follow-up packet of %" G_GSIZE_FORMAT " bytes, expected %u",
                       len, WV_FOLLOWUP_SIZE);
          return FALSE;
        }
      break;
    default:
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_UNKNOWN_TYPE,
                   "unknown packet kind %u", data[1]);
      return FALSE;
    }
  if (data[3] > WV_MAX_CLASSES)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   "packet class index %u, more than %u", data[3], WV_MAX_CLASSES);
      return FALSE;
    }

  p.kind = (WvPacketKind) data[1];
  p.class_index = data[3];
  p.seq = get_be32 (data + 4);
  p.t1 = (gint64) get_be64 (data + 8);
  if (p.kind == WV_PACKET_ECHO)
    {
      p.t2 = (gint64) get_be64 (data + 16);
      p.t3 = (gint64) get_be64 (data + 24);
      followups_read (data + WV_ECHO_SIZE, len - WV_ECHO_SIZE, &p);
    }
  else if (p.kind == WV_PACKET_PROBE || p.kind == WV_PACKET_FOLLOWUP)
    followups_read (data + PACKET_HEADER_SIZE, len - PACKET_HEADER_SIZE, &p);
  p.size = len;
  if (out != NULL)
    *out = p;
  return TRUE;
}

/* --- control messages: names and limits ------------------------------------ */

static const char *const msg_type_names[] = {
  [WV_MSG_HELLO] = "hello",
  [WV_MSG_START_STREAMS] = "start_streams",
  [WV_MSG_STREAMS_STARTED] = "streams_started",
  [WV_MSG_STOP_STREAMS] = "stop_streams",
  [WV_MSG_STREAMS_STOPPED] = "streams_stopped",
  [WV_MSG_STATS] = "stats",
  [WV_MSG_ERROR] = "error",
  [WV_MSG_BYE] = "bye",
  [WV_MSG_PATH_REQUEST] = "path_request",
  [WV_MSG_PATH_RESULT] = "path_result",
  [WV_MSG_OUTAGE] = "outage",
};
/* A type added to the header needs its name here (and its cases below:
 * the switches have no default, so -Wswitch points at them). */
G_STATIC_ASSERT (G_N_ELEMENTS (msg_type_names) == WV_N_MSG_TYPES);

const char *
wv_msg_type_to_string (WvMsgType type)
{
  if ((guint) type >= WV_N_MSG_TYPES)
    return NULL;
  return msg_type_names[type];
}

/* Bound on the magnitude of every floating-point field. It is above any
 * difference of two gint64 nanosecond times in milliseconds (9.2e12) and any
 * throughput the engine can measure, and it keeps the values far from where
 * conversions to integers overflow. */
#define MAX_ABS_VALUE 1e15

/* Nesting allowed in a control message; ours use 3 levels, the rest is room
 * for extensions. It also bounds json-glib's recursion. */
#define JSON_MAX_DEPTH 32

#define NS_PER_S G_GINT64_CONSTANT (1000000000)

static gboolean G_GNUC_PRINTF (4, 5)
field_error (GError     **error,
             const char  *where,
             const char  *name,
             const char  *format,
             ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
               "%s.%s: %s", where, name, detail);
  return FALSE;
}

/* A peer-supplied string for an error message: bounded, and escaped so that
 * it cannot forge log lines or terminal sequences. */
static char *
quote_for_message (const char *s, gsize len)
{
  g_autofree char *cut = g_strndup (s, MIN (len, 32));
  g_autofree char *escaped = g_strescape (cut, NULL);

  return g_strdup_printf ("\"%s\"%s", escaped, len > 32 ? "..." : "");
}

/* json-glib quotes the input in its messages (an unexpected string, with
 * its escapes decoded); keep control characters out of the logs. */
static char *
printable (const char *s)
{
  g_autofree char *valid = g_utf8_make_valid (s, -1);
  GString *out = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* --- control messages: validation of a WvMsg ------------------------------- */

/* Free text: NUL-terminated inside its buffer, UTF-8, and no control
 * characters, since the strings end up in logs, terminals and the GUI. */
static gboolean
check_text (const char *buf, gsize size, const char *where, const char *name, GError **error)
{
  const char *end = memchr (buf, '\0', size);

  if (end == NULL)
    return field_error (error, where, name, "longer than %" G_GSIZE_FORMAT " bytes", size - 1);
  if (!g_utf8_validate (buf, end - buf, NULL))
    return field_error (error, where, name, "not valid UTF-8");
  for (const char *p = buf; p < end; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return field_error (error, where, name, "contains a control character");
  return TRUE;
}

static gboolean
check_double (double v, double min, double max, const char *where, const char *name,
              GError **error)
{
  if (!isfinite (v))
    return field_error (error, where, name, "not a finite number");
  if (v < min || v > max)
    return field_error (error, where, name, "%g is out of range [%g, %g]", v, min, max);
  return TRUE;
}

/* Measures that may be unknown (NaN here, null on the wire): jitter, loss,
 * reordering, duplicates and throughput of a window without the data. */
static gboolean
check_measure (double v, double min, double max, const char *where, const char *name,
               GError **error)
{
  return isnan (v) || check_double (v, min, max, where, name, error);
}

/* Quantities where -1 means "unknown". */
static gboolean
check_optional_double (double v, const char *where, const char *name, GError **error)
{
  if (v == -1.0)
    return TRUE;
  if (isfinite (v) && v < 0)
    return field_error (error, where, name, "%g is negative (only -1, unknown, is allowed)", v);
  return check_double (v, 0, MAX_ABS_VALUE, where, name, error);
}

static gboolean
check_uint64 (guint64 v, const char *where, const char *name, GError **error)
{
  /* JSON integers are read as gint64. */
  if (v > (guint64) G_MAXINT64)
    return field_error (error, where, name, "%" G_GUINT64_FORMAT " is out of range", v);
  return TRUE;
}

/* A gboolean goes out as true or false and comes back as 1 or 0. */
static gboolean
check_bool (gboolean v, const char *where, const char *name, GError **error)
{
  if (v != TRUE && v != FALSE)
    return field_error (error, where, name, "%d is not TRUE or FALSE", v);
  return TRUE;
}

static gboolean
check_uint (guint v, guint min, guint max, const char *where, const char *name, GError **error)
{
  if (v < min || v > max)
    return field_error (error, where, name, "%u is out of range [%u, %u]", v, min, max);
  return TRUE;
}

/* An IP address literal, or empty for none. */
static gboolean
check_addr (const char *buf, gsize size, const char *where, const char *name, GError **error)
{
  if (!check_text (buf, size, where, name, error))
    return FALSE;
  if (buf[0] != '\0' && !g_hostname_is_ip_address (buf))
    return field_error (error, where, name, "not an IP address");
  return TRUE;
}

static gboolean
check_summary (const WvSummary *s, const char *where, const char *name, GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s.%s", where, name);
  const struct { const char *name; double v; } values[] = {
    { "min", s->min }, { "p50", s->p50 }, { "p99", s->p99 }, { "max", s->max },
    { "mean", s->mean },
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      /* An empty summary is all zeros (wv-stats.h) and its values are not
       * sent, so anything else would not survive the trip. */
      if (s->n == 0 && (values[i].v != 0.0 || signbit (values[i].v)))
        return field_error (error, path, values[i].name, "must be 0 when n is 0");
      if (!check_double (values[i].v, -MAX_ABS_VALUE, MAX_ABS_VALUE, path, values[i].name, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
validate_hello (const WvMsgHello *h, GError **error)
{
  const char *where = "hello";

  if (h->protocol != WV_PROTOCOL_VERSION)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_VERSION,
                   "hello.protocol: version %u, this end speaks %u",
                   h->protocol, WV_PROTOCOL_VERSION);
      return FALSE;
    }
  if (!check_text (h->software, sizeof h->software, where, "software", error) ||
      !check_text (h->role, sizeof h->role, where, "role", error) ||
      !check_text (h->session, sizeof h->session, where, "session", error) ||
      !check_text (h->conn, sizeof h->conn, where, "conn", error) ||
      !check_text (h->clock.boot_id, sizeof h->clock.boot_id, "hello.clock", "boot_id", error) ||
      !check_bool (h->wire_times, where, "wire_times", error) ||
      !check_bool (h->clock.synced, "hello.clock", "synced", error) ||
      !check_optional_double (h->clock.error_ms, "hello.clock", "error_ms", error))
    return FALSE;
  if (strcmp (h->role, "client") != 0 && strcmp (h->role, "server") != 0)
    return field_error (error, where, "role", "must be \"client\" or \"server\"");
  return TRUE;
}

static gboolean
validate_streams (WvMsgType type, const WvMsgStreams *s, GError **error)
{
  const char *where = wv_msg_type_to_string (type);

  if (s->rate_pps < 1 || s->rate_pps > WV_MAX_RATE_PPS)
    return field_error (error, where, "rate_pps", "%u is out of range [1, %u]",
                        s->rate_pps, WV_MAX_RATE_PPS);
  if (s->probe_size < WV_PROBE_MIN_SIZE || s->probe_size > WV_PROBE_MAX_SIZE)
    return field_error (error, where, "probe_size", "%u is out of range [%u, %u]",
                        s->probe_size, WV_PROBE_MIN_SIZE, WV_PROBE_MAX_SIZE);
  if (s->bulk_bps > WV_MAX_BULK_BPS)
    return field_error (error, where, "bulk_bps", "%" G_GUINT64_FORMAT " is above %u",
                        s->bulk_bps, WV_MAX_BULK_BPS);
  if (!check_double (s->duration_s, 0, WV_MAX_DURATION_S, where, "duration_s", error))
    return FALSE;
  if (s->classes.n_classes > WV_MAX_CLASSES)
    return field_error (error, where, "classes", "%u classes, more than %u",
                        s->classes.n_classes, WV_MAX_CLASSES);
  for (guint i = 0; i < s->classes.n_classes; i++)
    if (s->classes.dscp[i] < 0 || s->classes.dscp[i] > 63)
      return field_error (error, where, "classes", "DSCP %d is out of range [0, 63]",
                          s->classes.dscp[i]);
  /* start_streams does not carry capped and reason. */
  if (type == WV_MSG_STREAMS_STARTED &&
      (!check_bool (s->capped, where, "capped", error) ||
       !check_text (s->reason, sizeof s->reason, where, "reason", error)))
    return FALSE;
  return TRUE;
}

static gboolean
validate_stats (const WvMsgStats *s, GError **error)
{
  const char *where = "stats";
  const char *rx = "stats.rx";
  const WvRxRecord *r = &s->rx;

  if (s->time_ns < 0)
    return field_error (error, where, "time_ns", "negative");
  if (s->window_s != 0 && s->window_s != 1 && s->window_s != 10 && s->window_s != 60)
    return field_error (error, where, "window_s", "%u is not 0, 1, 10 or 60", s->window_s);
  if (s->class_index > WV_MAX_CLASSES)
    return field_error (error, where, "class_index", "%u is above %u",
                        s->class_index, WV_MAX_CLASSES);
  if (wv_direction_to_string (s->rx_dir) == NULL)
    return field_error (error, where, "rx_dir", "invalid direction %d", (int) s->rx_dir);
  if (wv_owd_mode_to_string (s->owd_mode) == NULL)
    return field_error (error, where, "owd_mode", "invalid mode %d", (int) s->owd_mode);
  /* window_ns is implied by window_s (whole run: 0) and not sent. */
  if (r->window_ns != (gint64) s->window_s * NS_PER_S)
    return field_error (error, rx, "window_ns", "%" G_GINT64_FORMAT " does not match window_s %u",
                        r->window_ns, s->window_s);
  if (!check_uint64 (r->expected, rx, "expected", error) ||
      !check_summary (&r->owd_ms, rx, "owd_ms", error) ||
      !check_summary (&r->ipdv_ms, rx, "ipdv_ms", error) ||
      !check_summary (&r->delay_dev_ms, rx, "delay_dev_ms", error) ||
      !check_measure (r->jitter_ms, 0, MAX_ABS_VALUE, rx, "jitter_ms", error) ||
      !check_summary (&r->jitter_d_ms, rx, "jitter_d_ms", error) ||
      !check_summary (&r->stack_send_ms, rx, "stack_send_ms", error) ||
      !check_summary (&r->stack_recv_ms, rx, "stack_recv_ms", error) ||
      !check_measure (r->loss_pct, 0, 100, rx, "loss_pct", error) ||
      !check_measure (r->reorder_pct, 0, 100, rx, "reorder_pct", error) ||
      !check_measure (r->dup_pct, 0, 100, rx, "dup_pct", error) ||
      !check_measure (r->throughput_bps, 0, MAX_ABS_VALUE, rx, "throughput_bps", error) ||
      !check_uint64 (r->bulk_bytes, rx, "bulk_bytes", error) ||
      !check_double (r->baseline_ms, -MAX_ABS_VALUE, MAX_ABS_VALUE, rx, "baseline_ms", error))
    return FALSE;
  if (r->rx_ttl < -1 || r->rx_ttl > 255)
    return field_error (error, rx, "rx_ttl", "%d is out of range [-1, 255]", r->rx_ttl);
  if (r->rx_tos < -1 || r->rx_tos > 255)
    return field_error (error, rx, "rx_tos", "%d is out of range [-1, 255]", r->rx_tos);
  if (r->last_rx_ns < 0)
    return field_error (error, rx, "last_rx_ns", "negative");
  if (!check_summary (&s->rtt_ms, where, "rtt_ms", error) ||
      !check_optional_double (s->sched_err_p99_ms, where, "sched_err_p99_ms", error) ||
      !check_uint64 (s->probes_sent, where, "probes_sent", error) ||
      !check_measure (s->skew_ppm, -1e6, 1e6, where, "skew_ppm", error))
    return FALSE;
  return TRUE;
}

static gboolean
validate_error (WvMsgType type, const WvMsgError *e, GError **error)
{
  if (type == WV_MSG_BYE)
    return check_text (e->message, sizeof e->message, "bye", "reason", error);

  if (!check_text (e->code, sizeof e->code, "error", "code", error) ||
      !check_text (e->message, sizeof e->message, "error", "message", error))
    return FALSE;
  /* A token for programs; the message is for people. */
  if (e->code[0] == '\0')
    return field_error (error, "error", "code", "empty");
  for (const char *p = e->code; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-' && *p != '.')
      return field_error (error, "error", "code",
                          "may only hold ASCII letters, digits, '_', '-' and '.'");
  return TRUE;
}

/* Limits apply to what is asked for; the values of a part not asked for
 * (max_ttl and rounds without trace, mtu_max without mtu) only have to be
 * no larger. */
static gboolean
validate_path_request (const WvMsgPathRequest *r, GError **error)
{
  const char *where = "path_request";

  if (!check_bool (r->trace, where, "trace", error) ||
      !check_bool (r->mtu, where, "mtu", error) ||
      !check_uint (r->max_ttl, r->trace ? 1 : 0, WV_MAX_TTL, where, "max_ttl", error) ||
      !check_uint (r->rounds, r->trace ? 1 : 0, WV_MAX_ROUNDS, where, "rounds", error) ||
      !check_uint (r->mtu_max, r->mtu ? WV_MTU_MIN : 0, WV_MTU_MAX, where, "mtu_max", error))
    return FALSE;
  if (r->n_mtu_sizes > WV_MTU_MAX_SIZES)
    return field_error (error, where, "mtu_sizes", "%u sizes, more than %u",
                        r->n_mtu_sizes, WV_MTU_MAX_SIZES);
  for (guint i = 0; i < r->n_mtu_sizes; i++)
    if (r->mtu_sizes[i] < WV_MTU_MIN || r->mtu_sizes[i] > WV_MTU_MAX)
      return field_error (error, where, "mtu_sizes", "size %u is out of range [%u, %u]",
                          r->mtu_sizes[i], WV_MTU_MIN, WV_MTU_MAX);
  if (!check_bool (r->trace_marked, where, "dscp", error) ||
      (r->trace_marked && !check_uint (r->trace_dscp, 0, 63, where, "dscp", error)))
    return FALSE;
  if (!r->trace && !r->mtu)
    return field_error (error, where, "trace", "neither trace nor mtu is asked for");
  return TRUE;
}

/* Only the part named by kind is sent and checked. */
static gboolean
validate_path_result (const WvMsgPathResult *r, GError **error)
{
  const char *where = "path_result";

  switch (r->kind)
    {
    case WV_RECORD_HOP:
      return check_uint (r->hop.round, 1, WV_MAX_ROUNDS, where, "round", error) &&
             check_uint (r->hop.ttl, 1, WV_MAX_TTL, where, "ttl", error) &&
             check_addr (r->hop.addr, sizeof r->hop.addr, where, "addr", error) &&
             check_optional_double (r->hop.rtt_ms, where, "rtt_ms", error) &&
             check_bool (r->hop.reached, where, "reached", error) &&
             check_bool (r->hop.has_rx_tos, where, "rx_tos", error) &&
             check_bool (r->hop.has_tos, where, "tos", error);
    case WV_RECORD_MTU:
      return check_uint (r->mtu.hop, 1, WV_MAX_TTL, where, "hop", error) &&
             check_addr (r->mtu.addr, sizeof r->mtu.addr, where, "addr", error) &&
             check_uint (r->mtu.mtu, 0, WV_MTU_MAX, where, "mtu", error);
    case WV_RECORD_PATH_MTU:
      return check_uint (r->path_mtu.mtu, 0, WV_MTU_MAX, where, "mtu", error) &&
             check_bool (r->path_mtu.confirmed, where, "confirmed", error) &&
             check_bool (r->path_mtu.at_least, where, "at_least", error);
    case WV_N_RECORD_TYPES:
      return check_text (r->error, sizeof r->error, where, "error", error);
    case WV_RECORD_STATS:
    case WV_RECORD_SUMMARY:
    default:
      return field_error (error, where, "kind", "invalid kind %d", (int) r->kind);
    }
}

static gboolean
validate_outage (const WvMsgOutage *o, GError **error)
{
  const char *where = "outage";

  if (wv_direction_to_string (o->rx_dir) == NULL)
    return field_error (error, where, "rx_dir", "invalid direction %d", (int) o->rx_dir);
  if (o->start_ns <= 0)
    return field_error (error, where, "start_ns", "not positive");
  if (o->end_ns < o->start_ns)
    return field_error (error, where, "end_ns", "before start_ns");
  return check_uint64 (o->probes_lost, where, "probes_lost", error);
}

gboolean
wv_msg_validate (const WvMsg *msg, GError **error)
{
  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((guint) msg->type >= WV_N_MSG_TYPES)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_UNKNOWN_TYPE,
                   "invalid message type %d", (int) msg->type);
      return FALSE;
    }
  switch (msg->type)
    {
    case WV_MSG_HELLO:
      return validate_hello (&msg->hello, error);
    case WV_MSG_START_STREAMS:
    case WV_MSG_STREAMS_STARTED:
      return validate_streams (msg->type, &msg->streams, error);
    case WV_MSG_STATS:
      return validate_stats (&msg->stats, error);
    case WV_MSG_ERROR:
    case WV_MSG_BYE:
      return validate_error (msg->type, &msg->error, error);
    case WV_MSG_PATH_REQUEST:
      return validate_path_request (&msg->path_request, error);
    case WV_MSG_PATH_RESULT:
      return validate_path_result (&msg->path_result, error);
    case WV_MSG_OUTAGE:
      return validate_outage (&msg->outage, error);
    case WV_MSG_STOP_STREAMS:
    case WV_MSG_STREAMS_STOPPED:
    case WV_N_MSG_TYPES:
      break;
    }
  return TRUE;
}

/* --- control messages: serialising ----------------------------------------- */

/* Free text as the peer accepts it, whatever the buffer holds: at most
 * size - 1 bytes, without a last character that g_strlcpy() cut in two,
 * '?' for bytes that are not UTF-8 and ' ' for control characters. No
 * replacement makes the text longer, so it still fits the peer's buffer: a
 * GError message copied into a message cannot get that message rejected. */
static char *
sendable_text (const char *buf, gsize size)
{
  gsize len = strnlen (buf, size);
  const char *p = buf, *end;
  GString *out;

  if (len == size)
    len = size - 1;
  end = buf + len;
  out = g_string_sized_new (len);
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -2)
        break;
      if (c == (gunichar) -1)
        {
          g_string_append_c (out, '?');
          p++;
          continue;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

static void
add_text (JsonBuilder *b, const char *name, const char *buf, gsize size)
{
  g_autofree char *s = sendable_text (buf, size);

  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, s);
}

static void
add_double (JsonBuilder *b, const char *name, double v)
{
  json_builder_set_member_name (b, name);
  /* JSON has no NaN or infinity (json-glib would write "nan.0"). */
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_uint64 (JsonBuilder *b, const char *name, guint64 v)
{
  add_int (b, name, (gint64) MIN (v, (guint64) G_MAXINT64));
}

static void
add_enum (JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* Empty summaries (n = 0) carry null values: 0 would read as a measured
 * zero delay. */
static void
add_summary (JsonBuilder *b, const char *name, const WvSummary *s)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  if (s->n > 0)
    {
      add_double (b, "min", s->min);
      add_double (b, "p50", s->p50);
      add_double (b, "p99", s->p99);
      add_double (b, "max", s->max);
      add_double (b, "mean", s->mean);
    }
  else
    {
      const char *names[] = { "min", "p50", "p99", "max", "mean" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          json_builder_set_member_name (b, names[i]);
          json_builder_add_null_value (b);
        }
    }
  add_int (b, "n", s->n);
  json_builder_end_object (b);
}

static void
build_hello (JsonBuilder *b, const WvMsgHello *h)
{
  add_int (b, "protocol", h->protocol);
  add_text (b, "software", h->software, sizeof h->software);
  add_text (b, "role", h->role, sizeof h->role);
  add_text (b, "session", h->session, sizeof h->session);
  add_text (b, "conn", h->conn, sizeof h->conn);
  json_builder_set_member_name (b, "clock");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "synced");
  json_builder_add_boolean_value (b, h->clock.synced);
  add_double (b, "error_ms", h->clock.error_ms);
  add_text (b, "boot_id", h->clock.boot_id, sizeof h->clock.boot_id);
  json_builder_end_object (b);
  /* Optional: only said when true, so older peers see the hello they know. */
  if (h->wire_times)
    {
      json_builder_set_member_name (b, "wire_times");
      json_builder_add_boolean_value (b, TRUE);
    }
}

static void
build_streams (JsonBuilder *b, WvMsgType type, const WvMsgStreams *s)
{
  add_int (b, "rate_pps", s->rate_pps);
  add_int (b, "probe_size", s->probe_size);
  add_uint64 (b, "bulk_bps", s->bulk_bps);
  add_double (b, "duration_s", s->duration_s);
  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (guint i = 0; i < MIN (s->classes.n_classes, WV_MAX_CLASSES); i++)
    json_builder_add_int_value (b, s->classes.dscp[i]);
  json_builder_end_array (b);
  if (type == WV_MSG_STREAMS_STARTED)
    {
      json_builder_set_member_name (b, "capped");
      json_builder_add_boolean_value (b, s->capped);
      add_text (b, "reason", s->reason, sizeof s->reason);
    }
}

static void
build_stats (JsonBuilder *b, const WvMsgStats *s)
{
  const WvRxRecord *r = &s->rx;

  add_int (b, "time_ns", s->time_ns);
  add_int (b, "window_s", s->window_s);
  add_int (b, "class_index", s->class_index);
  add_enum (b, "rx_dir", wv_direction_to_string (s->rx_dir));
  json_builder_set_member_name (b, "rx");
  json_builder_begin_object (b);
  add_int (b, "probes", r->probes);
  add_uint64 (b, "expected", r->expected);
  add_summary (b, "owd_ms", &r->owd_ms);
  add_summary (b, "ipdv_ms", &r->ipdv_ms);
  add_summary (b, "delay_dev_ms", &r->delay_dev_ms);
  add_double (b, "jitter_ms", r->jitter_ms);
  add_double (b, "loss_pct", r->loss_pct);
  add_double (b, "reorder_pct", r->reorder_pct);
  add_double (b, "dup_pct", r->dup_pct);
  add_double (b, "throughput_bps", r->throughput_bps);
  add_int (b, "rx_ttl", r->rx_ttl);
  add_int (b, "rx_tos", r->rx_tos);
  add_uint64 (b, "bulk_bytes", r->bulk_bytes);
  add_double (b, "baseline_ms", r->baseline_ms);
  add_int (b, "last_rx_ns", r->last_rx_ns);
  add_summary (b, "jitter_d_ms", &r->jitter_d_ms);
  add_summary (b, "stack_send_ms", &r->stack_send_ms);
  add_summary (b, "stack_recv_ms", &r->stack_recv_ms);
  add_int (b, "wire_samples", r->wire_samples);
  add_int (b, "untimed", r->untimed);
  json_builder_end_object (b);
  add_enum (b, "owd_mode", wv_owd_mode_to_string (s->owd_mode));
  add_summary (b, "rtt_ms", &s->rtt_ms);
  add_double (b, "sched_err_p99_ms", s->sched_err_p99_ms);
  add_uint64 (b, "probes_sent", s->probes_sent);
  add_int (b, "rtt_wire_samples", s->rtt_wire_samples);
  add_double (b, "skew_ppm", s->skew_ppm);
}

static void
add_bool (JsonBuilder *b, const char *name, gboolean v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, v);
}

static void
build_path_request (JsonBuilder *b, const WvMsgPathRequest *r)
{
  add_bool (b, "trace", r->trace);
  add_int (b, "max_ttl", r->max_ttl);
  add_int (b, "rounds", r->rounds);
  add_bool (b, "mtu", r->mtu);
  add_int (b, "mtu_max", r->mtu_max);
  /* Optional: left out for the reference list, so older peers see the
   * request they know. */
  if (r->n_mtu_sizes > 0)
    {
      json_builder_set_member_name (b, "mtu_sizes");
      json_builder_begin_array (b);
      for (guint i = 0; i < MIN (r->n_mtu_sizes, WV_MTU_MAX_SIZES); i++)
        json_builder_add_int_value (b, r->mtu_sizes[i]);
      json_builder_end_array (b);
    }
  /* Optional as well: unmarked traceroute probes. */
  if (r->trace_marked)
    add_int (b, "dscp", r->trace_dscp);
}

/* path_result kinds: the record types, and "done" for the end. */
static const char *
path_kind_name (int kind)
{
  switch (kind)
    {
    case WV_RECORD_HOP:
    case WV_RECORD_MTU:
    case WV_RECORD_PATH_MTU:
      return wv_record_type_to_string ((WvRecordType) kind);
    case WV_N_RECORD_TYPES:
      return "done";
    default:
      return NULL;
    }
}

static void
build_path_result (JsonBuilder *b, const WvMsgPathResult *r)
{
  add_enum (b, "kind", path_kind_name (r->kind));
  switch (r->kind)
    {
    case WV_RECORD_HOP:
      add_int (b, "round", r->hop.round);
      add_int (b, "ttl", r->hop.ttl);
      add_text (b, "addr", r->hop.addr, sizeof r->hop.addr);
      add_double (b, "rtt_ms", r->hop.rtt_ms);
      add_bool (b, "reached", r->hop.reached);
      /* Optional: the TOS sent and the TOS a router's quote showed. */
      if (r->hop.has_tos)
        add_int (b, "tos", r->hop.tos);
      if (r->hop.has_rx_tos)
        add_int (b, "rx_tos", r->hop.rx_tos);
      break;
    case WV_RECORD_MTU:
      add_int (b, "hop", r->mtu.hop);
      add_text (b, "addr", r->mtu.addr, sizeof r->mtu.addr);
      add_int (b, "mtu", r->mtu.mtu);
      break;
    case WV_RECORD_PATH_MTU:
      add_int (b, "mtu", r->path_mtu.mtu);
      add_bool (b, "confirmed", r->path_mtu.confirmed);
      /* Optional: said only when true. */
      if (r->path_mtu.at_least)
        add_bool (b, "at_least", TRUE);
      break;
    case WV_N_RECORD_TYPES:
      add_text (b, "error", r->error, sizeof r->error);
      break;
    case WV_RECORD_STATS:
    case WV_RECORD_SUMMARY:
    default:
      break;
    }
}

/* json-glib 1.6 appends ".0" to every double whose "%.17g" form has no '.',
 * which turns 1e-08 into the invalid "1e-08.0". This removes that suffix
 * after an exponent. The text comes from the generator, so apart from
 * numbers only strings (skipped) and true/false/null can hold an 'e'. */
static void
repair_exponents (char *text)
{
  char *r = text, *w = text;
  gboolean in_string = FALSE;

  while (*r != '\0')
    {
      char c = *r;

      if (in_string)
        {
          *w++ = *r++;
          if (c == '\\' && *r != '\0')
            *w++ = *r++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        {
          in_string = TRUE;
          *w++ = *r++;
        }
      else if ((c == 'e' || c == 'E') && w > text && g_ascii_isdigit (w[-1]))
        {
          *w++ = *r++;
          if (*r == '+' || *r == '-')
            *w++ = *r++;
          while (g_ascii_isdigit (*r))
            *w++ = *r++;
          if (r[0] == '.' && r[1] == '0' && !g_ascii_isdigit (r[2]))
            r += 2;
        }
      else
        *w++ = *r++;
    }
  *w = '\0';
}

char *
wv_msg_serialize (const WvMsg *msg)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) root = NULL;
  char *text;

  g_return_val_if_fail (msg != NULL, NULL);
  g_return_val_if_fail ((guint) msg->type < WV_N_MSG_TYPES, NULL);

  b = json_builder_new_immutable ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, wv_msg_type_to_string (msg->type));
  switch (msg->type)
    {
    case WV_MSG_HELLO:
      build_hello (b, &msg->hello);
      break;
    case WV_MSG_START_STREAMS:
    case WV_MSG_STREAMS_STARTED:
      build_streams (b, msg->type, &msg->streams);
      break;
    case WV_MSG_STATS:
      build_stats (b, &msg->stats);
      break;
    case WV_MSG_ERROR:
      add_text (b, "code", msg->error.code, sizeof msg->error.code);
      add_text (b, "message", msg->error.message, sizeof msg->error.message);
      break;
    case WV_MSG_BYE:
      add_text (b, "reason", msg->error.message, sizeof msg->error.message);
      break;
    case WV_MSG_PATH_REQUEST:
      build_path_request (b, &msg->path_request);
      break;
    case WV_MSG_PATH_RESULT:
      build_path_result (b, &msg->path_result);
      break;
    case WV_MSG_OUTAGE:
      add_enum (b, "rx_dir", wv_direction_to_string (msg->outage.rx_dir));
      add_int (b, "start_ns", msg->outage.start_ns);
      add_int (b, "end_ns", msg->outage.end_ns);
      add_uint64 (b, "probes_lost", msg->outage.probes_lost);
      break;
    case WV_MSG_STOP_STREAMS:
    case WV_MSG_STREAMS_STOPPED:
    case WV_N_MSG_TYPES:
      break;
    }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  repair_exponents (text);
  return text;
}

/* --- control messages: token checks before json-glib ----------------------- */

/* json-glib 1.6 (Debian 12) is lenient where RFC 8259 is strict, and some of
 * that changes values without a word: integers beyond 64 bits saturate and
 * wrap ("18446744073709551617" reads as -1, "-18446744073709551617" as 1),
 * "\u0000" silently ends a string, and text after the first value is ignored.
 * It also takes comments, single quotes, hexadecimal and leading-zero
 * numbers, recurses without a depth limit, and leaks memory on a bad UTF-16
 * surrogate pair; its strict mode only came in 1.10. This pass rejects all
 * of that. It only checks tokens and nesting; the parsing is json-glib's. */

typedef struct
{
  const char *text;
  gsize len;
  gsize pos;
  /* The last member name, to say where a bad token is. */
  const char *key;
  gsize key_len;
} Scan;

static gboolean G_GNUC_PRINTF (3, 4)
scan_error (Scan *s, GError **error, const char *format, ...)
{
  g_autofree char *detail = NULL;
  g_autofree char *key = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);
  if (s->key != NULL)
    key = quote_for_message (s->key, s->key_len);
  g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
               "not valid JSON: %s at byte %" G_GSIZE_FORMAT "%s%s",
               detail, s->pos, key ? ", after member " : "", key ? key : "");
  return FALSE;
}

/* The UTF-16 code unit of the 'u' escape at s->pos. */
static gboolean
scan_u_escape (Scan *s, gunichar *out, GError **error)
{
  gunichar c = 0;

  if (s->pos + 6 > s->len)
    return scan_error (s, error, "truncated \\u escape");
  for (guint i = 2; i < 6; i++)
    {
      int digit = g_ascii_xdigit_value (s->text[s->pos + i]);

      if (digit < 0)
        return scan_error (s, error, "bad \\u escape");
      c = c * 16 + (gunichar) digit;
    }
  *out = c;
  return TRUE;
}

static gboolean
scan_string (Scan *s, GError **error)
{
  gsize start = ++s->pos;

  while (s->pos < s->len)
    {
      guchar c = s->text[s->pos];

      if (c == '"')
        {
          gsize end = s->pos++;
          gsize next = s->pos;

          while (next < s->len && g_ascii_isspace (s->text[next]))
            next++;
          if (next < s->len && s->text[next] == ':')
            {
              s->key = s->text + start;
              s->key_len = end - start;
            }
          return TRUE;
        }
      if (c < 0x20)
        return scan_error (s, error, "control character in a string");
      if (c != '\\')
        {
          s->pos++;
          continue;
        }
      if (s->pos + 1 >= s->len)
        break;
      switch (s->text[s->pos + 1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          s->pos += 2;
          break;
        case 'u':
          {
            gunichar unit;

            if (!scan_u_escape (s, &unit, error))
              return FALSE;
            if (unit == 0)
              return scan_error (s, error, "\\u0000 in a string");
            /* json-glib 1.6 leaks memory on a bad surrogate pair. */
            if (unit >= 0xdc00 && unit <= 0xdfff)
              return scan_error (s, error, "unpaired surrogate in a string");
            s->pos += 6;
            if (unit >= 0xd800 && unit <= 0xdbff)
              {
                if (s->pos + 1 >= s->len || s->text[s->pos] != '\\' || s->text[s->pos + 1] != 'u')
                  return scan_error (s, error, "unpaired surrogate in a string");
                if (!scan_u_escape (s, &unit, error))
                  return FALSE;
                if (unit < 0xdc00 || unit > 0xdfff)
                  return scan_error (s, error, "unpaired surrogate in a string");
                s->pos += 6;
              }
            break;
          }
        default:
          return scan_error (s, error, "unknown escape in a string");
        }
    }
  return scan_error (s, error, "unterminated string");
}

static gboolean
scan_digits (Scan *s)
{
  gsize start = s->pos;

  while (s->pos < s->len && g_ascii_isdigit (s->text[s->pos]))
    s->pos++;
  return s->pos > start;
}

/* Errors in a number point at its first character. */
static gboolean
number_error (Scan *s, gsize start, GError **error, const char *what)
{
  s->pos = start;
  return scan_error (s, error, "%s", what);
}

static gboolean
scan_number (Scan *s, GError **error)
{
  gsize start = s->pos;
  gboolean integer = TRUE;

  if (s->text[s->pos] == '-')
    s->pos++;
  if (s->pos < s->len && s->text[s->pos] == '0')
    s->pos++;
  else if (!scan_digits (s))
    return number_error (s, start, error, "bad number");
  if (s->pos < s->len && s->text[s->pos] == '.')
    {
      integer = FALSE;
      s->pos++;
      if (!scan_digits (s))
        return number_error (s, start, error, "bad number");
    }
  if (s->pos < s->len && (s->text[s->pos] == 'e' || s->text[s->pos] == 'E'))
    {
      integer = FALSE;
      s->pos++;
      if (s->pos < s->len && (s->text[s->pos] == '+' || s->text[s->pos] == '-'))
        s->pos++;
      if (!scan_digits (s))
        return number_error (s, start, error, "bad number");
    }
  if (s->pos < s->len && (g_ascii_isalnum (s->text[s->pos]) || s->text[s->pos] == '.' ||
                          s->text[s->pos] == '+' || s->text[s->pos] == '-'))
    return number_error (s, start, error, "bad number");

  if (integer)
    {
      char buf[24];
      gsize n = s->pos - start;

      /* 20 characters hold "-9223372036854775808". */
      if (n > 20)
        return number_error (s, start, error, "integer out of the 64-bit range");
      memcpy (buf, s->text + start, n);
      buf[n] = '\0';
      if (!g_ascii_string_to_signed (buf, 10, G_MININT64, G_MAXINT64, NULL, NULL))
        return number_error (s, start, error, "integer out of the 64-bit range");
    }
  return TRUE;
}

static gboolean
scan_word (Scan *s, GError **error)
{
  static const char *const words[] = { "true", "false", "null" };
  gsize start = s->pos;

  while (s->pos < s->len && (g_ascii_isalnum (s->text[s->pos]) || s->text[s->pos] == '_'))
    s->pos++;
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (s->pos - start == strlen (words[i]) &&
        memcmp (s->text + start, words[i], s->pos - start) == 0)
      return TRUE;
  s->pos = start;
  return scan_error (s, error, "unexpected word");
}

static gboolean
check_json_tokens (const char *text, gsize len, GError **error)
{
  Scan s = { .text = text, .len = len };
  guint depth = 0;
  gboolean done = FALSE;

  while (s.pos < len && g_ascii_isspace (text[s.pos]))
    s.pos++;
  if (s.pos == len)
    return scan_error (&s, error, "no value");
  if (text[s.pos] != '{')
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   "not a JSON object");
      return FALSE;
    }

  while (s.pos < len)
    {
      char c = text[s.pos];

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          s.pos++;
          continue;
        }
      if (done)
        return scan_error (&s, error, "data after the object");
      switch (c)
        {
        case '{':
        case '[':
          if (++depth > JSON_MAX_DEPTH)
            return scan_error (&s, error, "nested deeper than %u levels", JSON_MAX_DEPTH);
          s.pos++;
          break;
        case '}':
        case ']':
          /* Mismatched pairs are json-glib's to report. */
          if (--depth == 0)
            done = TRUE;
          s.pos++;
          break;
        case ',':
        case ':':
          s.pos++;
          break;
        case '"':
          if (!scan_string (&s, error))
            return FALSE;
          break;
        case '-':
        case '0': case '1': case '2': case '3': case '4':
        case '5': case '6': case '7': case '8': case '9':
          if (!scan_number (&s, error))
            return FALSE;
          break;
        default:
          if (!g_ascii_isalpha (c))
            return scan_error (&s, error, "unexpected character 0x%02x", (guchar) c);
          if (!scan_word (&s, error))
            return FALSE;
          break;
        }
    }
  if (!done)
    return scan_error (&s, error, "truncated");
  return TRUE;
}

gboolean
wv_json_check_object (const char *text, gsize len, GError **error)
{
  return check_json_tokens (text, len, error);
}

/* --- control messages: duplicate members ----------------------------------- */

/* json-glib keeps the last of two members with the same name. Another reader
 * may keep the first, so such a message means different things to different
 * programs: it is rejected. A member that does not make its object grow is a
 * duplicate; the parser tells us about each one after adding it. */
typedef struct
{
  guint depth;
  guint size[JSON_MAX_DEPTH + 1];
  char *duplicate;
  gsize duplicate_len;
} DupCheck;

static void
on_object_start (JsonParser *parser, DupCheck *d)
{
  d->depth++;
  if (d->depth < G_N_ELEMENTS (d->size))
    d->size[d->depth] = 0;
}

static void
on_object_member (JsonParser *parser, JsonObject *object, const char *name, DupCheck *d)
{
  guint size = json_object_get_size (object);

  if (d->depth >= G_N_ELEMENTS (d->size))
    return;
  if (size == d->size[d->depth] && d->duplicate == NULL)
    {
      d->duplicate_len = strlen (name);
      d->duplicate = g_strndup (name, 64);
    }
  d->size[d->depth] = size;
}

static void
on_object_end (JsonParser *parser, JsonObject *object, DupCheck *d)
{
  if (d->depth > 0)
    d->depth--;
}

/* --- control messages: reading fields -------------------------------------- */

static JsonNode *
get_member (JsonObject *o, const char *where, const char *name, GError **error)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL)
    field_error (error, where, name, "missing");
  return node;
}

static gboolean
get_int (JsonObject *o, const char *where, const char *name, gint64 min, gint64 max,
         gint64 *out, GError **error)
{
  JsonNode *node = get_member (o, where, name, error);
  gint64 v;

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return field_error (error, where, name, "not an integer");
  v = json_node_get_int (node);
  if (v < min || v > max)
    return field_error (error, where, name, "%" G_GINT64_FORMAT " is out of range", v);
  *out = v;
  return TRUE;
}

static gboolean
get_uint (JsonObject *o, const char *where, const char *name, guint *out, GError **error)
{
  gint64 v;

  if (!get_int (o, where, name, 0, G_MAXUINT, &v, error))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static gboolean
get_uint_max (JsonObject *o, const char *where, const char *name, guint max, guint *out,
              GError **error)
{
  gint64 v;

  if (!get_int (o, where, name, 0, max, &v, error))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

/* An optional TOS byte: absent is unknown. */
static gboolean
get_optional_tos (JsonObject *o, const char *where, const char *name, gboolean *has,
                  guint8 *out, GError **error)
{
  guint v = 0;

  *has = json_object_has_member (o, name);
  *out = 0;
  if (!*has)
    return TRUE;
  if (!get_uint_max (o, where, name, 255, &v, error))
    return FALSE;
  *out = (guint8) v;
  return TRUE;
}

static gboolean
get_uint64 (JsonObject *o, const char *where, const char *name, guint64 *out, GError **error)
{
  gint64 v;

  if (!get_int (o, where, name, 0, G_MAXINT64, &v, error))
    return FALSE;
  *out = (guint64) v;
  return TRUE;
}

static gboolean
get_small_int (JsonObject *o, const char *where, const char *name, int *out, GError **error)
{
  gint64 v;

  if (!get_int (o, where, name, G_MININT, G_MAXINT, &v, error))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* Integers are numbers too: a peer may write 5 for 5.0. Ranges and
 * finiteness (1e999 reads as infinity) are wv_msg_validate's. */
static gboolean
get_double (JsonObject *o, const char *where, const char *name, double *out, GError **error)
{
  JsonNode *node = get_member (o, where, name, error);

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    *out = json_node_get_double (node);
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    *out = (double) json_node_get_int (node);
  else
    return field_error (error, where, name, "not a number");
  return TRUE;
}

/* A measure: a number, or null for unknown (NaN). */
static gboolean
get_measure (JsonObject *o, const char *where, const char *name, double *out, GError **error)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  return get_double (o, where, name, out, error);
}

static gboolean
get_bool (JsonObject *o, const char *where, const char *name, gboolean *out, GError **error)
{
  JsonNode *node = get_member (o, where, name, error);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return field_error (error, where, name, "not a boolean");
  *out = json_node_get_boolean (node) ? TRUE : FALSE;
  return TRUE;
}

static const char *
get_string_node (JsonObject *o, const char *where, const char *name, GError **error)
{
  JsonNode *node = get_member (o, where, name, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      field_error (error, where, name, "not a string");
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
get_string (JsonObject *o, const char *where, const char *name, char *buf, gsize size,
            GError **error)
{
  const char *s = get_string_node (o, where, name, error);
  gsize len;

  if (s == NULL)
    return FALSE;
  len = strlen (s);
  if (len >= size)
    return field_error (error, where, name, "longer than %" G_GSIZE_FORMAT " bytes", size - 1);
  memcpy (buf, s, len + 1);
  return TRUE;
}

static JsonObject *
get_object (JsonObject *o, const char *where, const char *name, GError **error)
{
  JsonNode *node = get_member (o, where, name, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      field_error (error, where, name, "not an object");
      return NULL;
    }
  return json_node_get_object (node);
}

static gboolean
get_summary (JsonObject *o, const char *where, const char *name, WvSummary *out,
             GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s.%s", where, name);
  JsonObject *so = get_object (o, where, name, error);
  const char *names[] = { "min", "p50", "p99", "max", "mean" };
  double *values[] = { &out->min, &out->p50, &out->p99, &out->max, &out->mean };

  if (so == NULL || !get_uint (so, path, "n", &out->n, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (out->n > 0)
        {
          if (!get_double (so, path, names[i], values[i], error))
            return FALSE;
        }
      else
        {
          /* Empty: null or left out. */
          JsonNode *node = json_object_get_member (so, names[i]);

          if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
            return field_error (error, path, names[i], "not null although n is 0");
          *values[i] = 0;
        }
    }
  return TRUE;
}

static gboolean
read_hello (JsonObject *o, WvMsgHello *h, GError **error)
{
  const char *where = "hello";
  JsonObject *clock;
  gint64 protocol;

  /* The version first: another version may have other fields. */
  if (!get_int (o, where, "protocol", G_MININT64, G_MAXINT64, &protocol, error))
    return FALSE;
  if (protocol != WV_PROTOCOL_VERSION)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_VERSION,
                   "hello.protocol: version %" G_GINT64_FORMAT ", this end speaks %u",
                   protocol, WV_PROTOCOL_VERSION);
      return FALSE;
    }
  h->protocol = (guint) protocol;
  if (!get_string (o, where, "software", h->software, sizeof h->software, error) ||
      !get_string (o, where, "role", h->role, sizeof h->role, error) ||
      !get_string (o, where, "session", h->session, sizeof h->session, error) ||
      !get_string (o, where, "conn", h->conn, sizeof h->conn, error))
    return FALSE;
  clock = get_object (o, where, "clock", error);
  if (clock == NULL ||
      !get_bool (clock, "hello.clock", "synced", &h->clock.synced, error) ||
      !get_double (clock, "hello.clock", "error_ms", &h->clock.error_ms, error) ||
      !get_string (clock, "hello.clock", "boot_id", h->clock.boot_id,
                   sizeof h->clock.boot_id, error))
    return FALSE;
  h->wire_times = FALSE;
  if (json_object_has_member (o, "wire_times") &&
      !get_bool (o, where, "wire_times", &h->wire_times, error))
    return FALSE;
  return TRUE;
}

/* An array of at most @max_n integers, "@noun" in the error text. */
static gboolean
get_int_array (JsonObject *o, const char *where, const char *name, const char *noun,
               guint max_n, gint64 *values, guint *n_values, GError **error)
{
  JsonNode *node = get_member (o, where, name, error);
  JsonArray *array;
  guint n;

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return field_error (error, where, name, "not an array");
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n > max_n)
    return field_error (error, where, name, "%u %s, more than %u", n, noun, max_n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *e = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_INT64)
        return field_error (error, where, name, "element %u is not an integer", i);
      values[i] = json_node_get_int (e);
    }
  *n_values = n;
  return TRUE;
}

static gboolean
read_streams (JsonObject *o, WvMsgType type, WvMsgStreams *s, GError **error)
{
  const char *where = wv_msg_type_to_string (type);
  gint64 values[WV_MAX_CLASSES];
  guint n;

  if (!get_uint (o, where, "rate_pps", &s->rate_pps, error) ||
      !get_uint (o, where, "probe_size", &s->probe_size, error) ||
      !get_uint64 (o, where, "bulk_bps", &s->bulk_bps, error) ||
      !get_double (o, where, "duration_s", &s->duration_s, error))
    return FALSE;

  if (!get_int_array (o, where, "classes", "classes", WV_MAX_CLASSES, values, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (values[i] < G_MININT || values[i] > G_MAXINT)
        return field_error (error, where, "classes",
                            "DSCP %" G_GINT64_FORMAT " is out of range", values[i]);
      s->classes.dscp[i] = (int) values[i];
    }
  s->classes.n_classes = n;

  if (type == WV_MSG_STREAMS_STARTED &&
      (!get_bool (o, where, "capped", &s->capped, error) ||
       !get_string (o, where, "reason", s->reason, sizeof s->reason, error)))
    return FALSE;
  return TRUE;
}

static gboolean
get_enum_string (JsonObject *o, const char *where, const char *name,
                 const char *(*to_string) (int), int n_values, int *out, GError **error)
{
  const char *s = get_string_node (o, where, name, error);

  if (s == NULL)
    return FALSE;
  for (int v = 0; v < n_values; v++)
    if (to_string (v) != NULL && strcmp (s, to_string (v)) == 0)
      {
        *out = v;
        return TRUE;
      }
  return field_error (error, where, name, "unknown value");
}

static const char *
direction_name (int v)
{
  return wv_direction_to_string ((WvDirection) v);
}

static const char *
owd_mode_name (int v)
{
  return wv_owd_mode_to_string ((WvOwdMode) v);
}

/* A count added after the first version of the protocol (absent: 0). */
static gboolean
get_optional_uint (JsonObject *o, const char *where, const char *name, guint *out, GError **error)
{
  *out = 0;
  if (!json_object_has_member (o, name))
    return TRUE;
  return get_uint (o, where, name, out, error);
}

/* A summary added after the first version of the protocol: an older peer
 * leaves it out, and then it is empty (n = 0). */
static gboolean
get_optional_summary (JsonObject *o, const char *where, const char *name, WvSummary *out,
                      GError **error)
{
  memset (out, 0, sizeof *out);
  if (!json_object_has_member (o, name))
    return TRUE;
  return get_summary (o, where, name, out, error);
}

static gboolean
read_stats (JsonObject *o, WvMsgStats *s, GError **error)
{
  const char *where = "stats";
  const char *rxw = "stats.rx";
  WvRxRecord *r = &s->rx;
  JsonObject *rx;
  int dir = 0, mode = 0;

  if (!get_int (o, where, "time_ns", G_MININT64, G_MAXINT64, &s->time_ns, error) ||
      !get_uint (o, where, "window_s", &s->window_s, error) ||
      !get_uint (o, where, "class_index", &s->class_index, error) ||
      !get_enum_string (o, where, "rx_dir", direction_name, 2, &dir, error))
    return FALSE;
  s->rx_dir = (WvDirection) dir;

  rx = get_object (o, where, "rx", error);
  if (rx == NULL ||
      !get_uint (rx, rxw, "probes", &r->probes, error) ||
      !get_uint64 (rx, rxw, "expected", &r->expected, error) ||
      !get_summary (rx, rxw, "owd_ms", &r->owd_ms, error) ||
      !get_summary (rx, rxw, "ipdv_ms", &r->ipdv_ms, error) ||
      !get_summary (rx, rxw, "delay_dev_ms", &r->delay_dev_ms, error) ||
      !get_measure (rx, rxw, "jitter_ms", &r->jitter_ms, error) ||
      !get_measure (rx, rxw, "loss_pct", &r->loss_pct, error) ||
      !get_measure (rx, rxw, "reorder_pct", &r->reorder_pct, error) ||
      !get_measure (rx, rxw, "dup_pct", &r->dup_pct, error) ||
      !get_measure (rx, rxw, "throughput_bps", &r->throughput_bps, error) ||
      !get_small_int (rx, rxw, "rx_ttl", &r->rx_ttl, error) ||
      !get_small_int (rx, rxw, "rx_tos", &r->rx_tos, error) ||
      !get_uint64 (rx, rxw, "bulk_bytes", &r->bulk_bytes, error) ||
      !get_double (rx, rxw, "baseline_ms", &r->baseline_ms, error) ||
      !get_int (rx, rxw, "last_rx_ns", G_MININT64, G_MAXINT64, &r->last_rx_ns, error) ||
      !get_optional_summary (rx, rxw, "jitter_d_ms", &r->jitter_d_ms, error) ||
      !get_optional_summary (rx, rxw, "stack_send_ms", &r->stack_send_ms, error) ||
      !get_optional_summary (rx, rxw, "stack_recv_ms", &r->stack_recv_ms, error) ||
      !get_optional_uint (rx, rxw, "wire_samples", &r->wire_samples, error) ||
      !get_optional_uint (rx, rxw, "untimed", &r->untimed, error))
    return FALSE;
  /* Implied by the window (G_MAXUINT s still fits in gint64 ns). */
  r->window_ns = (gint64) s->window_s * NS_PER_S;

  if (!get_enum_string (o, where, "owd_mode", owd_mode_name, 2, &mode, error) ||
      !get_summary (o, where, "rtt_ms", &s->rtt_ms, error) ||
      !get_double (o, where, "sched_err_p99_ms", &s->sched_err_p99_ms, error) ||
      !get_uint64 (o, where, "probes_sent", &s->probes_sent, error) ||
      !get_optional_uint (o, where, "rtt_wire_samples", &s->rtt_wire_samples, error))
    return FALSE;
  s->skew_ppm = NAN;
  if (json_object_has_member (o, "skew_ppm") &&
      !get_measure (o, where, "skew_ppm", &s->skew_ppm, error))
    return FALSE;
  s->owd_mode = (WvOwdMode) mode;
  return TRUE;
}

static gboolean
read_path_request (JsonObject *o, WvMsgPathRequest *r, GError **error)
{
  const char *where = "path_request";

  gint64 values[WV_MTU_MAX_SIZES];
  guint n;

  if (!get_bool (o, where, "trace", &r->trace, error) ||
      !get_uint (o, where, "max_ttl", &r->max_ttl, error) ||
      !get_uint (o, where, "rounds", &r->rounds, error) ||
      !get_bool (o, where, "mtu", &r->mtu, error) ||
      !get_uint (o, where, "mtu_max", &r->mtu_max, error))
    return FALSE;
  /* Optional (absent: unmarked probes). */
  r->trace_marked = json_object_has_member (o, "dscp");
  if (r->trace_marked && !get_uint_max (o, where, "dscp", 63, &r->trace_dscp, error))
    return FALSE;
  /* Optional (absent: the reference list). */
  r->n_mtu_sizes = 0;
  if (!json_object_has_member (o, "mtu_sizes"))
    return TRUE;
  if (!get_int_array (o, where, "mtu_sizes", "sizes", WV_MTU_MAX_SIZES, values, &n, error))
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (values[i] < 0 || values[i] > G_MAXUINT)
        return field_error (error, where, "mtu_sizes",
                            "size %" G_GINT64_FORMAT " is out of range", values[i]);
      r->mtu_sizes[i] = (guint) values[i];
    }
  r->n_mtu_sizes = n;
  return TRUE;
}

static gboolean
read_path_result (JsonObject *o, WvMsgPathResult *r, GError **error)
{
  const char *where = "path_result";
  int kind = 0;

  if (!get_enum_string (o, where, "kind", path_kind_name, WV_N_RECORD_TYPES + 1, &kind, error))
    return FALSE;
  r->kind = (WvRecordType) kind;
  switch (r->kind)
    {
    case WV_RECORD_HOP:
      return get_uint (o, where, "round", &r->hop.round, error) &&
             get_uint (o, where, "ttl", &r->hop.ttl, error) &&
             get_string (o, where, "addr", r->hop.addr, sizeof r->hop.addr, error) &&
             get_double (o, where, "rtt_ms", &r->hop.rtt_ms, error) &&
             get_bool (o, where, "reached", &r->hop.reached, error) &&
             get_optional_tos (o, where, "tos", &r->hop.has_tos, &r->hop.tos, error) &&
             get_optional_tos (o, where, "rx_tos", &r->hop.has_rx_tos, &r->hop.rx_tos, error);
    case WV_RECORD_MTU:
      return get_uint (o, where, "hop", &r->mtu.hop, error) &&
             get_string (o, where, "addr", r->mtu.addr, sizeof r->mtu.addr, error) &&
             get_uint (o, where, "mtu", &r->mtu.mtu, error);
    case WV_RECORD_PATH_MTU:
      return get_uint (o, where, "mtu", &r->path_mtu.mtu, error) &&
             get_bool (o, where, "confirmed", &r->path_mtu.confirmed, error) &&
             (!json_object_has_member (o, "at_least") ||
              get_bool (o, where, "at_least", &r->path_mtu.at_least, error));
    case WV_N_RECORD_TYPES:
      return get_string (o, where, "error", r->error, sizeof r->error, error);
    case WV_RECORD_STATS:
    case WV_RECORD_SUMMARY:
    default:
      /* get_enum_string only returns the kinds above. */
      return field_error (error, where, "kind", "unknown value");
    }
}

static gboolean
read_outage (JsonObject *o, WvMsgOutage *out, GError **error)
{
  const char *where = "outage";
  int dir = 0;

  if (!get_enum_string (o, where, "rx_dir", direction_name, 2, &dir, error) ||
      !get_int (o, where, "start_ns", G_MININT64, G_MAXINT64, &out->start_ns, error) ||
      !get_int (o, where, "end_ns", G_MININT64, G_MAXINT64, &out->end_ns, error) ||
      !get_uint64 (o, where, "probes_lost", &out->probes_lost, error))
    return FALSE;
  out->rx_dir = (WvDirection) dir;
  return TRUE;
}

gboolean
wv_msg_parse (const char *text, gsize len, WvMsg *out, GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) json_error = NULL;
  g_autofree char *duplicate = NULL;
  DupCheck dup = { 0 };
  JsonNode *root, *type_node;
  JsonObject *o;
  const char *type_name;
  WvMsg msg;
  gboolean ok;
  int type;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len > WV_CONTROL_MAX_SIZE)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_TOO_LARGE,
                   "control message of %" G_GSIZE_FORMAT " bytes, larger than %u",
                   len, WV_CONTROL_MAX_SIZE);
      return FALSE;
    }
  if (len == 0)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   "empty control message");
      return FALSE;
    }
  /* This also rejects NUL bytes. */
  if (!g_utf8_validate_len (text, len, NULL))
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   "control message is not valid UTF-8");
      return FALSE;
    }
  if (!check_json_tokens (text, len, error))
    return FALSE;

  parser = json_parser_new_immutable ();
  g_signal_connect (parser, "object-start", G_CALLBACK (on_object_start), &dup);
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &dup);
  g_signal_connect (parser, "object-end", G_CALLBACK (on_object_end), &dup);
  ok = json_parser_load_from_data (parser, text, (gssize) len, &json_error);
  duplicate = g_steal_pointer (&dup.duplicate);
  if (!ok)
    {
      g_autofree char *detail = printable (json_error->message);

      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   "not valid JSON: %s", detail);
      return FALSE;
    }
  if (duplicate != NULL)
    {
      g_autofree char *quoted = quote_for_message (duplicate, dup.duplicate_len);

      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   "duplicate member %s", quoted);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED, "not a JSON object");
      return FALSE;
    }
  o = json_node_get_object (root);

  type_node = json_object_get_member (o, "type");
  if (type_node == NULL || !JSON_NODE_HOLDS_VALUE (type_node) ||
      json_node_get_value_type (type_node) != G_TYPE_STRING)
    {
      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_MALFORMED,
                   type_node == NULL ? "no \"type\" member" : "\"type\" is not a string");
      return FALSE;
    }
  type_name = json_node_get_string (type_node);
  for (type = 0; type < WV_N_MSG_TYPES; type++)
    if (strcmp (type_name, msg_type_names[type]) == 0)
      break;
  if (type == WV_N_MSG_TYPES)
    {
      g_autofree char *quoted = quote_for_message (type_name, strlen (type_name));

      g_set_error (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_UNKNOWN_TYPE,
                   "unknown message type %s", quoted);
      return FALSE;
    }

  /* Zeroed as a whole, padding included, so that equal messages compare
   * equal with memcmp(). */
  memset (&msg, 0, sizeof msg);
  msg.type = (WvMsgType) type;
  switch (msg.type)
    {
    case WV_MSG_HELLO:
      ok = read_hello (o, &msg.hello, error);
      break;
    case WV_MSG_START_STREAMS:
    case WV_MSG_STREAMS_STARTED:
      ok = read_streams (o, msg.type, &msg.streams, error);
      break;
    case WV_MSG_STATS:
      ok = read_stats (o, &msg.stats, error);
      break;
    case WV_MSG_ERROR:
      ok = get_string (o, "error", "code", msg.error.code, sizeof msg.error.code, error) &&
           get_string (o, "error", "message", msg.error.message, sizeof msg.error.message, error);
      break;
    case WV_MSG_BYE:
      ok = get_string (o, "bye", "reason", msg.error.message, sizeof msg.error.message, error);
      break;
    case WV_MSG_PATH_REQUEST:
      ok = read_path_request (o, &msg.path_request, error);
      break;
    case WV_MSG_PATH_RESULT:
      ok = read_path_result (o, &msg.path_result, error);
      break;
    case WV_MSG_OUTAGE:
      ok = read_outage (o, &msg.outage, error);
      break;
    case WV_MSG_STOP_STREAMS:
    case WV_MSG_STREAMS_STOPPED:
    case WV_N_MSG_TYPES:
      ok = TRUE;
      break;
    }
  if (!ok || !wv_msg_validate (&msg, error))
    return FALSE;
  if (out != NULL)
    memcpy (out, &msg, sizeof msg);
  return TRUE;
}

/* wv-path-probe.c: traceroute and MTU discovery on a connection's own flow
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Test probes are data-channel messages on the testprobe channel, sent with
 * per-packet options (TTL, DF, exact size) and a probe id, so they follow
 * the connection's own 5-tuple. For each probe the stack reports what went
 * on the wire, including the DTLS epoch and sequence number of the record.
 * An ICMP error quotes the start of our UDP payload, which is that record
 * header: that is how an error is matched to its probe, whether it comes
 * from the socket's error queue (no privilege needed) or from the ICMP
 * helper. The peer acknowledges every test probe it receives: that is how
 * a trace knows it reached the peer and how the path MTU is confirmed.
 *
 * A trace round sends all TTLs at once and ends when every hop before the
 * peer answered, or after a timeout for silent hops.
 *
 * The MTU search sends DF probes of exact sizes to the peer. A router that
 * cannot forward one answers "fragmentation needed" / "packet too big" with
 * the next-hop MTU: that link's MTU, where the next probe size comes from.
 * Without a usable MTU in the answer (or with no answer at all) the search
 * falls back to the reference sizes and then bisects to the exact byte. The
 * MTU up to each hop follows from where the bottlenecks are, and is then
 * confirmed with a probe of that size and that hop's TTL.
 */
#define G_LOG_DOMAIN "wv-path-probe"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/errqueue.h>

#include "wv-clock.h"
#include "wv-path-probe.h"
#include "wv-wire-match.h"

#define MAX_PROBES 4096
#define MTU_MAX_STEPS 40
#define TICK_MS 20

static const guint reference_sizes[] = { 576, 1280, 1350, 1400, 1450, 1472, 1490, 1500 };

typedef enum {
  ANS_NONE,
  ANS_TIME_EXCEEDED,
  ANS_TOO_BIG,         /* fragmentation needed / packet too big */
  ANS_UNREACHABLE,
  ANS_REACHED,         /* the peer acknowledged it */
  ANS_LOCAL_TOO_BIG,   /* larger than our own interface allows */
  ANS_NOT_SENT,        /* the stack could not send it with its options */
} Answer;

typedef enum {
  KIND_TRACE,
  KIND_MTU,
  KIND_MTU_HOP,
} ProbeKind;

typedef struct {
  guint64 id;
  ProbeKind kind;
  guint round;
  guint ttl;
  guint size;               /* IP total length asked for, 0 = natural */
  gint64 queued_ns;
  gboolean reported;
  WvSendReport report;
  Answer answer;
  char addr[WV_ADDR_STRLEN];
  guint32 mtu;
  double rtt_ms;
  /* Reached the peer: its ack's times, and whether the ack's wire send
   * time (ACK_WIRE) is still to come. */
  gboolean await_wire;
  gint64 ack_t1, ack_t2, ack_t4;
  gboolean has_rx_tos;      /* the router's quote of our IP header */
  guint8 rx_tos;
} Probe;

/* An ICMP error that arrived before the send report of its probe (errors
 * come from the network thread, reports through the bus): kept a while
 * and matched when the report arrives. */
typedef struct {
  WvWireKey key;
  Answer answer;
  char addr[WV_ADDR_STRLEN];
  guint32 mtu;
  gint64 time_ns;
  int rx_tos;               /* -1 unknown */
} PendingAnswer;

#define MAX_PENDING 256
#define PENDING_MAX_AGE_NS (5 * G_GINT64_CONSTANT (1000000000))

typedef enum {
  OP_NONE,
  OP_TRACE,
  OP_MTU_TRACE,             /* the one round a lone MTU search needs */
  OP_MTU_SEARCH,
  OP_MTU_CONFIRM,
} Op;

typedef struct {
  guint ttl;
  guint mtu;
  gboolean confirmed;
} HopMtu;

struct _WvPathProbe
{
  GObject parent_instance;

  WvPeer *peer;
  WvIcmpHelper *helper;
  GHashTable *probes;       /* id -> Probe */
  guint64 next_id;
  gboolean peer_wire_times;
  Op op;
  guint tick_source;
  gint64 deadline_ns;

  /* trace */
  WvTraceParams trace;
  guint round;
  GPtrArray *round_probes;  /* Probe*, by TTL - 1 */
  gint64 complete_ns;       /* when every hop of the round had answered, 0 = not yet */
  char (*hops)[WV_ADDR_STRLEN];   /* address per TTL of the last trace, "" = silent */
  guint n_hops;             /* up to and including the peer */
  gboolean reached;

  /* MTU */
  WvMtuParams mtu;
  guint size, lo, hi;       /* lo: largest size known to reach the peer, 0 = none yet */
  guint steps;
  gboolean resent;          /* the current size was sent again after silence */
  Probe *current;
  GArray *bottlenecks;      /* HopMtu: link after hop .ttl has MTU .mtu */
  GArray *hop_mtus;         /* HopMtu per hop */
  guint path_mtu;
  gboolean path_confirmed;
  guint local_mtu;          /* from local EMSGSIZE errors, 0 = unknown */

  GArray *pending;          /* PendingAnswer, oldest first */

  guint watched_port;
  WvPathProbeCounters counters;
};

G_DEFINE_FINAL_TYPE (WvPathProbe, wv_path_probe, G_TYPE_OBJECT)

enum {
  SIGNAL_HOP,
  SIGNAL_MTU,
  SIGNAL_PATH_MTU,
  SIGNAL_DONE,
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void advance (WvPathProbe *self);
static void match_pending (WvPathProbe *self, Probe *p);

static void
emit_error (WvPathProbe *self, const char *text)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, text);

  g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

/* --- sending -------------------------------------------------------------- */

/* The UDP payload length of a datagram padded to an IP total length of
 * @size (no IP options or extension headers: the stack adds none). The
 * probe says it, so that a peer that cannot see the datagram's length (a
 * web browser) can acknowledge it with that length. 0 = not padded. */
static guint16
padded_udp_length (WvPathProbe *self, guint size)
{
  int family = wv_peer_get_family (self->peer);
  guint headers = (family == 6 ? 40 : 20) + 8;

  if (size == 0 || (family != 4 && family != 6) || size <= headers || size - headers > G_MAXUINT16)
    return 0;
  return size - headers;
}

static Probe *
send_probe (WvPathProbe *self, ProbeKind kind, guint ttl, guint size, gboolean df)
{
  guint8 buf[WV_TESTPROBE_SIZE];
  WvTestProbe tp = { WV_TESTPROBE };
  WvSendOptions opts = WV_SEND_OPTIONS_INIT;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  Probe *p;

  if (g_hash_table_size (self->probes) >= MAX_PROBES)
    g_hash_table_remove_all (self->probes);

  p = g_new0 (Probe, 1);
  p->id = self->next_id++;
  p->kind = kind;
  p->round = self->round;
  p->ttl = ttl;
  p->size = size;
  p->queued_ns = wv_now_ns ();
  g_hash_table_insert (self->probes, &p->id, p);

  tp.ttl = ttl;
  tp.probe_id = p->id;
  tp.t1 = p->queued_ns;
  tp.udp_length = padded_udp_length (self, size);
  wv_testprobe_write (&tp, buf, sizeof buf);
  bytes = g_bytes_new (buf, sizeof buf);
  opts.ttl = ttl;
  opts.probe_id = p->id;
  if (kind == KIND_TRACE && self->op == OP_TRACE && self->trace.tos >= 0)
    opts.tos = self->trace.tos;
  if (df)
    opts.df = WV_DF_ON;
  if (size)
    opts.pad_to = size;
  self->counters.probes_sent++;
  if (!wv_peer_send (self->peer, WV_CHANNEL_TESTPROBE, bytes, &opts, &error))
    {
      p->answer = ANS_NOT_SENT;
      g_debug ("test probe %" G_GUINT64_FORMAT " not sent: %s", p->id, error->message);
    }
  return p;
}

/* --- answers ----------------------------------------------------------------- */

static void
on_report (WvPeer *peer, const WvSendReport *r, WvPathProbe *self)
{
  Probe *p = g_hash_table_lookup (self->probes, &r->probe_id);

  if (p == NULL)
    return;
  p->reported = TRUE;
  p->report = *r;
  if (!r->sent || !r->applied)
    {
      g_debug ("probe %" G_GUINT64_FORMAT " (ttl %u, %u bytes): sent %d applied %d: %s",
               p->id, p->ttl, p->size, r->sent, r->applied, r->reason);
      self->counters.not_applied++;
      /* An oversized DF probe fails in sendmsg() with EMSGSIZE. A trace
       * probe's ack that came before this report proves nothing either
       * (see handle_ack). */
      if (p->answer == ANS_NONE || (p->kind == KIND_TRACE && p->answer == ANS_REACHED))
        p->answer = r->sent ? ANS_NOT_SENT
                    : (strstr (r->reason, "too long") || strstr (r->reason, "too large"))
                      ? ANS_LOCAL_TOO_BIG : ANS_NOT_SENT;
    }
  else if (self->helper && r->local_port && r->local_port != self->watched_port)
    {
      /* Tell the helper which local port to report ICMP errors for. */
      self->watched_port = r->local_port;
      wv_icmp_helper_watch_async (self->helper,
                                  r->family == 6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4,
                                  r->local_port, NULL, NULL, NULL);
    }
  if (self->pending->len > 0)
    match_pending (self, p);
}

static Probe *
find_probe (WvPathProbe *self, const WvWireKey *key)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->probes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Probe *p = value;

      if (p->reported && wv_wire_key_matches (key, &p->report))
        return p;
    }
  return NULL;
}

static void
answer (WvPathProbe *self, Probe *p, Answer a, const char *addr, guint32 mtu, gint64 time_ns,
        int rx_tos)
{
  /* Only the helper sees the quoted IP header: its quote completes an
   * answer the socket's error queue gave first. */
  if (rx_tos >= 0 && !p->has_rx_tos)
    {
      p->has_rx_tos = TRUE;
      p->rx_tos = (guint8) rx_tos;
    }
  if (p->answer != ANS_NONE && p->answer != ANS_NOT_SENT)
    return;   /* the first answer wins (socket and helper may both report) */
  g_debug ("probe %" G_GUINT64_FORMAT " (ttl %u, %u bytes): answer %d from %s, mtu %u",
           p->id, p->ttl, p->size, a, addr ? addr : "-", mtu);
  p->answer = a;
  g_strlcpy (p->addr, addr ? addr : "", sizeof p->addr);
  p->mtu = mtu;
  if (p->reported && p->report.send_time_ns > 0 && time_ns > p->report.send_time_ns)
    p->rtt_ms = (time_ns - p->report.send_time_ns) / 1e6;
  else
    p->rtt_ms = -1;
  advance (self);
}

/* Answers the probe an ICMP error quotes, or keeps the error until that
 * probe's send report arrives. */
static void
deliver (WvPathProbe *self, const WvWireKey *key, Answer a, const char *addr, guint32 mtu,
         gint64 time_ns, int rx_tos)
{
  Probe *p = find_probe (self, key);
  PendingAnswer pa = { *key, a, "", mtu, time_ns, rx_tos };

  if (p)
    {
      answer (self, p, a, addr, mtu, time_ns, rx_tos);
      return;
    }
  if (self->pending->len >= MAX_PENDING)
    {
      g_array_remove_index (self->pending, 0);
      self->counters.unmatched++;
    }
  g_strlcpy (pa.addr, addr ? addr : "", sizeof pa.addr);
  g_array_append_val (self->pending, pa);
}

/* After a send report: the errors that were waiting for it. Errors nothing
 * claimed within PENDING_MAX_AGE_NS were not about our probes. */
static void
match_pending (WvPathProbe *self, Probe *p)
{
  gint64 now = wv_now_ns ();

  for (guint i = 0; i < self->pending->len;)
    {
      PendingAnswer *pa = &g_array_index (self->pending, PendingAnswer, i);

      if (wv_wire_key_matches (&pa->key, &p->report))
        {
          PendingAnswer copy = *pa;

          g_array_remove_index (self->pending, i);
          answer (self, p, copy.answer, copy.addr, copy.mtu, copy.time_ns, copy.rx_tos);
          return;
        }
      if (now - pa->time_ns > PENDING_MAX_AGE_NS)
        {
          g_array_remove_index (self->pending, i);
          self->counters.unmatched++;
          continue;
        }
      i++;
    }
}

static Answer
classify (int family, guint origin, guint type, guint code)
{
  if (family == 6 || origin == SO_EE_ORIGIN_ICMP6)
    {
      if (type == 3)
        return ANS_TIME_EXCEEDED;
      if (type == 2)
        return ANS_TOO_BIG;
      if (type == 1)
        return ANS_UNREACHABLE;
    }
  else
    {
      if (type == 11)
        return ANS_TIME_EXCEEDED;
      if (type == 3 && code == 4)
        return ANS_TOO_BIG;
      if (type == 3)
        return ANS_UNREACHABLE;
    }
  return ANS_NONE;
}

/* The socket's error queue gives the quoted UDP payload, not the UDP
 * header: only the DTLS record header identifies the datagram. */
static void
on_socket_error (WvPeer *peer, const WvSocketError *e, WvPathProbe *self)
{
  gint64 t = e->receive_time_ns > 0 ? e->receive_time_ns : wv_now_ns ();
  WvWireKey key = { .local_port = e->local_port, .time_ns = t };
  Answer a;

  if (e->origin == SO_EE_ORIGIN_LOCAL)
    {
      /* Our own interface's MTU. The kernel queues it without the datagram
       * (only an IP header), so it rarely names the probe, whose failed
       * send was reported anyway: remember the MTU either way. */
      if (e->error_code == EMSGSIZE && e->info > 0)
        {
          self->local_mtu = self->local_mtu ? MIN (self->local_mtu, e->info) : e->info;
          if (wv_wire_key_set_dtls (&key, e->payload, e->payload_len))
            deliver (self, &key, ANS_LOCAL_TOO_BIG, "", e->info, t, -1);
        }
      return;
    }
  if (!wv_wire_key_set_dtls (&key, e->payload, e->payload_len))
    {
      self->counters.unmatched++;
      return;
    }
  a = classify (e->family, e->origin, e->type, e->code);
  if (a == ANS_NONE)
    return;
  self->counters.icmp_socket++;
  /* The error queue gives the quoted payload, not the quoted IP header:
   * no TOS from here. */
  deliver (self, &key, a, e->offender, a == ANS_TOO_BIG ? e->info : 0, t, -1);
}

/* The helper sees the whole quote: the record header when the router
 * quoted enough, else the UDP header. */
static void
on_helper_event (WvIcmpHelper *helper, const WvIcmpEvent *e, WvPathProbe *self)
{
  gsize len;
  const guint8 *q = g_bytes_get_data (e->payload, &len);
  g_autofree char *offender = NULL;
  WvWireKey key = {
    .has_udp = TRUE,
    .local_port = e->src_port,
    .remote_port = e->dst_port,
    .udp_length = e->udp_length,
    .udp_checksum = e->udp_checksum,
    .time_ns = e->time_ns,
  };
  Answer a;

  wv_wire_key_set_dtls (&key, q, len);
  a = classify (e->family == G_SOCKET_FAMILY_IPV6 ? 6 : 4,
                e->family == G_SOCKET_FAMILY_IPV6 ? SO_EE_ORIGIN_ICMP6 : SO_EE_ORIGIN_ICMP,
                e->type, e->code);
  if (a == ANS_NONE)
    return;
  self->counters.icmp_helper++;
  offender = g_inet_address_to_string (e->offender);
  deliver (self, &key, a, offender, a == ANS_TOO_BIG ? e->mtu : 0, e->time_ns, e->quoted_tos);
}

void
wv_path_probe_handle_ack (WvPathProbe *self, const WvTestProbe *ack, const WvRecvInfo *info)
{
  Probe *p = g_hash_table_lookup (self->probes, &ack->probe_id);
  gint64 t4 = info->receive_time_ns > 0 ? info->receive_time_ns : wv_now_ns ();

  if (p == NULL || ack->t3 < ack->t2)
    return;
  /* A trace probe sent without its options (SCTP held the message back or
   * bundled it, so it went out later with the default TTL) reached the peer
   * whatever its TTL: its arrival says nothing about this hop. */
  if (p->kind == KIND_TRACE && p->reported && p->report.sent && !p->report.applied)
    return;
  /* A padded probe must have arrived at its full size. A native peer says
   * the length it received; a browser cannot see it and repeats the length
   * the probe says it was padded to, which its arrival proves (DF set, so
   * no router fragmented it). */
  if (p->size && p->reported && (guint) ack->udp_length + 8 != p->report.udp_length)
    return;
  if (p->answer != ANS_NONE && p->answer != ANS_NOT_SENT)
    return;
  p->answer = ANS_REACHED;
  g_strlcpy (p->addr, p->reported ? p->report.remote_addr : "", sizeof p->addr);
  /* As for the router hops: from the datagram's send time (the report) to
   * the answer's kernel receive time, so neither end's stack is in it. The
   * peer's turnaround (ack send minus probe receive) comes out; taken wire
   * to wire when the peer sends its ack's wire time, until then (or if that
   * is lost) with the time its application sent the ack. */
  p->ack_t1 = p->reported && p->report.send_time_ns > 0 ? p->report.send_time_ns : ack->t1;
  p->ack_t2 = ack->t2;
  p->ack_t4 = t4;
  p->rtt_ms = ((t4 - p->ack_t1) - (ack->t3 - ack->t2)) / 1e6;
  p->await_wire = self->peer_wire_times && p->kind == KIND_TRACE;
  advance (self);
}

void
wv_path_probe_handle_ack_wire (WvPathProbe *self, const WvTestProbe *ack_wire)
{
  Probe *p = g_hash_table_lookup (self->probes, &ack_wire->probe_id);
  double rtt_ms;

  if (p == NULL || !p->await_wire || ack_wire->t1 < p->ack_t2)
    return;
  rtt_ms = ((p->ack_t4 - p->ack_t1) - (ack_wire->t1 - p->ack_t2)) / 1e6;
  p->await_wire = FALSE;
  if (rtt_ms >= 0)
    p->rtt_ms = rtt_ms;
  advance (self);
}

void
wv_path_probe_set_peer_wire_times (WvPathProbe *self, gboolean wire_times)
{
  g_return_if_fail (WV_IS_PATH_PROBE (self));
  self->peer_wire_times = wire_times;
}

/* --- trace -------------------------------------------------------------------- */

static void
send_round (WvPathProbe *self)
{
  g_ptr_array_set_size (self->round_probes, 0);
  self->complete_ns = 0;
  for (guint ttl = 1; ttl <= self->trace.max_ttl; ttl++)
    g_ptr_array_add (self->round_probes, send_probe (self, KIND_TRACE, ttl, 0, FALSE));
  self->deadline_ns = wv_monotonic_ns () + (gint64) self->trace.timeout_ms * 1000000;
}

/* The round is over when every TTL below the first that reached the peer
 * answered, or at the deadline. Returns the number of hops to report. */
static guint
round_result (WvPathProbe *self, gboolean *complete)
{
  guint reached = 0, last = 0;

  *complete = TRUE;
  for (guint i = 0; i < self->round_probes->len; i++)
    {
      Probe *p = g_ptr_array_index (self->round_probes, i);

      if (p->answer == ANS_REACHED || p->answer == ANS_UNREACHABLE)
        {
          reached = p->ttl;
          break;
        }
      if (p->answer == ANS_TIME_EXCEEDED)
        last = p->ttl;
    }
  for (guint i = 0; i < self->round_probes->len; i++)
    {
      Probe *p = g_ptr_array_index (self->round_probes, i);

      if ((reached == 0 || p->ttl < reached) && p->answer == ANS_NONE)
        *complete = FALSE;
      /* The peer hop's turnaround still to come wire to wire. */
      if (p->ttl == reached && p->await_wire)
        *complete = FALSE;
    }
  if (reached == 0)
    *complete = FALSE;
  return reached ? reached : last;
}

/* The socket's error queue usually answers before the ICMP helper, whose
 * quote of our IP header brings the TOS each router received. With the
 * helper watching, a complete round waits up to QUOTE_GRACE_NS for those
 * quotes. */
#define QUOTE_GRACE_NS (200 * G_GINT64_CONSTANT (1000000))

static gboolean
awaiting_quotes (WvPathProbe *self)
{
  gint64 now = wv_monotonic_ns ();
  gboolean missing = FALSE;

  if (self->helper == NULL || self->watched_port == 0 || !wv_icmp_helper_get_running (self->helper) ||
      !(wv_peer_get_family (self->peer) == 6 ? wv_icmp_helper_get_icmp6_available (self->helper)
                                             : wv_icmp_helper_get_icmp4_available (self->helper)))
    return FALSE;
  for (guint i = 0; i < self->round_probes->len && !missing; i++)
    {
      Probe *p = g_ptr_array_index (self->round_probes, i);

      missing = p->answer == ANS_TIME_EXCEEDED && !p->has_rx_tos;
    }
  if (!missing)
    return FALSE;
  if (self->complete_ns == 0)
    self->complete_ns = now;
  return now - self->complete_ns < QUOTE_GRACE_NS;
}

static void
finish_round (WvPathProbe *self)
{
  gboolean complete;
  guint n = round_result (self, &complete);
  gboolean emit = self->op == OP_TRACE;

  g_free (self->hops);
  self->hops = g_malloc0 (MAX (n, 1) * sizeof *self->hops);
  self->n_hops = n;
  self->reached = FALSE;
  for (guint i = 0; i < n; i++)
    {
      Probe *p = g_ptr_array_index (self->round_probes, i);
      WvHopRecord hop = { 0 };

      hop.round = self->round + 1;
      hop.ttl = p->ttl;
      hop.reached = p->answer == ANS_REACHED || p->answer == ANS_UNREACHABLE;
      if (p->answer == ANS_TIME_EXCEEDED || hop.reached)
        {
          g_strlcpy (hop.addr, p->addr, sizeof hop.addr);
          hop.rtt_ms = p->rtt_ms;
        }
      else
        hop.rtt_ms = -1;
      if (p->answer == ANS_TIME_EXCEEDED || p->answer == ANS_UNREACHABLE)
        {
          hop.has_rx_tos = p->has_rx_tos;
          hop.rx_tos = p->rx_tos;
        }
      hop.has_tos = self->trace.tos >= 0;
      hop.tos = hop.has_tos ? (guint8) self->trace.tos : 0;
      self->reached |= hop.reached;
      g_strlcpy (self->hops[i], hop.addr, WV_ADDR_STRLEN);
      if (emit)
        g_signal_emit (self, signals[SIGNAL_HOP], 0, &hop);
    }
}

/* --- MTU -------------------------------------------------------------------------- */

static guint
min_size (WvPathProbe *self)
{
  return wv_peer_get_family (self->peer) == 6 ? 1280u : 576u;
}

static guint
hop_of_address (WvPathProbe *self, const char *addr)
{
  for (guint i = 0; i < self->n_hops; i++)
    if (addr && *addr && g_strcmp0 (self->hops[i], addr) == 0)
      return i + 1;
  return 0;
}

const guint *
wv_mtu_sizes_default (guint *n_sizes)
{
  *n_sizes = G_N_ELEMENTS (reference_sizes);
  return reference_sizes;
}

static int
compare_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

static gboolean
contains (const guint *values, guint n, guint v)
{
  for (guint k = 0; k < n; k++)
    if (values[k] == v)
      return TRUE;
  return FALSE;
}

gboolean
wv_mtu_sizes_parse (const char *text, guint *sizes, guint *n_sizes, GError **error)
{
  g_auto(GStrv) tokens = g_regex_split_simple ("[\\s,]+", text ? text : "", 0, 0);
  guint n = 0;

  for (guint i = 0; tokens[i]; i++)
    {
      guint64 v;

      if (*tokens[i] == '\0')
        continue;
      if (!g_ascii_string_to_unsigned (tokens[i], 10, WV_MTU_MIN, WV_MTU_MAX, &v, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "“%s” is not a packet size of %u to %u bytes", tokens[i],
                       WV_MTU_MIN, WV_MTU_MAX);
          return FALSE;
        }
      if (contains (sizes, n, (guint) v))
        continue;           /* a repeat */
      if (n == WV_MTU_MAX_SIZES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "more than %u packet sizes", WV_MTU_MAX_SIZES);
          return FALSE;
        }
      sizes[n++] = (guint) v;
    }
  if (n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "no packet sizes: write them separated by spaces, for example 1280 1400 1500");
      return FALSE;
    }
  qsort (sizes, n, sizeof *sizes, compare_uint);
  *n_sizes = n;
  return TRUE;
}

char *
wv_mtu_sizes_to_string (const guint *sizes, guint n_sizes)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n_sizes; i++)
    g_string_append_printf (s, "%s%u", i ? " " : "", sizes[i]);
  return g_string_free (s, FALSE);
}

/* The next size to try below @hi when no router told us the MTU. */
static guint
next_guess (WvPathProbe *self)
{
  if (self->lo == 0)
    {
      /* Largest reference size below hi, or the minimum. */
      guint guess = min_size (self);

      const guint *sizes = self->mtu.sizes;
      guint n = self->mtu.n_sizes;

      if (n == 0)
        sizes = wv_mtu_sizes_default (&n);
      for (guint i = 0; i < n; i++)
        if (sizes[i] < self->hi && sizes[i] > guess)
          guess = sizes[i];
      return guess;
    }
  return self->lo + (self->hi - self->lo) / 2;
}

static void
mtu_send (WvPathProbe *self, guint size)
{
  self->resent = self->size == size && self->current != NULL;
  self->size = size;
  self->steps++;
  self->current = send_probe (self, KIND_MTU, 64, size, TRUE);
  self->deadline_ns = wv_monotonic_ns () + (gint64) self->mtu.timeout_ms * 1000000;
}

static void
mtu_confirm_hops (WvPathProbe *self)
{
  guint peer_hops = self->reached ? self->n_hops : 0;

  /* The MTU up to hop k is the smallest of the first link's (the path MTU
   * seen at the source) and those of the bottleneck links before k. */
  g_array_set_size (self->hop_mtus, 0);
  for (guint k = 1; k <= self->n_hops; k++)
    {
      HopMtu h = { k, self->local_mtu ? MIN (self->local_mtu, self->mtu.max_size)
                                      : self->mtu.max_size, FALSE };

      for (guint b = 0; b < self->bottlenecks->len; b++)
        {
          HopMtu *bn = &g_array_index (self->bottlenecks, HopMtu, b);
          if (bn->ttl < k)
            h.mtu = MIN (h.mtu, bn->mtu);
        }
      if (k == peer_hops)
        {
          h.mtu = self->path_mtu;
          h.confirmed = self->path_confirmed;
        }
      g_array_append_val (self->hop_mtus, h);
    }
  self->op = OP_MTU_CONFIRM;
  g_ptr_array_set_size (self->round_probes, 0);
  for (guint i = 0; i < self->hop_mtus->len; i++)
    {
      HopMtu *h = &g_array_index (self->hop_mtus, HopMtu, i);

      if (h->ttl != peer_hops && self->hops[i][0] != '\0')
        g_ptr_array_add (self->round_probes, send_probe (self, KIND_MTU_HOP, h->ttl, h->mtu, TRUE));
    }
  self->deadline_ns = wv_monotonic_ns () + (gint64) self->mtu.timeout_ms * 1000000;
}

static void
finish_mtu (WvPathProbe *self)
{
  WvPathMtuRecord pm = { self->path_mtu, self->path_confirmed, FALSE };

  /* Nothing larger was refused: the largest size tried is a lower bound
   * (1500 on a loopback whose MTU is 65536). */
  pm.at_least = self->path_confirmed && self->hi == 0;

  for (guint i = 0; i < self->round_probes->len; i++)
    {
      Probe *p = g_ptr_array_index (self->round_probes, i);

      if (p->answer == ANS_TIME_EXCEEDED && g_strcmp0 (p->addr, self->hops[p->ttl - 1]) == 0)
        g_array_index (self->hop_mtus, HopMtu, p->ttl - 1).confirmed = TRUE;
    }
  for (guint i = 0; i < self->hop_mtus->len; i++)
    {
      HopMtu *h = &g_array_index (self->hop_mtus, HopMtu, i);
      WvMtuRecord r = { 0 };

      r.hop = h->ttl;
      g_strlcpy (r.addr, self->hops[i], sizeof r.addr);
      /* Only values a probe of that size proved. */
      r.mtu = h->confirmed ? h->mtu : 0;
      g_signal_emit (self, signals[SIGNAL_MTU], 0, &r);
    }
  g_signal_emit (self, signals[SIGNAL_PATH_MTU], 0, &pm);
}

/* Takes the answer to the current MTU probe; returns FALSE when the search
 * is over. */
static gboolean
mtu_step (WvPathProbe *self, gboolean timed_out)
{
  Probe *p = self->current;
  guint size = self->size;

  switch (p->answer)
    {
    case ANS_REACHED:
      self->lo = size;
      self->path_mtu = size;
      self->path_confirmed = TRUE;
      if (self->hi == 0 || self->hi - self->lo <= 1)
        return FALSE;
      mtu_send (self, next_guess (self));
      return TRUE;
    case ANS_TOO_BIG:
    case ANS_LOCAL_TOO_BIG:
      self->hi = size;
      if (p->answer == ANS_LOCAL_TOO_BIG && p->mtu == 0 && self->local_mtu)
        p->mtu = self->local_mtu;
      if (p->mtu >= min_size (self) && p->mtu < size && p->mtu > self->lo)
        {
          /* The link cannot carry more than it says: nothing above needs
           * trying, and a probe of exactly that size comes next. */
          if (p->answer == ANS_TOO_BIG)
            {
              HopMtu b = { hop_of_address (self, p->addr), p->mtu, TRUE };
              if (b.ttl > 0)
                g_array_append_val (self->bottlenecks, b);
            }
          self->hi = p->mtu + 1;
          mtu_send (self, p->mtu);
        }
      else if (self->lo && self->hi - self->lo <= 1)
        return FALSE;
      else
        mtu_send (self, next_guess (self));
      return TRUE;
    default:
      if (!timed_out && p->answer == ANS_NONE)
        return TRUE;
      /* Silence once may be a lost probe (a lossy link): the same size
       * again. Silence twice (a black hole), or a probe the stack could
       * not send as asked: treat the size as too big. */
      if (p->answer == ANS_NONE && !self->resent && self->steps < MTU_MAX_STEPS)
        {
          mtu_send (self, size);
          return TRUE;
        }
      self->hi = size;
      if (size <= min_size (self) || (self->lo && self->hi - self->lo <= 1) ||
          self->steps >= MTU_MAX_STEPS)
        return FALSE;
      mtu_send (self, next_guess (self));
      return TRUE;
    }
}

/* --- driving -------------------------------------------------------------------- */

static void
finish_op (WvPathProbe *self)
{
  guint what = self->op == OP_TRACE ? 1 : 2;

  g_clear_handle_id (&self->tick_source, g_source_remove);
  self->op = OP_NONE;
  self->current = NULL;
  g_signal_emit (self, signals[SIGNAL_DONE], 0, what);
}

static void
advance (WvPathProbe *self)
{
  gboolean timed_out = wv_monotonic_ns () >= self->deadline_ns;

  switch (self->op)
    {
    case OP_TRACE:
    case OP_MTU_TRACE:
      {
        gboolean complete;

        round_result (self, &complete);
        if (!complete && !timed_out)
          return;
        if (complete && !timed_out && awaiting_quotes (self))
          return;
        finish_round (self);
        if (self->op == OP_TRACE && self->round + 1 < self->trace.rounds)
          {
            self->round++;
            send_round (self);
            return;
          }
        if (self->op == OP_MTU_TRACE)
          {
            self->op = OP_MTU_SEARCH;
            mtu_send (self, self->mtu.max_size);
            return;
          }
        finish_op (self);
        return;
      }
    case OP_MTU_SEARCH:
      if (mtu_step (self, timed_out))
        return;
      if (self->path_mtu == 0)
        {
          emit_error (self, "no probe reached the peer: the path MTU is unknown");
          self->path_mtu = self->lo;
        }
      mtu_confirm_hops (self);
      return;
    case OP_MTU_CONFIRM:
      {
        gboolean all = TRUE;

        for (guint i = 0; i < self->round_probes->len; i++)
          all = all && ((Probe *) g_ptr_array_index (self->round_probes, i))->answer != ANS_NONE;
        if (!all && !timed_out)
          return;
        finish_mtu (self);
        finish_op (self);
        return;
      }
    case OP_NONE:
    default:
      return;
    }
}

static gboolean
tick (gpointer data)
{
  advance (data);
  return G_SOURCE_CONTINUE;
}

gboolean
wv_path_probe_start_trace (WvPathProbe *self, const WvTraceParams *params, GError **error)
{
  g_return_val_if_fail (WV_IS_PATH_PROBE (self), FALSE);

  if (self->op != OP_NONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "a trace or MTU search is running");
      return FALSE;
    }
  if (params->max_ttl < 1 || params->max_ttl > 64 || params->rounds < 1 || params->rounds > 10)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "max TTL must be 1-64 and rounds 1-10");
      return FALSE;
    }
  self->trace = *params;
  self->trace.timeout_ms = CLAMP (params->timeout_ms, 100, 10000);
  self->op = OP_TRACE;
  self->round = 0;
  send_round (self);
  self->tick_source = g_timeout_add (TICK_MS, tick, self);
  return TRUE;
}

gboolean
wv_path_probe_start_mtu (WvPathProbe *self, const WvMtuParams *params, GError **error)
{
  g_return_val_if_fail (WV_IS_PATH_PROBE (self), FALSE);

  if (self->op != OP_NONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "a trace or MTU search is running");
      return FALSE;
    }
  if (params->max_size < min_size (self) || params->max_size > 9000)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the largest MTU probe must be %u-9000 bytes", min_size (self));
      return FALSE;
    }
  self->mtu = *params;
  self->mtu.timeout_ms = CLAMP (params->timeout_ms, 100, 10000);
  self->size = self->lo = self->hi = self->steps = self->local_mtu = 0;
  self->path_mtu = 0;
  self->path_confirmed = FALSE;
  g_array_set_size (self->bottlenecks, 0);
  self->tick_source = g_timeout_add (TICK_MS, tick, self);
  if (self->n_hops == 0)
    {
      /* The MTU per hop needs the hops: one quiet trace round first. */
      WvTraceParams t = WV_TRACE_PARAMS_DEFAULT;

      self->trace = t;
      self->trace.rounds = 1;
      self->op = OP_MTU_TRACE;
      self->round = 0;
      send_round (self);
      return TRUE;
    }
  self->op = OP_MTU_SEARCH;
  mtu_send (self, self->mtu.max_size);
  return TRUE;
}

gboolean
wv_path_probe_is_busy (WvPathProbe *self)
{
  return self->op != OP_NONE;
}

void
wv_path_probe_cancel (WvPathProbe *self)
{
  if (self->op == OP_NONE)
    return;
  g_clear_handle_id (&self->tick_source, g_source_remove);
  self->op = OP_NONE;
  self->current = NULL;
}

void
wv_path_probe_get_counters (WvPathProbe *self, WvPathProbeCounters *out)
{
  *out = self->counters;
}

WvPathProbe *
wv_path_probe_new (WvPeer *peer, WvIcmpHelper *helper)
{
  WvPathProbe *self = g_object_new (WV_TYPE_PATH_PROBE, NULL);

  self->peer = g_object_ref (peer);
  g_signal_connect (peer, "send-report", G_CALLBACK (on_report), self);
  g_signal_connect (peer, "socket-error", G_CALLBACK (on_socket_error), self);
  if (helper)
    {
      self->helper = g_object_ref (helper);
      g_signal_connect (helper, "icmp-event", G_CALLBACK (on_helper_event), self);
    }
  return self;
}

static void
wv_path_probe_dispose (GObject *object)
{
  WvPathProbe *self = WV_PATH_PROBE (object);

  g_clear_handle_id (&self->tick_source, g_source_remove);
  if (self->peer)
    g_signal_handlers_disconnect_by_data (self->peer, self);
  if (self->helper)
    {
      g_signal_handlers_disconnect_by_data (self->helper, self);
      if (self->watched_port)
        wv_icmp_helper_unwatch_async (self->helper,
                                      wv_peer_get_family (self->peer) == 6 ? G_SOCKET_FAMILY_IPV6
                                                                           : G_SOCKET_FAMILY_IPV4,
                                      self->watched_port, NULL, NULL, NULL);
    }
  g_clear_object (&self->peer);
  g_clear_object (&self->helper);
  G_OBJECT_CLASS (wv_path_probe_parent_class)->dispose (object);
}

static void
wv_path_probe_finalize (GObject *object)
{
  WvPathProbe *self = WV_PATH_PROBE (object);

  g_hash_table_unref (self->probes);
  g_ptr_array_unref (self->round_probes);
  g_array_unref (self->bottlenecks);
  g_array_unref (self->hop_mtus);
  g_array_unref (self->pending);
  g_free (self->hops);
  G_OBJECT_CLASS (wv_path_probe_parent_class)->finalize (object);
}

static void
wv_path_probe_class_init (WvPathProbeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_path_probe_dispose;
  object_class->finalize = wv_path_probe_finalize;

  /* (const WvHopRecord *) */
  signals[SIGNAL_HOP] =
    g_signal_new ("hop", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (const WvMtuRecord *) */
  signals[SIGNAL_MTU] =
    g_signal_new ("mtu", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (const WvPathMtuRecord *) */
  signals[SIGNAL_PATH_MTU] =
    g_signal_new ("path-mtu", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (guint what: 1 trace, 2 MTU) */
  signals[SIGNAL_DONE] =
    g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
wv_path_probe_init (WvPathProbe *self)
{
  self->probes = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  self->round_probes = g_ptr_array_new ();
  self->bottlenecks = g_array_new (FALSE, FALSE, sizeof (HopMtu));
  self->hop_mtus = g_array_new (FALSE, FALSE, sizeof (HopMtu));
  self->pending = g_array_new (FALSE, FALSE, sizeof (PendingAnswer));
  /* Ids are only compared within this connection; start somewhere random
   * so that ids do not repeat across runs. */
  self->next_id = ((guint64) g_random_int () << 24) | 1;
}

/* wv-connection.c: one measured connection, client or server side
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each end sends its own probe stream(s) and echoes the other's. The end
 * that RECEIVES a stream computes its one-way statistics (delay, jitter,
 * loss, ...); the end that SENDS it gets the echoes and computes the RTT
 * and the clock offset. Once a second each end sends its part to the other
 * in a "stats" message, so both ends can make complete records for both
 * directions. At the end the same happens with whole-run summaries.
 *
 * Everything here runs in the main context except the probe senders, which
 * run in the scheduler thread and touch only their WvTxStream.
 */
#define G_LOG_DOMAIN "wv-connection"

#include "config.h"

#include <math.h>
#include <string.h>

#include "wv-clock.h"
#include "wv-clock-offset.h"
#include "wv-connection.h"
#include "wv-outage.h"
#include "wv-log-limit.h"
#include "wv-scheduler.h"
#include "wv-stats.h"
#include "wv-wire-time.h"

#define N_WINDOWS 3
static const guint windows_s[N_WINDOWS] = { 1, 10, 60 };

/* Seconds to wait for probes and echoes in flight after the streams stop,
 * and for the peer's summary after ours. */
#define DRAIN_MS 1500
#define SERVER_DURATION_GRACE_MS 10000
#define PEER_SUMMARY_TIMEOUT_MS 5000
#define BULK_PACKET_SIZE 1000
#define BULK_MAX_BUFFERED (512 * 1024)
/* Server: its streams pause while the client's own streams (probes, bulk)
 * have not arrived for this long, and resume with the next one. */
#define CLIENT_SILENCE_NS (3 * G_GINT64_CONSTANT (1000000000))
/* Server: traceroute / MTU requests it runs per connection. */
#define MAX_PATH_REQUESTS 8

/* A stream this end sends, driven by the scheduler thread. */
typedef struct {
  WvPeer *peer;             /* strong ref */
  WvChannel channel;
  WvPacketKind kind;
  guint class_index;
  int dscp;                 /* -1: no per-packet TOS */
  guint size;
  gint64 end_mono_ns;       /* stop sending after this */
  /* written by the scheduler thread, read under the lock */
  GMutex lock;
  guint32 seq;
  guint64 sent;
  guint64 skipped;
  WvLateHist late;          /* how late its ticks ran */
  gboolean done;
  gint paused;              /* atomic: count ticks as skipped, send nothing */
  /* Wire times (docs/statistics.md): the reported send times of this
   * stream's probes (owned by its WvClass; NULL for bulk), and whether the
   * peer reads a follow-up packet after the last probe. */
  WvWireTx *wire;
  gboolean followup_at_end;
} WvTxStream;

typedef struct {
  int dscp;                         /* -1 for the default class */
  WvRxStats *rx;                    /* the stream this end receives */
  WvRttStats *rtt;                  /* the stream this end sends */
  WvTxStream *tx;                   /* owned by the scheduler task */
  WvSchedulerTask *task;
  WvMsgStats peer[N_WINDOWS + 1];   /* latest from the peer; [N_WINDOWS] = summary */
  gboolean have_peer[N_WINDOWS + 1];
  gint64 peer_mono_ns[N_WINDOWS + 1]; /* when it arrived */
  /* the peer's 1 s windows added up: what it received, should its
   * summary never come */
  guint64 peer_1s_probes;
  guint64 peer_1s_expected;
  gboolean peer_1s_seen;
  WvMsgStats own_final;
  /* Wire times: what the stack reported for our probes and echoes, and the
   * received probes and echoes waiting for their follow-ups. */
  WvWireTx *probe_wire;
  WvWireTx *echo_wire;
  WvTwoStep *rx_pending;
  WvTwoStep *rtt_pending;
} WvClass;

/* How often the streams are watched for outages and the peer for silence. */
#define WATCH_MS 100
/* The peer sends its part every second. */
#define PEER_STATS_FRESH_NS (2500 * G_GINT64_CONSTANT (1000000))

struct _WvConnection
{
  GObject parent_instance;

  WvRole role;
  guint index;
  char *session;
  char *id;
  WvPeer *peer;
  WvConnState state;
  WvServerCaps caps;
  guint64 granted_bps;        /* server: held in caps.budget while streaming */
  int owd_choice;
  double max_clock_error_ms;
  guint idle_timeout_s;
  double lost_timeout_s;

  gboolean hello_sent;
  gboolean hello_received;
  WvClockInfo local_clock;
  WvClockInfo peer_clock;
  gboolean peer_wire_times;   /* the peer's hello said wire_times */
  char peer_software[64];     /* from the peer's hello */
  WvOwdMode owd_mode;
  double clock_error_ms;

  WvMsgStreams params;
  guint n_classes;
  WvClass classes[WV_MAX_CLASSES];
  WvRxStats *bulk_rx;
  WvTxStream *bulk_tx;
  WvSchedulerTask *bulk_task;
  WvClockOffset *offset;
  WvOutageDetector *outages;  /* the streams this end receives */
  gboolean peer_lost;
  gint64 lost_ns;             /* CLOCK_REALTIME when the peer was declared lost */
  gint64 last_peer_real_ns;   /* CLOCK_REALTIME of the last arrival from the peer */
  gint64 streams_started_ns;
  gint64 streams_started_mono_ns;
  gint64 streams_stopped_ns;

  /* echo rate limit */
  double echo_tokens;
  gint64 echo_refill_ns;
  double echo_rate;

  /* traceroute and MTU */
  WvIcmpHelper *helper;
  WvPathProbe *prober;
  WvMsgPathRequest path;      /* the request being worked on */
  gboolean path_local;        /* our own probes are running */
  gboolean path_remote;       /* waiting for the peer's "done" */
  gboolean path_for_peer;     /* server: the request came from the client */
  double testprobe_tokens;
  gint64 testprobe_refill_ns;
  guint path_requests;
  /* Our acks waiting for their send report, to send their wire time
   * (ACK_WIRE) to a peer that said wire_times. */
  guint32 ack_counter;
  struct { guint32 n; guint64 probe_id; } ack_wire[64];
  /* Guards the classes' WvWireTx pointers for wire_note_report(), which
   * runs in the stack's streaming threads. */
  GMutex wire_lock;

  guint stats_source;
  guint drain_source;
  guint peer_summary_source;
  guint duration_source;
  guint idle_source;
  guint watch_source;
  gint64 last_peer_activity_ns;
  gint64 last_stream_rx_ns;   /* the peer's last probe or bulk packet */
  gboolean tx_paused;
  WvLogLimit *log_limit;
  gboolean own_final_sent;
  gboolean summaries_emitted;
  gboolean stop_requested;

  WvConnCounters counters;
};

G_DEFINE_FINAL_TYPE (WvConnection, wv_connection, G_TYPE_OBJECT)

/* --- the server's output budget ---------------------------------------- */

struct _WvOutBudget {
  gatomicrefcount ref;
  guint64 total_bps;
  guint64 used_bps;
};

WvOutBudget *
wv_out_budget_new (guint64 total_bps)
{
  WvOutBudget *b = g_new0 (WvOutBudget, 1);

  g_atomic_ref_count_init (&b->ref);
  b->total_bps = total_bps;
  return b;
}

WvOutBudget *
wv_out_budget_ref (WvOutBudget *budget)
{
  g_atomic_ref_count_inc (&budget->ref);
  return budget;
}

void
wv_out_budget_unref (WvOutBudget *budget)
{
  if (budget && g_atomic_ref_count_dec (&budget->ref))
    g_free (budget);
}

guint64
wv_out_budget_get_total (WvOutBudget *budget)
{
  return budget->total_bps;
}

guint64
wv_out_budget_get_used (WvOutBudget *budget)
{
  return budget->used_bps;
}

guint64
wv_streams_out_bps (const WvMsgStreams *p)
{
  guint classes = MAX (p->classes.n_classes, 1);
  double probes = (double) classes * p->rate_pps *
                  (p->probe_size + WV_WIRE_OVERHEAD + WV_ECHO_SIZE + WV_WIRE_OVERHEAD) * 8;
  double bulk = (double) p->bulk_bps * (BULK_PACKET_SIZE + WV_WIRE_OVERHEAD) / BULK_PACKET_SIZE;

  return (guint64) ceil (probes + bulk);
}

enum {
  SIGNAL_STATE_CHANGED,
  SIGNAL_RECORD,
  SIGNAL_ERROR,
  SIGNAL_PATH_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
wv_conn_state_to_string (WvConnState state)
{
  switch (state)
    {
    case WV_CONN_CONNECTING: return "connecting";
    case WV_CONN_READY: return "ready";
    case WV_CONN_STREAMING: return "streaming";
    case WV_CONN_STOPPING: return "stopping";
    case WV_CONN_FINISHED: return "finished";
    case WV_CONN_FAILED: return "failed";
    case WV_CONN_LOST: return "lost";
    default: return "unknown";
    }
}

gboolean
wv_conn_state_is_final (WvConnState state)
{
  return state == WV_CONN_FINISHED || state == WV_CONN_FAILED || state == WV_CONN_LOST;
}

static void send_final_stats (WvConnection *self);
static void emit_summaries (WvConnection *self);
static gboolean send_msg (WvConnection *self, const WvMsg *msg);
static WvDirection rx_direction (WvConnection *self);
static WvDirection tx_direction (WvConnection *self);
static void outage_closed (WvConnection *self, const WvOutage *o);
static gboolean watch_tick (gpointer data);

static void
set_state (WvConnection *self, WvConnState state)
{
  if (self->state == state)
    return;
  if (wv_conn_state_is_final (self->state))
    return;
  self->state = state;
  g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, (guint) state);
}

static void
emit_error (WvConnection *self, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
emit_error (WvConnection *self, const char *format, ...)
{
  va_list args;
  g_autofree char *msg = NULL;
  g_autoptr(GError) error = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  error = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "connection %u (IPv%d): %s",
                       self->index, wv_peer_get_family (self->peer), msg);
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

static WvDirection
rx_direction (WvConnection *self)
{
  return self->role == WV_ROLE_CLIENT ? WV_DIR_S2C : WV_DIR_C2S;
}

static WvDirection
tx_direction (WvConnection *self)
{
  return self->role == WV_ROLE_CLIENT ? WV_DIR_C2S : WV_DIR_S2C;
}

static gboolean
send_msg (WvConnection *self, const WvMsg *msg)
{
  g_autofree char *text = wv_msg_serialize (msg);
  g_autoptr(GError) error = NULL;

  if (text == NULL || !wv_peer_send_text (self->peer, WV_CHANNEL_CONTROL, text, &error))
    {
      self->counters.send_errors++;
      g_debug ("connection %u: cannot send %s: %s", self->index,
               wv_msg_type_to_string (msg->type), error ? error->message : "?");
      return FALSE;
    }
  return TRUE;
}

/* The fields every record of this connection has. */
static void
record_init (WvConnection *self, WvRecord *r, WvRecordType type, WvDirection dir, gint64 now)
{
  memset (r, 0, sizeof *r);
  r->type = type;
  r->time_ns = now;
  r->conn = self->index;
  r->family = wv_peer_get_family (self->peer);
  r->dir = dir;
}

/* --- outages --------------------------------------------------------------- */

static void
emit_outage (WvConnection *self, WvDirection dir, const WvOutage *o)
{
  WvRecord r;

  record_init (self, &r, WV_RECORD_OUTAGE, dir, wv_now_ns ());
  r.outage.start_ns = o->start_ns;
  r.outage.end_ns = o->end_ns;
  r.outage.probes_lost = o->probes_lost;
  g_signal_emit (self, signals[SIGNAL_RECORD], 0, &r);
}

/* A gap in what we receive ended: recorded here, and reported to the peer,
 * which has no other way to learn it (the other direction's receiver is
 * here). Old peers ignore the unknown message type. */
static void
outage_closed (WvConnection *self, const WvOutage *o)
{
  WvMsg msg = { .type = WV_MSG_OUTAGE };

  emit_outage (self, rx_direction (self), o);
  msg.outage.rx_dir = rx_direction (self);
  msg.outage.start_ns = o->start_ns;
  msg.outage.end_ns = o->end_ns;
  msg.outage.probes_lost = o->probes_lost;
  send_msg (self, &msg);
}

/* The peer's report of a gap in what we send. Its times are its arrival
 * clock: with clocks that are not trusted they are moved to ours by the
 * estimated offset, as the one-way delays are. */
static void
handle_peer_outage (WvConnection *self, const WvMsgOutage *m)
{
  WvOutage o = { m->start_ns, m->end_ns, m->probes_lost };
  gint64 theta, err;

  if (m->rx_dir != tx_direction (self) || self->streams_started_ns == 0)
    {
      self->counters.unexpected++;
      return;
    }
  if (self->owd_mode == WV_OWD_OFFSET_ESTIMATED &&
      wv_clock_offset_get (self->offset, &theta, &err))
    {
      o.start_ns -= theta;
      o.end_ns -= theta;
    }
  emit_outage (self, m->rx_dir, &o);
}

/* --- sending streams (scheduler thread) --------------------------------- */

static WvTxStream *
tx_stream_new (WvPeer *peer, WvChannel channel, WvPacketKind kind, guint class_index,
               int dscp, guint size, gint64 end_mono_ns)
{
  WvTxStream *tx = g_new0 (WvTxStream, 1);

  tx->peer = g_object_ref (peer);
  tx->channel = channel;
  tx->kind = kind;
  tx->class_index = class_index;
  tx->dscp = dscp;
  tx->size = size;
  tx->end_mono_ns = end_mono_ns;
  g_mutex_init (&tx->lock);
  return tx;
}

static void
tx_stream_free (gpointer data)
{
  WvTxStream *tx = data;

  g_object_unref (tx->peer);
  g_mutex_clear (&tx->lock);
  g_free (tx);
}

/* After a stream's last probe: its follow-ups, which no later probe will
 * carry (only to a peer that reads follow-up packets). */
static void
tx_stream_send_final_followup (WvTxStream *tx)
{
  guint8 buf[WV_FOLLOWUP_SIZE];
  WvPacket packet = { .kind = WV_PACKET_FOLLOWUP };
  g_autoptr(GBytes) bytes = NULL;

  packet.class_index = tx->class_index;
  wv_wire_tx_fill (tx->wire, &packet);
  if (packet.n_followups == 0 || wv_packet_write (&packet, buf, sizeof buf) == 0)
    return;
  bytes = g_bytes_new (buf, sizeof buf);
  wv_peer_send (tx->peer, tx->channel, bytes, NULL, NULL);
}

static gboolean
tx_stream_tick (gpointer data, guint64 tick, gint64 late_ns)
{
  WvTxStream *tx = data;
  guint8 buf[WV_PROBE_MAX_SIZE];
  WvPacket packet = { 0 };
  WvSendOptions opts = WV_SEND_OPTIONS_INIT;
  g_autoptr(GBytes) bytes = NULL;
  gboolean ok;

  g_mutex_lock (&tx->lock);
  wv_late_hist_add (&tx->late, late_ns);
  if (tx->done || (tx->end_mono_ns > 0 && wv_monotonic_ns () >= tx->end_mono_ns))
    {
      gboolean first = !tx->done;

      tx->done = TRUE;
      g_mutex_unlock (&tx->lock);
      if (first && tx->followup_at_end && tx->wire)
        tx_stream_send_final_followup (tx);
      return TRUE;   /* the owner removes the task */
    }
  if (g_atomic_int_get (&tx->paused))
    {
      /* The sequence goes on, so the peer counts what it missed as lost. */
      tx->seq++;
      tx->skipped++;
      g_mutex_unlock (&tx->lock);
      return TRUE;
    }
  packet.kind = tx->kind;
  packet.class_index = tx->class_index;
  packet.seq = tx->seq;
  g_mutex_unlock (&tx->lock);

  /* Bulk traffic must not pile up in the data channel when the path is
   * slower than asked: skip and count instead. */
  if (tx->kind == WV_PACKET_BULK &&
      wv_peer_get_buffered_amount (tx->peer, tx->channel) > BULK_MAX_BUFFERED)
    {
      g_mutex_lock (&tx->lock);
      tx->skipped++;
      g_mutex_unlock (&tx->lock);
      return TRUE;
    }

  /* The wire send times of earlier probes ride in this one's padding, and
   * the probe id asks the stack for this one's. */
  if (tx->wire)
    {
      wv_wire_tx_fill (tx->wire, &packet);
      opts.probe_id = wv_wire_probe_id (FALSE, tx->class_index, packet.seq);
    }
  packet.t1 = wv_now_ns ();
  if (wv_packet_write (&packet, buf, tx->size) == 0)
    return TRUE;
  bytes = g_bytes_new (buf, tx->size);
  if (tx->dscp >= 0)
    opts.tos = tx->dscp << 2;
  ok = wv_peer_send (tx->peer, tx->channel, bytes, &opts, NULL);

  g_mutex_lock (&tx->lock);
  tx->seq++;
  if (ok)
    tx->sent++;
  else
    tx->skipped++;
  g_mutex_unlock (&tx->lock);
  return TRUE;
}

static double
tx_stream_late_p99_ms (WvTxStream *tx, guint64 *sent)
{
  double p99;

  if (tx == NULL)
    return -1;
  g_mutex_lock (&tx->lock);
  p99 = wv_late_hist_p99_ms (&tx->late);
  if (sent)
    *sent = tx->sent;
  g_mutex_unlock (&tx->lock);
  return p99;
}

static void
stop_tx (WvConnection *self)
{
  WvScheduler *sched = wv_scheduler_get_default ();

  for (guint c = 0; c < self->n_classes; c++)
    {
      WvClass *k = &self->classes[c];

      if (k->task)
        {
          /* Keep the counters: the stream is freed with the task, so copy
           * what the summary needs first. */
          double p99 = tx_stream_late_p99_ms (k->tx, &k->own_final.probes_sent);

          k->own_final.sched_err_p99_ms = p99;
          wv_scheduler_remove (sched, k->task);
          k->task = NULL;
          k->tx = NULL;
        }
    }
  if (self->bulk_task)
    {
      wv_scheduler_remove (sched, self->bulk_task);
      self->bulk_task = NULL;
      self->bulk_tx = NULL;
    }
  if (self->caps.budget && self->granted_bps > 0)
    {
      self->caps.budget->used_bps -= MIN (self->granted_bps, self->caps.budget->used_bps);
      self->granted_bps = 0;
    }
}

/* Server: pauses its streams while the client's stop arriving (see
 * CLIENT_SILENCE_NS), resumes them at once when one arrives. */
static void
set_tx_paused (WvConnection *self, gboolean paused)
{
  if (self->tx_paused == paused)
    return;
  self->tx_paused = paused;
  for (guint c = 0; c < self->n_classes; c++)
    if (self->classes[c].tx)
      g_atomic_int_set (&self->classes[c].tx->paused, paused);
  if (self->bulk_tx)
    g_atomic_int_set (&self->bulk_tx->paused, paused);
  if (paused)
    emit_error (self, "the client's streams stopped arriving: this end's streams pause");
}

static void
start_tx (WvConnection *self)
{
  WvScheduler *sched = wv_scheduler_get_default ();
  gint64 period = G_GINT64_CONSTANT (1000000000) / MAX (self->params.rate_pps, 1);
  gint64 start = wv_monotonic_ns () + 20 * 1000 * 1000;
  gint64 end = self->params.duration_s > 0 ?
               start + (gint64) (self->params.duration_s * 1e9) : 0;

  for (guint c = 0; c < self->n_classes; c++)
    {
      WvClass *k = &self->classes[c];

      k->tx = tx_stream_new (self->peer, WV_CHANNEL_PROBE, WV_PACKET_PROBE, c, k->dscp,
                             self->params.probe_size, end);
      k->tx->wire = k->probe_wire;
      k->tx->followup_at_end = self->peer_wire_times;
      /* Classes share the grid, offset a little so they do not leave in one burst. */
      k->task = wv_scheduler_add (sched, period, start + c * (period / (self->n_classes + 1)),
                                  tx_stream_tick, k->tx, tx_stream_free);
    }
  if (self->params.bulk_bps > 0)
    {
      gint64 bulk_period = (gint64) (1e9 * BULK_PACKET_SIZE * 8 / (double) self->params.bulk_bps);

      self->bulk_tx = tx_stream_new (self->peer, WV_CHANNEL_BULK, WV_PACKET_BULK, 0, -1,
                                     BULK_PACKET_SIZE, end);
      self->bulk_task = wv_scheduler_add (sched, MAX (bulk_period, 10000), start,
                                          tx_stream_tick, self->bulk_tx, tx_stream_free);
    }
}

/* --- wire times ------------------------------------------------------------ */
/*
 * Every time that enters the path's figures is the datagram's own time at a
 * socket: the send time the patched stack reports for it (just before
 * sendmsg()) and the kernel's receive time. The time from the application's
 * send call to the wire and from the wire to the application is our own
 * stack's, reported apart (stack_send_ms, stack_recv_ms). Send times come a
 * packet later as follow-ups (wv-wire-time.h); a sample without one falls
 * back to the application's times and is counted as such.
 */

/* A released probe sample: t[0] the sender's application send time, t[1] the
 * kernel receive time (0 unknown), t[2] our application's receive time. */
static void
wire_rx_complete (WvConnection *self, WvClass *k, const WvTwoStepSample *s)
{
  WvProbeTiming timing = { FALSE, -1, -1, FALSE };
  gint64 recv = s->t[1] > 0 ? s->t[1] : s->t[2];
  gint64 send = s->t[0];

  if (s->wire_ns > 0)
    {
      timing.stack_send_ns = s->wire_ns - s->t[0];
      send = s->wire_ns;
    }
  if (s->t[1] > 0)
    timing.stack_recv_ns = s->t[2] - s->t[1];
  timing.wire = s->wire_ns > 0 && s->t[1] > 0;
  /* A peer that sends wire times had none for this probe: the stack held
   * it back (SCTP congestion control) or bundled it, and its application
   * time would count that queue as path delay. Count it, take no delay. */
  timing.untimed = self->peer_wire_times && s->wire_ns <= 0;
  wv_rx_stats_add_probe_timed (k->rx, s->seq, send, recv, s->ttl, s->tos, &timing);
}

/* A released echo sample: t[0..3] are t1 (our application send time), t2
 * (the peer's kernel receive time), t3 (the peer's application echo time)
 * and t4 (our receive time, kernel if known); wire_ns is the echo's wire send
 * time at the peer. With our probe's own wire send time the round trip is
 * wire to wire, and the peer's turnaround is measured wire to wire too. */
static void
wire_rtt_complete (WvConnection *self, WvClass *k, const WvTwoStepSample *s, gboolean t4_kernel)
{
  gint64 t1w = wv_wire_tx_lookup (k->probe_wire, s->seq);
  gboolean wire = t1w > 0 && s->wire_ns > 0 && t4_kernel;
  gint64 t1 = wire ? t1w : s->t[0];
  gint64 t3 = wire ? s->wire_ns : s->t[2];
  gint64 rtt = (s->t[3] - t1) - (t3 - s->t[1]);

  if (rtt < 0 || t3 < s->t[1])
    {
      self->counters.malformed++;
      return;
    }
  /* As for probes: with a peer that sends wire times, a round trip without
   * them (our probe or its echo held back in a stack) is left out. */
  if (self->peer_wire_times && !wire)
    {
      self->counters.rtt_untimed++;
      return;
    }
  wv_rtt_stats_add_timed (k->rtt, s->t[3], rtt, wire);
  wv_clock_offset_add (self->offset, t1, s->t[1], t3, s->t[3]);
}

static void
wire_rx_release (WvConnection *self, WvClass *k, GArray *done)
{
  for (guint i = 0; i < done->len; i++)
    wire_rx_complete (self, k, &g_array_index (done, WvTwoStepSample, i));
  g_array_set_size (done, 0);
}

static void
wire_rtt_release (WvConnection *self, WvClass *k, GArray *done)
{
  for (guint i = 0; i < done->len; i++)
    {
      const WvTwoStepSample *s = &g_array_index (done, WvTwoStepSample, i);

      /* ttl carries whether t4 was the kernel's time. */
      wire_rtt_complete (self, k, s, s->ttl > 0);
    }
  g_array_set_size (done, 0);
}

static void
wire_apply_followups (WvTwoStep *q, const WvPacket *p, GArray *done)
{
  for (guint i = 0; i < p->n_followups; i++)
    wv_two_step_followup (q, p->followups[i].seq, p->followups[i].wire_ns, done);
}

static void
wire_class_init (WvConnection *self, WvClass *k)
{
  if (k->probe_wire == NULL)
    {
      g_mutex_lock (&self->wire_lock);
      k->probe_wire = wv_wire_tx_new ();
      k->echo_wire = wv_wire_tx_new ();
      g_mutex_unlock (&self->wire_lock);
      k->rx_pending = wv_two_step_new (self->peer_wire_times);
      k->rtt_pending = wv_two_step_new (self->peer_wire_times);
    }
}

/* A send report, in the streaming thread that made it: our probes' and
 * echoes' wire times go straight to the stream's book, so the next packet
 * carries them even when the main loop is busy (then reports reach the
 * owner's context late, in bursts). */
static gboolean
wire_note_report (const WvSendReport *r, gpointer data)
{
  WvConnection *self = data;
  gboolean echo;
  guint c;
  guint32 seq;

  /* Not ours (the path prober's), or a test probe ack's: the main loop. */
  if (!wv_wire_probe_id_parse (r->probe_id, &echo, &c, &seq) || c >= WV_MAX_CLASSES)
    return FALSE;
  if (r->sent && r->send_time_ns > 0)
    {
      g_mutex_lock (&self->wire_lock);
      if (self->classes[c].probe_wire)
        wv_wire_tx_note (echo ? self->classes[c].echo_wire : self->classes[c].probe_wire,
                         seq, r->send_time_ns);
      g_mutex_unlock (&self->wire_lock);
    }
  return TRUE;
}

static void
wire_class_clear (WvClass *k)
{
  g_clear_pointer (&k->probe_wire, wv_wire_tx_free);
  g_clear_pointer (&k->echo_wire, wv_wire_tx_free);
  g_clear_pointer (&k->rx_pending, wv_two_step_free);
  g_clear_pointer (&k->rtt_pending, wv_two_step_free);
}

/* Where a window of statistics fed through @q ends at @now. */
static gint64
wire_window_end (WvTwoStep *q, gint64 now)
{
  gint64 oldest = q ? wv_two_step_get_oldest_arrival (q) : 0;

  return oldest > 0 && oldest <= now ? oldest - 1 : now;
}

/* The end of the streams: what still waits for a follow-up goes in with
 * the times it has. */
static void
wire_flush (WvConnection *self)
{
  g_autoptr(GArray) done = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));

  for (guint c = 0; c < self->n_classes; c++)
    {
      WvClass *k = &self->classes[c];

      if (k->rx_pending == NULL)
        continue;
      wv_two_step_flush (k->rx_pending, done);
      wire_rx_release (self, k, done);
      wv_two_step_flush (k->rtt_pending, done);
      wire_rtt_release (self, k, done);
    }
}

/* A test probe ack of ours left: its wire send time follows it, so the
 * prober at the other end takes our turnaround wire to wire. */
static void
wire_send_ack_wire (WvConnection *self, guint32 n, const WvSendReport *r)
{
  WvTestProbe aw = { WV_TESTPROBE_ACK_WIRE };
  guint8 buf[WV_TESTPROBE_SIZE];
  g_autoptr(GBytes) bytes = NULL;
  guint slot = n % G_N_ELEMENTS (self->ack_wire);

  if (self->ack_wire[slot].n != n || self->ack_wire[slot].probe_id == 0 ||
      !r->sent || r->send_time_ns <= 0)
    return;
  aw.probe_id = self->ack_wire[slot].probe_id;
  aw.t1 = r->send_time_ns;
  self->ack_wire[slot].probe_id = 0;
  if (wv_testprobe_write (&aw, buf, sizeof buf) == 0)
    return;
  bytes = g_bytes_new (buf, sizeof buf);
  if (!wv_peer_send (self->peer, WV_CHANNEL_TESTPROBE, bytes, NULL, NULL))
    self->counters.send_errors++;
}

/* The stack's send report for one of our test probe acks, in our context
 * (probes and echoes: wire_note_report()). */
static void
on_wire_report (WvPeer *peer, const WvSendReport *r, WvConnection *self)
{
  gboolean echo;
  guint c;
  guint32 seq;

  if (wv_wire_probe_id_parse (r->probe_id, &echo, &c, &seq) && echo && c == WV_WIRE_ACK_CLASS)
    wire_send_ack_wire (self, seq, r);
}

/* --- receiving ------------------------------------------------------------- */

static gboolean
echo_allowed (WvConnection *self)
{
  gint64 now = wv_monotonic_ns ();

  self->echo_tokens = MIN (self->echo_tokens +
                           (now - self->echo_refill_ns) * 1e-9 * self->echo_rate,
                           MAX (self->echo_rate / 2, 50));
  self->echo_refill_ns = now;
  if (self->echo_tokens < 1)
    return FALSE;
  self->echo_tokens -= 1;
  return TRUE;
}

static void
handle_probe (WvConnection *self, const WvPacket *p, const WvRecvInfo *info)
{
  gint64 now = wv_now_ns ();
  gint64 t2 = info->receive_time_ns > 0 ? info->receive_time_ns : now;
  WvPacket echo = { 0 };
  guint8 buf[WV_ECHO_WIRE_SIZE];
  gsize echo_size = self->peer_wire_times ? WV_ECHO_WIRE_SIZE : WV_ECHO_SIZE;
  WvSendOptions opts = WV_SEND_OPTIONS_INIT;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GArray) done = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));
  WvTwoStepSample sample = { .seq = p->seq, .ttl = info->ttl, .tos = info->tos };
  WvClass *k;

  if (p->class_index >= self->n_classes)
    {
      self->counters.unexpected++;
      return;
    }
  k = &self->classes[p->class_index];
  sample.t[0] = p->t1;
  sample.t[1] = info->receive_time_ns > 0 ? info->receive_time_ns : 0;
  sample.t[2] = now;
  sample.arrival_ns = t2;
  wv_two_step_add (k->rx_pending, &sample, done);
  wire_apply_followups (k->rx_pending, p, done);
  wire_rx_release (self, k, done);
  if (self->outages && self->state == WV_CONN_STREAMING)
    {
      WvOutage o;

      if (wv_outage_detector_arrival (self->outages, t2, p->class_index, p->seq, &o))
        outage_closed (self, &o);
    }

  /* Echo so that the sender gets its RTT and clock offset; capped so that a
   * peer cannot make us send more than its negotiated rate. */
  if (!echo_allowed (self))
    {
      self->counters.echoes_limited++;
      return;
    }
  echo.kind = WV_PACKET_ECHO;
  echo.class_index = p->class_index;
  echo.seq = p->seq;
  echo.t1 = p->t1;
  echo.t2 = t2;
  if (self->peer_wire_times)
    {
      /* Our earlier echoes' wire send times, and a report for this one. */
      wv_wire_tx_fill (k->echo_wire, &echo);
      opts.probe_id = wv_wire_probe_id (TRUE, p->class_index, p->seq);
    }
  echo.t3 = wv_now_ns ();
  if (wv_packet_write (&echo, buf, echo_size) == 0)
    return;
  bytes = g_bytes_new (buf, echo_size);
  if (!wv_peer_send (self->peer, WV_CHANNEL_PROBE, bytes, &opts, NULL))
    self->counters.send_errors++;
}

static void
handle_echo (WvConnection *self, const WvPacket *p, const WvRecvInfo *info)
{
  gint64 t4 = info->receive_time_ns > 0 ? info->receive_time_ns : wv_now_ns ();
  g_autoptr(GArray) done = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));
  WvTwoStepSample sample = { .seq = p->seq, .arrival_ns = t4, .t = { p->t1, p->t2, p->t3, t4 } };
  WvClass *k;

  if (p->class_index >= self->n_classes)
    {
      self->counters.unexpected++;
      return;
    }
  /* The peer's holding time between receiving and echoing is not part of
   * the path's round trip; wire_rtt_complete() takes it out. */
  if (p->t3 < p->t2)
    {
      self->counters.malformed++;
      return;
    }
  k = &self->classes[p->class_index];
  sample.ttl = info->receive_time_ns > 0;
  wv_two_step_add (k->rtt_pending, &sample, done);
  wire_apply_followups (k->rtt_pending, p, done);
  wire_rtt_release (self, k, done);
}

/* Follow-ups after the peer's last probe. */
static void
handle_followup (WvConnection *self, const WvPacket *p)
{
  g_autoptr(GArray) done = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));
  WvClass *k;

  if (p->class_index >= self->n_classes)
    {
      self->counters.unexpected++;
      return;
    }
  k = &self->classes[p->class_index];
  wire_apply_followups (k->rx_pending, p, done);
  wire_rx_release (self, k, done);
}

/* Acknowledges a test probe with the size and TTL it arrived with, within
 * a rate cap, or hands an acknowledgement to our prober. */
static void
handle_testprobe (WvConnection *self, const guint8 *data, gsize len, const WvRecvInfo *info)
{
  WvTestProbe tp, ack = { WV_TESTPROBE_ACK };
  WvSendOptions ack_opts = WV_SEND_OPTIONS_INIT;
  guint8 buf[WV_TESTPROBE_ACK_SIZE];
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = wv_monotonic_ns ();

  if (!wv_testprobe_parse (data, len, &tp, &error))
    {
      self->counters.malformed++;
      return;
    }
  if (tp.kind == WV_TESTPROBE_ACK)
    {
      if (self->prober)
        wv_path_probe_handle_ack (self->prober, &tp, info);
      return;
    }
  if (tp.kind == WV_TESTPROBE_ACK_WIRE)
    {
      if (self->prober)
        wv_path_probe_handle_ack_wire (self->prober, &tp);
      return;
    }
  self->testprobe_tokens = MIN (self->testprobe_tokens +
                                (now - self->testprobe_refill_ns) * 1e-9 * 200, 200);
  self->testprobe_refill_ns = now;
  if (self->testprobe_tokens < 1)
    {
      self->counters.echoes_limited++;
      return;
    }
  self->testprobe_tokens -= 1;
  ack.ttl = tp.ttl;
  ack.probe_id = tp.probe_id;
  ack.t1 = tp.t1;
  ack.udp_length = info->length;
  ack.rx_ttl = info->ttl;
  ack.t2 = info->receive_time_ns > 0 ? info->receive_time_ns : wv_now_ns ();
  if (self->peer_wire_times)
    {
      /* Ask for the ack's send report; its wire time follows (ACK_WIRE). */
      guint32 n = ++self->ack_counter;
      guint slot = n % G_N_ELEMENTS (self->ack_wire);

      self->ack_wire[slot].n = n;
      self->ack_wire[slot].probe_id = tp.probe_id;
      ack_opts.probe_id = wv_wire_probe_id (TRUE, WV_WIRE_ACK_CLASS, n);
    }
  ack.t3 = wv_now_ns ();
  wv_testprobe_write (&ack, buf, sizeof buf);
  bytes = g_bytes_new (buf, sizeof buf);
  if (!wv_peer_send (self->peer, WV_CHANNEL_TESTPROBE, bytes, &ack_opts, NULL))
    self->counters.send_errors++;
}

static void
on_message (WvPeer *peer, guint channel, GBytes *bytes, const WvRecvInfo *info,
            WvConnection *self)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  WvPacket p;
  g_autoptr(GError) error = NULL;

  self->last_peer_activity_ns = wv_monotonic_ns ();
  self->last_peer_real_ns = wv_now_ns ();
  if (channel == WV_CHANNEL_TESTPROBE)
    {
      handle_testprobe (self, data, len, info);
      return;
    }
  if (channel != WV_CHANNEL_PROBE && channel != WV_CHANNEL_BULK)
    return;
  if (self->n_classes == 0)
    {
      /* Probes before any stream was set up. */
      self->counters.unexpected++;
      return;
    }
  if (!wv_packet_parse (data, len, &p, &error))
    {
      self->counters.malformed++;
      g_debug ("connection %u: bad packet: %s", self->index, error->message);
      return;
    }
  if (p.kind == WV_PACKET_PROBE || p.kind == WV_PACKET_BULK)
    {
      self->last_stream_rx_ns = self->last_peer_activity_ns;
      if (self->tx_paused)
        set_tx_paused (self, FALSE);
    }
  switch (p.kind)
    {
    case WV_PACKET_PROBE:
      handle_probe (self, &p, info);
      break;
    case WV_PACKET_ECHO:
      handle_echo (self, &p, info);
      break;
    case WV_PACKET_FOLLOWUP:
      handle_followup (self, &p);
      break;
    case WV_PACKET_BULK:
      wv_rx_stats_add_bulk (self->bulk_rx,
                            info->receive_time_ns > 0 ? info->receive_time_ns : wv_now_ns (),
                            len);
      break;
    default:
      self->counters.unexpected++;
    }
}

/* --- statistics, records ------------------------------------------------------ */

static void
update_offset (WvConnection *self)
{
  gint64 theta, ref, err;
  double skew;

  if (self->owd_mode != WV_OWD_OFFSET_ESTIMATED)
    return;
  /* theta(t) = theta + skew * (t - ref) is peer minus local; the receive
   * side wants receiver (local) minus sender (peer). The skew follows the
   * clocks' drift between the once-a-second updates (docs/statistics.md). */
  if (wv_clock_offset_get_model (self->offset, &ref, &theta, &skew, &err))
    {
      for (guint c = 0; c < self->n_classes; c++)
        wv_rx_stats_set_offset_model (self->classes[c].rx, -theta, ref, -skew);
      self->clock_error_ms = err / 1e6;
    }
}

/* The skew in ppm as the records give it: the server's clock against the
 * client's, the same figure at both ends; NaN until it is estimated (and in
 * synced mode, where no offset is estimated). */
static double
record_skew_ppm (WvConnection *self)
{
  double ppm;

  if (self->owd_mode != WV_OWD_OFFSET_ESTIMATED || !wv_clock_offset_get_skew (self->offset, &ppm))
    return NAN;
  /* The estimate is peer minus local. */
  return self->role == WV_ROLE_CLIENT ? ppm : -ppm;
}

static void
summary_init (WvSummary *s)
{
  memset (s, 0, sizeof *s);
}

static void
rx_record_init (WvRxRecord *r)
{
  memset (r, 0, sizeof *r);
  r->rx_ttl = -1;
  r->rx_tos = -1;
  r->loss_pct = NAN;
  r->reorder_pct = NAN;
  r->dup_pct = NAN;
  r->jitter_ms = NAN;
  r->throughput_bps = NAN;
}

/* Bulk throughput of a window over the part of it when the streams ran:
 * the windows of the drain after the streams stopped (and the long ones
 * just after they started) would otherwise read too low, down to 0 at the
 * last point of every run. Unknown when the streams ran for less than a
 * tenth of the window. */
static double
window_throughput (WvConnection *self, const WvRxRecord *b, gint64 now, gint64 window_ns)
{
  gint64 start = now - window_ns, end = now;

  if (self->streams_started_ns > start)
    start = self->streams_started_ns;
  if (self->streams_stopped_ns > 0 && self->streams_stopped_ns < end)
    end = self->streams_stopped_ns;
  if (end - start < window_ns / 10)
    return NAN;
  return (double) b->bulk_bytes * 8e9 / (double) (end - start);
}

static void
fill_own_stats (WvConnection *self, guint c, guint w, gint64 now, WvMsgStats *m)
{
  WvClass *k = &self->classes[c];

  memset (m, 0, sizeof *m);
  m->time_ns = now;
  m->window_s = w;
  m->class_index = c;
  m->rx_dir = rx_direction (self);
  m->owd_mode = self->owd_mode;
  m->skew_ppm = record_skew_ppm (self);
  m->rtt_wire_samples = wv_rtt_stats_count_wire (k->rtt, now, (gint64) w * G_GINT64_CONSTANT (1000000000));
  if (w == 0)
    {
      wv_rx_stats_total (k->rx, &m->rx);
      wv_rtt_stats_total (k->rtt, &m->rtt_ms);
      m->sched_err_p99_ms = k->tx ? tx_stream_late_p99_ms (k->tx, &m->probes_sent)
                                  : k->own_final.sched_err_p99_ms;
      if (k->tx == NULL)
        m->probes_sent = k->own_final.probes_sent;
      /* Throughput is that of the bulk channel, reported with the first
       * class; unknown when no bulk traffic was asked for. */
      m->rx.throughput_bps = NAN;
      if (c == 0 && self->params.bulk_bps > 0)
        {
          WvRxRecord b;

          wv_rx_stats_total (self->bulk_rx, &b);
          m->rx.throughput_bps = b.throughput_bps;
          m->rx.bulk_bytes = b.bulk_bytes;
        }
    }
  else
    {
      gint64 wns = (gint64) w * G_GINT64_CONSTANT (1000000000);

      /* Samples still waiting for their wire times would be missing from
       * the window and then from every later one: the windows end just
       * before the oldest of them (normally a packet interval ago). */
      wv_rx_stats_window (k->rx, wire_window_end (k->rx_pending, now), wns, &m->rx);
      wv_rtt_stats_window (k->rtt, wire_window_end (k->rtt_pending, now), wns, &m->rtt_ms);
      m->rtt_wire_samples = wv_rtt_stats_count_wire (k->rtt, wire_window_end (k->rtt_pending, now), wns);
      m->sched_err_p99_ms = tx_stream_late_p99_ms (k->tx, &m->probes_sent);
      m->rx.throughput_bps = NAN;
      if (c == 0 && self->params.bulk_bps > 0)
        {
          WvRxRecord b;

          wv_rx_stats_window (self->bulk_rx, now, wns, &b);
          m->rx.throughput_bps = window_throughput (self, &b, now, wns);
          m->rx.bulk_bytes = b.bulk_bytes;
        }
    }
}

/* What a summary says about its own completeness, and its loss with the
 * tail counted: against the sender's count when its part is here, else
 * against the rate over the time the stream was due (up to the end of the
 * streams, or to the time the peer was declared lost). */
static void
summary_complete (WvConnection *self, const WvClass *k, WvStatsRecord *st,
                  const WvMsgStats *rx_part, const WvMsgStats *tx_part, gint64 now)
{
  WvRxRecord *rx = &st->rx;
  double due_s = 0;
  guint64 expected;

  st->rx_missing = rx_part == NULL;
  st->tx_missing = tx_part == NULL;
  st->peer_lost = self->peer_lost;
  /* The receiver's summary never came, but its per-second reports did:
   * their counts, against what this end sent. */
  if (rx_part == NULL && tx_part != NULL && k->peer_1s_seen)
    {
      st->rx_missing = FALSE;
      st->rx_partial = TRUE;
      rx->probes = (guint) MIN (k->peer_1s_probes, G_MAXUINT);
      rx->expected = k->peer_1s_expected;
    }
  else if (rx_part == NULL)
    return;
  if (tx_part == NULL && self->streams_started_ns > 0)
    {
      gint64 end = self->peer_lost ? self->lost_ns :
                   self->streams_stopped_ns ? self->streams_stopped_ns : now;

      due_s = (end - self->streams_started_ns) / 1e9;
      if (self->params.duration_s > 0)
        due_s = MIN (due_s, self->params.duration_s);
    }
  st->expected_source = wv_tail_expected (rx->expected,
                                          tx_part ? (gint64) tx_part->probes_sent : -1,
                                          self->params.rate_pps, due_s, &expected);
  rx->expected = expected;
  rx->loss_pct = expected > 0 ? 100.0 * (double) (expected - MIN (rx->probes, expected)) /
                                (double) expected
                              : NAN;
}

/* Makes the records for both directions of one class and window from this
 * end's part (@own) and the peer's latest part (@peer, may be NULL). */
static void
emit_pair (WvConnection *self, guint c, const WvMsgStats *own, const WvMsgStats *peer,
           gint64 now, WvRecordType type)
{
  WvClass *k = &self->classes[c];

  for (int d = 0; d < 2; d++)
    {
      WvDirection dir = d == 0 ? WV_DIR_C2S : WV_DIR_S2C;
      gboolean local_rx = dir == rx_direction (self);
      const WvMsgStats *rx_part = local_rx ? own : peer;
      const WvMsgStats *tx_part = local_rx ? peer : own;
      WvRecord r;

      record_init (self, &r, type, dir, now);
      r.stats.window_s = type == WV_RECORD_SUMMARY ? 0 : own->window_s;
      r.stats.dscp = k->dscp;
      r.stats.owd_mode = self->owd_mode;
      r.stats.clock_error_ms = self->clock_error_ms;
      if (rx_part)
        r.stats.rx = rx_part->rx;
      else
        rx_record_init (&r.stats.rx);
      /* Before the peer's first report (or when its report is stale) the
       * peer's half is unknown: empty in CSV, null in JSON, never 0 probes. */
      r.stats.rx_missing = rx_part == NULL;
      r.stats.skew_ppm = record_skew_ppm (self);
      if (tx_part)
        {
          r.stats.rtt_ms = tx_part->rtt_ms;
          r.stats.rtt_wire_samples = tx_part->rtt_wire_samples;
          r.stats.sched_err_p99_ms = tx_part->sched_err_p99_ms;
          r.stats.probes_sent = tx_part->probes_sent;
        }
      else
        {
          summary_init (&r.stats.rtt_ms);
          r.stats.sched_err_p99_ms = -1;
        }
      r.stats.remarked = r.stats.rx.rx_tos >= 0 &&
                         (r.stats.rx.rx_tos >> 2) != MAX (k->dscp, 0);
      if (type == WV_RECORD_SUMMARY && self->streams_started_ns > 0)
        r.stats.duration_s = ((self->streams_stopped_ns ? self->streams_stopped_ns : now) -
                              self->streams_started_ns) / 1e9;
      if (type == WV_RECORD_SUMMARY)
        summary_complete (self, k, &r.stats, rx_part, tx_part, now);
      g_signal_emit (self, signals[SIGNAL_RECORD], 0, &r);
    }
}

static gboolean
stats_tick (gpointer data)
{
  WvConnection *self = data;
  gint64 now = wv_now_ns ();
  gint64 mono = wv_monotonic_ns ();

  if (self->role == WV_ROLE_SERVER && self->state == WV_CONN_STREAMING &&
      mono - MAX (self->last_stream_rx_ns, self->streams_started_mono_ns) > CLIENT_SILENCE_NS)
    set_tx_paused (self, TRUE);
  update_offset (self);
  for (guint c = 0; c < self->n_classes; c++)
    for (guint w = 0; w < N_WINDOWS; w++)
      {
        WvMsg msg = { .type = WV_MSG_STATS };

        WvClass *k = &self->classes[c];
        /* A part older than two of its periods is not this second's: the
         * peer's half of the record is unknown, not its last value again. */
        gboolean fresh = k->have_peer[w] &&
                         wv_monotonic_ns () - k->peer_mono_ns[w] < PEER_STATS_FRESH_NS;

        fill_own_stats (self, c, windows_s[w], now, &msg.stats);
        send_msg (self, &msg);
        emit_pair (self, c, &msg.stats, fresh ? &k->peer[w] : NULL, now, WV_RECORD_STATS);
      }
  return G_SOURCE_CONTINUE;
}

static gboolean
all_peer_finals (WvConnection *self)
{
  for (guint c = 0; c < self->n_classes; c++)
    if (!self->classes[c].have_peer[N_WINDOWS])
      return FALSE;
  return TRUE;
}

static void
emit_summaries (WvConnection *self)
{
  gint64 now = wv_now_ns ();

  if (self->summaries_emitted)
    return;
  self->summaries_emitted = TRUE;
  g_clear_handle_id (&self->peer_summary_source, g_source_remove);
  for (guint c = 0; c < self->n_classes; c++)
    {
      WvClass *k = &self->classes[c];
      WvMsgStats own;

      fill_own_stats (self, c, 0, now, &own);
      emit_pair (self, c, &own, k->have_peer[N_WINDOWS] ? &k->peer[N_WINDOWS] : NULL,
                 now, WV_RECORD_SUMMARY);
    }
}

static gboolean
peer_summary_timeout (gpointer data)
{
  WvConnection *self = data;

  self->peer_summary_source = 0;
  emit_error (self, "the peer did not send its summary; the summary has this end's part only");
  emit_summaries (self);
  set_state (self, WV_CONN_FINISHED);
  return G_SOURCE_REMOVE;
}

static void
send_final_stats (WvConnection *self)
{
  gint64 now = wv_now_ns ();

  if (self->own_final_sent)
    return;
  self->own_final_sent = TRUE;
  update_offset (self);
  for (guint c = 0; c < self->n_classes; c++)
    {
      WvMsg msg = { .type = WV_MSG_STATS };

      fill_own_stats (self, c, 0, now, &msg.stats);
      send_msg (self, &msg);
    }
  if (all_peer_finals (self))
    {
      emit_summaries (self);
      set_state (self, WV_CONN_FINISHED);
    }
  else
    self->peer_summary_source = g_timeout_add (PEER_SUMMARY_TIMEOUT_MS,
                                               peer_summary_timeout, self);
}

static gboolean
drain_done (gpointer data)
{
  WvConnection *self = data;

  self->drain_source = 0;
  g_clear_handle_id (&self->stats_source, g_source_remove);
  wire_flush (self);
  send_final_stats (self);
  return G_SOURCE_REMOVE;
}

/* --- traceroute and MTU ---------------------------------------------------------- */

static void
emit_path_record (WvConnection *self, WvRecordType type, WvDirection dir, const void *data)
{
  WvRecord r;

  record_init (self, &r, type, dir, wv_now_ns ());
  if (type == WV_RECORD_HOP)
    r.hop = *(const WvHopRecord *) data;
  else if (type == WV_RECORD_MTU)
    r.mtu = *(const WvMtuRecord *) data;
  else
    r.path_mtu = *(const WvPathMtuRecord *) data;
  g_signal_emit (self, signals[SIGNAL_RECORD], 0, &r);
}

static void
send_path_result (WvConnection *self, WvRecordType kind, const void *data, const char *error)
{
  WvMsg msg = { .type = WV_MSG_PATH_RESULT };

  msg.path_result.kind = kind;
  if (kind == WV_RECORD_HOP)
    msg.path_result.hop = *(const WvHopRecord *) data;
  else if (kind == WV_RECORD_MTU)
    msg.path_result.mtu = *(const WvMtuRecord *) data;
  else if (kind == WV_RECORD_PATH_MTU)
    msg.path_result.path_mtu = *(const WvPathMtuRecord *) data;
  if (error)
    g_strlcpy (msg.path_result.error, error, sizeof msg.path_result.error);
  send_msg (self, &msg);
}

static void
on_probe_record (WvConnection *self, WvRecordType type, const void *data)
{
  emit_path_record (self, type, tx_direction (self), data);
  if (self->path_for_peer)
    send_path_result (self, type, data, NULL);
}

static void
on_probe_hop (WvPathProbe *prober, const WvHopRecord *hop, WvConnection *self)
{
  on_probe_record (self, WV_RECORD_HOP, hop);
}

static void
on_probe_mtu (WvPathProbe *prober, const WvMtuRecord *mtu, WvConnection *self)
{
  on_probe_record (self, WV_RECORD_MTU, mtu);
}

static void
on_probe_path_mtu (WvPathProbe *prober, const WvPathMtuRecord *pm, WvConnection *self)
{
  on_probe_record (self, WV_RECORD_PATH_MTU, pm);
}

static void
on_probe_error (WvPathProbe *prober, const GError *error, WvConnection *self)
{
  emit_error (self, "%s", error->message);
}

static void
check_path_done (WvConnection *self)
{
  if (!self->path_local && !self->path_remote)
    g_signal_emit (self, signals[SIGNAL_PATH_DONE], 0);
}

static void
local_path_finished (WvConnection *self, const char *error)
{
  self->path_local = FALSE;
  if (self->path_for_peer)
    {
      send_path_result (self, WV_N_RECORD_TYPES, NULL, error);
      self->path_for_peer = FALSE;
    }
  check_path_done (self);
}

static void
mtu_params_from_request (WvMtuParams *mp, const WvMsgPathRequest *r)
{
  mp->max_size = r->mtu_max;
  mp->n_sizes = MIN (r->n_mtu_sizes, WV_MTU_MAX_SIZES);
  memcpy (mp->sizes, r->mtu_sizes, mp->n_sizes * sizeof mp->sizes[0]);
}

static void
on_probe_done (WvPathProbe *prober, guint what, WvConnection *self)
{
  g_autoptr(GError) error = NULL;

  /* A trace is followed by the MTU search when both were asked for. */
  if (what == 1 && self->path.mtu)
    {
      WvMtuParams mp = WV_MTU_PARAMS_DEFAULT;

      mtu_params_from_request (&mp, &self->path);
      if (wv_path_probe_start_mtu (self->prober, &mp, &error))
        return;
    }
  local_path_finished (self, error ? error->message : NULL);
}

static gboolean
start_local_path (WvConnection *self, GError **error)
{
  gboolean ok;

  if (self->prober == NULL)
    {
      self->prober = wv_path_probe_new (self->peer, self->helper);
      g_signal_connect (self->prober, "hop", G_CALLBACK (on_probe_hop), self);
      g_signal_connect (self->prober, "mtu", G_CALLBACK (on_probe_mtu), self);
      g_signal_connect (self->prober, "path-mtu", G_CALLBACK (on_probe_path_mtu), self);
      g_signal_connect (self->prober, "done", G_CALLBACK (on_probe_done), self);
      g_signal_connect (self->prober, "error", G_CALLBACK (on_probe_error), self);
    }
  wv_path_probe_set_peer_wire_times (self->prober, self->peer_wire_times);
  if (self->path.trace)
    {
      WvTraceParams tp = WV_TRACE_PARAMS_DEFAULT;

      tp.max_ttl = self->path.max_ttl;
      tp.rounds = self->path.rounds;
      if (self->path.trace_marked)
        tp.tos = (int) (self->path.trace_dscp << 2);
      ok = wv_path_probe_start_trace (self->prober, &tp, error);
    }
  else
    {
      WvMtuParams mp = WV_MTU_PARAMS_DEFAULT;

      mtu_params_from_request (&mp, &self->path);
      ok = wv_path_probe_start_mtu (self->prober, &mp, error);
    }
  self->path_local = ok;
  return ok;
}

gboolean
wv_connection_run_path (WvConnection *self, const WvMsgPathRequest *request, GError **error)
{
  WvMsg msg = { .type = WV_MSG_PATH_REQUEST };

  g_return_val_if_fail (WV_IS_CONNECTION (self), FALSE);

  if (self->role != WV_ROLE_CLIENT || self->state != WV_CONN_READY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "connection %u is %s, not ready",
                   self->index, wv_conn_state_to_string (self->state));
      return FALSE;
    }
  if (self->path_local || self->path_remote)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "a traceroute or MTU search is running");
      return FALSE;
    }
  /* The protocol's bounds, as the server will check them. */
  msg.path_request = *request;
  if (!wv_msg_validate (&msg, error))
    return FALSE;
  self->path = *request;
  self->path_remote = send_msg (self, &msg);
  if (!self->path_remote)
    emit_error (self, "cannot ask the server to trace toward us");
  if (!start_local_path (self, error))
    {
      self->path_local = FALSE;
      return self->path_remote;
    }
  return TRUE;
}

void
wv_connection_set_icmp_helper (WvConnection *self, WvIcmpHelper *helper)
{
  g_set_object (&self->helper, helper);
}

void
wv_connection_get_path_counters (WvConnection *self, WvPathProbeCounters *out)
{
  memset (out, 0, sizeof *out);
  if (self->prober)
    wv_path_probe_get_counters (self->prober, out);
}

/* --- control messages -------------------------------------------------------- */

static void
send_hello (WvConnection *self)
{
  WvMsg msg = { .type = WV_MSG_HELLO };

  if (self->hello_sent)
    return;
  msg.hello.protocol = WV_PROTOCOL_VERSION;
  g_snprintf (msg.hello.software, sizeof msg.hello.software, "wifi-verify %s", PACKAGE_VERSION);
  g_strlcpy (msg.hello.role, self->role == WV_ROLE_CLIENT ? "client" : "server",
             sizeof msg.hello.role);
  g_strlcpy (msg.hello.session, self->session, sizeof msg.hello.session);
  g_strlcpy (msg.hello.conn, self->id, sizeof msg.hello.conn);
  msg.hello.clock = self->local_clock;
  msg.hello.wire_times = TRUE;
  if (send_msg (self, &msg))
    self->hello_sent = TRUE;
}

static void
setup_classes (WvConnection *self, const WvClasses *classes)
{
  self->n_classes = MAX (classes->n_classes, 1);
  for (guint c = 0; c < self->n_classes; c++)
    {
      WvClass *k = &self->classes[c];

      k->dscp = classes->n_classes ? classes->dscp[c] : -1;
      if (k->rx == NULL)
        {
          k->rx = wv_rx_stats_new ();
          k->rtt = wv_rtt_stats_new ();
        }
      wire_class_init (self, k);
    }
  self->echo_rate = 2.0 * self->params.rate_pps * self->n_classes + 20;
  self->echo_tokens = self->echo_rate / 2;
  self->echo_refill_ns = wv_monotonic_ns ();
}

static gboolean
duration_over (gpointer data)
{
  WvConnection *self = data;

  self->duration_source = 0;
  wv_connection_stop (self);
  return G_SOURCE_REMOVE;
}

static void
begin_streaming (WvConnection *self)
{
  setup_classes (self, &self->params.classes);
  self->streams_started_ns = wv_now_ns ();
  g_clear_pointer (&self->outages, wv_outage_detector_free);
  self->outages = wv_outage_detector_new (G_GINT64_CONSTANT (1000000000) /
                                          MAX (self->params.rate_pps, 1),
                                          self->n_classes);
  wv_outage_detector_start (self->outages, self->streams_started_ns);
  self->streams_started_mono_ns = wv_monotonic_ns ();
  if (self->role == WV_ROLE_SERVER && self->caps.budget)
    {
      self->granted_bps = wv_streams_out_bps (&self->params);
      self->caps.budget->used_bps += self->granted_bps;
    }
  start_tx (self);
  self->stats_source = g_timeout_add_seconds (1, stats_tick, self);
  /* Silence before the first probe counts from here. */
  self->last_peer_activity_ns = wv_monotonic_ns ();
  if (self->watch_source == 0)
    self->watch_source = g_timeout_add (WATCH_MS, watch_tick, self);
  set_state (self, WV_CONN_STREAMING);
}

/* The output caps: the connection's own, and what the server's other
 * connections leave of its total. Bulk traffic is lowered first, then the
 * probe rate (to 1 per second and class at the least). */
static void
clamp_output (WvConnection *self, WvMsgStreams *p, GString *why)
{
  guint64 cap = self->caps.max_out_bps ? self->caps.max_out_bps : G_MAXUINT64;
  guint64 want = wv_streams_out_bps (p);
  gboolean server_total = FALSE;

  if (self->caps.budget)
    {
      WvOutBudget *b = self->caps.budget;
      guint64 left = b->total_bps > b->used_bps ? b->total_bps - b->used_bps : 0;

      if (left < cap)
        {
          cap = left;
          server_total = TRUE;
        }
    }
  if (want <= cap)
    return;
  if (p->bulk_bps > 0)
    {
      WvMsgStreams probes_only = *p;
      guint64 rest;

      probes_only.bulk_bps = 0;
      rest = wv_streams_out_bps (&probes_only);
      p->bulk_bps = rest < cap ? (guint64) ((cap - rest) * (double) BULK_PACKET_SIZE /
                                            (BULK_PACKET_SIZE + WV_WIRE_OVERHEAD)) : 0;
    }
  if (wv_streams_out_bps (p) > cap)
    {
      WvMsgStreams one = *p;
      guint64 per_pps;

      one.rate_pps = 1;
      one.bulk_bps = 0;
      per_pps = MAX (wv_streams_out_bps (&one), 1);
      p->rate_pps = MAX (cap / per_pps, 1);
    }
  g_string_append_printf (why, "output %" G_GUINT64_FORMAT " > %" G_GUINT64_FORMAT " bit/s%s; ",
                          want, cap, server_total ? " (the server's total)" : "");
}

/* The server clamps what a client asks for to its caps. */
static void
clamp_streams (WvConnection *self, WvMsgStreams *p)
{
  GString *why = g_string_new (NULL);

  if (p->rate_pps > self->caps.max_rate_pps)
    {
      g_string_append_printf (why, "rate %u > %u pps; ", p->rate_pps, self->caps.max_rate_pps);
      p->rate_pps = self->caps.max_rate_pps;
    }
  if (p->rate_pps == 0)
    p->rate_pps = 1;
  if (p->probe_size > self->caps.max_probe_size)
    {
      g_string_append_printf (why, "probe size %u > %u; ", p->probe_size, self->caps.max_probe_size);
      p->probe_size = self->caps.max_probe_size;
    }
  if (p->probe_size < WV_PROBE_MIN_SIZE)
    p->probe_size = WV_PROBE_MIN_SIZE;
  if (p->bulk_bps > self->caps.max_bulk_bps)
    {
      g_string_append_printf (why, "bulk %" G_GUINT64_FORMAT " > %" G_GUINT64_FORMAT " bit/s; ",
                              p->bulk_bps, self->caps.max_bulk_bps);
      p->bulk_bps = self->caps.max_bulk_bps;
    }
  if (p->duration_s <= 0 || p->duration_s > self->caps.max_duration_s)
    {
      g_string_append_printf (why, "duration limited to %.0f s; ", self->caps.max_duration_s);
      p->duration_s = self->caps.max_duration_s;
    }
  clamp_output (self, p, why);
  p->capped = why->len > 0;
  g_strlcpy (p->reason, why->str, sizeof p->reason);
  g_string_free (why, TRUE);
}

static void
handle_msg (WvConnection *self, const WvMsg *msg)
{
  switch (msg->type)
    {
    case WV_MSG_HELLO:
      {
        gboolean peer_is_server = g_strcmp0 (msg->hello.role, "server") == 0;

        if (self->hello_received || peer_is_server != (self->role == WV_ROLE_CLIENT))
          {
            self->counters.unexpected++;
            return;
          }
        self->hello_received = TRUE;
        self->peer_clock = msg->hello.clock;
        self->peer_wire_times = msg->hello.wire_times;
        g_strlcpy (self->peer_software, msg->hello.software, sizeof self->peer_software);
        if (self->owd_choice == WV_OWD_AUTO)
          self->owd_mode = wv_clock_choose_mode (&self->local_clock, &self->peer_clock,
                                                 self->max_clock_error_ms,
                                                 &self->clock_error_ms);
        else
          {
            self->owd_mode = self->owd_choice;
            self->clock_error_ms = -1;
          }
        send_hello (self);
        if (self->state == WV_CONN_CONNECTING)
          set_state (self, WV_CONN_READY);
        break;
      }
    case WV_MSG_START_STREAMS:
      {
        WvMsg reply = { .type = WV_MSG_STREAMS_STARTED };

        if (self->role != WV_ROLE_SERVER || self->state != WV_CONN_READY)
          {
            self->counters.unexpected++;
            return;
          }
        reply.streams = msg->streams;
        clamp_streams (self, &reply.streams);
        self->params = reply.streams;
        send_msg (self, &reply);
        begin_streaming (self);
        /* The client ends the streams; this is the server's backstop. It
         * leaves time for a held-up streams_started to reach the client,
         * which counts the duration from then. */
        if (self->params.duration_s > 0)
          self->duration_source = g_timeout_add ((guint) (self->params.duration_s * 1000) +
                                                 SERVER_DURATION_GRACE_MS,
                                                 duration_over, self);
        break;
      }
    case WV_MSG_STREAMS_STARTED:
      if (self->role != WV_ROLE_CLIENT || self->state != WV_CONN_READY || self->stop_requested)
        {
          self->counters.unexpected++;
          return;
        }
      self->params = msg->streams;
      if (msg->streams.capped)
        emit_error (self, "the server lowered the request: %s", msg->streams.reason);
      begin_streaming (self);
      /* Each connection measures for the whole duration from its own
       * start: one whose start was held up (a lost control message waits
       * for an SCTP retransmission) is not cut short. */
      if (self->params.duration_s > 0)
        self->duration_source = g_timeout_add ((guint) (self->params.duration_s * 1000),
                                               duration_over, self);
      break;
    case WV_MSG_STOP_STREAMS:
    case WV_MSG_STREAMS_STOPPED:
      if (self->state == WV_CONN_STREAMING)
        wv_connection_stop (self);
      break;
    case WV_MSG_STATS:
      {
        const WvMsgStats *s = &msg->stats;
        guint slot;

        if (s->class_index >= self->n_classes || s->rx_dir != tx_direction (self))
          {
            self->counters.unexpected++;
            return;
          }
        if (s->window_s == 0)
          slot = N_WINDOWS;
        else
          {
            for (slot = 0; slot < N_WINDOWS && windows_s[slot] != s->window_s; slot++)
              ;
            if (slot == N_WINDOWS)
              {
                self->counters.malformed++;
                return;
              }
          }
        self->classes[s->class_index].peer[slot] = *s;
        self->classes[s->class_index].have_peer[slot] = TRUE;
        self->classes[s->class_index].peer_mono_ns[slot] = wv_monotonic_ns ();
        if (s->window_s == 1)
          {
            WvClass *k = &self->classes[s->class_index];

            k->peer_1s_probes += s->rx.probes;
            k->peer_1s_expected += s->rx.expected;
            k->peer_1s_seen = TRUE;
          }
        if (slot == N_WINDOWS && self->own_final_sent && all_peer_finals (self))
          {
            emit_summaries (self);
            set_state (self, WV_CONN_FINISHED);
          }
        else if (slot == N_WINDOWS && self->state == WV_CONN_STREAMING)
          {
            /* The peer finished first (it stopped, or its duration ran out). */
            wv_connection_stop (self);
          }
        break;
      }
    case WV_MSG_PATH_REQUEST:
      {
        g_autoptr(GError) error = NULL;
        WvMsgPathRequest req = msg->path_request;

        /* The server traces toward the client when asked, once at a time,
         * within the protocol's bounds (wv_msg_parse checked them). */
        if (self->role != WV_ROLE_SERVER || self->state != WV_CONN_READY ||
            self->path_local || ++self->path_requests > MAX_PATH_REQUESTS)
          {
            WvMsgPathResult r = { WV_N_RECORD_TYPES };

            self->counters.unexpected++;
            g_strlcpy (r.error, "request refused (busy, not ready, or out of bounds)",
                       sizeof r.error);
            send_path_result (self, WV_N_RECORD_TYPES, NULL, r.error);
            return;
          }
        self->path = req;
        self->path_for_peer = TRUE;
        if (!start_local_path (self, &error))
          {
            self->path_for_peer = FALSE;
            send_path_result (self, WV_N_RECORD_TYPES, NULL, error->message);
          }
        break;
      }
    case WV_MSG_PATH_RESULT:
      {
        const WvMsgPathResult *r = &msg->path_result;

        if (self->role != WV_ROLE_CLIENT || !self->path_remote)
          {
            self->counters.unexpected++;
            return;
          }
        if (r->kind == WV_N_RECORD_TYPES)
          {
            if (r->error[0])
              emit_error (self, "the server's traceroute/MTU search: %s", r->error);
            self->path_remote = FALSE;
            check_path_done (self);
          }
        else if (r->kind == WV_RECORD_HOP)
          emit_path_record (self, WV_RECORD_HOP, rx_direction (self), &r->hop);
        else if (r->kind == WV_RECORD_MTU)
          emit_path_record (self, WV_RECORD_MTU, rx_direction (self), &r->mtu);
        else if (r->kind == WV_RECORD_PATH_MTU)
          emit_path_record (self, WV_RECORD_PATH_MTU, rx_direction (self), &r->path_mtu);
        else
          self->counters.malformed++;
        break;
      }
    case WV_MSG_OUTAGE:
      handle_peer_outage (self, &msg->outage);
      break;
    case WV_MSG_ERROR:
      emit_error (self, "the peer reports an error: %s (%s)", msg->error.message, msg->error.code);
      break;
    case WV_MSG_BYE:
      wv_connection_abort (self, msg->error.message[0] ? msg->error.message : "the peer left");
      break;
    default:
      self->counters.unknown++;
    }
}

static void
on_text (WvPeer *peer, guint channel, const char *text, WvConnection *self)
{
  WvMsg msg;
  g_autoptr(GError) error = NULL;

  self->last_peer_activity_ns = wv_monotonic_ns ();
  self->last_peer_real_ns = wv_now_ns ();
  if (channel != WV_CHANNEL_CONTROL)
    {
      self->counters.unexpected++;
      return;
    }
  if (!wv_msg_parse (text, strlen (text), &msg, &error))
    {
      if (g_error_matches (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_UNKNOWN_TYPE))
        self->counters.unknown++;
      else
        self->counters.malformed++;
      {
        guint64 held = 0;

        /* Rate-limited per reason; the codec's messages are printable. */
        if (wv_log_limit_allow (self->log_limit, g_quark_to_string (error->domain), &held))
          g_message ("connection %u: ignoring a control message: %s%s", self->index,
                     error->message, held ? " (and more, not logged)" : "");
      }
      if (g_error_matches (error, WV_PROTOCOL_ERROR, WV_PROTOCOL_ERROR_VERSION))
        wv_connection_abort (self, error->message);
      return;
    }
  handle_msg (self, &msg);
}

/* --- peer life ----------------------------------------------------------------- */

static void
on_peer_state (WvPeer *peer, guint state, WvConnection *self)
{
  if (state == WV_PEER_CONNECTED)
    {
      self->last_peer_activity_ns = wv_monotonic_ns ();
      self->last_peer_real_ns = wv_now_ns ();
      send_hello (self);
    }
  else if (state == WV_PEER_FAILED)
    wv_connection_abort (self, "the WebRTC connection failed");
}

static void
on_peer_error (WvPeer *peer, const GError *error, WvConnection *self)
{
  emit_error (self, "%s", error->message);
}

static gboolean
idle_check (gpointer data)
{
  WvConnection *self = data;
  gint64 idle = wv_monotonic_ns () - self->last_peer_activity_ns;

  if (self->last_peer_activity_ns > 0 && !wv_conn_state_is_final (self->state) &&
      idle > (gint64) self->idle_timeout_s * G_GINT64_CONSTANT (1000000000))
    {
      g_autofree char *why = g_strdup_printf ("nothing received from the peer for %u s",
                                              self->idle_timeout_s);
      self->idle_source = 0;
      wv_connection_abort (self, why);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Ends the connection at once in @state (FAILED or LOST): nothing more is
 * sent, and what this end measured becomes the summaries. */
static void
end_now (WvConnection *self, WvConnState state, const char *reason)
{
  emit_error (self, "%s", reason);
  stop_tx (self);
  if (self->prober)
    wv_path_probe_cancel (self->prober);
  if (self->path_local || self->path_remote)
    {
      self->path_local = self->path_remote = FALSE;
      g_signal_emit (self, signals[SIGNAL_PATH_DONE], 0);
    }
  if (self->streams_stopped_ns == 0)
    self->streams_stopped_ns = wv_now_ns ();
  g_clear_handle_id (&self->stats_source, g_source_remove);
  g_clear_handle_id (&self->drain_source, g_source_remove);
  g_clear_handle_id (&self->duration_source, g_source_remove);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->watch_source, g_source_remove);
  g_clear_handle_id (&self->peer_summary_source, g_source_remove);
  /* Nothing measured is lost: what this end has becomes the summary. */
  if (self->streams_started_ns > 0)
    emit_summaries (self);
  set_state (self, state);
}

static void
declare_lost (WvConnection *self)
{
  g_autofree char *why = g_strdup_printf ("nothing received from the peer for %.1f s: "
                                          "the connection is lost", self->lost_timeout_s);
  WvRecord r;

  self->peer_lost = TRUE;
  self->lost_ns = wv_now_ns ();
  record_init (self, &r, WV_RECORD_LOST, rx_direction (self), self->lost_ns);
  r.lost.last_rx_ns = self->last_peer_real_ns;
  r.lost.timeout_s = self->lost_timeout_s;
  g_signal_emit (self, signals[SIGNAL_RECORD], 0, &r);
  end_now (self, WV_CONN_LOST, why);
}

/* While streaming: outages of the streams we receive, and a peer that
 * went silent altogether. */
static gboolean
watch_tick (gpointer data)
{
  WvConnection *self = data;
  gint64 idle = wv_monotonic_ns () - self->last_peer_activity_ns;
  WvOutage o;

  if (self->state == WV_CONN_STREAMING && self->outages &&
      wv_outage_detector_check (self->outages, wv_now_ns (), &o))
    emit_outage (self, rx_direction (self), &o);
  if ((self->state == WV_CONN_STREAMING || self->state == WV_CONN_STOPPING) &&
      idle > (gint64) (self->lost_timeout_s * 1e9))
    {
      self->watch_source = 0;
      declare_lost (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

WvConnection *
wv_connection_new (WvRole role, guint index, const char *session, const char *id,
                   const WvPeerConfig *peer_config, GError **error)
{
  g_autoptr(WvConnection) self = g_object_new (WV_TYPE_CONNECTION, NULL);

  if (session == NULL || strlen (session) > WV_MAX_ID_LEN ||
      id == NULL || strlen (id) > WV_MAX_ID_LEN)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad session or connection id");
      return NULL;
    }
  self->role = role;
  self->index = index;
  self->session = g_strdup (session);
  self->id = g_strdup (id);
  self->peer = wv_peer_new (peer_config, error);
  if (self->peer == NULL)
    return NULL;
  g_signal_connect (self->peer, "state-changed", G_CALLBACK (on_peer_state), self);
  g_signal_connect (self->peer, "message", G_CALLBACK (on_message), self);
  g_signal_connect (self->peer, "text", G_CALLBACK (on_text), self);
  g_signal_connect (self->peer, "error", G_CALLBACK (on_peer_error), self);
  g_signal_connect (self->peer, "send-report", G_CALLBACK (on_wire_report), self);
  wv_peer_set_report_func (self->peer, wire_note_report, self);
  self->idle_source = g_timeout_add_seconds (1, idle_check, self);
  return g_steal_pointer (&self);
}

gboolean
wv_connection_start_streams (WvConnection *self, const WvMsgStreams *params, GError **error)
{
  WvMsg msg = { .type = WV_MSG_START_STREAMS };

  g_return_val_if_fail (WV_IS_CONNECTION (self), FALSE);

  if (self->role != WV_ROLE_CLIENT || self->state != WV_CONN_READY)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                   "connection %u is %s, not ready", self->index,
                   wv_conn_state_to_string (self->state));
      return FALSE;
    }
  msg.streams = *params;
  if (!send_msg (self, &msg))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot send on the control channel");
      return FALSE;
    }
  return TRUE;
}

void
wv_connection_stop (WvConnection *self)
{
  WvMsg msg = { 0 };

  g_return_if_fail (WV_IS_CONNECTION (self));

  self->stop_requested = TRUE;
  if (self->state != WV_CONN_STREAMING)
    {
      if (self->state == WV_CONN_READY || self->state == WV_CONN_CONNECTING)
        set_state (self, WV_CONN_FINISHED);
      return;
    }
  stop_tx (self);
  self->streams_stopped_ns = wv_now_ns ();
  if (self->outages)
    {
      WvOutage o;

      if (wv_outage_detector_finish (self->outages, self->streams_stopped_ns, &o))
        outage_closed (self, &o);
    }
  g_clear_handle_id (&self->duration_source, g_source_remove);
  msg.type = self->role == WV_ROLE_CLIENT ? WV_MSG_STOP_STREAMS : WV_MSG_STREAMS_STOPPED;
  send_msg (self, &msg);
  set_state (self, WV_CONN_STOPPING);
  self->drain_source = g_timeout_add (DRAIN_MS, drain_done, self);
}

void
wv_connection_abort (WvConnection *self, const char *reason)
{
  g_return_if_fail (WV_IS_CONNECTION (self));

  if (wv_conn_state_is_final (self->state))
    return;
  end_now (self, WV_CONN_FAILED, reason);
}

WvPeer *
wv_connection_get_peer (WvConnection *self)
{
  return self->peer;
}

WvConnState
wv_connection_get_state (WvConnection *self)
{
  return self->state;
}

guint
wv_connection_get_index (WvConnection *self)
{
  return self->index;
}

const char *
wv_connection_get_id (WvConnection *self)
{
  return self->id;
}

int
wv_connection_get_family (WvConnection *self)
{
  return wv_peer_get_family (self->peer);
}

const char *
wv_connection_get_peer_software (WvConnection *self)
{
  return self->peer_software;
}

WvOwdMode
wv_connection_get_owd_mode (WvConnection *self)
{
  return self->owd_mode;
}

void
wv_connection_get_counters (WvConnection *self, WvConnCounters *out)
{
  *out = self->counters;
}

void
wv_connection_set_caps (WvConnection *self, const WvServerCaps *caps)
{
  WvOutBudget *old = self->caps.budget;

  g_return_if_fail (self->granted_bps == 0);
  self->caps = *caps;
  if (self->caps.budget)
    wv_out_budget_ref (self->caps.budget);
  wv_out_budget_unref (old);
}

gboolean
wv_connection_is_path_running (WvConnection *self)
{
  return self->path_local;
}

void
wv_connection_set_owd_mode (WvConnection *self, int mode)
{
  self->owd_choice = mode;
}

void
wv_connection_set_max_clock_error (WvConnection *self, double ms)
{
  self->max_clock_error_ms = ms;
}

void
wv_connection_set_idle_timeout (WvConnection *self, guint seconds)
{
  self->idle_timeout_s = MAX (seconds, 2);
}

void
wv_connection_set_lost_timeout (WvConnection *self, double seconds)
{
  self->lost_timeout_s = isfinite (seconds) ? MAX (seconds, 1.0) : WV_LOST_TIMEOUT_DEFAULT_S;
}

JsonNode *
wv_connection_describe (WvConnection *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *pair = wv_peer_dup_selected_pair (self->peer);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, self->id);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, self->session);
  json_builder_set_member_name (b, "index");
  json_builder_add_int_value (b, self->index);
  json_builder_set_member_name (b, "family");
  json_builder_add_int_value (b, wv_peer_get_family (self->peer));
  json_builder_set_member_name (b, "state");
  json_builder_add_string_value (b, wv_conn_state_to_string (self->state));
  json_builder_set_member_name (b, "webrtc_state");
  json_builder_add_string_value (b, wv_peer_state_to_string (wv_peer_get_state (self->peer)));
  json_builder_set_member_name (b, "selected_pair");
  if (pair)
    json_builder_add_string_value (b, pair);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "owd_mode");
  json_builder_add_string_value (b, wv_owd_mode_to_string (self->owd_mode));
  json_builder_set_member_name (b, "channels");
  json_builder_begin_object (b);
  for (guint c = 0; c < WV_N_CHANNELS; c++)
    {
      json_builder_set_member_name (b, wv_channel_label (c));
      json_builder_add_string_value (b, wv_peer_get_state (self->peer) == WV_PEER_CONNECTED
                                        ? "open" : "not open");
    }
  json_builder_end_object (b);
  if (self->state == WV_CONN_STREAMING)
    {
      json_builder_set_member_name (b, "streams");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "rate_pps");
      json_builder_add_int_value (b, self->params.rate_pps);
      json_builder_set_member_name (b, "classes");
      json_builder_add_int_value (b, self->n_classes);
      json_builder_set_member_name (b, "bulk_bps");
      json_builder_add_int_value (b, self->params.bulk_bps);
      json_builder_end_object (b);
    }
  json_builder_set_member_name (b, "errors");
  json_builder_begin_object (b);
#define COUNTER(name) \
  json_builder_set_member_name (b, #name); \
  json_builder_add_int_value (b, self->counters.name);
  COUNTER (malformed);
  COUNTER (unknown);
  COUNTER (unexpected);
  COUNTER (echoes_limited);
  COUNTER (bulk_skipped);
  COUNTER (send_errors);
  COUNTER (rtt_untimed);
#undef COUNTER
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
wv_connection_dispose (GObject *object)
{
  WvConnection *self = WV_CONNECTION (object);

  stop_tx (self);
  if (self->prober)
    {
      g_signal_handlers_disconnect_by_data (self->prober, self);
      wv_path_probe_cancel (self->prober);
      g_clear_object (&self->prober);
    }
  g_clear_object (&self->helper);
  g_clear_handle_id (&self->stats_source, g_source_remove);
  g_clear_handle_id (&self->drain_source, g_source_remove);
  g_clear_handle_id (&self->peer_summary_source, g_source_remove);
  g_clear_handle_id (&self->duration_source, g_source_remove);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->watch_source, g_source_remove);
  if (self->peer)
    {
      /* Waits for a report being noted in a streaming thread. */
      wv_peer_set_report_func (self->peer, NULL, NULL);
      g_signal_handlers_disconnect_by_data (self->peer, self);
      wv_peer_close (self->peer);
      g_clear_object (&self->peer);
    }
  G_OBJECT_CLASS (wv_connection_parent_class)->dispose (object);
}

static void
wv_connection_finalize (GObject *object)
{
  WvConnection *self = WV_CONNECTION (object);

  for (guint c = 0; c < WV_MAX_CLASSES; c++)
    {
      g_clear_pointer (&self->classes[c].rx, wv_rx_stats_free);
      g_clear_pointer (&self->classes[c].rtt, wv_rtt_stats_free);
      wire_class_clear (&self->classes[c]);
    }
  g_clear_pointer (&self->bulk_rx, wv_rx_stats_free);
  g_clear_pointer (&self->offset, wv_clock_offset_free);
  g_clear_pointer (&self->outages, wv_outage_detector_free);
  g_clear_pointer (&self->log_limit, wv_log_limit_free);
  g_clear_pointer (&self->caps.budget, wv_out_budget_unref);
  g_free (self->session);
  g_free (self->id);
  g_mutex_clear (&self->wire_lock);
  G_OBJECT_CLASS (wv_connection_parent_class)->finalize (object);
}

static void
wv_connection_class_init (WvConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = wv_connection_dispose;
  object_class->finalize = wv_connection_finalize;

  /* (guint WvConnState) */
  signals[SIGNAL_STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* (const WvRecord *record) */
  signals[SIGNAL_RECORD] =
    g_signal_new ("record", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /* (const GError *error): something went wrong; the connection may go on */
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  /* The traceroute / MTU search asked with wv_connection_run_path() ended. */
  signals[SIGNAL_PATH_DONE] =
    g_signal_new ("path-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
wv_connection_init (WvConnection *self)
{
  WvServerCaps caps = WV_SERVER_CAPS_DEFAULT;

  self->state = WV_CONN_CONNECTING;
  self->caps = caps;
  g_mutex_init (&self->wire_lock);
  self->owd_choice = WV_OWD_AUTO;
  self->max_clock_error_ms = 1.0;
  self->idle_timeout_s = 20;
  self->lost_timeout_s = WV_LOST_TIMEOUT_DEFAULT_S;
  self->clock_error_ms = -1;
  self->owd_mode = WV_OWD_OFFSET_ESTIMATED;
  self->bulk_rx = wv_rx_stats_new ();
  self->offset = wv_clock_offset_new (WV_CLOCK_OFFSET_DEFAULT_WINDOW_NS);
  self->echo_rate = 220;
  self->echo_tokens = 50;
  self->echo_refill_ns = wv_monotonic_ns ();
  self->testprobe_tokens = 200;
  self->testprobe_refill_ns = wv_monotonic_ns ();
  self->log_limit = wv_log_limit_new (5, 10);
  wv_clock_get_info (&self->local_clock);
}

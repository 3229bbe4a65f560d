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
#include "wv-scheduler.h"
#include "wv-stats.h"

#define N_WINDOWS 3
static const guint windows_s[N_WINDOWS] = { 1, 10, 60 };

/* Seconds to wait for probes and echoes in flight after the streams stop,
 * and for the peer's summary after ours. */
#define DRAIN_MS 1500
#define SERVER_DURATION_GRACE_MS 10000
#define PEER_SUMMARY_TIMEOUT_MS 5000
#define BULK_PACKET_SIZE 1000
#define BULK_MAX_BUFFERED (512 * 1024)
#define LATE_BUCKETS 1000   /* 10 us each, up to 10 ms */

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
  guint64 late_hist[LATE_BUCKETS + 1];
  guint64 late_n;
  gboolean done;
} WvTxStream;

typedef struct {
  int dscp;                         /* -1 for the default class */
  WvRxStats *rx;                    /* the stream this end receives */
  WvRttStats *rtt;                  /* the stream this end sends */
  WvTxStream *tx;                   /* owned by the scheduler task */
  WvSchedulerTask *task;
  WvMsgStats peer[N_WINDOWS + 1];   /* latest from the peer; [N_WINDOWS] = summary */
  gboolean have_peer[N_WINDOWS + 1];
  WvMsgStats own_final;
} WvClass;

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
  int owd_choice;
  double max_clock_error_ms;
  guint idle_timeout_s;

  gboolean hello_sent;
  gboolean hello_received;
  WvClockInfo local_clock;
  WvClockInfo peer_clock;
  WvOwdMode owd_mode;
  double clock_error_ms;

  WvMsgStreams params;
  guint n_classes;
  WvClass classes[WV_MAX_CLASSES];
  WvRxStats *bulk_rx;
  WvTxStream *bulk_tx;
  WvSchedulerTask *bulk_task;
  WvClockOffset *offset;
  gint64 streams_started_ns;
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

  guint stats_source;
  guint drain_source;
  guint peer_summary_source;
  guint duration_source;
  guint idle_source;
  gint64 last_peer_activity_ns;
  gboolean own_final_sent;
  gboolean summaries_emitted;
  gboolean stop_requested;

  WvConnCounters counters;
};

G_DEFINE_FINAL_TYPE (WvConnection, wv_connection, G_TYPE_OBJECT)

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
    default: return "unknown";
    }
}

static void send_final_stats (WvConnection *self);
static void emit_summaries (WvConnection *self);

static void
set_state (WvConnection *self, WvConnState state)
{
  if (self->state == state)
    return;
  /* FINISHED and FAILED are final. */
  if (self->state == WV_CONN_FINISHED || self->state == WV_CONN_FAILED)
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

static gboolean
tx_stream_tick (gpointer data, guint64 tick, gint64 late_ns)
{
  WvTxStream *tx = data;
  guint8 buf[WV_PROBE_MAX_SIZE];
  WvPacket packet = { 0 };
  WvSendOptions opts = WV_SEND_OPTIONS_INIT;
  g_autoptr(GBytes) bytes = NULL;
  gboolean ok;
  guint64 bucket = late_ns <= 0 ? 0 : (guint64) late_ns / 10000;

  g_mutex_lock (&tx->lock);
  tx->late_hist[MIN (bucket, LATE_BUCKETS)]++;
  tx->late_n++;
  if (tx->done || (tx->end_mono_ns > 0 && wv_monotonic_ns () >= tx->end_mono_ns))
    {
      tx->done = TRUE;
      g_mutex_unlock (&tx->lock);
      return TRUE;   /* the owner removes the task */
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
  guint64 seen = 0;
  double p99 = -1;

  if (tx == NULL)
    return -1;
  g_mutex_lock (&tx->lock);
  for (guint i = 0; i <= LATE_BUCKETS && tx->late_n > 0; i++)
    {
      seen += tx->late_hist[i];
      if (seen * 100 >= tx->late_n * 99)
        {
          p99 = (i + 1) * 0.01;
          break;
        }
    }
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
  guint8 buf[WV_ECHO_SIZE];
  g_autoptr(GBytes) bytes = NULL;

  if (p->class_index >= self->n_classes)
    {
      self->counters.unexpected++;
      return;
    }
  wv_rx_stats_add_probe (self->classes[p->class_index].rx, p->seq, p->t1, t2,
                         info->ttl, info->tos);

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
  echo.t3 = wv_now_ns ();
  if (wv_packet_write (&echo, buf, WV_ECHO_SIZE) == 0)
    return;
  bytes = g_bytes_new (buf, WV_ECHO_SIZE);
  if (!wv_peer_send (self->peer, WV_CHANNEL_PROBE, bytes, NULL, NULL))
    self->counters.send_errors++;
}

static void
handle_echo (WvConnection *self, const WvPacket *p, const WvRecvInfo *info)
{
  gint64 t4 = info->receive_time_ns > 0 ? info->receive_time_ns : wv_now_ns ();
  gint64 rtt;

  if (p->class_index >= self->n_classes)
    {
      self->counters.unexpected++;
      return;
    }
  /* The peer's processing time between receiving and echoing is not part
   * of the path's round trip. */
  rtt = (t4 - p->t1) - (p->t3 - p->t2);
  if (rtt < 0 || p->t3 < p->t2)
    {
      self->counters.malformed++;
      return;
    }
  wv_rtt_stats_add (self->classes[p->class_index].rtt, t4, rtt);
  wv_clock_offset_add (self->offset, p->t1, p->t2, p->t3, t4);
}

/* Acknowledges a test probe with the size and TTL it arrived with, within
 * a rate cap, or hands an acknowledgement to our prober. */
static void
handle_testprobe (WvConnection *self, const guint8 *data, gsize len, const WvRecvInfo *info)
{
  WvTestProbe tp, ack = { WV_TESTPROBE_ACK };
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
  ack.t3 = wv_now_ns ();
  wv_testprobe_write (&ack, buf, sizeof buf);
  bytes = g_bytes_new (buf, sizeof buf);
  if (!wv_peer_send (self->peer, WV_CHANNEL_TESTPROBE, bytes, NULL, NULL))
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
  switch (p.kind)
    {
    case WV_PACKET_PROBE:
      handle_probe (self, &p, info);
      break;
    case WV_PACKET_ECHO:
      handle_echo (self, &p, info);
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
  gint64 theta, err;

  if (self->owd_mode != WV_OWD_OFFSET_ESTIMATED)
    return;
  /* theta is peer minus local; the receive side wants receiver (local)
   * minus sender (peer). */
  if (wv_clock_offset_get (self->offset, &theta, &err))
    {
      for (guint c = 0; c < self->n_classes; c++)
        wv_rx_stats_set_offset (self->classes[c].rx, -theta);
      self->clock_error_ms = err / 1e6;
    }
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
        }
    }
  else
    {
      gint64 wns = (gint64) w * G_GINT64_CONSTANT (1000000000);

      wv_rx_stats_window (k->rx, now, wns, &m->rx);
      wv_rtt_stats_window (k->rtt, now, wns, &m->rtt_ms);
      m->sched_err_p99_ms = tx_stream_late_p99_ms (k->tx, &m->probes_sent);
      m->rx.throughput_bps = NAN;
      if (c == 0 && self->params.bulk_bps > 0)
        {
          WvRxRecord b;

          wv_rx_stats_window (self->bulk_rx, now, wns, &b);
          m->rx.throughput_bps = b.throughput_bps;
        }
    }
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

      memset (&r, 0, sizeof r);
      r.type = type;
      r.time_ns = now;
      r.conn = self->index;
      r.family = wv_peer_get_family (self->peer);
      r.dir = dir;
      r.stats.window_s = type == WV_RECORD_SUMMARY ? 0 : own->window_s;
      r.stats.dscp = k->dscp;
      r.stats.owd_mode = self->owd_mode;
      r.stats.clock_error_ms = self->clock_error_ms;
      if (rx_part)
        r.stats.rx = rx_part->rx;
      else
        rx_record_init (&r.stats.rx);
      if (tx_part)
        {
          r.stats.rtt_ms = tx_part->rtt_ms;
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
      g_signal_emit (self, signals[SIGNAL_RECORD], 0, &r);
    }
}

static gboolean
stats_tick (gpointer data)
{
  WvConnection *self = data;
  gint64 now = wv_now_ns ();

  update_offset (self);
  for (guint c = 0; c < self->n_classes; c++)
    for (guint w = 0; w < N_WINDOWS; w++)
      {
        WvMsg msg = { .type = WV_MSG_STATS };

        fill_own_stats (self, c, windows_s[w], now, &msg.stats);
        send_msg (self, &msg);
        emit_pair (self, c, &msg.stats,
                   self->classes[c].have_peer[w] ? &self->classes[c].peer[w] : NULL,
                   now, WV_RECORD_STATS);
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
  send_final_stats (self);
  return G_SOURCE_REMOVE;
}

/* --- traceroute and MTU ---------------------------------------------------------- */

static void
emit_path_record (WvConnection *self, WvRecordType type, WvDirection dir, const void *data)
{
  WvRecord r;

  memset (&r, 0, sizeof r);
  r.type = type;
  r.time_ns = wv_now_ns ();
  r.conn = self->index;
  r.family = wv_peer_get_family (self->peer);
  r.dir = dir;
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
  start_tx (self);
  self->stats_source = g_timeout_add_seconds (1, stats_tick, self);
  set_state (self, WV_CONN_STREAMING);
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
            self->path_local)
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
      g_message ("connection %u: ignoring a control message: %s", self->index, error->message);
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

  if (self->last_peer_activity_ns > 0 && self->state != WV_CONN_FINISHED &&
      self->state != WV_CONN_FAILED &&
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

  if (self->state == WV_CONN_FINISHED || self->state == WV_CONN_FAILED)
    return;
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
  /* Nothing measured is lost: what this end has becomes the summary. */
  if (self->streams_started_ns > 0)
    emit_summaries (self);
  set_state (self, WV_CONN_FAILED);
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
  self->caps = *caps;
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
  if (self->peer)
    {
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
    }
  g_clear_pointer (&self->bulk_rx, wv_rx_stats_free);
  g_clear_pointer (&self->offset, wv_clock_offset_free);
  g_free (self->session);
  g_free (self->id);
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
  self->owd_choice = WV_OWD_AUTO;
  self->max_clock_error_ms = 1.0;
  self->idle_timeout_s = 20;
  self->clock_error_ms = -1;
  self->owd_mode = WV_OWD_OFFSET_ESTIMATED;
  self->bulk_rx = wv_rx_stats_new ();
  self->offset = wv_clock_offset_new (WV_CLOCK_OFFSET_DEFAULT_WINDOW_NS);
  self->echo_rate = 220;
  self->echo_tokens = 50;
  self->echo_refill_ns = wv_monotonic_ns ();
  self->testprobe_tokens = 200;
  self->testprobe_refill_ns = wv_monotonic_ns ();
  wv_clock_get_info (&self->local_clock);
}

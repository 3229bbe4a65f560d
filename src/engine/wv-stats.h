/* wv-stats.h: receive-side and round-trip statistics of the probe streams
 *
 * Copyright 2025 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure GLib, no GStreamer. Every object here guards itself with a mutex, so
 * samples may be added from a streaming thread while the main loop asks for
 * records. See docs/statistics.md for the definitions.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Longest window that the per-sample history answers exactly. Longer
 * requests are clamped to this (and the record says so in window_ns). */
#define WV_STATS_MAX_WINDOW_NS      (60 * G_GINT64_CONSTANT (1000000000))

/* Bound on the per-sample history whatever the probe rate: 60 s at about
 * 1000 probes/s. Past it the oldest samples are dropped early. */
#define WV_STATS_MAX_WINDOW_SAMPLES 65536

/* Relative error of p50/p99 in whole-run summaries (log-bucketed histogram).
 * min, max, mean and n are exact. */
#define WV_STATS_HIST_REL_ERROR     0.005

/* How many recent sequence numbers the duplicate detector remembers. */
#define WV_STATS_SEQ_HISTORY        65536

/* A jump ahead by more than this many sequence numbers is only believed when
 * the next probe continues from it (RFC 3550 appendix A.1 probation). */
#define WV_STATS_MAX_SEQ_JUMP       (1u << 20)

/* Baseline: outlier exclusion starts after this many samples; a sample is
 * excluded when owd > baseline + 2 * max (|baseline|, floor), which is the
 * earlier system's "owd >= 3 x baseline" whenever baseline >= floor. */
#define WV_STATS_BASELINE_MIN_SAMPLES 10
#define WV_STATS_BASELINE_FLOOR_MS    1.0
/* A change of the clock offset larger than this restarts the baseline, since
 * samples taken with the old offset would bias it. */
#define WV_STATS_BASELINE_RESET_NS    (5 * G_GINT64_CONSTANT (1000000))

/* Summary of one metric, all values in milliseconds. Percentiles use the
 * nearest-rank definition: pX is the ceil(X/100 * n)-th smallest sample.
 * n == 0 means empty, and then every value is 0. */
typedef struct
{
  double min, p50, p99, max, mean;
  guint n;
} WvSummary;

typedef struct
{
  gint64 window_ns;          /* 0 for the whole-run summary */
  guint probes;              /* distinct probes received in the window */
  guint64 expected;          /* RFC 3550 expected in the window */
  WvSummary owd_ms, ipdv_ms, delay_dev_ms;
  /* Jitter of the span: the mean of RFC 3550's |D| (transit-time difference
   * of consecutive arrivals) over the probes of the window or run, the
   * quantity RFC 3550's running estimate J tracks. 0 without any D. */
  double jitter_ms;
  double loss_pct, reorder_pct, dup_pct;
  double throughput_bps;
  gint rx_ttl, rx_tos;       /* the most frequent in the span (ties: the newest); -1 = unknown */
  /* Additions beyond the agreed API. */
  guint64 bulk_bytes;        /* bulk bytes received in the window */
  double baseline_ms;        /* current delay baseline (0 before any sample) */
  gint64 last_rx_ns;         /* arrival of the newest probe in the window, 0 if none */
  WvSummary jitter_d_ms;     /* |D| over the span; its mean is jitter_ms */
  /* Our own stacks, not the path: the sender's application send call to
   * the wire, and the wire to the receiving application (wire times). */
  WvSummary stack_send_ms, stack_recv_ms;
  guint wire_samples;        /* delay samples timed wire to wire (of owd_ms.n) */
  guint untimed;             /* probes counted (loss, order) but left out of the
                              * delay figures: their sender had no wire time */
} WvRxRecord;

/* Where a probe's two times come from (docs/statistics.md, "Wire times"). */
typedef struct
{
  gboolean wire;             /* send and receive times are both wire times */
  gint64 stack_send_ns;      /* sender: application send call to the wire, -1 unknown */
  gint64 stack_recv_ns;      /* receiver: wire to the application, -1 unknown */
  /* Count the probe (sequence, loss, TTL/TOS) but take no delay from it:
   * its sender reports wire times but had none for it (SCTP held it back
   * or bundled it), so its application time would put our stack's queue
   * into the path's figures. */
  gboolean untimed;
} WvProbeTiming;

/* Whole-run counters, for logs and diagnostics. */
typedef struct
{
  guint64 received;          /* distinct probes */
  guint64 expected;
  guint64 reordered;
  guint64 duplicates;
  guint64 late_untracked;    /* too far behind to check for duplicates; counted as received */
  guint64 discarded;         /* absurd sequence jumps that were not confirmed */
  guint64 bad_time;          /* timestamps whose difference overflows; no delay taken */
  guint64 history_overflow;  /* samples dropped early because of WV_STATS_MAX_WINDOW_SAMPLES */
} WvRxCounters;

/* Nearest-rank summary of values[0..n-1]. Non-finite values are ignored (and
 * n counts only the finite ones). values is reordered: the percentiles are
 * found by selection, not by sorting. */
void wv_summary_compute (double *values, guint n, WvSummary *out);

/* Receive side of one direction (one probe stream plus its bulk channel). */
typedef struct _WvRxStats WvRxStats;

WvRxStats *wv_rx_stats_new          (void);
void       wv_rx_stats_free         (WvRxStats *s);
/* offset_ns = receiver clock minus sender clock; 0 when both clocks are
 * trusted. The value applies to samples added after the call. With the
 * estimator in wv-clock-offset.h running on the same host for its own
 * outgoing stream, this is MINUS the value wv_clock_offset_get() returns. */
void       wv_rx_stats_set_offset   (WvRxStats *s, gint64 offset_ns);
/* The same with drift: the offset at receive time t is
 * offset_ns + rate * (t - ref_ns) (wv_clock_offset_get_model(), negated). */
void       wv_rx_stats_set_offset_model (WvRxStats *s, gint64 offset_ns, gint64 ref_ns, double rate);
/* send_ns is the sender's CLOCK_REALTIME stamp, recv_ns the local arrival
 * time (CLOCK_REALTIME); rx_ttl / rx_tos are -1 when unknown. */
void       wv_rx_stats_add_probe    (WvRxStats *s, guint32 seq, gint64 send_ns, gint64 recv_ns,
                                     gint rx_ttl, gint rx_tos);
/* The same with the timing source and the stack delays; NULL = application
 * times, stacks unknown. */
void       wv_rx_stats_add_probe_timed (WvRxStats *s, guint32 seq, gint64 send_ns, gint64 recv_ns,
                                        gint rx_ttl, gint rx_tos, const WvProbeTiming *timing);
void       wv_rx_stats_add_bulk     (WvRxStats *s, gint64 recv_ns, guint bytes);
/* Record over the arrivals in (now_ns - window_ns, now_ns]. window_ns is
 * clamped to WV_STATS_MAX_WINDOW_NS; window_ns <= 0 gives an empty record. */
void       wv_rx_stats_window       (WvRxStats *s, gint64 now_ns, gint64 window_ns, WvRxRecord *out);
/* Record over the whole run (window_ns = 0); bounded memory, see
 * WV_STATS_HIST_REL_ERROR for the percentiles. */
void       wv_rx_stats_total        (WvRxStats *s, WvRxRecord *out);
void       wv_rx_stats_get_counters (WvRxStats *s, WvRxCounters *out);
/* Bytes currently allocated by s (for the benchmark and for diagnostics). */
gsize      wv_rx_stats_get_memory_size (WvRxStats *s);

/* Round-trip times measured by the sender from echoed probes. */
typedef struct _WvRttStats WvRttStats;

WvRttStats *wv_rtt_stats_new     (void);
void        wv_rtt_stats_free    (WvRttStats *s);
/* now_ns is the local time of the measurement. Negative RTTs are rejected. */
void        wv_rtt_stats_add     (WvRttStats *s, gint64 now_ns, gint64 rtt_ns);
/* wire: t1 and t4 are this end's wire times and the peer's holding time was
 * measured wire to wire. */
void        wv_rtt_stats_add_timed (WvRttStats *s, gint64 now_ns, gint64 rtt_ns, gboolean wire);
/* RTT samples timed wire to wire in the window (window_ns 0: the whole run). */
guint       wv_rtt_stats_count_wire (WvRttStats *s, gint64 now_ns, gint64 window_ns);
void        wv_rtt_stats_window  (WvRttStats *s, gint64 now_ns, gint64 window_ns, WvSummary *out);
void        wv_rtt_stats_total   (WvRttStats *s, WvSummary *out);
guint64     wv_rtt_stats_get_n_rejected (WvRttStats *s);
gsize       wv_rtt_stats_get_memory_size (WvRttStats *s);

/* How late a sender ran its ticks against their schedule (the figure
 * sched_err_p99_ms): 10 us buckets up to 10 ms, 1 ms buckets up to 1 s,
 * then one for anything later. A plain struct, zeroed to start, without a
 * lock of its own: its owner's lock guards it. */
#define WV_LATE_FINE_BUCKETS 1000
#define WV_LATE_BUCKETS      (WV_LATE_FINE_BUCKETS + 990)

typedef struct {
  guint64 hist[WV_LATE_BUCKETS + 1];
  guint64 n;
  gint64 max_ns;
} WvLateHist;

void        wv_late_hist_add     (WvLateHist *h, gint64 late_ns);
/* The 99th percentile in ms, as its bucket's upper edge (past 1 s: the
 * latest seen); -1 when empty. */
double      wv_late_hist_p99_ms  (const WvLateHist *h);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvRxStats, wv_rx_stats_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvRttStats, wv_rtt_stats_free)

G_END_DECLS

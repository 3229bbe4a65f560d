/* wv-outage.h: gaps in a probe stream, and the loss that includes its tail
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure GLib, no GStreamer, one thread (the caller's). Times are in ns on
 * one clock of the caller's choice (the connection uses CLOCK_REALTIME
 * arrival stamps, as the records do).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Never less than this, whatever the rate: a shorter gap is a loss burst,
 * counted by the loss figures, and a busy host can delay a probe that much. */
#define WV_OUTAGE_MIN_GAP_NS   (100 * G_GINT64_CONSTANT (1000000))
/* A gap opens an outage after this many probe intervals of silence, plus
 * WV_OUTAGE_JITTER_FACTOR times the interarrival jitter seen so far. */
#define WV_OUTAGE_INTERVALS    3
#define WV_OUTAGE_JITTER_FACTOR 4
#define WV_OUTAGE_MAX_STREAMS  8
/* An outage is reported open (wv_outage_detector_check(), while it lasts)
 * only after this much silence, at least: the check runs in the receiver's
 * main loop, which may be late processing probes that did arrive (bulk
 * traffic keeps it busy). Whether a gap was an outage is decided from the
 * arrival stamps once it ends, with the threshold alone. */
#define WV_OUTAGE_REPORT_MIN_NS (500 * G_GINT64_CONSTANT (1000000))
/* Before the first probe of any stream arrived, the silence since the
 * start must be longer than this (and than the threshold) to count. */
#define WV_OUTAGE_START_GRACE_NS (1000 * G_GINT64_CONSTANT (1000000))

typedef struct {
  gint64 start_ns;          /* arrival of the last probe before the gap */
  gint64 end_ns;            /* arrival of the first probe after it; 0 while open */
  guint64 probes_lost;      /* probes due in the gap that did not arrive in it */
} WvOutage;

/* Watches the arrivals of @n_streams streams of one direction, each sending
 * a probe every @interval_ns. */
typedef struct _WvOutageDetector WvOutageDetector;

WvOutageDetector *wv_outage_detector_new (gint64 interval_ns, guint n_streams);
void wv_outage_detector_free (WvOutageDetector *d);
/* The streams are expected from @now_ns on (the silence before the first
 * probe counts). */
void wv_outage_detector_start (WvOutageDetector *d, gint64 now_ns);
/* A probe of @stream with sequence number @seq arrived at @arrival_ns.
 * Returns TRUE when it ends an outage, which is then in @closed. */
gboolean wv_outage_detector_arrival (WvOutageDetector *d, gint64 arrival_ns, guint stream,
                                     guint32 seq, WvOutage *closed);
/* Returns TRUE when the silence up to @now_ns opens an outage (once per
 * outage), which is then in @opened (end_ns 0). */
gboolean wv_outage_detector_check (WvOutageDetector *d, gint64 now_ns, WvOutage *opened);
/* Stops watching. An outage already open (reported by _check()) ends at
 * @end_ns (the streams stopped), its probes lost counted from the rate;
 * FALSE if none was open. Silence not yet reported is not an outage: the
 * peer's stream may simply have ended a little before ours. */
gboolean wv_outage_detector_finish (WvOutageDetector *d, gint64 end_ns, WvOutage *closed);
/* The silence that opens an outage, now. */
gint64 wv_outage_detector_get_threshold (WvOutageDetector *d);
gboolean wv_outage_detector_is_open (WvOutageDetector *d);

/* Where a summary's expected count comes from. */
typedef enum {
  WV_EXPECTED_SEQUENCE,     /* RFC 3550: first to highest sequence number received */
  WV_EXPECTED_SENDER,       /* the sender's count of probes sent */
  WV_EXPECTED_RATE,         /* the rate times the time the stream was due */
} WvExpectedSource;

const char *wv_expected_source_to_string (WvExpectedSource source);

/* The tail-loss rule: the number of probes a summary expects, so that the
 * probes lost after the last one received (and before the first) count.
 * @seq_expected is the RFC 3550 count; @sent the sender's count, or -1
 * unknown; else @rate_pps x @due_s (the time the stream was due to run, up
 * to the end or to the time the peer was declared lost) when @due_s > 0,
 * less WV_TAIL_RATE_SLACK_S worth of probes for the timing of the ends. */
#define WV_TAIL_RATE_SLACK_S 0.05
WvExpectedSource wv_tail_expected (guint64 seq_expected, gint64 sent, double rate_pps,
                                   double due_s, guint64 *expected);

G_END_DECLS

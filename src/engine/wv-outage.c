/* wv-outage.c: gaps in a probe stream, and the loss that includes its tail
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The detector keeps, per stream, the newest arrival and sequence number,
 * and an RFC 3550-style running jitter of the interarrival gaps (gaps that
 * were outages left out). An outage opens when no stream delivered a probe
 * for WV_OUTAGE_INTERVALS intervals plus WV_OUTAGE_JITTER_FACTOR times that
 * jitter (never less than WV_OUTAGE_MIN_GAP_NS). It closes at the next
 * arrival: its span is from the last probe before the gap to the first one
 * after, both arrival times, so it does not depend on when it was noticed.
 */
#define G_LOG_DOMAIN "wv-outage"

#include "config.h"

#include <math.h>

#include "wv-outage.h"

struct _WvOutageDetector
{
  gint64 interval_ns;
  guint n_streams;
  gboolean started;
  gint64 last_arrival_ns;        /* any stream, or the start */
  gint64 stream_last_ns[WV_OUTAGE_MAX_STREAMS];
  guint32 stream_seq[WV_OUTAGE_MAX_STREAMS];
  gboolean stream_seen[WV_OUTAGE_MAX_STREAMS];
  double jitter_ns;
  gboolean open;
  gboolean open_reported;
};

WvOutageDetector *
wv_outage_detector_new (gint64 interval_ns, guint n_streams)
{
  WvOutageDetector *d = g_new0 (WvOutageDetector, 1);

  d->interval_ns = MAX (interval_ns, 1);
  d->n_streams = CLAMP (n_streams, 1, WV_OUTAGE_MAX_STREAMS);
  return d;
}

void
wv_outage_detector_free (WvOutageDetector *d)
{
  g_free (d);
}

void
wv_outage_detector_start (WvOutageDetector *d, gint64 now_ns)
{
  WvOutageDetector fresh = { d->interval_ns, d->n_streams };

  *d = fresh;
  d->started = TRUE;
  d->last_arrival_ns = now_ns;
}

gint64
wv_outage_detector_get_threshold (WvOutageDetector *d)
{
  gint64 t = WV_OUTAGE_INTERVALS * d->interval_ns +
             (gint64) (WV_OUTAGE_JITTER_FACTOR * d->jitter_ns);

  return MAX (t, WV_OUTAGE_MIN_GAP_NS);
}

/* Before the first probe the two ends' start times differ by a round trip
 * and a busy main loop: the silence must be longer to count. */
static gint64
current_threshold (WvOutageDetector *d)
{
  gboolean any = FALSE;

  for (guint i = 0; i < d->n_streams; i++)
    any |= d->stream_seen[i];
  return any ? wv_outage_detector_get_threshold (d)
             : MAX (wv_outage_detector_get_threshold (d), WV_OUTAGE_START_GRACE_NS);
}

gboolean
wv_outage_detector_is_open (WvOutageDetector *d)
{
  return d->open;
}

/* Probes due in (start, end] of every stream, at the rate. */
static guint64
lost_by_rate (WvOutageDetector *d, gint64 start_ns, gint64 end_ns)
{
  if (end_ns <= start_ns)
    return 0;
  return (guint64) ((end_ns - start_ns) / d->interval_ns) * d->n_streams;
}

gboolean
wv_outage_detector_arrival (WvOutageDetector *d, gint64 arrival_ns, guint stream,
                            guint32 seq, WvOutage *closed)
{
  gint64 gap;
  gboolean ended = FALSE;

  if (!d->started || stream >= d->n_streams)
    return FALSE;
  /* Reordered or duplicated probes neither end nor measure a gap. */
  if (d->stream_seen[stream] && (gint32) (seq - d->stream_seq[stream]) <= 0)
    return FALSE;
  if (arrival_ns < d->last_arrival_ns)
    arrival_ns = d->last_arrival_ns;
  gap = arrival_ns - d->last_arrival_ns;

  if (d->open || gap > current_threshold (d))
    {
      closed->start_ns = d->last_arrival_ns;
      closed->end_ns = arrival_ns;
      /* The probes due while nothing arrived: the rate says how many,
       * whatever came of them later. Over a data channel most of them
       * wait in the sender's SCTP queue (its congestion window is full)
       * and arrive in a burst once the path is back, too late for any
       * real-time use, so the stream that came back may show fewer missing
       * sequence numbers than that; more, and they count. The other
       * streams share its schedule and its path. Before the first probe,
       * the rate alone says it. */
      if (d->stream_seen[stream])
        {
          guint64 by_seq = (guint64) (guint32) (seq - d->stream_seq[stream] - 1) * d->n_streams;
          gint64 due = gap / d->interval_ns - 1;
          guint64 by_rate = due > 0 ? (guint64) due * d->n_streams : 0;

          closed->probes_lost = MAX (by_seq, by_rate);
        }
      else
        closed->probes_lost = lost_by_rate (d, closed->start_ns, closed->end_ns);
      ended = TRUE;
      d->open = FALSE;
      d->open_reported = FALSE;
    }
  else if (d->stream_seen[stream])
    {
      /* Jitter of this stream's own gaps against its interval. */
      double dev = fabs ((double) (arrival_ns - d->stream_last_ns[stream]) -
                         (double) d->interval_ns * (guint32) (seq - d->stream_seq[stream]));

      d->jitter_ns += (dev - d->jitter_ns) / 16.0;
    }
  d->stream_seen[stream] = TRUE;
  d->stream_seq[stream] = seq;
  d->stream_last_ns[stream] = arrival_ns;
  d->last_arrival_ns = arrival_ns;
  return ended;
}

gboolean
wv_outage_detector_check (WvOutageDetector *d, gint64 now_ns, WvOutage *opened)
{
  if (!d->started || d->open_reported)
    return FALSE;
  if (now_ns - d->last_arrival_ns <= MAX (current_threshold (d), WV_OUTAGE_REPORT_MIN_NS))
    return FALSE;
  d->open = TRUE;
  d->open_reported = TRUE;
  opened->start_ns = d->last_arrival_ns;
  opened->end_ns = 0;
  opened->probes_lost = 0;
  return TRUE;
}

gboolean
wv_outage_detector_finish (WvOutageDetector *d, gint64 end_ns, WvOutage *closed)
{
  if (!d->started)
    return FALSE;
  d->started = FALSE;
  if (!d->open)
    return FALSE;
  d->open = FALSE;
  d->open_reported = FALSE;
  closed->start_ns = d->last_arrival_ns;
  closed->end_ns = MAX (end_ns, d->last_arrival_ns);
  closed->probes_lost = lost_by_rate (d, closed->start_ns, closed->end_ns);
  return TRUE;
}

const char *
wv_expected_source_to_string (WvExpectedSource source)
{
  switch (source)
    {
    case WV_EXPECTED_SEQUENCE: return "sequence";
    case WV_EXPECTED_SENDER: return "sender";
    case WV_EXPECTED_RATE: return "rate";
    default: return NULL;
    }
}

WvExpectedSource
wv_tail_expected (guint64 seq_expected, gint64 sent, double rate_pps, double due_s,
                  guint64 *expected)
{
  *expected = seq_expected;
  if (sent >= 0)
    {
      *expected = MAX (seq_expected, (guint64) sent);
      return WV_EXPECTED_SENDER;
    }
  if (rate_pps > 0 && due_s > WV_TAIL_RATE_SLACK_S && isfinite (due_s))
    {
      /* (the epsilon keeps 100 x 9.95 from flooring to 994) */
      guint64 by_rate = (guint64) floor (rate_pps * (due_s - WV_TAIL_RATE_SLACK_S) + 1e-6);

      if (by_rate > seq_expected)
        {
          *expected = by_rate;
          return WV_EXPECTED_RATE;
        }
    }
  return WV_EXPECTED_SEQUENCE;
}

/* wv-clock-offset.h: peer clock offset from echoed probes (min-delay filter)
 *
 * Copyright 2025 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each echoed probe gives t1 (local send), t2 (peer receive), t3 (peer echo
 * send) and t4 (local echo receive). As in NTP:
 *
 *   theta = ((t2 - t1) + (t3 - t4)) / 2     offset sample: PEER minus LOCAL
 *   delta = (t4 - t1) - (t3 - t2)           round-trip delay of the sample
 *
 * The true offset lies within theta +- delta / 2 whatever the path asymmetry,
 * so the sample with the smallest delta in a sliding window is the best one
 * (NTP's clock filter); the estimate is its theta and the error bound its
 * delta / 2.
 *
 * For the receive statistics of the peer's stream, wv_rx_stats_set_offset()
 * wants "receiver (local) minus sender (peer)", i.e. MINUS the estimate:
 *
 *   if (wv_clock_offset_get (c, &theta, NULL))
 *     wv_rx_stats_set_offset (rx, -theta);
 *
 * Thread-safe: each object guards itself with a mutex.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define WV_CLOCK_OFFSET_DEFAULT_WINDOW_NS (10 * G_GINT64_CONSTANT (1000000000))
/* Bound on the samples kept whatever the rate (10 s at about 400 probes/s). */
#define WV_CLOCK_OFFSET_MAX_SAMPLES       4096
/* Samples whose round trip exceeds this are rejected as absurd. */
#define WV_CLOCK_OFFSET_MAX_DELTA_NS      (30 * G_GINT64_CONSTANT (1000000000))

typedef struct _WvClockOffset WvClockOffset;

/* Keeps the samples whose t4 lies within window_ns of the newest t4;
 * window_ns <= 0 selects WV_CLOCK_OFFSET_DEFAULT_WINDOW_NS. */
WvClockOffset *wv_clock_offset_new  (gint64 window_ns);
void           wv_clock_offset_free (WvClockOffset *c);

/* Adds one sample (all in ns, t1/t4 on the local clock, t2/t3 on the
 * peer's). Rejected, and counted, when t4 < t1, t3 < t2, delta < 0, delta
 * above WV_CLOCK_OFFSET_MAX_DELTA_NS, or the arithmetic would overflow. A
 * second sample for the same t1 (a duplicated echo) only replaces the first
 * when its delta is smaller. A t4 more than a window behind the newest one
 * means the local clock was set back, and the window restarts from it. */
void           wv_clock_offset_add  (WvClockOffset *c, gint64 t1, gint64 t2, gint64 t3, gint64 t4);

/* FALSE (and 0 in both outputs) while there is no sample. offset_ns is peer
 * minus local; error_ns bounds |estimate - true offset| (ceil (delta / 2)).
 * Either pointer may be NULL. */
gboolean       wv_clock_offset_get  (WvClockOffset *c, gint64 *offset_ns, gint64 *error_ns);

/* Clock skew (drift): the two clocks' rate difference, fitted over the whole
 * run to the minimum-delay envelope of the samples. The run is cut into bins
 * (WV_CLOCK_OFFSET_SKEW_BIN_NS, doubled when there are too many) and each
 * bin keeps its sample of smallest delta, which sits on the envelope: a
 * sample that met no queue either way. The slope is the Theil-Sen estimator
 * (the median of pairwise slopes; Sen 1968) over pairs half the run apart,
 * which ignores bins whose best sample still queued, and the intercept the
 * median of the residuals. This is the approach of Paxson, "On Calibrating
 * Measurements of Packet Transit Times" (SIGMETRICS 1998) and of Moon,
 * Skelly and Towsley, "Estimation and Removal of Clock Skew from Network
 * Delay Measurements" (INFOCOM 1999), applied to NTP-style two-way samples.
 *
 * The model is theta(t) = offset_ns + skew * (t - ref_ns), t on the local
 * clock, skew dimensionless (peer seconds per local second, minus 1). Until
 * the bins span WV_CLOCK_OFFSET_SKEW_MIN_SPAN_NS, skew is 0 and the model is
 * the windowed estimate of wv_clock_offset_get(). FALSE without samples. */
#define WV_CLOCK_OFFSET_SKEW_BIN_NS      (2 * G_GINT64_CONSTANT (1000000000))
#define WV_CLOCK_OFFSET_SKEW_MIN_SPAN_NS (20 * G_GINT64_CONSTANT (1000000000))
#define WV_CLOCK_OFFSET_SKEW_MAX_BINS    512
gboolean       wv_clock_offset_get_model (WvClockOffset *c, gint64 *ref_ns, gint64 *offset_ns,
                                          double *skew, gint64 *error_ns);
/* TRUE once the skew is estimated (see above); ppm = skew * 1e6. */
gboolean       wv_clock_offset_get_skew  (WvClockOffset *c, double *ppm);

guint          wv_clock_offset_get_n_samples  (WvClockOffset *c);
guint64        wv_clock_offset_get_n_rejected (WvClockOffset *c);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvClockOffset, wv_clock_offset_free)

G_END_DECLS

/* wv-verdict.h: verdicts for real-time uses (voice, video, interactive)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure computation on records, no I/O: judges how each direction of each
 * connection would serve a voice call, a video call and an interactive
 * (gaming) session, and the run as a whole, naming for each the metric that
 * decided and its threshold. docs/verdict.md explains every rule and its
 * source; the constants below are those rules.
 */
#pragma once

#include <glib.h>

#include "wv-record.h"

G_BEGIN_DECLS

/* Voice: a simplified ITU-T G.107 E-model after Cole & Rosenbluth (2001),
 * for G.711 with packet loss concealment, 20 ms packets and an adaptive
 * jitter buffer of twice the interarrival jitter. */
#define WV_VOICE_CODEC_DELAY_MS        20.0
#define WV_VOICE_JITTER_BUFFER_FACTOR  2.0
#define WV_VOICE_R_GOOD                80.0   /* G.109 "high" and "best" */
#define WV_VOICE_R_FAIR                70.0   /* G.109 "medium" */

/* Video call: ITU-T G.114 / G.1010 one-way delay, ITU-T Y.1541 class 0/1
 * and G.1010 loss. The delay judged is the 99th percentile (what a jitter
 * buffer must wait for). */
#define WV_VIDEO_DELAY_GOOD_MS         150.0
#define WV_VIDEO_DELAY_FAIR_MS         400.0
#define WV_VIDEO_LOSS_GOOD_PCT         0.1
#define WV_VIDEO_LOSS_FAIR_PCT         1.0

/* Interactive (gaming): 3GPP TS 23.501 packet delay budgets of 5QI 3 (real
 * time gaming, 50 ms) and 5QI 7 (interactive gaming, 100 ms), and their
 * packet error rate of 10^-3. */
#define WV_INTERACTIVE_DELAY_GOOD_MS   50.0
#define WV_INTERACTIVE_DELAY_FAIR_MS   100.0
#define WV_INTERACTIVE_LOSS_GOOD_PCT   0.1
#define WV_INTERACTIVE_LOSS_FAIR_PCT   1.0

/* Outages, every profile: one of WV_OUTAGE_FAIR_S or longer leaves at most
 * "fair", one of WV_OUTAGE_POOR_S or longer makes the verdict "poor".
 * Shorter gaps count through their lost probes only: over a data channel
 * a gap of a few hundred ms is also what SCTP's retransmission timer makes
 * of a lost acknowledgement (at least 400 ms, patches/gst-plugins-bad
 * 0004), which is the channel's doing, not the path's. */
#define WV_OUTAGE_FAIR_S               1.0
#define WV_OUTAGE_POOR_S               5.0

/* The E-model's transmission rating R from the mouth-to-ear delay (ms) and
 * the packet loss (fraction 0..1), with the delay and equipment impairments
 * it subtracted (either may be NULL). R is clamped to 0..100. */
double      wv_emodel_r_factor (double  delay_ms,
                                double  loss_fraction,
                                double *id,
                                double *ie);
/* G.107 Annex B: the estimated mean opinion score (1..4.5) for R. */
double      wv_emodel_mos      (double  r);
/* G.109's category of R: "best", "high", "medium", "low", "poor" or
 * "not recommended". */
const char *wv_r_factor_band   (double  r);
/* A delay a verdict names, in ms without the unit: 1 decimal from 10 ms,
 * 2 from 1 ms, 3 below (so 0.04 ms does not read "0.0"); "–" if unknown. */
char       *wv_verdict_format_ms (double ms);

/* The mouth-to-ear delay the voice rule assumes for a one-way network
 * delay and interarrival jitter (ms). */
double      wv_voice_delay_ms  (double  network_delay_ms,
                                double  jitter_ms);

/* Judges one stream (a summary, or a stats window while the run goes on)
 * for @profile; @n_outages and @outage_max_s describe the outages of that
 * direction. Fills every field of @out but run and the record header. */
void        wv_verdict_judge   (WvProfile              profile,
                                const WvStatsRecord   *stats,
                                guint                  n_outages,
                                double                 outage_max_s,
                                WvVerdictRecord       *out);

/* Collects what the verdicts of a run are made from and makes them. */
typedef struct _WvVerdicts WvVerdicts;

WvVerdicts *wv_verdicts_new        (void);
void        wv_verdicts_free       (WvVerdicts     *self);
/* Takes summaries (which replace any window of the same connection,
 * direction and class for good) and stats windows (the newest one counts
 * until a summary arrives); other records are ignored. */
void        wv_verdicts_add_record (WvVerdicts     *self,
                                    const WvRecord *record);
/* An outage of one direction of a connection (all its classes). */
void        wv_verdicts_add_outage (WvVerdicts     *self,
                                    guint           conn,
                                    int             family,
                                    WvDirection     dir,
                                    double          duration_s);
/* The verdict records: per stream and profile (connection, direction and
 * class order), then one per profile for the whole run, the worst of the
 * streams (ties: the one furthest past its threshold). All are stamped
 * @time_ns. An empty array when nothing was added. */
GArray     *wv_verdicts_compute    (WvVerdicts     *self,
                                    gint64          time_ns);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvVerdicts, wv_verdicts_free)

G_END_DECLS

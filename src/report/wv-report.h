/* wv-report.h: a run's results arranged for people: text and PDF
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A WvReport takes a run (its metadata and records, as a run file holds
 * them or as a measurement produced them) and sorts out what a report
 * shows: the summaries per connection and direction, the verdicts (those
 * of the run, or computed from its summaries when it has none), the
 * traced paths with their notes (ECMP, loss, rate limiting, DSCP), the
 * Wi-Fi link over time and the per-second statistics for the charts.
 * The CLI prints it (wv-report-text.c), the CLI and the GTK app draw it
 * into a PDF (wv-report-pdf.c).
 */
#pragma once

#include <stdio.h>

#include "wv-path-notes.h"
#include "wv-record.h"
#include "wv-run.h"
#include "wv-trace-table.h"

G_BEGIN_DECLS

typedef struct _WvReport WvReport;

/* Copies what it keeps; @meta may be NULL (plain JSON lines). */
WvReport        *wv_report_new             (const WvRunMeta *meta,
                                            const WvRecord  *records,
                                            guint            n);
WvReport        *wv_report_new_from_run    (const WvRun     *run);
void             wv_report_free            (WvReport        *self);

/* The metadata, or NULL. */
const WvRunMeta *wv_report_get_meta        (WvReport        *self);
/* The start of the run: the metadata's, else the first record's. */
gint64           wv_report_get_start_ns    (WvReport        *self);
/* Its end: the metadata's, else the last record's. */
gint64           wv_report_get_end_ns      (WvReport        *self);
/* WvRecord summaries by connection, class (DSCP) and direction. */
GArray          *wv_report_get_summaries   (WvReport        *self);
/* WvRecord verdicts of each stream and profile, then of the run (one
 * per profile). */
GArray          *wv_report_get_verdicts    (WvReport        *self);
/* Whether the verdicts were computed here (the run had none). */
gboolean         wv_report_verdicts_computed (WvReport      *self);
const WvRecord  *wv_report_get_run_verdict (WvReport        *self,
                                            WvProfile        profile);
/* The one-second stats records, in time order. */
GArray          *wv_report_get_seconds     (WvReport        *self);
/* The Wi-Fi records, in time order. */
GArray          *wv_report_get_wifi        (WvReport        *self);
/* Their range: signal (n_signal readings had one) and link rate. */
typedef struct {
  int signal_lo, signal_hi;       /* percent */
  double signal_mean;
  guint n_signal;
  guint rate_lo_kbps, rate_hi_kbps; /* rate_hi_kbps 0: no rate read */
} WvWifiRange;
void             wv_report_get_wifi_range  (WvReport        *self,
                                            WvWifiRange     *out);
/* The summary in @summaries (WvRecord) of @like's connection, family,
 * direction and class, or NULL: the same stream in another run. */
const WvRecord  *wv_report_find_summary    (GArray          *summaries,
                                            const WvRecord  *like);
/* WvRecord: each outage once (its newest record: closed if it ended),
 * by connection, direction and start. */
GArray          *wv_report_get_outages     (WvReport        *self);
/* WvRecord: the connections declared lost. */
GArray          *wv_report_get_lost        (WvReport        *self);
WvTraceTable    *wv_report_get_trace_table (WvReport        *self);
WvPathNotes     *wv_report_get_path_notes  (WvReport        *self);
/* What reading the file ran into (NULL-terminated, may be empty). */
const char * const *wv_report_get_problems (WvReport        *self);

/* --- words (wv-report-text.c) --------------------------------------------- */

/* "voice call", "video call", "interactive (gaming)". */
const char *wv_report_profile_title (WvProfile profile);
/* The deciding metric against its threshold: "R 93.7 >= 80 (MOS 4.42,
 * best)", "one-way delay p99 160.0 ms > 150 ms", "loss 0.50 % > 0.1 %",
 * "outage of 2.0 s (any outage)", "nothing measured". */
char       *wv_report_describe_verdict (const WvVerdictRecord *v);
/* A short cell: "good R 93.7", "fair loss 0.50 %", "poor delay 450 ms". */
char       *wv_report_verdict_cell     (const WvVerdictRecord *v);
/* "connection 0 IPv4 c2s", "connection 3 IPv6 s2c EF". */
char       *wv_report_stream_label     (const WvRecord        *r);
/* A note about the paths in one sentence. */
char       *wv_report_describe_note    (const WvPathNote      *note);
/* "2 paths: A (connections 0-6), B (connection 7); they differ at TTL 2
 * (A 10.1.0.1, B 10.1.0.2) and ..." or "one path (connections 0-7)". */
char       *wv_report_describe_path_set (const WvPathSet      *set);
/* "\"lab\" 02:00:00:00:01:00, 2.4 GHz channel 6, signal 80 %, 54 Mbit/s". */
char       *wv_report_describe_wifi    (const WvWifiRecord    *w);
/* A local date and time, "2026-01-31 14:02:03 CET". */
char       *wv_report_format_time      (gint64                 time_ns);
char       *wv_report_settings_text    (JsonObject            *settings);

void wv_report_print_metadata (WvReport *self, FILE *out);
void wv_report_print_verdicts (WvReport *self, FILE *out);
/* The table the CLI has always printed at the end of a run. */
void wv_report_print_summary  (WvReport *self, FILE *out);
/* Our own software's share of the delays (stack_ms), apart from the path's. */
void wv_report_print_stack    (WvReport *self, FILE *out);
/* Every outage and lost connection of the run. */
void wv_report_print_outages  (WvReport *self, FILE *out);
void wv_report_print_wifi     (WvReport *self, FILE *out);
/* Per connection and direction: the hops with RTT min/avg/max and loss
 * over the rounds, the MTUs, and the notes. */
void wv_report_print_paths    (WvReport *self, FILE *out);
/* Everything above, with a title naming @name. */
void wv_report_print          (WvReport *self, const char *name, FILE *out);
/* Two runs side by side: metadata, verdicts, summaries and what changed. */
void wv_report_print_compare  (WvReport   *a,
                               const char *name_a,
                               WvReport   *b,
                               const char *name_b,
                               FILE       *out);

/* --- PDF (wv-report-pdf.c) ------------------------------------------------- */

gboolean wv_report_write_pdf (WvReport    *self,
                              const char  *name,
                              const char  *path,
                              GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvReport, wv_report_free)

G_END_DECLS

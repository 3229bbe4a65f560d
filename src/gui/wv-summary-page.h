/* wv-summary-page.h: the verdict and the summary of a run
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-session.h"

G_BEGIN_DECLS

typedef enum {
  WV_SUMMARY_TABLE_VERDICTS,      /* connection, direction, class, voice, video, interactive */
  WV_SUMMARY_TABLE_SUMMARY,       /* the summary per connection, direction and class */
  WV_SUMMARY_TABLE_OUTAGES,
  WV_SUMMARY_TABLE_META,          /* what, where, when */
  WV_N_SUMMARY_TABLES
} WvSummaryTable;

/* The columns of WV_SUMMARY_TABLE_SUMMARY. */
typedef enum {
  WV_SUMMARY_COLUMN_CONNECTION,
  WV_SUMMARY_COLUMN_DIRECTION,
  WV_SUMMARY_COLUMN_CLASS,
  WV_SUMMARY_COLUMN_PROBES,
  WV_SUMMARY_COLUMN_LOSS,
  WV_SUMMARY_COLUMN_OWD,          /* median / p99 / max */
  WV_SUMMARY_COLUMN_RTT,          /* median / p99 / max */
  WV_SUMMARY_COLUMN_JITTER,
  WV_SUMMARY_COLUMN_REORDER,
  WV_SUMMARY_COLUMN_THROUGHPUT,
  WV_SUMMARY_COLUMN_DSCP,         /* as received */
  WV_SUMMARY_COLUMN_NOTE,
  WV_N_SUMMARY_COLUMNS
} WvSummaryColumn;

#define WV_TYPE_SUMMARY_PAGE (wv_summary_page_get_type ())
G_DECLARE_FINAL_TYPE (WvSummaryPage, wv_summary_page, WV, SUMMARY_PAGE, GtkWidget)

GtkWidget   *wv_summary_page_new              (void);
void         wv_summary_page_set_session      (WvSummaryPage  *self,
                                               WvSession      *session);
void         wv_summary_page_update_now       (WvSummaryPage  *self);
/* What the verdict is based on: "Whole run", "Last 10 seconds" ... */
const char  *wv_summary_page_get_basis        (WvSummaryPage  *self);
/* The run's verdict for @profile as shown, and its grade. */
WvGrade      wv_summary_page_get_grade        (WvSummaryPage  *self,
                                               WvProfile       profile);
const char  *wv_summary_page_get_verdict_text (WvSummaryPage  *self,
                                               WvProfile       profile);
GtkGrid     *wv_summary_page_get_table        (WvSummaryPage  *self,
                                               WvSummaryTable  table);
const char  *wv_summary_page_get_paths_text   (WvSummaryPage  *self);
const char  *wv_summary_page_get_wifi_text    (WvSummaryPage  *self);
const char  *wv_summary_page_get_outages_text (WvSummaryPage  *self);

G_END_DECLS

/* wv-client-summary.h: a run's statistics per connection and direction
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-session.h"

G_BEGIN_DECLS

typedef enum {
  WV_CLIENT_SUMMARY_COLUMN_CONNECTION,
  WV_CLIENT_SUMMARY_COLUMN_DIRECTION,
  WV_CLIENT_SUMMARY_COLUMN_CLASS,       /* DSCP the stream was sent with */
  WV_CLIENT_SUMMARY_COLUMN_PROBES,
  WV_CLIENT_SUMMARY_COLUMN_LOSS,
  WV_CLIENT_SUMMARY_COLUMN_DELAY_P50,
  WV_CLIENT_SUMMARY_COLUMN_DELAY_P99,
  WV_CLIENT_SUMMARY_COLUMN_DELAY_MAX,
  WV_CLIENT_SUMMARY_COLUMN_JITTER,
  WV_CLIENT_SUMMARY_COLUMN_REORDER,
  WV_CLIENT_SUMMARY_COLUMN_RTT,         /* median round trip the sender measured */
  WV_CLIENT_SUMMARY_COLUMN_THROUGHPUT,
  WV_N_CLIENT_SUMMARY_COLUMNS
} WvClientSummaryColumn;

#define WV_TYPE_CLIENT_SUMMARY (wv_client_summary_get_type ())
G_DECLARE_FINAL_TYPE (WvClientSummary, wv_client_summary, WV, CLIENT_SUMMARY, GtkWidget)

GtkWidget  *wv_client_summary_new         (void);
void        wv_client_summary_set_session (WvClientSummary *self,
                                           WvSession       *session);
/* Rows of #WvTableRow with #WvClientSummaryColumn cells. */
GListModel *wv_client_summary_get_rows    (WvClientSummary *self);
/* "Last 10 seconds" while the run goes on, "Whole run" once it has summaries. */
const char *wv_client_summary_get_basis   (WvClientSummary *self);
void        wv_client_summary_update_now  (WvClientSummary *self);

G_END_DECLS

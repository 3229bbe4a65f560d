/* wv-dscp-page.h: how each probe stream class (DSCP) fared, per connection
 * and direction
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-session.h"

G_BEGIN_DECLS

typedef enum {
  WV_DSCP_COLUMN_CONNECTION,
  WV_DSCP_COLUMN_DIRECTION,
  WV_DSCP_COLUMN_CLASS,        /* sent with */
  WV_DSCP_COLUMN_PROBES,
  WV_DSCP_COLUMN_LOSS,
  WV_DSCP_COLUMN_OWD,          /* median one-way delay */
  WV_DSCP_COLUMN_JITTER,
  WV_DSCP_COLUMN_RECEIVED,     /* arrived with */
  WV_DSCP_COLUMN_VERDICT,      /* kept / re-marked */
  WV_N_DSCP_COLUMNS
} WvDscpColumn;

#define WV_TYPE_DSCP_PAGE (wv_dscp_page_get_type ())
G_DECLARE_FINAL_TYPE (WvDscpPage, wv_dscp_page, WV, DSCP_PAGE, GtkWidget)

GtkWidget  *wv_dscp_page_new         (void);
void        wv_dscp_page_set_session (WvDscpPage *self,
                                      WvSession  *session);
/* Rows of #WvTableRow with #WvDscpColumn cells. */
GListModel *wv_dscp_page_get_rows    (WvDscpPage *self);
/* "last 10 s" while the run goes on, "whole run" once it has summaries. */
const char *wv_dscp_page_get_basis   (WvDscpPage *self);
void        wv_dscp_page_update_now  (WvDscpPage *self);
/* "EF (46)", "CS0 (0)", "5", or "unmarked" for -1. */
char       *wv_dscp_page_format_class (int dscp);

G_END_DECLS

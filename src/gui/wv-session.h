/* wv-session.h: one measurement run as the window sees it
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "wv-client.h"
#include "wv-record.h"
#include "wv-run.h"
#include "wv-trace-table.h"

G_BEGIN_DECLS

/* Memory kept for the records of one run (everything Export CSV writes):
 * 256 MiB is about 700 000 records, an hour of 32 connections or more
 * than a day of one. Past it, per-second statistics are no longer kept
 * (summaries, hops and MTUs always are) and the log says so once. */
#define WV_SESSION_MAX_RECORD_BYTES ((gsize) 256 << 20)
#define WV_SESSION_MAX_RECORDS      (WV_SESSION_MAX_RECORD_BYTES / sizeof (WvRecord))
/* Connections per run: 16 per family, twice over for safety. */
#define WV_SESSION_MAX_CONNECTIONS  64

typedef enum {
  WV_MESSAGE_INFO,
  WV_MESSAGE_WARNING,
  WV_MESSAGE_ERROR,
} WvMessageKind;

#define WV_TYPE_SESSION (wv_session_get_type ())
G_DECLARE_FINAL_TYPE (WvSession, wv_session, WV, SESSION, GObject)

WvSession      *wv_session_new                    (void);
gboolean        wv_session_start                  (WvSession            *self,
                                                   const WvClientConfig *config,
                                                   GError              **error);
void            wv_session_stop                   (WvSession            *self);
void            wv_session_begin                  (WvSession            *self);
gboolean        wv_session_get_running            (WvSession            *self);
gboolean        wv_session_get_started            (WvSession            *self);
gboolean        wv_session_get_self_test          (WvSession            *self);
WvPhase         wv_session_get_phase              (WvSession            *self);
double          wv_session_get_progress           (WvSession            *self);
WvClient       *wv_session_get_client             (WvSession            *self);
const char     *wv_session_get_privilege_advice   (WvSession            *self);
void            wv_session_set_privilege_advice   (WvSession            *self,
                                                   const char           *advice);

/* What the engine's signals feed; tests call them directly. */
void            wv_session_push_phase             (WvSession            *self,
                                                   WvPhase               phase);
void            wv_session_push_progress          (WvSession            *self,
                                                   double                fraction);
void            wv_session_push_connection_state  (WvSession            *self,
                                                   guint                 index,
                                                   int                   family,
                                                   WvConnState           state);
void            wv_session_push_record            (WvSession            *self,
                                                   const WvRecord       *record);
void            wv_session_push_message           (WvSession            *self,
                                                   WvMessageKind         kind,
                                                   const char           *text);
void            wv_session_push_finished          (WvSession            *self,
                                                   gboolean              ok);

guint           wv_session_get_n_connections      (WvSession            *self);
gboolean        wv_session_has_connection         (WvSession            *self,
                                                   guint                 index);
int             wv_session_get_connection_family  (WvSession            *self,
                                                   guint                 index);
WvConnState     wv_session_get_connection_state   (WvSession            *self,
                                                   guint                 index);
guint           wv_session_get_connection_position (WvSession           *self,
                                                   guint                 index);
gboolean        wv_session_get_connection_visible (WvSession            *self,
                                                   guint                 index);
void            wv_session_set_connection_visible (WvSession            *self,
                                                   guint                 index,
                                                   gboolean              visible);
char           *wv_session_dup_connection_label   (WvSession            *self,
                                                   guint                 index);
const WvRecord *wv_session_get_latest_stats       (WvSession            *self,
                                                   guint                 index,
                                                   WvDirection           dir);
const WvRecord *wv_session_get_summary            (WvSession            *self,
                                                   guint                 index,
                                                   WvDirection           dir);
guint           wv_session_get_n_classes          (WvSession            *self,
                                                   guint                 index);
int             wv_session_get_class_dscp         (WvSession            *self,
                                                   guint                 index,
                                                   guint                 k);
const WvRecord *wv_session_get_class_stats        (WvSession            *self,
                                                   guint                 index,
                                                   guint                 k,
                                                   WvDirection           dir);
const WvRecord *wv_session_get_class_summary      (WvSession            *self,
                                                   guint                 index,
                                                   guint                 k,
                                                   WvDirection           dir);
gboolean        wv_session_is_charted             (WvSession            *self,
                                                   const WvRecord       *record);

guint           wv_session_get_n_outages          (WvSession            *self);
const WvRecord *wv_session_get_outage             (WvSession            *self,
                                                   guint                 i);
gboolean        wv_session_get_connection_in_outage (WvSession          *self,
                                                   guint                 index);

guint           wv_session_get_n_records          (WvSession            *self);
const WvRecord *wv_session_get_record             (WvSession            *self,
                                                   guint                 index);
guint64         wv_session_get_n_dropped          (WvSession            *self);
void            wv_session_set_record_limit       (WvSession            *self,
                                                   guint                 max_records);
WvTraceTable   *wv_session_get_trace_table        (WvSession            *self);

gint64          wv_session_get_time_origin        (WvSession            *self);
double          wv_session_get_record_time        (WvSession            *self,
                                                   const WvRecord       *record);
double          wv_session_get_end_time           (WvSession            *self);
char           *wv_session_dup_export_name        (WvSession            *self);

/* Runs kept in files. */
WvSession      *wv_session_new_for_run            (const WvRun          *run,
                                                   GFile                *file);
gboolean        wv_session_get_reopened           (WvSession            *self);
const WvRunMeta *wv_session_get_run_meta          (WvSession            *self);
GFile          *wv_session_get_file               (WvSession            *self);
void            wv_session_set_file               (WvSession            *self,
                                                   GFile                *file);
gint64          wv_session_get_start_ns           (WvSession            *self);
gint64          wv_session_get_end_ns             (WvSession            *self);

/* The records so far, for a worker thread (an export): they never
 * change and their blocks never move while the session lives, which the
 * snapshot ensures by holding a reference. Made and freed in the main
 * thread; read in any. */
typedef struct _WvSessionRecords WvSessionRecords;

WvSessionRecords *wv_session_dup_records          (WvSession            *self);
guint           wv_session_records_get_n          (WvSessionRecords     *records);
const WvRecord *wv_session_records_get            (WvSessionRecords     *records,
                                                   guint                 index);
void            wv_session_records_free           (WvSessionRecords     *records);

void            wv_session_export_csv_async       (WvSession            *self,
                                                   GFile                *folder,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GFile          *wv_session_export_csv_finish      (WvSession            *self,
                                                   GAsyncResult         *result,
                                                   GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvSessionRecords, wv_session_records_free)

G_END_DECLS

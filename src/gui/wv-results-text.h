/* wv-results-text.h: a run's results in the window's words
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "wv-path-notes.h"
#include "wv-record.h"
#include "wv-run.h"

G_BEGIN_DECLS

/* "Connection 4 (IPv6)": the engine's number, as the CSV files, the log
 * and the CLI have it. */
char       *wv_gui_format_connection  (int                    family,
                                       guint                  position);
char       *wv_gui_connection_label   (GHashTable            *families,
                                       guint                  conn,
                                       int                    family);
GHashTable *wv_gui_connection_families (GArray               *records);
char       *wv_gui_class_text         (int                    dscp);
const char *wv_gui_profile_title      (WvProfile              profile);
const char *wv_gui_grade_label        (WvGrade                grade);
/* "wv-grade-good" ...: the colour of a grade, beside its word. */
const char *wv_gui_grade_css_class    (WvGrade                grade);
void        wv_gui_set_grade_class    (GtkWidget             *widget,
                                       WvGrade                grade);
/* The deciding metric against its threshold, as a sentence. */
char       *wv_gui_describe_verdict   (const WvVerdictRecord *v);
/* Short: "Good · R 93.7", "Poor · loss 2.0 %". */
char       *wv_gui_verdict_cell       (const WvVerdictRecord *v);
/* "Connection 0 (IPv4), client → server" (and the class, if marked). */
char       *wv_gui_stream_label       (GHashTable            *families,
                                       const WvRecord        *r);
char       *wv_gui_describe_note      (GHashTable            *families,
                                       const WvPathNote      *note);
char       *wv_gui_describe_path_set  (GHashTable            *families,
                                       const WvPathSet       *set);
char       *wv_gui_describe_wifi      (const WvWifiRecord    *w);
/* Why a run has no Wi-Fi facts. */
const char *wv_gui_wifi_absent_label  (WvWifiAbsent           reason);
/* "2026-01-31 14:02:03" in local time. */
char       *wv_gui_format_time        (gint64                 time_ns);
/* "1 min 05 s", "45 s". */
char       *wv_gui_format_duration    (double                 seconds);
/* "Self-test", "Connect to http://…". */
char       *wv_gui_describe_target    (const WvRunMeta       *meta);

G_END_DECLS

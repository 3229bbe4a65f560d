/* wv-window-private.h: what the window's files share
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window is wv-window.c (the measurement: modes, phases, connections,
 * banner, export) and wv-window-results.c (runs kept in files: saving each
 * run, opening one, the history, comparing two, the PDF report), around
 * this one private struct.
 */
#pragma once

#include "wv-run-saver.h"
#include "wv-serve-view.h"
#include "wv-summary-page.h"
#include "wv-window.h"

G_BEGIN_DECLS

typedef enum {
  BANNER_ACTION_NONE,
  BANNER_ACTION_COPY,             /* copy banner_data to the clipboard */
  BANNER_ACTION_OPEN_FOLDER,      /* open the URI banner_data */
  BANNER_ACTION_SHOW_LOG,
  BANNER_ACTION_PREFERENCES,      /* open the preferences (a setting refused) */
} BannerAction;

typedef struct _WvWindowResults WvWindowResults;

struct _WvWindow
{
  GtkApplicationWindow parent_instance;

  /* template */
  GtkButton *run_button;
  GtkImage *run_icon;
  GtkLabel *run_label;
  GtkInfoBar *banner;
  GtkImage *banner_icon;
  GtkLabel *banner_label;
  GtkButton *banner_button;
  GtkStack *mode_stack;
  GtkEntry *url_entry;
  GtkEntry *listen_entry;
  GtkLabel *settings_label;
  GtkWidget *status_bar;
  GtkWidget *status_separator;
  GtkWidget *phase_box;
  GtkWidget *phase_connect;
  GtkWidget *phase_traceroute;
  GtkWidget *phase_mtu;
  GtkWidget *phase_streams;
  GtkImage *phase_connect_icon;
  GtkImage *phase_traceroute_icon;
  GtkImage *phase_mtu_icon;
  GtkImage *phase_streams_icon;
  GtkProgressBar *progress_bar;
  GtkLabel *status_label;
  GtkStack *content_stack;
  GtkLabel *welcome_title;
  GtkLabel *welcome_text;
  GtkWidget *welcome_button;
  GtkWidget *sidebar;
  GtkListBox *connection_list;
  GtkStack *view_stack;
  GtkStackPage *clients_stack_page;
  GtkStackPage *served_stack_page;
  GtkStackPage *charts_stack_page;
  GtkStackPage *trace_stack_page;
  GtkStackPage *mtu_stack_page;
  GtkStackPage *dscp_stack_page;
  WvServerPage *server_page;
  WvServeView *serve_view;
  WvChartsPage *charts_page;
  WvTracePage *trace_page;
  WvMtuPage *mtu_page;
  WvDscpPage *dscp_page;
  WvLogPage *log_page;

  GSettings *settings;
  GCancellable *cancellable;
  char *mode;
  gboolean first_run;

  WvSession *session;
  GPtrArray *rows;                /* WvConnectionRow, by connection index; not owned */
  GArray *row_states;             /* WvConnState last logged, by connection index */
  guint phases_seen;              /* 1 << WvPhase */
  WvPhase last_phase;             /* the last phase before done */
  gboolean finished_ok;
  char *last_message;
  guint run_duration;

  GtkFileChooserNative *chooser;
  gboolean exporting;
  guint exporting_records;        /* records the running export writes */
  guint exported_records;         /* records of this session in the last export */
  GFile *last_export;
  GtkWidget *confirm_dialog;
  GtkWidget *close_dialog;
  gboolean close_confirmed;       /* the user agreed to close with results unexported */
  gboolean start_after_export;    /* Export First: start the new run once exported */

  BannerAction banner_action;
  char *banner_data;
  GtkMessageType banner_type;

  /* wv-window-results.c */
  GtkStackPage *summary_stack_page;
  WvSummaryPage *summary_page;
  WvWindowResults *results;
};

/* wv-window.c, for the other files */
void     wv_window_show_banner_full     (WvWindow       *self,
                                         GtkMessageType  type,
                                         const char     *text,
                                         const char     *button_label,
                                         BannerAction    action,
                                         const char     *data);
void     wv_window_log                  (WvWindow       *self,
                                         WvMessageKind   kind,
                                         const char     *text);
void     wv_window_set_status_text      (WvWindow       *self,
                                         const char     *text);
void     wv_window_update_ui            (WvWindow       *self);

/* wv-window-results.c */
void     wv_window_results_init         (WvWindow       *self);
void     wv_window_results_dispose      (WvWindow       *self);
void     wv_window_results_class_init   (GtkWidgetClass *widget_class);
/* A measurement started: keep it in the data directory. */
void     wv_window_results_keep         (WvWindow       *self,
                                         WvSession      *session);
/* The session on screen changed, or its state. */
void     wv_window_results_update       (WvWindow       *self);
/* Whether the run on screen is kept in a complete run file. */
gboolean wv_window_results_get_kept     (WvWindow       *self);
const char *wv_window_results_progress_text (WvWindow   *self);
/* Where a file chooser starts: the folder in setting @key if it exists,
 * else Documents, else home. */
GFile   *wv_window_dup_start_folder     (WvWindow       *self,
                                         const char     *key);

G_END_DECLS

/* wv-window.c: the main window
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Three modes, chosen in the header bar: Self-test (server and client in
 * this process over loopback), Connect (a run against a server URL) and
 * Serve (this computer is the server). The Start button runs the current
 * mode; the mode cannot change while something runs.
 *
 * A measurement is a WvSession: the window creates a new one for each run
 * and hands it to the pages (charts, traceroute, MTU), which follow its
 * signals; the window itself keeps the connection list, the phase and
 * progress bar, the log, and the banner for errors, privilege advice and
 * export results. In Serve mode the server page runs the server and keeps
 * its clients' records, the serve view shows each client, and Export
 * writes every client's records. Nothing here blocks: the engine runs in
 * the main loop's callbacks and export writes in a thread.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "wv-connection-row.h"
#include "wv-dscp.h"
#include "wv-gui.h"
#include "wv-window-private.h"

/* The phase steps of the status bar, in order. */
static const WvPhase step_phases[] = {
  WV_PHASE_CONNECT, WV_PHASE_TRACEROUTE, WV_PHASE_MTU, WV_PHASE_STREAMS,
};
#define N_STEPS G_N_ELEMENTS (step_phases)

G_DEFINE_FINAL_TYPE (WvWindow, wv_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_ui (WvWindow *self);

static WvServedClients *
served_clients (WvWindow *self)
{
  return wv_server_page_get_served_clients (self->server_page);
}

static gboolean
serving_mode (WvWindow *self)
{
  return g_strcmp0 (self->mode, WV_MODE_SERVE) == 0;
}

/* --- banner ----------------------------------------------------------------- */

/* One paragraph: the engine's advice comes in lines, and GTK 4.8's info
 * bar measures a label with line breaks inconsistently (a critical about
 * overlapping widgets). */
static char *
one_paragraph (const char *text)
{
  g_autoptr(GRegex) spaces = g_regex_new ("\\s+", G_REGEX_OPTIMIZE, 0, NULL);
  /* Messages may quote what a peer sent: GRegex wants valid UTF-8. */
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  char *flat = g_regex_replace_literal (spaces, valid, -1, 0, " ", 0, NULL);

  return flat ? g_strstrip (flat) : g_steal_pointer (&valid);
}

static void
show_banner (WvWindow       *self,
             GtkMessageType  type,
             const char     *text,
             const char     *button_label,
             BannerAction    action,
             const char     *data)
{
  g_autofree char *flat = one_paragraph (text);

  gtk_info_bar_set_message_type (self->banner, type);
  /* Errors, warnings and news differ in more than a tint (style.css). */
  gtk_image_set_from_icon_name (self->banner_icon,
                                type == GTK_MESSAGE_ERROR ? "dialog-error-symbolic"
                                : type == GTK_MESSAGE_WARNING ? "dialog-warning-symbolic"
                                : "object-select-symbolic");
  gtk_label_set_text (self->banner_label, flat);
  self->banner_type = type;
  self->banner_action = action;
  g_free (self->banner_data);
  self->banner_data = g_strdup (data);
  if (button_label)
    gtk_button_set_label (self->banner_button, button_label);
  gtk_button_set_use_underline (self->banner_button, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->banner_button), button_label != NULL);
  gtk_info_bar_set_revealed (self->banner, TRUE);
}

static void
hide_banner (WvWindow *self)
{
  gtk_info_bar_set_revealed (self->banner, FALSE);
  self->banner_action = BANNER_ACTION_NONE;
  g_clear_pointer (&self->banner_data, g_free);
}

static void
on_banner_response (GtkInfoBar *bar,
                    int         response,
                    WvWindow   *self)
{
  if (response == GTK_RESPONSE_CLOSE)
    hide_banner (self);
}

static void
on_banner_button_clicked (GtkButton *button,
                          WvWindow  *self)
{
  switch (self->banner_action)
    {
    case BANNER_ACTION_COPY:
      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->banner_data);
      break;
    case BANNER_ACTION_OPEN_FOLDER:
      gtk_show_uri (GTK_WINDOW (self), self->banner_data, GDK_CURRENT_TIME);
      break;
    case BANNER_ACTION_SHOW_LOG:
      wv_window_show_page (self, "log");
      break;
    case BANNER_ACTION_PREFERENCES:
      g_action_group_activate_action (G_ACTION_GROUP (gtk_window_get_application (GTK_WINDOW (self))),
                                      "preferences", NULL);
      break;
    case BANNER_ACTION_NONE:
    default:
      break;
    }
}

static void
log_message (WvWindow      *self,
             WvMessageKind  kind,
             const char    *text)
{
  wv_log_page_append (self->log_page, kind, text);
}

static void
set_status (WvWindow   *self,
            const char *text)
{
  gtk_label_set_text (self->status_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), text);
}

/* --- the settings summary and the welcome page ----------------------------------- */

static void
update_settings_label (WvWindow *self)
{
  guint n = g_settings_get_uint (self->settings, "connections");
  guint rate = g_settings_get_uint (self->settings, "probe-rate");
  guint duration = g_settings_get_uint (self->settings, "duration");
  g_autofree char *families = g_settings_get_string (self->settings, "families");
  g_autofree char *dscp = g_settings_get_string (self->settings, "dscp-classes");
  g_autofree char *conns = NULL, *text = NULL;
  const WvRunMeta *meta = self->session && wv_session_get_reopened (self->session)
                          ? wv_session_get_run_meta (self->session) : NULL;
  WvClasses classes;
  const char *fam;

  if (g_strcmp0 (self->mode, WV_MODE_SERVE) == 0)
    {
      gtk_label_set_text (self->settings_label, "");
      return;
    }
  /* A run read back from its file: the settings it was measured with. */
  if (meta && (meta->settings == NULL || !json_object_has_member (meta->settings, "rate_pps")))
    {
      gtk_label_set_text (self->settings_label, _("The run file does not say how it was measured"));
      return;
    }
  if (meta)
    {
      JsonObject *o = meta->settings;
      const char *f = json_object_get_string_member_with_default (o, "families", "4,6");
      const char *d = json_object_get_string_member_with_default (o, "dscp", "default");

      n = (guint) json_object_get_int_member_with_default (o, "connections", 1);
      rate = (guint) json_object_get_int_member_with_default (o, "rate_pps", 0);
      duration = (guint) (json_object_get_double_member_with_default (o, "duration_s", 0) + 0.5);
      g_free (families);
      families = g_strdup (strchr (f, ',') ? "both" : g_str_equal (f, "6") ? "ipv6" : "ipv4");
      g_free (dscp);
      dscp = g_strdup (g_str_equal (d, "default") ? "" : d);
    }
  switch (wv_gui_families_from_string (families))
    {
    case WV_FAMILIES_IPV4: fam = _("IPv4"); break;
    case WV_FAMILIES_IPV6: fam = _("IPv6"); break;
    case WV_FAMILIES_BOTH:
    default: fam = _("IPv4 and IPv6"); break;
    }
  conns = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u connection per family",
                                        "%u connections per family", n), n);
  /* TRANSLATORS: the settings of the next run, e.g. "2 connections per
   * family · IPv4 and IPv6 · 100 probes/s · 60 s" */
  text = g_strdup_printf (_("%s · %s · %u probes/s · %u s"), conns, fam, rate, duration);
  if (wv_dscp_parse_list (dscp, &classes, NULL) && classes.n_classes > 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      char *with_classes;

      for (guint i = 0; i < classes.n_classes; i++)
        {
          const char *name = wv_dscp_name (classes.dscp[i]);

          if (i > 0)
            g_string_append_c (list, ' ');
          if (name)
            g_string_append (list, name);
          else
            g_string_append_printf (list, "%d", classes.dscp[i]);
        }
      /* TRANSLATORS: the settings of the next run followed by its DSCP
       * classes, e.g. "... · 60 s · DSCP CS0 AF41 EF" */
      with_classes = g_strdup_printf (_("%s · DSCP %s"), text, list->str);
      g_free (text);
      text = with_classes;
    }
  if (meta)
    {
      /* TRANSLATORS: the settings of a saved run on screen, from its file */
      char *measured = g_strdup_printf (_("As measured: %s"), text);

      g_free (text);
      text = measured;
    }
  gtk_label_set_text (self->settings_label, text);
}

static void
update_welcome (WvWindow *self)
{
  g_autofree char *text = NULL;

  if (g_strcmp0 (self->mode, WV_MODE_CONNECT) == 0)
    {
      gtk_label_set_text (self->welcome_title, _("Measure a network path"));
      gtk_label_set_text (self->welcome_text,
                          _("Enter above the address of a computer running wifi-verify in Serve mode "
                            "(or wifi-verify-cli serve), then press Start. The path is measured in "
                            "both directions, over IPv4 and IPv6."));
      gtk_widget_set_visible (self->welcome_button, FALSE);
      return;
    }
  gtk_label_set_text (self->welcome_title,
                      self->first_run ? _("Welcome to wifi-verify") : _("Self-test"));
  text = g_strdup_printf (_("Start with the self-test: this computer measures itself over the loopback "
                            "interface. It checks the installation and shows what every measurement "
                            "looks like. It takes about %u seconds."),
                          g_settings_get_uint (self->settings, "duration") + 5);
  gtk_label_set_text (self->welcome_text, text);
  gtk_widget_set_visible (self->welcome_button, TRUE);
}

/* Whether the settings alone make a run that can start. */
static gboolean
settings_valid (WvWindow *self)
{
  WvClientConfig config;
  gboolean ok = wv_gui_client_config_from_settings (self->settings, NULL, &config, NULL);

  if (ok)
    wv_client_config_clear (&config);
  return ok;
}

static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     WvWindow   *self)
{
  update_settings_label (self);
  update_welcome (self);
  if (self->banner_action == BANNER_ACTION_PREFERENCES && settings_valid (self))
    hide_banner (self);
}

/* --- phases and progress ------------------------------------------------------------ */

static void
set_step (GtkWidget  *step,
          GtkImage   *icon,
          const char *state,
          const char *icon_name,
          const char *tooltip)
{
  static const char *classes[] = { "wv-phase-pending", "wv-phase-active", "wv-phase-done",
                                   "wv-phase-skipped", "wv-phase-failed" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (step, classes[i]);
  gtk_widget_add_css_class (step, state);
  gtk_image_set_from_icon_name (icon, icon_name);
  gtk_widget_set_tooltip_text (step, tooltip);
}

static void
update_phases (WvWindow *self)
{
  GtkWidget *steps[N_STEPS] = { self->phase_connect, self->phase_traceroute, self->phase_mtu,
                                self->phase_streams };
  GtkImage *icons[N_STEPS] = { self->phase_connect_icon, self->phase_traceroute_icon,
                               self->phase_mtu_icon, self->phase_streams_icon };
  WvPhase current = self->session ? wv_session_get_phase (self->session) : WV_PHASE_IDLE;
  gboolean failed = current == WV_PHASE_DONE && !self->finished_ok;

  for (guint i = 0; i < N_STEPS; i++)
    {
      WvPhase p = step_phases[i];
      gboolean seen = self->phases_seen & (1u << p);

      if (p == current)
        set_step (steps[i], icons[i], "wv-phase-active", "media-playback-start-symbolic",
                  _("In progress"));
      else if (failed && p == self->last_phase)
        set_step (steps[i], icons[i], "wv-phase-failed", "dialog-error-symbolic",
                  _("Failed: see the Log tab"));
      else if (seen && current > p)
        set_step (steps[i], icons[i], "wv-phase-done", "object-select-symbolic", _("Done"));
      else if (current > p && current != WV_PHASE_IDLE)
        set_step (steps[i], icons[i], "wv-phase-skipped", "list-remove-symbolic",
                  failed ? _("Not reached") : _("Skipped"));
      else
        set_step (steps[i], icons[i], "wv-phase-pending", "media-record-symbolic", _("Waiting"));
    }
}

static void
update_progress (WvWindow *self)
{
  WvPhase phase = self->session ? wv_session_get_phase (self->session) : WV_PHASE_IDLE;
  double fraction = self->session ? wv_session_get_progress (self->session) : 0;
  g_autofree char *text = NULL;

  switch (phase)
    {
    case WV_PHASE_CONNECT:
      {
        guint total = 0, settled = 0;

        /* The engine reports no progress while connecting: count the
         * connections that are up or gave up. */
        for (guint i = 0; i < wv_session_get_n_connections (self->session); i++)
          if (wv_session_has_connection (self->session, i))
            {
              total++;
              settled += wv_session_get_connection_state (self->session, i) != WV_CONN_CONNECTING;
            }
        fraction = total ? (double) settled / total : 0;
        text = g_strdup_printf (_("Connecting: %u of %u connections"), settled, total);
      }
      break;
    case WV_PHASE_STREAMS:
      if (self->run_duration > 0)
        text = g_strdup_printf (_("Measuring: %.0f of %u s"), fraction * self->run_duration,
                                self->run_duration);
      else
        text = g_strdup_printf ("%s: %.0f %%", wv_gui_phase_label (phase), fraction * 100);
      break;
    case WV_PHASE_STOPPING:
      fraction = 1;
      text = g_strdup (wv_gui_phase_label (phase));
      break;
    case WV_PHASE_DONE:
      fraction = 1;
      if (wv_session_get_reopened (self->session))
        text = g_strdup (wv_window_results_progress_text (self));
      else
        text = g_strdup (self->finished_ok ? _("Finished") : _("Ended with errors"));
      break;
    case WV_PHASE_TRACEROUTE:
    case WV_PHASE_MTU:
      text = g_strdup_printf ("%s: %.0f %%", wv_gui_phase_label (phase), fraction * 100);
      break;
    case WV_PHASE_IDLE:
    default:
      text = g_strdup (wv_gui_phase_label (WV_PHASE_IDLE));
      break;
    }
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* --- the session's signals --------------------------------------------------------------- */

static WvConnectionRow *
get_row (WvWindow *self,
         guint     index)
{
  if (index >= self->rows->len)
    return NULL;
  return g_ptr_array_index (self->rows, index);
}

static void
on_connection_added (WvSession *session,
                     guint      index,
                     WvWindow  *self)
{
  GtkWidget *row;

  if (get_row (self, index))
    return;
  row = wv_connection_row_new (session, index);
  if (index >= self->rows->len)
    {
      g_ptr_array_set_size (self->rows, index + 1);
      g_array_set_size (self->row_states, index + 1);
    }
  g_ptr_array_index (self->rows, index) = row;
  g_array_index (self->row_states, int, index) = wv_session_get_connection_state (session, index);
  gtk_list_box_append (self->connection_list, row);
  update_progress (self);
}

static void
on_connection_changed (WvSession *session,
                       guint      index,
                       WvWindow  *self)
{
  WvConnectionRow *row = get_row (self, index);
  WvConnState state = wv_session_get_connection_state (session, index);

  if (row == NULL)
    return;
  wv_connection_row_update (row);
  if (g_array_index (self->row_states, int, index) != (int) state)
    {
      g_autofree char *label = wv_session_dup_connection_label (session, index);
      g_autofree char *text = NULL;

      g_array_index (self->row_states, int, index) = state;
      /* TRANSLATORS: log line: a connection's new state, e.g. "Connection 0 (IPv4): Measuring" */
      text = g_strdup_printf (_("%s: %s"), label, wv_gui_conn_state_label (state));
      log_message (self, state == WV_CONN_FAILED || state == WV_CONN_LOST ? WV_MESSAGE_WARNING
                                                                          : WV_MESSAGE_INFO, text);
      if (state == WV_CONN_LOST)
        {
          g_autofree char *banner =
            /* TRANSLATORS: %s names a connection, e.g. "Connection 0 (IPv4)" */
            g_strdup_printf (_("Connection %s is lost: nothing arrived from the server for "
                               "several seconds. The other connections go on, and everything "
                               "measured is kept."), label);

          show_banner (self, GTK_MESSAGE_WARNING, banner, _("Show _Log"), BANNER_ACTION_SHOW_LOG,
                       NULL);
        }
      update_progress (self);
    }
}

/* "Connection 0 (IPv4), Server → client: outage of 2.0 s at 12:04:31, 200 probes lost" */
static char *
describe_outage (WvSession      *session,
                 const WvRecord *o)
{
  g_autofree char *label = wv_session_dup_connection_label (session, o->conn);
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (o->outage.start_ns / 1000000000);
  g_autofree char *at = start ? g_date_time_format (start, "%X") : g_strdup ("?");
  const char *dir = wv_gui_direction_label (o->dir);

  if (o->outage.end_ns == 0)
    /* TRANSLATORS: log line: connection, direction, clock time, e.g.
     * "Connection 0 (IPv4), Server → client: no probes since 12:04:31" */
    return g_strdup_printf (_("%s, %s: no probes since %s"), label, dir, at);
  /* TRANSLATORS: log line: connection, direction, seconds, clock time and
   * a count, e.g. "Connection 0 (IPv4), Server → client: outage of 2.0 s at 12:04:31,
   * 200 probes lost" */
  return g_strdup_printf (_("%s, %s: outage of %.1f s at %s, %u probes lost"),
                          label, dir, (o->outage.end_ns - o->outage.start_ns) / 1e9, at,
                          (guint) MIN (o->outage.probes_lost, G_MAXUINT));
}

static void
on_record (WvSession      *session,
           const WvRecord *record,
           WvWindow       *self)
{
  WvConnectionRow *row;

  if ((wv_session_is_charted (session, record) || record->type == WV_RECORD_SUMMARY ||
       record->type == WV_RECORD_OUTAGE) &&
      (row = get_row (self, record->conn)))
    wv_connection_row_update (row);
  if (record->type == WV_RECORD_OUTAGE)
    {
      g_autofree char *text = describe_outage (session, record);

      log_message (self, WV_MESSAGE_WARNING, text);
    }
  if (wv_session_get_n_records (session) == 1)
    update_ui (self);
}

static void
on_session_message (WvSession  *session,
                    guint       kind,
                    const char *text,
                    WvWindow   *self)
{
  log_message (self, kind, text);
  set_status (self, text);
  g_free (self->last_message);
  self->last_message = g_strdup (text);
  if (kind != WV_MESSAGE_INFO)
    show_banner (self, kind == WV_MESSAGE_ERROR ? GTK_MESSAGE_ERROR : GTK_MESSAGE_WARNING,
                 text, _("Show _Log"), BANNER_ACTION_SHOW_LOG, NULL);
}

static void
on_session_finished (WvSession *session,
                     gboolean   ok,
                     WvWindow  *self)
{
  guint n_outages = wv_session_get_n_outages (session);

  self->finished_ok = ok;
  /* The run's outages, once more, together. */
  for (guint i = 0; i < n_outages; i++)
    {
      g_autofree char *text = describe_outage (session, wv_session_get_outage (session, i));

      log_message (self, WV_MESSAGE_WARNING, text);
    }
  if (ok && n_outages > 0)
    {
      g_autofree char *text =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "Finished with %u outage (see the Log tab): Export CSV saves everything measured",
                                      "Finished with %u outages (see the Log tab): Export CSV saves everything measured",
                                      n_outages), n_outages);

      log_message (self, WV_MESSAGE_INFO, _("The measurement finished"));
      set_status (self, text);
    }
  else if (ok)
    {
      log_message (self, WV_MESSAGE_INFO, _("The measurement finished"));
      set_status (self, _("Finished: Export CSV saves everything measured"));
    }
  else
    {
      g_autofree char *text =
        g_strdup_printf (_("The measurement did not complete: %s"),
                         self->last_message ? self->last_message : _("see the Log tab"));

      log_message (self, WV_MESSAGE_ERROR, text);
      set_status (self, text);
      show_banner (self, GTK_MESSAGE_ERROR, text, _("Show _Log"), BANNER_ACTION_SHOW_LOG, NULL);
    }
  /* What a technician acts on, at the end. */
  if (ok && g_strcmp0 (gtk_stack_get_visible_child_name (self->view_stack), "charts") == 0)
    gtk_stack_set_visible_child_name (self->view_stack, "summary");
  update_phases (self);
  update_progress (self);
  update_ui (self);
}

static void
on_phase_changed (WvSession  *session,
                  GParamSpec *pspec,
                  WvWindow   *self)
{
  WvPhase phase = wv_session_get_phase (session);

  self->phases_seen |= 1u << phase;
  if (phase != WV_PHASE_DONE)
    self->last_phase = phase;
  if (phase != WV_PHASE_IDLE && phase != WV_PHASE_DONE)
    {
      /* TRANSLATORS: log line when a phase starts, e.g. "Phase: Tracing the path" */
      g_autofree char *text = g_strdup_printf (_("Phase: %s"), wv_gui_phase_label (phase));

      log_message (self, WV_MESSAGE_INFO, text);
      set_status (self, wv_gui_phase_label (phase));
    }
  update_phases (self);
  update_progress (self);
}

static void
on_progress_changed (WvSession  *session,
                     GParamSpec *pspec,
                     WvWindow   *self)
{
  update_progress (self);
}

static void
on_running_changed (WvSession  *session,
                    GParamSpec *pspec,
                    WvWindow   *self)
{
  update_ui (self);
}

/* The shell command in the engine's privilege advice ("sudo setcap ..."),
 * for the banner's Copy button, or NULL. */
static char *
find_command (const char *advice)
{
  g_auto(GStrv) lines = g_strsplit (advice, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      g_strstrip (lines[i]);
      if (g_str_has_prefix (lines[i], "sudo ") || g_str_has_prefix (lines[i], "setcap "))
        return g_strdup (lines[i]);
    }
  return NULL;
}

static void
on_privilege_advice_changed (WvSession  *session,
                             GParamSpec *pspec,
                             WvWindow   *self)
{
  const char *advice = wv_session_get_privilege_advice (session);
  g_autofree char *text = NULL;
  g_autofree char *command = NULL;

  if (advice == NULL)
    return;
  /* The engine's advice says what is missing and how to grant it. */
  text = g_strdup_printf (_("Traceroute and MTU work with less detail. %s"), advice);
  command = find_command (advice);
  if (command)
    show_banner (self, GTK_MESSAGE_WARNING, text, _("_Copy Command"), BANNER_ACTION_COPY, command);
  else
    show_banner (self, GTK_MESSAGE_WARNING, text, _("_Copy"), BANNER_ACTION_COPY, advice);
}

static void
clear_rows (WvWindow *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->connection_list, 0)))
    gtk_list_box_remove (self->connection_list, GTK_WIDGET (row));
  g_ptr_array_set_size (self->rows, 0);
  g_array_set_size (self->row_states, 0);
}

/**
 * wv_window_set_session:
 * @session: (nullable): the run to show
 *
 * Shows @session in the window and its pages. Starting a measurement does
 * this with a new session; tests call it with a session they feed.
 */
void
wv_window_set_session (WvWindow  *self,
                       WvSession *session)
{
  g_return_if_fail (WV_IS_WINDOW (self));
  g_return_if_fail (session == NULL || WV_IS_SESSION (session));

  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  /* What the banner said was about the previous run. */
  hide_banner (self);
  clear_rows (self);
  g_set_object (&self->session, session);
  self->phases_seen = 0;
  self->exported_records = 0;
  self->last_phase = WV_PHASE_IDLE;
  self->finished_ok = FALSE;
  g_clear_pointer (&self->last_message, g_free);

  wv_charts_page_set_session (self->charts_page, session);
  wv_trace_page_set_session (self->trace_page, session);
  wv_mtu_page_set_session (self->mtu_page, session);
  wv_dscp_page_set_session (self->dscp_page, session);
  wv_summary_page_set_session (self->summary_page, session);
  update_settings_label (self);

  if (session)
    {
      /* A run read back from a file comes with its connections. */
      for (guint i = 0; i < wv_session_get_n_connections (session); i++)
        if (wv_session_has_connection (session, i))
          on_connection_added (session, i, self);
      if (wv_session_get_reopened (session))
        {
          self->finished_ok = TRUE;
          for (guint i = 0; i < wv_session_get_n_records (session); i++)
            {
              const WvRecord *r = wv_session_get_record (session, i);

              self->phases_seen |= 1u << WV_PHASE_CONNECT;
              if (r->type == WV_RECORD_HOP)
                self->phases_seen |= 1u << WV_PHASE_TRACEROUTE;
              else if (r->type == WV_RECORD_MTU || r->type == WV_RECORD_PATH_MTU)
                self->phases_seen |= 1u << WV_PHASE_MTU;
              else if (r->type == WV_RECORD_STATS || r->type == WV_RECORD_SUMMARY)
                self->phases_seen |= 1u << WV_PHASE_STREAMS;
            }
        }

      g_signal_connect_object (session, "connection-added", G_CALLBACK (on_connection_added), self, 0);
      g_signal_connect_object (session, "connection-changed", G_CALLBACK (on_connection_changed), self, 0);
      g_signal_connect_object (session, "record", G_CALLBACK (on_record), self, 0);
      g_signal_connect_object (session, "message", G_CALLBACK (on_session_message), self, 0);
      g_signal_connect_object (session, "finished", G_CALLBACK (on_session_finished), self, 0);
      g_signal_connect_object (session, "notify::phase", G_CALLBACK (on_phase_changed), self, 0);
      g_signal_connect_object (session, "notify::progress", G_CALLBACK (on_progress_changed), self, 0);
      g_signal_connect_object (session, "notify::running", G_CALLBACK (on_running_changed), self, 0);
      g_signal_connect_object (session, "notify::privilege-advice",
                               G_CALLBACK (on_privilege_advice_changed), self, 0);
    }
  update_phases (self);
  update_progress (self);
  update_ui (self);
  wv_window_results_update (self);
}

/* --- starting and stopping ------------------------------------------------------------------ */

static gboolean
start_measurement (WvWindow *self,
                   gboolean  self_test)
{
  g_autoptr(WvSession) session = wv_session_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *text = NULL;
  WvClientConfig config;
  gboolean ok;

  if (!self_test)
    {
      url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_entry))));
      if (*url == '\0')
        {
          show_banner (self, GTK_MESSAGE_ERROR, _("Enter the URL of a wifi-verify server, for example "
                                                  "http://192.0.2.10:8080"), NULL, BANNER_ACTION_NONE, NULL);
          gtk_widget_grab_focus (GTK_WIDGET (self->url_entry));
          return FALSE;
        }
      /* "192.0.2.7:8080" as a technician types it: a server's HTTP address. */
      if (strstr (url, "://") == NULL)
        {
          char *full = g_strconcat ("http://", url, NULL);

          g_free (url);
          url = full;
          gtk_editable_set_text (GTK_EDITABLE (self->url_entry), url);
        }
      g_settings_set_string (self->settings, "last-server-url", url);
    }

  hide_banner (self);
  if (!wv_gui_client_config_from_settings (self->settings, url, &config, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("The measurement could not start: %s"), error->message);

      log_message (self, WV_MESSAGE_ERROR, msg);
      set_status (self, msg);
      /* A setting refused: the way to it, and the banner goes once fixed. */
      if (!settings_valid (self))
        show_banner (self, GTK_MESSAGE_ERROR, msg, _("_Settings…"), BANNER_ACTION_PREFERENCES, NULL);
      else
        show_banner (self, GTK_MESSAGE_ERROR, msg, NULL, BANNER_ACTION_NONE, NULL);
      return FALSE;
    }
  self->run_duration = (guint) config.streams.duration_s;
  wv_window_set_session (self, session);
  gtk_stack_set_visible_child_name (self->content_stack, "main");
  gtk_stack_set_visible_child_name (self->view_stack, "charts");

  if (self_test)
    text = g_strdup (_("Starting the self-test over the loopback interface"));
  else
    text = g_strdup_printf (_("Connecting to %s"), url);
  log_message (self, WV_MESSAGE_INFO, text);
  set_status (self, text);

  ok = wv_session_start (session, &config, &error);
  wv_client_config_clear (&config);
  if (ok)
    wv_window_results_keep (self, session);
  else
    {
      g_autofree char *msg = g_strdup_printf (_("The measurement could not start: %s"), error->message);

      log_message (self, WV_MESSAGE_ERROR, msg);
      set_status (self, msg);
      show_banner (self, GTK_MESSAGE_ERROR, msg, NULL, BANNER_ACTION_NONE, NULL);
    }
  update_ui (self);
  return ok;
}

static gboolean
start_server (WvWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) listen = NULL;
  g_autofree char *stun = g_settings_get_string (self->settings, "stun-server");
  g_autofree char *token = g_settings_get_string (self->settings, "server-token");

  hide_banner (self);
  /* One token, kept: the URLs handed out stay good across restarts. */
  if (!wv_token_is_valid (token))
    {
      g_free (token);
      token = wv_token_new ();
      g_settings_set_string (self->settings, "server-token", token);
    }
  listen = wv_gui_parse_listen (gtk_editable_get_text (GTK_EDITABLE (self->listen_entry)), &error);
  if (listen == NULL ||
      !wv_server_page_start (self->server_page, listen, g_strstrip (stun), token, &error))
    {
      g_autofree char *msg = g_strdup_printf (_("The server could not start: %s"), error->message);

      log_message (self, WV_MESSAGE_ERROR, msg);
      set_status (self, msg);
      show_banner (self, GTK_MESSAGE_ERROR, msg, NULL, BANNER_ACTION_NONE, NULL);
      return FALSE;
    }
  set_status (self, _("Serving"));
  update_ui (self);
  return TRUE;
}

enum {
  CONFIRM_EXPORT = 1,
  CONFIRM_DISCARD = 2,
};

static void export_csv_action (GtkWidget  *widget,
                               const char *action,
                               GVariant   *param);

static void
on_confirm_response (GtkDialog *dialog,
                     int        response,
                     WvWindow  *self)
{
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->confirm_dialog)));
  if (response == CONFIRM_DISCARD)
    {
      /* Count it as dealt with, then start as asked. */
      self->exported_records = wv_session_get_n_records (self->session);
      wv_window_start (self);
    }
  else if (response == CONFIRM_EXPORT)
    {
      /* Export First: the new run starts once the export is written. */
      self->start_after_export = TRUE;
      export_csv_action (GTK_WIDGET (self), "win.export-csv", NULL);
    }
}

/* GTK 4.8 has no AlertDialog: a modal GtkMessageDialog. */
static void
confirm_discard (WvWindow *self)
{
  GtkWidget *discard;

  if (self->confirm_dialog)
    {
      gtk_window_present (GTK_WINDOW (self->confirm_dialog));
      return;
    }
  self->confirm_dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                                 GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                                 GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                                 _("Discard the last measurement?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (self->confirm_dialog),
                                            _("Its results have not been exported. A new "
                                              "measurement replaces them in the window."));
  gtk_dialog_add_button (GTK_DIALOG (self->confirm_dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  gtk_dialog_add_button (GTK_DIALOG (self->confirm_dialog), _("_Export First…"), CONFIRM_EXPORT);
  discard = gtk_dialog_add_button (GTK_DIALOG (self->confirm_dialog), _("_Discard and Start"),
                                   CONFIRM_DISCARD);
  gtk_widget_add_css_class (discard, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (self->confirm_dialog), CONFIRM_EXPORT);
  g_signal_connect (self->confirm_dialog, "response", G_CALLBACK (on_confirm_response), self);
  gtk_window_present (GTK_WINDOW (self->confirm_dialog));
}

/**
 * wv_window_start:
 *
 * Starts what the current mode does. Problems are shown in the window. If
 * the run on screen has results no export wrote, the window asks first
 * and starts once the user agrees.
 *
 * Returns: %TRUE if it started now
 */
gboolean
wv_window_start (WvWindow *self)
{
  WvApplication *app = WV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  g_return_val_if_fail (WV_IS_WINDOW (self), FALSE);

  if (wv_window_get_running (self))
    return FALSE;
  if (app && wv_application_get_engine_error (app))
    {
      show_banner (self, GTK_MESSAGE_ERROR, wv_application_get_engine_error (app)->message,
                   NULL, BANNER_ACTION_NONE, NULL);
      return FALSE;
    }
  if (g_strcmp0 (self->mode, WV_MODE_SERVE) == 0)
    return start_server (self);
  if (wv_window_get_unexported (self))
    {
      confirm_discard (self);
      return FALSE;
    }
  return start_measurement (self, g_strcmp0 (self->mode, WV_MODE_SELF_TEST) == 0);
}

/**
 * wv_window_get_unexported:
 *
 * Returns: %TRUE if the run shown has records that no export wrote: a new
 *   measurement (which replaces it) asks first
 */
gboolean
wv_window_get_unexported (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), FALSE);
  return self->session && wv_session_get_n_records (self->session) > self->exported_records &&
         !wv_window_results_get_kept (self);
}

/* The question before a new measurement replaces results not exported, or
 * NULL while it is not asked. */
GtkWidget *
wv_window_get_confirm_dialog (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->confirm_dialog;
}

/* Switches to self-test mode (if nothing runs) and starts it: the first
 * run offer and --self-test. */
gboolean
wv_window_start_self_test (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), FALSE);

  if (wv_window_get_running (self))
    return FALSE;
  wv_window_set_mode (self, WV_MODE_SELF_TEST);
  return wv_window_start (self);
}

/* Switches to connect mode with @url (if nothing runs) and starts:
 * --connect URL. */
gboolean
wv_window_start_connect (WvWindow   *self,
                         const char *url)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), FALSE);

  if (wv_window_get_running (self))
    return FALSE;
  wv_window_set_mode (self, WV_MODE_CONNECT);
  gtk_editable_set_text (GTK_EDITABLE (self->url_entry), url);
  return wv_window_start (self);
}

void
wv_window_stop (WvWindow *self)
{
  g_return_if_fail (WV_IS_WINDOW (self));

  if (self->session && wv_session_get_running (self->session))
    {
      log_message (self, WV_MESSAGE_INFO, _("Stopping: collecting the summaries"));
      wv_session_stop (self->session);
    }
  if (wv_server_page_get_running (self->server_page))
    wv_server_page_stop (self->server_page);
  update_ui (self);
}

gboolean
wv_window_get_running (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), FALSE);
  return (self->session && wv_session_get_running (self->session)) ||
         wv_server_page_get_running (self->server_page);
}

static void
on_entry_activate (GtkEntry *entry,
                   WvWindow *self)
{
  if (!wv_window_get_running (self))
    wv_window_start (self);
}

static void
on_server_message (WvServerPage *page,
                   guint         kind,
                   const char   *text,
                   WvWindow     *self)
{
  log_message (self, kind, text);
}

static void
on_server_running_changed (WvServerPage *page,
                           GParamSpec   *pspec,
                           WvWindow     *self)
{
  update_ui (self);
}

/* --- the whole window's state ----------------------------------------------------------------- */

static void
update_ui (WvWindow *self)
{
  WvApplication *app = WV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  gboolean running = wv_window_get_running (self);
  gboolean serve = g_strcmp0 (self->mode, WV_MODE_SERVE) == 0;
  gboolean stopping = self->session && wv_session_get_running (self->session) &&
                      wv_session_get_phase (self->session) == WV_PHASE_STOPPING;
  gboolean engine_ok = app == NULL || wv_application_get_engine_error (app) == NULL;

  if (running)
    {
      gtk_label_set_text_with_mnemonic (self->run_label, _("_Stop"));
      gtk_image_set_from_icon_name (self->run_icon, "media-playback-stop-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->run_button), "suggested-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->run_button), "destructive-action");
    }
  else
    {
      gtk_label_set_text_with_mnemonic (self->run_label, _("_Start"));
      gtk_image_set_from_icon_name (self->run_icon, "media-playback-start-symbolic");
      gtk_widget_remove_css_class (GTK_WIDGET (self->run_button), "destructive-action");
      gtk_widget_add_css_class (GTK_WIDGET (self->run_button), "suggested-action");
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-stop", engine_ok && !stopping);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-self-test", engine_ok && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mode", !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-csv",
                                 !self->exporting &&
                                 (serve ? wv_served_clients_get_n_records (served_clients (self)) > 0
                                        : self->session && wv_session_get_n_records (self->session) > 0));
  gtk_widget_set_sensitive (GTK_WIDGET (self->url_entry), !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->listen_entry), !running);

  /* Serve mode: the clients instead of the measurement tabs. */
  gtk_stack_page_set_visible (self->clients_stack_page, serve);
  gtk_stack_page_set_visible (self->served_stack_page, serve);
  gtk_stack_page_set_visible (self->charts_stack_page, !serve);
  gtk_stack_page_set_visible (self->trace_stack_page, !serve);
  gtk_stack_page_set_visible (self->mtu_stack_page, !serve);
  gtk_stack_page_set_visible (self->dscp_stack_page, !serve);
  gtk_widget_set_visible (self->sidebar, !serve);
  /* The server page shows its own state. */
  gtk_widget_set_visible (self->status_bar, !serve);
  gtk_widget_set_visible (self->status_separator, !serve);
  if (serve)
    {
      const char *visible = gtk_stack_get_visible_child_name (self->view_stack);

      if (g_strcmp0 (visible, "log") != 0 && g_strcmp0 (visible, "served") != 0)
        gtk_stack_set_visible_child_name (self->view_stack, "clients");
      gtk_stack_set_visible_child_name (self->content_stack, "main");
    }
  else
    {
      const char *visible = gtk_stack_get_visible_child_name (self->view_stack);

      if (g_strcmp0 (visible, "clients") == 0 || g_strcmp0 (visible, "served") == 0 || visible == NULL)
        gtk_stack_set_visible_child_name (self->view_stack, "charts");
      gtk_stack_set_visible_child_name (self->content_stack, self->session ? "main" : "welcome");
    }
  gtk_stack_page_set_visible (self->summary_stack_page, !serve);
  wv_window_results_update (self);
}

/* --- mode --------------------------------------------------------------------------------------- */

const char *
wv_window_get_mode (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->mode;
}

/**
 * wv_window_set_mode:
 * @mode: %WV_MODE_SELF_TEST, %WV_MODE_CONNECT or %WV_MODE_SERVE (anything
 *   else counts as self-test)
 *
 * Ignored while something runs.
 */
void
wv_window_set_mode (WvWindow   *self,
                    const char *mode)
{
  g_return_if_fail (WV_IS_WINDOW (self));

  if (g_strcmp0 (mode, WV_MODE_CONNECT) != 0 && g_strcmp0 (mode, WV_MODE_SERVE) != 0)
    mode = WV_MODE_SELF_TEST;
  if (g_strcmp0 (self->mode, mode) == 0 || wv_window_get_running (self))
    return;
  g_free (self->mode);
  self->mode = g_strdup (mode);
  gtk_stack_set_visible_child_name (self->mode_stack, mode);
  update_settings_label (self);
  update_welcome (self);
  update_ui (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

/* --- export -------------------------------------------------------------------------------------- */

/* The banner and the log say where an export went, or why it failed. */
static void
show_export_result (WvWindow *self,
                    GFile    *dir,
                    GError   *error)
{
  self->exporting = FALSE;
  if (dir)
    {
      g_autofree char *path = g_file_get_path (dir);
      g_autofree char *uri = g_file_get_uri (dir);
      g_autofree char *text = NULL;

      g_set_object (&self->last_export, dir);
      /* TRANSLATORS: %s is a directory */
      text = g_strdup_printf (_("Exported to %s"), path);
      log_message (self, WV_MESSAGE_INFO, text);
      show_banner (self, GTK_MESSAGE_INFO, text, _("_Open Folder"), BANNER_ACTION_OPEN_FOLDER, uri);
    }
  else
    {
      g_autofree char *text = g_strdup_printf (_("Export failed: %s"), error->message);

      log_message (self, WV_MESSAGE_ERROR, text);
      show_banner (self, GTK_MESSAGE_ERROR, text, NULL, BANNER_ACTION_NONE, NULL);
    }
  update_ui (self);
}

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  g_autoptr(WvWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = wv_session_export_csv_finish (WV_SESSION (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (dir && WV_SESSION (source) == self->session)
    self->exported_records = self->exporting_records;
  show_export_result (self, dir, error);
  if (self->start_after_export)
    {
      self->start_after_export = FALSE;
      if (dir)
        wv_window_start (self);
    }
}

static void
served_export_done (GObject      *source,
                    GAsyncResult *result,
                    gpointer      data)
{
  g_autoptr(WvWindow) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) dir = wv_served_clients_export_finish (WV_SERVED_CLIENTS (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_export_result (self, dir, error);
}

/**
 * wv_window_export_to_folder:
 *
 * Exports everything the current run measured into a new directory in
 * @folder (what the Export CSV dialog does once a folder is chosen); in
 * Serve mode, every client's records, as `serve --csv --json` writes
 * them. The result shows in the banner and the log;
 * wv_window_get_exporting() turns FALSE when it is done.
 */
void
wv_window_export_to_folder (WvWindow *self,
                            GFile    *folder)
{
  g_autofree char *path = NULL;

  g_return_if_fail (WV_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (folder));

  if (self->exporting || (self->session == NULL && !serving_mode (self)))
    return;
  path = g_file_get_path (folder);
  if (path)
    g_settings_set_string (self->settings, "export-folder", path);
  self->exporting = TRUE;
  if (serving_mode (self))
    {
      update_ui (self);
      wv_served_clients_export_async (served_clients (self), folder, self->cancellable,
                                      served_export_done, g_object_ref (self));
      return;
    }
  self->exporting_records = wv_session_get_n_records (self->session);
  update_ui (self);
  wv_session_export_csv_async (self->session, folder, self->cancellable, export_done, g_object_ref (self));
}

static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     WvWindow        *self)
{
  g_autoptr(GFile) folder = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (folder == NULL)
        folder = gtk_file_chooser_get_current_folder (GTK_FILE_CHOOSER (dialog));
      if (folder)
        wv_window_export_to_folder (self, folder);
      else
        show_banner (self, GTK_MESSAGE_WARNING, _("Nothing was exported: choose a folder."), NULL,
                     BANNER_ACTION_NONE, NULL);
    }
  if (folder == NULL)
    self->start_after_export = FALSE;
  g_clear_object (&self->chooser);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action,
                   GVariant   *param)
{
  WvWindow *self = WV_WINDOW (widget);
  g_autoptr(GFile) start = wv_window_dup_start_folder (self, "export-folder");

  if (self->chooser || (self->session == NULL && !serving_mode (self)))
    return;
  /* GTK 4.8 has no GtkFileDialog: the native chooser (the portal when
   * sandboxed). */
  self->chooser = gtk_file_chooser_native_new (_("Export CSV: Choose a Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* Never the empty Recent list, where Export had nothing to export to:
   * the last export's folder, else Documents, else home. */
  if (start)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), start, NULL);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

gboolean
wv_window_get_exporting (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), FALSE);
  return self->exporting;
}

/**
 * wv_window_get_last_export:
 *
 * Returns: (transfer none) (nullable): the directory of the last successful export
 */
GFile *
wv_window_get_last_export (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->last_export;
}

/* --- other actions ------------------------------------------------------------------------------- */

static void
start_stop_action (GtkWidget  *widget,
                   const char *action,
                   GVariant   *param)
{
  WvWindow *self = WV_WINDOW (widget);

  if (wv_window_get_running (self))
    wv_window_stop (self);
  else
    wv_window_start (self);
}

static void
start_self_test_action (GtkWidget  *widget,
                        const char *action,
                        GVariant   *param)
{
  wv_window_start_self_test (WV_WINDOW (widget));
}

static void
show_connections_action (GtkWidget  *widget,
                         const char *action,
                         GVariant   *param)
{
  WvWindow *self = WV_WINDOW (widget);
  const char *which = g_variant_get_string (param, NULL);

  if (self->session == NULL)
    return;
  for (guint i = 0; i < wv_session_get_n_connections (self->session); i++)
    {
      int family = wv_session_get_connection_family (self->session, i);
      gboolean show;

      if (g_str_equal (which, "none"))
        show = FALSE;
      else if (g_str_equal (which, "ipv4"))
        show = family == 4;
      else if (g_str_equal (which, "ipv6"))
        show = family == 6;
      else
        show = TRUE;
      wv_session_set_connection_visible (self->session, i, show);
    }
}

static void
on_connection_row_activated (GtkListBox    *list,
                             GtkListBoxRow *row,
                             WvWindow      *self)
{
  if (WV_IS_CONNECTION_ROW (row))
    wv_connection_row_toggle (WV_CONNECTION_ROW (row));
}

static int
sort_rows (GtkListBoxRow *a,
           GtkListBoxRow *b,
           gpointer       data)
{
  guint x = wv_connection_row_get_index (WV_CONNECTION_ROW (a));
  guint y = wv_connection_row_get_index (WV_CONNECTION_ROW (b));

  return (x > y) - (x < y);
}

/* --- for wv-window-results.c ----------------------------------------------------------------------- */

void
wv_window_show_banner_full (WvWindow       *self,
                            GtkMessageType  type,
                            const char     *text,
                            const char     *button_label,
                            BannerAction    action,
                            const char     *data)
{
  show_banner (self, type, text, button_label, action, data);
}

void
wv_window_log (WvWindow      *self,
               WvMessageKind  kind,
               const char    *text)
{
  log_message (self, kind, text);
}

void
wv_window_set_status_text (WvWindow   *self,
                           const char *text)
{
  set_status (self, text);
}

void
wv_window_update_ui (WvWindow *self)
{
  update_phases (self);
  update_progress (self);
  update_ui (self);
}

/* --- accessors ------------------------------------------------------------------------------------ */

WvSession *
wv_window_get_session (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->session;
}

/* @name: "summary", "charts", "traceroute", "mtu", "dscp", "log" or "clients" */
void
wv_window_show_page (WvWindow   *self,
                     const char *name)
{
  g_return_if_fail (WV_IS_WINDOW (self));
  gtk_stack_set_visible_child_name (self->view_stack, name);
}

/* "welcome" or "main" */
const char *
wv_window_get_visible_content (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->content_stack);
}

WvChartsPage *
wv_window_get_charts_page (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->charts_page;
}

WvTracePage *
wv_window_get_trace_page (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->trace_page;
}

WvMtuPage *
wv_window_get_mtu_page (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->mtu_page;
}

WvDscpPage *
wv_window_get_dscp_page (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->dscp_page;
}

WvLogPage *
wv_window_get_log_page (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->log_page;
}

WvSummaryPage *
wv_window_get_summary_page (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->summary_page;
}

WvServerPage *
wv_window_get_server_page (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->server_page;
}

WvServeView *
wv_window_get_serve_view (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->serve_view;
}

GtkEntry *
wv_window_get_url_entry (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->url_entry;
}

GtkListBox *
wv_window_get_connection_list (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->connection_list;
}

/* The banner's text while it is shown, else %NULL. */
const char *
wv_window_get_banner_text (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return gtk_info_bar_get_revealed (self->banner) ? gtk_label_get_text (self->banner_label) : NULL;
}

/* The banner's button, NULL when it has none or is hidden. */
const char *
wv_window_get_banner_button_label (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  if (!gtk_info_bar_get_revealed (self->banner) || !gtk_widget_get_visible (GTK_WIDGET (self->banner_button)))
    return NULL;
  return gtk_button_get_label (self->banner_button);
}

GtkMessageType
wv_window_get_banner_type (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), GTK_MESSAGE_OTHER);
  return self->banner_type;
}

/* What the banner's button copies or opens, or NULL. */
const char *
wv_window_get_banner_data (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->banner_data;
}

const char *
wv_window_get_status_text (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->status_label);
}

/* The settings of the next run, as the mode bar sums them up. */
const char *
wv_window_get_settings_text (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return gtk_label_get_text (self->settings_label);
}

const char *
wv_window_get_progress_text (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return gtk_progress_bar_get_text (self->progress_bar);
}

/* --- GObject / GtkWidget ------------------------------------------------------------------------- */


static gboolean
save_window_state (GtkWindow *window)
{
  WvWindow *self = WV_WINDOW (window);
  int width, height;

  /* The schema's range, so that an odd size cannot fail the write. */
  gtk_window_get_default_size (window, &width, &height);
  if (width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", CLAMP (width, 320, 32767));
      g_settings_set_int (self->settings, "window-height", CLAMP (height, 240, 32767));
    }
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  return FALSE;
}

enum {
  CLOSE_EXPORT = 1,
  CLOSE_ANYWAY = 2,
};

static void
on_close_response (GtkDialog *dialog,
                   int        response,
                   WvWindow  *self)
{
  gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->close_dialog)));
  if (response == CLOSE_ANYWAY)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  else if (response == CLOSE_EXPORT)
    export_csv_action (GTK_WIDGET (self), "win.export-csv", NULL);
}

/* Closing loses what the window holds: asked during a run, and after one
 * whose results no export wrote. */
static void
confirm_close (WvWindow *self)
{
  gboolean running = wv_window_get_running (self);
  GtkWidget *quit;

  if (self->close_dialog)
    {
      gtk_window_present (GTK_WINDOW (self->close_dialog));
      return;
    }
  self->close_dialog = gtk_message_dialog_new (GTK_WINDOW (self),
                                               GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT,
                                               GTK_MESSAGE_QUESTION, GTK_BUTTONS_NONE,
                                               running ? _("Stop the measurement and close?")
                                                       : _("Close without exporting?"));
  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (self->close_dialog), "%s",
                                            running ? _("The measurement is still running. Its results "
                                                        "so far have not been exported and are lost "
                                                        "when the window closes.")
                                                    : _("The results of the last measurement have not "
                                                        "been exported and are lost when the window "
                                                        "closes."));
  gtk_dialog_add_button (GTK_DIALOG (self->close_dialog), _("_Cancel"), GTK_RESPONSE_CANCEL);
  if (!running)
    gtk_dialog_add_button (GTK_DIALOG (self->close_dialog), _("_Export First…"), CLOSE_EXPORT);
  quit = gtk_dialog_add_button (GTK_DIALOG (self->close_dialog), _("Close _Anyway"), CLOSE_ANYWAY);
  gtk_widget_add_css_class (quit, "destructive-action");
  gtk_dialog_set_default_response (GTK_DIALOG (self->close_dialog),
                                   running ? GTK_RESPONSE_CANCEL : CLOSE_EXPORT);
  g_signal_connect (self->close_dialog, "response", G_CALLBACK (on_close_response), self);
  gtk_window_present (GTK_WINDOW (self->close_dialog));
}

/* The question before closing loses results, or NULL while not asked. */
GtkWidget *
wv_window_get_close_dialog (WvWindow *self)
{
  g_return_val_if_fail (WV_IS_WINDOW (self), NULL);
  return self->close_dialog;
}

static gboolean
wv_window_close_request (GtkWindow *window)
{
  WvWindow *self = WV_WINDOW (window);

  /* Serve mode: the clients' records are lost as well. */
  if (!self->close_confirmed &&
      ((self->session && (wv_session_get_running (self->session) || wv_window_get_unexported (self))) ||
       wv_served_clients_get_unexported (served_clients (self))))
    {
      confirm_close (self);
      return TRUE;
    }
  save_window_state (window);
  /* Closing ends what runs; the engine's dispose cleans up its side. */
  if (self->session && wv_session_get_running (self->session))
    wv_session_stop (self->session);
  return GTK_WINDOW_CLASS (wv_window_parent_class)->close_request (window);
}

/* GtkWindow:application is not a construct property, so this runs after
 * g_object_new() rather than in constructed(). */
static void
setup (WvWindow      *self,
       WvApplication *app)
{
  g_autofree char *mode = NULL;

  self->settings = g_object_ref (wv_application_get_settings (app));
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  /* First launch: offer the self-test, whatever mode was stored. */
  self->first_run = !g_settings_get_boolean (self->settings, "first-run-offer-shown");
  if (self->first_run)
    {
      g_settings_set_string (self->settings, "mode", WV_MODE_SELF_TEST);
      g_settings_set_boolean (self->settings, "first-run-offer-shown", TRUE);
    }
  mode = g_settings_get_string (self->settings, "mode");
  wv_window_set_mode (self, mode);
  g_settings_bind (self->settings, "mode", self, "mode", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "last-server-url", self->url_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "listen-address", self->listen_entry, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "delay-statistic", self->charts_page, "statistic",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "delay-statistic", wv_serve_view_get_charts_page (self->serve_view),
                   "statistic", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (on_settings_changed), self, 0);

  update_settings_label (self);
  update_welcome (self);
  update_phases (self);
  update_progress (self);
  set_status (self, _("Ready"));
  update_ui (self);

  if (wv_application_get_engine_error (app))
    {
      const GError *error = wv_application_get_engine_error (app);

      log_message (self, WV_MESSAGE_ERROR, error->message);
      show_banner (self, GTK_MESSAGE_ERROR, error->message, NULL, BANNER_ACTION_NONE, NULL);
    }
}

WvWindow *
wv_window_new (WvApplication *application)
{
  WvWindow *self;

  g_return_val_if_fail (WV_IS_APPLICATION (application), NULL);

  self = g_object_new (WV_TYPE_WINDOW, "application", application, NULL);
  setup (self, application);
  return self;
}

static void
wv_window_dispose (GObject *object)
{
  WvWindow *self = WV_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  wv_window_results_dispose (self);
  if (self->confirm_dialog)
    {
      g_signal_handlers_disconnect_by_data (self->confirm_dialog, self);
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->confirm_dialog)));
    }
  if (self->close_dialog)
    {
      g_signal_handlers_disconnect_by_data (self->close_dialog, self);
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->close_dialog)));
    }
  if (self->chooser)
    {
      g_signal_handlers_disconnect_by_data (self->chooser, self);
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  if (self->settings)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  /* The pages let go of the session before the template is torn down. */
  if (self->charts_page)
    {
      wv_charts_page_set_session (self->charts_page, NULL);
      wv_trace_page_set_session (self->trace_page, NULL);
      wv_mtu_page_set_session (self->mtu_page, NULL);
      wv_dscp_page_set_session (self->dscp_page, NULL);
      wv_summary_page_set_session (self->summary_page, NULL);
    }
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), WV_TYPE_WINDOW);
  G_OBJECT_CLASS (wv_window_parent_class)->dispose (object);
}

static void
wv_window_finalize (GObject *object)
{
  WvWindow *self = WV_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->last_export);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->row_states, g_array_unref);
  g_free (self->mode);
  g_free (self->last_message);
  g_free (self->banner_data);
  G_OBJECT_CLASS (wv_window_parent_class)->finalize (object);
}

static void
wv_window_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  WvWindow *self = WV_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MODE:
      g_value_set_string (value, self->mode);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  WvWindow *self = WV_WINDOW (object);

  switch (prop_id)
    {
    case PROP_MODE:
      wv_window_set_mode (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_window_class_init (WvWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = wv_window_dispose;
  object_class->finalize = wv_window_finalize;
  object_class->get_property = wv_window_get_property;
  object_class->set_property = wv_window_set_property;
  window_class->close_request = wv_window_close_request;

  /* "self-test", "connect" or "serve" */
  properties[PROP_MODE] =
    g_param_spec_string ("mode", NULL, NULL, WV_MODE_SELF_TEST,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (WV_TYPE_CHARTS_PAGE);
  g_type_ensure (WV_TYPE_TRACE_PAGE);
  g_type_ensure (WV_TYPE_MTU_PAGE);
  g_type_ensure (WV_TYPE_DSCP_PAGE);
  g_type_ensure (WV_TYPE_LOG_PAGE);
  g_type_ensure (WV_TYPE_SERVER_PAGE);
  g_type_ensure (WV_TYPE_SUMMARY_PAGE);
  g_type_ensure (WV_TYPE_SERVE_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/wifiverify/WifiVerify/wv-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WvWindow, run_button);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, run_icon);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, run_label);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, banner);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, banner_icon);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, banner_button);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, url_entry);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, listen_entry);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, settings_label);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, status_bar);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, status_separator);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, phase_box);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, phase_connect);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, phase_traceroute);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, phase_mtu);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, phase_streams);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, phase_connect_icon);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, phase_traceroute_icon);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, phase_mtu_icon);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, phase_streams_icon);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, welcome_title);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, welcome_text);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, welcome_button);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, connection_list);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, clients_stack_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, served_stack_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, charts_stack_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, trace_stack_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, mtu_stack_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, dscp_stack_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, server_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, serve_view);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, charts_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, trace_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, mtu_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, dscp_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, log_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, summary_stack_page);
  gtk_widget_class_bind_template_child (widget_class, WvWindow, summary_page);
  gtk_widget_class_bind_template_callback (widget_class, on_banner_response);
  gtk_widget_class_bind_template_callback (widget_class, on_banner_button_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_server_message);
  gtk_widget_class_bind_template_callback (widget_class, on_server_running_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_connection_row_activated);

  gtk_widget_class_install_property_action (widget_class, "win.mode", "mode");
  gtk_widget_class_install_action (widget_class, "win.start-stop", NULL, start_stop_action);
  gtk_widget_class_install_action (widget_class, "win.start-self-test", NULL, start_self_test_action);
  gtk_widget_class_install_action (widget_class, "win.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "win.show-connections", "s", show_connections_action);
  wv_window_results_class_init (widget_class);
}

static void
wv_window_init (WvWindow *self)
{
  self->mode = g_strdup ("");
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->row_states = g_array_new (FALSE, TRUE, sizeof (int));

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_sort_func (self->connection_list, sort_rows, NULL, NULL);
  wv_window_results_init (self);
  wv_serve_view_set_clients (self->serve_view, served_clients (self));
  /* Export in Serve mode from the first client's first record on. */
  g_signal_connect_object (served_clients (self), "notify::has-records", G_CALLBACK (update_ui), self,
                           G_CONNECT_SWAPPED);
}

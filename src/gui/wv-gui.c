/* wv-gui.c: process-wide set-up of the GUI: resources, translations,
 * settings, and the measurement configuration read from the settings
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The program runs installed and straight from the build directory
 * (README: build/src/gui/wifi-verify --self-test). Run from the build tree
 * it takes its settings schema and its translations from there, so that a
 * fresh checkout works without installing anything.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <locale.h>
#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "wv-chart-format.h"
#include "wv-dscp.h"
#include "wv-gui.h"
#include "wv-path-probe.h"
#include "wv-paths.h"
#include "wv-gui-resources.h"

void
wv_gui_init_resources (void)
{
  static gsize done;

  /* The resources are compiled with --manual-register: a constructor in a
   * static library is dropped by the linker when nothing references its
   * object file, and the tests link that library too. */
  if (g_once_init_enter (&done))
    {
      wv_gui_register_resource ();
      g_once_init_leave (&done, 1);
    }
}

/* TRUE when this executable runs from a meson build tree (wv-paths.c). */
gboolean
wv_gui_is_uninstalled (void)
{
  return wv_paths_get_build_root () != NULL;
}

void
wv_gui_init_i18n (void)
{
  g_autofree char *localedir = wv_paths_dup_localedir ();

  setlocale (LC_ALL, "");
  /* The build tree holds po/<lang>/LC_MESSAGES/wifi-verify.mo. */
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

/* Finds the schema: GSETTINGS_SCHEMA_DIR (tests) and the installed schemas
 * first, except that a program run from the build tree prefers the schema
 * compiled next to it, which matches its code even when an older version
 * is installed. */
GSettings *
wv_gui_settings_new (GError **error)
{
  GSettingsSchemaSource *system = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL && wv_gui_is_uninstalled ())
    {
      g_autoptr(GSettingsSchemaSource) build = NULL;
      g_autofree char *dir = g_build_filename (wv_paths_get_build_root (), "data", NULL);

      build = g_settings_schema_source_new_from_directory (dir, system, FALSE, NULL);
      if (build)
        schema = g_settings_schema_source_lookup (build, APP_ID, TRUE);
    }
  if (schema == NULL && system)
    schema = g_settings_schema_source_lookup (system, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The settings schema %s is not installed. Install wifi-verify "
                     "(meson install), or run it from its build directory."), APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

WvFamilies
wv_gui_families_from_string (const char *text)
{
  if (g_strcmp0 (text, "ipv4") == 0)
    return WV_FAMILIES_IPV4;
  if (g_strcmp0 (text, "ipv6") == 0)
    return WV_FAMILIES_IPV6;
  return WV_FAMILIES_BOTH;
}

const char *
wv_gui_families_to_string (WvFamilies families)
{
  switch (families)
    {
    case WV_FAMILIES_IPV4: return "ipv4";
    case WV_FAMILIES_IPV6: return "ipv6";
    case WV_FAMILIES_BOTH:
    default: return "both";
    }
}

/* The schema bounds every key but the lists of MTU sizes and DSCP classes,
 * which are checked here; the engine validates the combination when the
 * run starts. On an error, @config holds the defaults and needs no
 * clearing. */
gboolean
wv_gui_client_config_from_settings (GSettings      *settings,
                                    const char     *url,
                                    WvClientConfig *config,
                                    GError        **error)
{
  g_autofree char *families = g_settings_get_string (settings, "families");
  g_autofree char *stun = g_settings_get_string (settings, "stun-server");
  g_autofree char *mtu_sizes = g_settings_get_string (settings, "mtu-sizes");
  g_autofree char *dscp = g_settings_get_string (settings, "dscp-classes");
  WvFamilies f = wv_gui_families_from_string (families);

  wv_client_config_init (config);
  config->url = url && *url ? g_strdup (url) : NULL;
  config->ipv4 = f != WV_FAMILIES_IPV6;
  config->ipv6 = f != WV_FAMILIES_IPV4;
  config->connections = g_settings_get_uint (settings, "connections");
  config->streams.rate_pps = g_settings_get_uint (settings, "probe-rate");
  config->streams.probe_size = g_settings_get_uint (settings, "probe-size");
  config->streams.bulk_bps = (guint64) g_settings_get_uint (settings, "bulk-rate") * 1000;
  config->streams.duration_s = g_settings_get_uint (settings, "duration");
  config->stun_uri = *g_strstrip (stun) ? g_steal_pointer (&stun) : NULL;
  config->traceroute = g_settings_get_boolean (settings, "traceroute");
  config->mtu = g_settings_get_boolean (settings, "mtu");
  config->max_ttl = g_settings_get_uint (settings, "max-ttl");
  config->rounds = g_settings_get_uint (settings, "rounds");
  config->mtu_max = g_settings_get_uint (settings, "mtu-max");
  if (!wv_mtu_sizes_parse (mtu_sizes, config->mtu_sizes, &config->n_mtu_sizes, error))
    g_prefix_error (error, _("Packet sizes of the MTU search: "));
  else if (!wv_dscp_parse_list (dscp, &config->streams.classes, error))
    g_prefix_error (error, _("DSCP classes: "));
  else
    return TRUE;
  wv_client_config_clear (config);
  wv_client_config_init (config);
  return FALSE;
}

/* "0.0.0.0:8080 [::]:8080" or "0.0.0.0:8080, [::]:8080": the listen
 * addresses of serve mode. Each must be HOST:PORT (an IPv6 host in
 * brackets) with a port from 0 to 65535; the server checks the host. */
char **
wv_gui_parse_listen (const char *text,
                     GError    **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) tokens = g_regex_split_simple ("[\\s,]+", text ? text : "", 0, 0);

  for (guint i = 0; tokens[i]; i++)
    {
      const char *t = tokens[i];
      const char *colon = strrchr (t, ':');
      guint64 port;

      if (*t == '\0')
        continue;
      if (colon == NULL || colon == t ||
          (t[0] == '[' && colon[-1] != ']') ||
          !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("“%s” is not a listen address: write HOST:PORT, for example "
                         "0.0.0.0:8080 or [::]:8080"), t);
          return NULL;
        }
      if (out->len >= 16)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("At most 16 listen addresses are allowed"));
          return NULL;
        }
      g_ptr_array_add (out, g_strdup (t));
    }
  if (out->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Enter at least one listen address, for example 0.0.0.0:8080"));
      return NULL;
    }
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&out), FALSE);
}

/* --- values as the window shows them ------------------------------------------- */

/* "0.352" in the user's locale, or an en dash when unknown. */
char *
wv_gui_format_ms (double ms)
{
  if (!isfinite (ms))
    return g_strdup ("–");
  if (fabs (ms) >= 100)
    return g_strdup_printf ("%.1f", ms);
  return g_strdup_printf ("%.3f", ms);
}

char *
wv_gui_format_pct (double pct)
{
  if (!isfinite (pct))
    return g_strdup ("–");
  if (pct == 0 || pct >= 10)
    return g_strdup_printf ("%.0f %%", pct);
  return g_strdup_printf ("%.1f %%", pct);
}

char *
wv_gui_format_bps (double bps)
{
  if (!isfinite (bps))
    return g_strdup ("–");
  return wv_format_si (bps, MAX (bps / 100, 1), "bit/s", NULL);
}

const char *
wv_gui_direction_label (WvDirection dir)
{
  return dir == WV_DIR_S2C ? _("Server → client") : _("Client → server");
}

const char *
wv_gui_conn_state_label (WvConnState state)
{
  switch (state)
    {
    case WV_CONN_CONNECTING: return _("Connecting");
    case WV_CONN_READY: return _("Ready");
    case WV_CONN_STREAMING: return _("Measuring");
    case WV_CONN_STOPPING: return _("Stopping");
    case WV_CONN_FINISHED: return _("Finished");
    case WV_CONN_FAILED: return _("Failed");
    /* TRANSLATORS: a connection whose server went silent */
    case WV_CONN_LOST: return _("Lost");
    default: return _("Unknown");
    }
}

const char *
wv_gui_phase_label (WvPhase phase)
{
  switch (phase)
    {
    case WV_PHASE_IDLE: return _("Ready to start");
    case WV_PHASE_CONNECT: return _("Connecting");
    case WV_PHASE_TRACEROUTE: return _("Tracing the path");
    case WV_PHASE_MTU: return _("Measuring the MTU");
    case WV_PHASE_STREAMS: return _("Measuring the streams");
    case WV_PHASE_STOPPING: return _("Collecting the summaries");
    case WV_PHASE_DONE: return _("Finished");
    default: return _("Unknown");
    }
}

/* Moves a page's session (*@slot) to @session (NULL to let go): the old
 * one's handlers with @page as data are disconnected; on the new one
 * @on_record ("record") and @on_connection (both "connection-added" and
 * "connection-changed"), where not NULL, are connected with @page as data.
 * Returns FALSE when @session already was the page's. */
gboolean
wv_gui_page_set_session (gpointer    page,
                         WvSession **slot,
                         WvSession  *session,
                         GCallback   on_record,
                         GCallback   on_connection)
{
  if (*slot == session)
    return FALSE;
  if (*slot)
    g_signal_handlers_disconnect_by_data (*slot, page);
  g_set_object (slot, session);
  if (session && on_record)
    g_signal_connect_object (session, "record", on_record, page, 0);
  if (session && on_connection)
    {
      g_signal_connect_object (session, "connection-added", on_connection, page, 0);
      g_signal_connect_object (session, "connection-changed", on_connection, page, 0);
    }
  return TRUE;
}

/* Disposes the template of a page whose template root is a box (as every
 * page's is): that box is not a bound child, so it is unparented too. */
void
wv_gui_dispose_page_template (GtkWidget *page,
                              GType      type)
{
  GtkWidget *child;

  gtk_widget_dispose_template (page, type);
  while ((child = gtk_widget_get_first_child (page)))
    gtk_widget_unparent (child);
}

/* The order of the tables of connections: IPv4 first, then in the
 * engine's order. */
int
wv_gui_compare_connections (WvSession *session,
                            guint      a,
                            guint      b)
{
  int fa = wv_session_get_connection_family (session, a);
  int fb = wv_session_get_connection_family (session, b);

  if (fa != fb)
    return fa < fb ? -1 : 1;
  return a < b ? -1 : a > b;
}

static int
compare_indexes (gconstpointer a,
                 gconstpointer b,
                 gpointer      session)
{
  return wv_gui_compare_connections (session, *(const guint *) a, *(const guint *) b);
}

/**
 * wv_gui_dup_connections:
 * @session: (nullable): a run
 * @visible_only: leave out the connections the user hid
 *
 * Returns: (transfer full) (element-type guint): the indexes of the
 *   session's connections in the order of wv_gui_compare_connections()
 */
GArray *
wv_gui_dup_connections (WvSession *session,
                        gboolean   visible_only)
{
  GArray *conns = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; session && i < wv_session_get_n_connections (session); i++)
    if (wv_session_has_connection (session, i) &&
        (!visible_only || wv_session_get_connection_visible (session, i)))
      g_array_append_val (conns, i);
  if (session)
    g_array_sort_with_data (conns, compare_indexes, session);
  return conns;
}

/* Whether any class of any connection of @session has its whole-run
 * summary: the tables then show the whole run rather than the last 10 s. */
gboolean
wv_gui_has_summaries (WvSession *session)
{
  for (guint i = 0; session && i < wv_session_get_n_connections (session); i++)
    for (guint k = 0; k < wv_session_get_n_classes (session, i); k++)
      if (wv_session_get_class_summary (session, i, k, WV_DIR_C2S) ||
          wv_session_get_class_summary (session, i, k, WV_DIR_S2C))
        return TRUE;
  return FALSE;
}

/**
 * wv_gui_new_export_dir:
 *
 * Returns: (transfer full): @folder's child @name, or "@name-2" and so on
 *   if that exists: where an export writes without touching an earlier
 *   one. Blocks (a worker thread's).
 */
GFile *
wv_gui_new_export_dir (GFile        *folder,
                       const char   *name,
                       GCancellable *cancellable)
{
  GFile *dir = NULL;

  for (guint i = 1; i < 1000; i++)
    {
      g_autofree char *child = i == 1 ? g_strdup (name) : g_strdup_printf ("%s-%u", name, i);

      g_clear_object (&dir);
      dir = g_file_get_child (folder, child);
      if (!g_file_query_exists (dir, cancellable))
        break;
    }
  return dir;
}

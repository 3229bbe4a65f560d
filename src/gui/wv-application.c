/* wv-application.c: the wifi-verify GtkApplication
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One instance per session (org.wifiverify.WifiVerify on D-Bus): a second
 * `wifi-verify --self-test` forwards its command line to the first, whose
 * window then starts the self-test. Without a session bus every start is
 * its own instance, which is what GApplication does anyway.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "wv-application.h"
#include "wv-gui.h"
#include "wv-help-window.h"
#include "wv-preferences-window.h"
#include "wv-window.h"

struct _WvApplication
{
  GtkApplication parent_instance;

  GSettings *settings;
  GError *engine_error;
};

G_DEFINE_FINAL_TYPE (WvApplication, wv_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "self-test", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Open the window and start the loopback self-test at once"), NULL },
  { "connect", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Open the window and start measuring against the server at URL at once"), N_("URL") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[RUN-FILE…]") },
  { NULL }
};

/**
 * wv_application_new:
 * @settings: the application's settings (wv_gui_settings_new())
 * @extra_flags: added to G_APPLICATION_HANDLES_COMMAND_LINE and
 *   G_APPLICATION_HANDLES_OPEN, for example G_APPLICATION_NON_UNIQUE in tests
 */
WvApplication *
wv_application_new (GSettings        *settings,
                    GApplicationFlags extra_flags)
{
  WvApplication *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (WV_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", WV_GUI_RESOURCE_PATH,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE | G_APPLICATION_HANDLES_OPEN | extra_flags,
                       NULL);
  self->settings = g_object_ref (settings);
  return self;
}

GSettings *
wv_application_get_settings (WvApplication *self)
{
  g_return_val_if_fail (WV_IS_APPLICATION (self), NULL);
  return self->settings;
}

/* Why the engine cannot run (GStreamer or the patched stack missing), or
 * NULL. The window shows it and does not offer to start. */
const GError *
wv_application_get_engine_error (WvApplication *self)
{
  g_return_val_if_fail (WV_IS_APPLICATION (self), NULL);
  return self->engine_error;
}

void
wv_application_set_engine_error (WvApplication *self,
                                 const GError  *error)
{
  g_return_if_fail (WV_IS_APPLICATION (self));
  g_clear_error (&self->engine_error);
  if (error)
    self->engine_error = g_error_copy (error);
}

/* The window of this instance, created on first use. */
GtkWindow *
wv_application_get_main_window (WvApplication *self)
{
  GList *windows;

  g_return_val_if_fail (WV_IS_APPLICATION (self), NULL);

  for (windows = gtk_application_get_windows (GTK_APPLICATION (self)); windows; windows = windows->next)
    if (WV_IS_WINDOW (windows->data))
      return windows->data;
  return GTK_WINDOW (wv_window_new (self));
}

static void
wv_application_activate (GApplication *app)
{
  gtk_window_present (wv_application_get_main_window (WV_APPLICATION (app)));
}

static int
wv_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("wifi-verify %s\n", PACKAGE_VERSION);
      return 0;
    }
  return G_APPLICATION_CLASS (wv_application_parent_class)->handle_local_options (app, options);
}

/* Runs in the primary instance, for its own command line and for those
 * forwarded by later starts. */
static int
wv_application_command_line (GApplication            *app,
                             GApplicationCommandLine *command_line)
{
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  const char *url = NULL;
  g_autofree const char **args = NULL;

  /* wifi-verify FILE: the run in the window; two: compared. */
  if (g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &args) && args && args[0])
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; args[i]; i++)
        g_ptr_array_add (files, g_application_command_line_create_file_for_arg (command_line, args[i]));
      g_application_open (app, (GFile **) files->pdata, files->len, "");
      return 0;
    }
  if (g_variant_dict_lookup (options, "connect", "&s", &url))
    g_action_group_activate_action (G_ACTION_GROUP (app), "connect", g_variant_new_string (url));
  else if (g_variant_dict_contains (options, "self-test"))
    g_action_group_activate_action (G_ACTION_GROUP (app), "self-test", NULL);
  else
    g_application_activate (app);
  return 0;
}

/* Files from the command line or the desktop (a run file's "Open With"):
 * one is shown in the window, two are compared, more each in turn. */
static void
wv_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  WvWindow *window = WV_WINDOW (wv_application_get_main_window (WV_APPLICATION (app)));

  gtk_window_present (GTK_WINDOW (window));
  if (n_files == 2)
    wv_window_compare_files (window, files[0], files[1]);
  else if (n_files >= 1)
    wv_window_open_file (window, files[0]);
}

/* F1: a short help page. */
static void
help_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  WvApplication *self = data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (wv_help_window_new (parent)));
}

static void
self_test_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       data)
{
  WvApplication *self = data;
  GtkWindow *window = wv_application_get_main_window (self);

  gtk_window_present (window);
  wv_window_start_self_test (WV_WINDOW (window));
}

/* app.connect('URL'): the window measures against that server now. */
static void
connect_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       data)
{
  WvApplication *self = data;
  GtkWindow *window = wv_application_get_main_window (self);

  gtk_window_present (window);
  wv_window_start_connect (WV_WINDOW (window), g_variant_get_string (param, NULL));
}

/* app.export-to('/folder'): what Export CSV does once a folder is chosen,
 * for launchers, scripts and tests (over D-Bus, org.gtk.Actions). */
static void
export_to_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       data)
{
  WvApplication *self = data;
  const char *path = g_variant_get_string (param, NULL);
  g_autoptr(GFile) folder = NULL;
  GList *windows;

  if (!g_path_is_absolute (path))
    {
      g_warning ("app.export-to needs an absolute folder, not “%s”", path);
      return;
    }
  folder = g_file_new_for_path (path);
  for (windows = gtk_application_get_windows (GTK_APPLICATION (self)); windows; windows = windows->next)
    if (WV_IS_WINDOW (windows->data))
      {
        wv_window_export_to_folder (windows->data, folder);
        return;
      }
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       data)
{
  WvApplication *self = data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *prefs = wv_preferences_window_new (parent, self->settings);

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       data)
{
  WvApplication *self = data;
  static const char *authors[] = { "wifi-verify developers", NULL };

  gtk_show_about_dialog (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "program-name", "wifi-verify",
                         "logo-icon-name", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Measures what a real-time flow experiences on a network path: "
                                       "delay, jitter, loss, reordering and throughput per direction, "
                                       "the route hop by hop and the MTU, over IPv4 and IPv6."),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "authors", authors,
                         /* TRANSLATORS: your name(s) for the About dialog */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       data)
{
  GApplication *app = data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  /* Closing the windows stops what runs (their close handlers) before the
   * main loop ends. A window may ask first (results not exported): then
   * nothing quits until the user agrees, and the application ends with its
   * last window. */
  while (windows)
    {
      GList *next = windows->next;

      gtk_window_close (windows->data);
      windows = next;
    }
  if (gtk_application_get_windows (GTK_APPLICATION (app)) == NULL)
    g_application_quit (app);
}

static void
wv_application_startup (GApplication *app)
{
  WvApplication *self = WV_APPLICATION (app);
  static const GActionEntry actions[] = {
    { "self-test", self_test_action },
    { "connect", connect_action, "s" },
    { "export-to", export_to_action, "s" },
    { "preferences", preferences_action },
    { "about", about_action },
    { "help", help_action },
    { "quit", quit_action },
  };
  static const struct { const char *action; const char *accels[2]; } accels[] = {
    { "win.start-stop", { "<Control>Return", NULL } },
    { "win.export-csv", { "<Control>e", NULL } },
    { "win.open", { "<Control>o", NULL } },
    { "win.history", { "<Control>h", NULL } },
    { "win.save-report", { "<Control>r", NULL } },
    { "app.help", { "F1", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  G_APPLICATION_CLASS (wv_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), actions, G_N_ELEMENTS (actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  /* GTK 4 (unlike libadwaita) does not load style.css by itself. */
  gtk_css_provider_load_from_resource (css, WV_GUI_RESOURCE_PATH "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name (APP_ID);
}

static void
wv_application_finalize (GObject *object)
{
  WvApplication *self = WV_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_error (&self->engine_error);
  G_OBJECT_CLASS (wv_application_parent_class)->finalize (object);
}

static void
wv_application_class_init (WvApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = wv_application_finalize;
  app_class->activate = wv_application_activate;
  app_class->startup = wv_application_startup;
  app_class->command_line = wv_application_command_line;
  app_class->open = wv_application_open;
  app_class->handle_local_options = wv_application_handle_local_options;
}

static void
wv_application_init (WvApplication *self)
{
  wv_gui_init_resources ();
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Measure delay, jitter, loss, route and MTU of a network path."));
}

/* main.c: wifi-verify, the GTK application
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "wv-application.h"
#include "wv-gst.h"
#include "wv-gui.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(WvApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) engine_error = NULL;

  wv_gui_init_i18n ();

  /* Without a session bus (a bare X server on a field laptop, Xvfb) dconf
   * cannot save anything and warns on every change: keep the settings in a
   * key file instead (~/.config/glib-2.0/settings/keyfile). */
  if (g_getenv ("GSETTINGS_BACKEND") == NULL && g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);

  settings = wv_gui_settings_new (&error);
  if (settings == NULL)
    {
      fprintf (stderr, "wifi-verify: %s\n", error->message);
      return 1;
    }

  /* GStreamer must point at the patched plugins before anything else
   * touches it. If that fails the window still opens, to say why. */
  if (!wv_gst_init (NULL, NULL, &engine_error))
    g_printerr ("wifi-verify: %s\n", engine_error->message);

  app = wv_application_new (settings, G_APPLICATION_DEFAULT_FLAGS);
  wv_application_set_engine_error (app, engine_error);
  return g_application_run (G_APPLICATION (app), argc, argv);
}

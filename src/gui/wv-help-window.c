/* wv-help-window.c: a short help page (F1)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window does and how to read it, on one page, translated with
 * the rest of the window; its button opens the keyboard shortcuts (Ctrl+?)
 * of the window it was opened from. docs/gui.md is the long form.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include "wv-help-window.h"

struct _WvHelpWindow
{
  GtkWindow parent_instance;
};

G_DEFINE_FINAL_TYPE (WvHelpWindow, wv_help_window, GTK_TYPE_WINDOW)

WvHelpWindow *
wv_help_window_new (GtkWindow *parent)
{
  WvHelpWindow *self = g_object_new (WV_TYPE_HELP_WINDOW, "transient-for", parent, NULL);

  if (parent)
    gtk_window_set_application (GTK_WINDOW (self), gtk_window_get_application (parent));
  return self;
}

static void
shortcuts_action (GtkWidget  *widget,
                  const char *action,
                  GVariant   *param)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (widget));

  if (parent)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-help-overlay", NULL);
}

static void
wv_help_window_class_init (WvHelpWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/wifiverify/WifiVerify/wv-help-window.ui");
  gtk_widget_class_install_action (widget_class, "help.shortcuts", NULL, shortcuts_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
wv_help_window_init (WvHelpWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* wv-preferences-window.c: the measurement settings
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every control is bound to its GSettings key, so there is nothing to
 * apply or save: the window reads the settings when the next measurement
 * starts. The schema's ranges match the controls' ranges.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "wv-dscp.h"
#include "wv-gui.h"
#include "wv-path-probe.h"
#include "wv-preferences-window.h"

struct _WvPreferencesWindow
{
  GtkWindow parent_instance;

  GtkSpinButton *probe_rate;
  GtkSpinButton *probe_size;
  GtkSpinButton *bulk_rate;
  GtkSpinButton *duration;
  GtkEntry *dscp_classes;
  GtkLabel *dscp_classes_caption;
  GtkSpinButton *connections;
  GtkDropDown *families;
  GtkEntry *stun_server;
  GtkSwitch *traceroute;
  GtkSpinButton *max_ttl;
  GtkSpinButton *rounds;
  GtkSwitch *mtu;
  GtkSpinButton *mtu_max;
  GtkEntry *mtu_sizes;
  GtkLabel *mtu_sizes_caption;
  GtkEntry *listen_address;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (WvPreferencesWindow, wv_preferences_window, GTK_TYPE_WINDOW)

static const char * const bound_keys[] = {
  "probe-rate", "probe-size", "bulk-rate", "duration", "dscp-classes", "connections", "families",
  "stun-server", "traceroute", "max-ttl", "rounds", "mtu", "mtu-max", "mtu-sizes",
  "listen-address",
};

static gboolean
families_get (GValue   *value,
              GVariant *variant,
              gpointer  data)
{
  g_value_set_uint (value, wv_gui_families_from_string (g_variant_get_string (variant, NULL)));
  return TRUE;
}

static GVariant *
families_set (const GValue       *value,
              const GVariantType *type,
              gpointer            data)
{
  guint selected = g_value_get_uint (value);

  if (selected > WV_FAMILIES_IPV6)
    return NULL;
  return g_variant_new_string (wv_gui_families_to_string (selected));
}

/* Entries with a list: what is wrong shows at once in the caption under
 * them (a run with such a list would not start), else the usual caption. */
static void
show_validity (GtkEditable *entry,
               GtkLabel    *caption,
               const char  *usual,
               GError      *error)
{
  if (error == NULL)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (caption), "error");
      gtk_label_set_text (caption, usual);
    }
  else
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
      gtk_widget_add_css_class (GTK_WIDGET (caption), "error");
      gtk_label_set_text (caption, error->message);
    }
}

static void
on_mtu_sizes_changed (GtkEditable         *editable,
                      WvPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  guint sizes[WV_MTU_MAX_SIZES], n;

  wv_mtu_sizes_parse (gtk_editable_get_text (editable), sizes, &n, &error);
  show_validity (editable, self->mtu_sizes_caption,
                 _("Up to 16 sizes in bytes, separated by spaces; then the search "
                   "narrows down to the byte"), error);
}

static void
on_dscp_classes_changed (GtkEditable         *editable,
                         WvPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  WvClasses classes;

  wv_dscp_parse_list (gtk_editable_get_text (editable), &classes, &error);
  show_validity (editable, self->dscp_classes_caption,
                 _("Probe streams marked with each class side by side, for example "
                   "CS0 AF41 EF; empty = unmarked probes only"), error);
}

/* Number fields: a value the field will not take (not a number, or out
 * of its range) is said in the caption under it at once, as the lists
 * above do, instead of silently becoming something else. */
static void
on_number_changed (GtkEditable *editable,
                   GtkLabel    *caption)
{
  GtkAdjustment *adj = gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (editable));
  const char *usual = g_object_get_data (G_OBJECT (caption), "wv-usual");
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  double lower = gtk_adjustment_get_lower (adj), upper = gtk_adjustment_get_upper (adj);
  g_autoptr(GError) error = NULL;
  char *end = NULL;
  double v;

  v = g_ascii_strtod (text, &end);
  if (*text == '\0')
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Enter a number: %g stays"),
                 gtk_adjustment_get_value (adj));
  else if (end == text || *end != '\0')
    /* TRANSLATORS: a number field's text that is not a number; %g the value kept */
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not a number: %g stays"), text,
                 gtk_adjustment_get_value (adj));
  else if (v > upper)
    /* TRANSLATORS: a number field's value above its maximum, which is used instead */
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("%g is more than %g, the most allowed: %g is used"),
                 v, upper, upper);
  else if (v < lower)
    /* TRANSLATORS: a number field's value below its minimum, which is used instead */
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("%g is less than %g, the least allowed: %g is used"),
                 v, lower, lower);
  show_validity (editable, caption, usual, error);
}

static void
watch_numbers (WvPreferencesWindow *self)
{
  GtkSpinButton *spins[] = {
    self->probe_rate, self->probe_size, self->bulk_rate, self->duration, self->connections,
    self->max_ttl, self->rounds, self->mtu_max,
  };

  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    {
      GtkWidget *grid = gtk_widget_get_parent (GTK_WIDGET (spins[i]));
      GtkWidget *caption;
      int row;

      if (!GTK_IS_GRID (grid))
        continue;
      gtk_grid_query_child (GTK_GRID (grid), GTK_WIDGET (spins[i]), NULL, &row, NULL, NULL);
      caption = gtk_grid_get_child_at (GTK_GRID (grid), 0, row + 1);
      if (!GTK_IS_LABEL (caption))
        continue;
      g_object_set_data_full (G_OBJECT (caption), "wv-usual",
                              g_strdup (gtk_label_get_text (GTK_LABEL (caption))), g_free);
      g_signal_connect_object (spins[i], "changed", G_CALLBACK (on_number_changed), caption, 0);
    }
}

static void
on_reset_clicked (GtkButton           *button,
                  WvPreferencesWindow *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (bound_keys); i++)
    g_settings_reset (self->settings, bound_keys[i]);
}

static void
bind_settings (WvPreferencesWindow *self)
{
  struct { const char *key; gpointer widget; const char *property; } binds[] = {
    { "probe-rate", self->probe_rate, "value" },
    { "probe-size", self->probe_size, "value" },
    { "bulk-rate", self->bulk_rate, "value" },
    { "duration", self->duration, "value" },
    { "dscp-classes", self->dscp_classes, "text" },
    { "connections", self->connections, "value" },
    { "stun-server", self->stun_server, "text" },
    { "traceroute", self->traceroute, "active" },
    { "max-ttl", self->max_ttl, "value" },
    { "rounds", self->rounds, "value" },
    { "mtu", self->mtu, "active" },
    { "mtu-max", self->mtu_max, "value" },
    { "mtu-sizes", self->mtu_sizes, "text" },
    { "listen-address", self->listen_address, "text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (binds); i++)
    g_settings_bind (self->settings, binds[i].key, binds[i].widget, binds[i].property,
                     G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "families", self->families, "selected",
                                G_SETTINGS_BIND_DEFAULT, families_get, families_set, NULL, NULL);
  /* Hop limit and rounds only matter with the traceroute, the largest
   * size only with the MTU search. */
  g_object_bind_property (self->traceroute, "active", self->max_ttl, "sensitive", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->traceroute, "active", self->rounds, "sensitive", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->mtu, "active", self->mtu_max, "sensitive", G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->mtu, "active", self->mtu_sizes, "sensitive", G_BINDING_SYNC_CREATE);
}

GtkWidget *
wv_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  WvPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (WV_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       "application", parent ? gtk_window_get_application (parent) : NULL,
                       NULL);
  self->settings = g_object_ref (settings);
  bind_settings (self);
  watch_numbers (self);
  return GTK_WIDGET (self);
}

static void
wv_preferences_window_dispose (GObject *object)
{
  WvPreferencesWindow *self = WV_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), WV_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (wv_preferences_window_parent_class)->dispose (object);
}

static void
wv_preferences_window_class_init (WvPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, probe_rate);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, probe_size);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, bulk_rate);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, duration);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, connections);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, families);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, stun_server);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, traceroute);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, max_ttl);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, rounds);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, mtu);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, mtu_max);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, mtu_sizes);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, mtu_sizes_caption);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, listen_address);
  gtk_widget_class_bind_template_callback (widget_class, on_mtu_sizes_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_dscp_classes_changed);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, dscp_classes);
  gtk_widget_class_bind_template_child (widget_class, WvPreferencesWindow, dscp_classes_caption);
  gtk_widget_class_bind_template_callback (widget_class, on_reset_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
wv_preferences_window_init (WvPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

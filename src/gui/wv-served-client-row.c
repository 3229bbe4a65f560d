/* wv-served-client-row.c: one client in Serve mode's list of clients
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The client's label and state, its address and software, and its newest
 * values: the worst round trip and loss among its connections (of the last
 * second, of the whole run once it ended). The list refreshes the values
 * once a second; name and state follow the client at once.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "wv-gui.h"
#include "wv-served-client-row.h"

struct _WvServedClientRow
{
  GtkListBoxRow parent_instance;

  GtkLabel *title_label;
  GtkLabel *state_label;
  GtkLabel *origin_label;
  GtkLabel *values_label;

  WvServedClient *client;
};

G_DEFINE_FINAL_TYPE (WvServedClientRow, wv_served_client_row, GTK_TYPE_LIST_BOX_ROW)

/* The worst of the connections' values: what a technician looks for. */
static char *
worst_values (WvSession *session)
{
  double rtt = NAN, loss = NAN;
  g_autofree char *rtt_text = NULL, *loss_text = NULL;

  for (guint i = 0; i < wv_session_get_n_connections (session); i++)
    for (guint d = 0; d < 2; d++)
      {
        const WvRecord *r = wv_session_get_summary (session, i, d);

        if (r == NULL)
          r = wv_session_get_latest_stats (session, i, d);
        if (r == NULL)
          continue;
        if (r->stats.rtt_ms.n > 0 && !(rtt >= r->stats.rtt_ms.p50))
          rtt = r->stats.rtt_ms.p50;
        if (r->stats.rx.expected > 0 && isfinite (r->stats.rx.loss_pct) && !(loss >= r->stats.rx.loss_pct))
          loss = r->stats.rx.loss_pct;
      }
  if (isnan (rtt) && isnan (loss))
    return NULL;
  rtt_text = wv_gui_format_ms (rtt);
  loss_text = wv_gui_format_pct (loss);
  /* TRANSLATORS: values under a client: the highest median RTT and loss
   * of its connections, e.g. "RTT 0.352 ms · loss 0 %" */
  return g_strdup_printf (_("RTT %s ms · loss %s"), rtt_text, loss_text);
}

static void
update_state (WvServedClientRow *self)
{
  static const char *classes[] = { "wv-state-busy", "wv-state-good", "wv-state-bad",
                                   "wv-state-done", "wv-state-lost" };
  WvConnState state = wv_served_client_get_state (self->client);
  const char *state_class;

  gtk_label_set_text (self->state_label, wv_gui_conn_state_label (state));
  switch (state)
    {
    case WV_CONN_READY:
    case WV_CONN_STREAMING: state_class = "wv-state-good"; break;
    case WV_CONN_FAILED: state_class = "wv-state-bad"; break;
    case WV_CONN_LOST: state_class = "wv-state-lost"; break;
    case WV_CONN_FINISHED: state_class = "wv-state-done"; break;
    case WV_CONN_CONNECTING:
    case WV_CONN_STOPPING:
    default: state_class = "wv-state-busy"; break;
    }
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    if (g_strcmp0 (classes[i], state_class) != 0)
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), state_class);
}

static void
update_origin (WvServedClientRow *self)
{
  const char *software = wv_served_client_get_software (self->client);
  g_autofree char *text = NULL;

  if (*software)
    /* TRANSLATORS: a client's address and software, e.g.
     * "192.0.2.23 · wifi-verify-web 0.1.0 (Chrome 120; Android)" */
    text = g_strdup_printf (_("%s · %s"), wv_served_client_get_address (self->client), software);
  else
    text = g_strdup (wv_served_client_get_address (self->client));
  gtk_label_set_text (self->origin_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->origin_label), text);
}

/* The newest values (once a second from the list). */
void
wv_served_client_row_update (WvServedClientRow *self)
{
  guint n;
  g_autofree char *values = NULL, *text = NULL, *conns = NULL;

  g_return_if_fail (WV_IS_SERVED_CLIENT_ROW (self));

  n = wv_served_client_get_n_connections (self->client);
  conns = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u connection", "%u connections", n), n);
  values = worst_values (wv_served_client_get_session (self->client));
  /* TRANSLATORS: "2 connections · RTT 0.352 ms · loss 0 %" */
  text = values ? g_strdup_printf (_("%s · %s"), conns, values) : g_steal_pointer (&conns);
  gtk_label_set_text (self->values_label, text);
}

const char *
wv_served_client_row_get_values (WvServedClientRow *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT_ROW (self), NULL);
  return gtk_label_get_text (self->values_label);
}

WvServedClient *
wv_served_client_row_get_client (WvServedClientRow *self)
{
  g_return_val_if_fail (WV_IS_SERVED_CLIENT_ROW (self), NULL);
  return self->client;
}

static void
on_client_notify (WvServedClient    *client,
                  GParamSpec        *pspec,
                  WvServedClientRow *self)
{
  update_state (self);
  update_origin (self);
  wv_served_client_row_update (self);
}

GtkWidget *
wv_served_client_row_new (WvServedClient *client)
{
  WvServedClientRow *self;

  g_return_val_if_fail (WV_IS_SERVED_CLIENT (client), NULL);

  self = g_object_new (WV_TYPE_SERVED_CLIENT_ROW, NULL);
  self->client = g_object_ref (client);
  gtk_label_set_text (self->title_label, wv_served_client_get_label (client));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->title_label), wv_served_client_get_label (client));
  g_signal_connect_object (client, "notify", G_CALLBACK (on_client_notify), self, 0);
  on_client_notify (client, NULL, self);
  return GTK_WIDGET (self);
}

static void
wv_served_client_row_dispose (GObject *object)
{
  WvServedClientRow *self = WV_SERVED_CLIENT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), WV_TYPE_SERVED_CLIENT_ROW);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (wv_served_client_row_parent_class)->dispose (object);
}

static void
wv_served_client_row_class_init (WvServedClientRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_served_client_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-served-client-row.ui");
  gtk_widget_class_bind_template_child (widget_class, WvServedClientRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, WvServedClientRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, WvServedClientRow, origin_label);
  gtk_widget_class_bind_template_child (widget_class, WvServedClientRow, values_label);
}

static void
wv_served_client_row_init (WvServedClientRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

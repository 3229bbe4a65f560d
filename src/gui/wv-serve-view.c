/* wv-serve-view.c: Serve mode's clients, each with its charts, path and summary
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * On the left the clients of the server (WvServedClients), newest last,
 * and the connections of the one chosen; on the right that client's
 * charts, traceroute, MTU and summary: the pages of our own runs
 * (WvChartsPage, WvTracePage, WvMtuPage) following the client's
 * WvSession, and a WvClientSummary.
 *
 * Only the chosen client's session has pages attached; the others just
 * keep their records, so several clients at once cost no drawing. The
 * list's values refresh once a second while the view is on screen. The first client to come is chosen
 * by itself; a choice stays until the user makes another.
 *
 * The server traces and searches the MTU toward its clients only (a
 * client traces its own direction itself, and a browser cannot), so the
 * Traceroute tab starts on the server-to-client direction.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <glib/gi18n.h>

#include "wv-connection-row.h"
#include "wv-gui.h"
#include "wv-serve-view.h"
#include "wv-served-client-row.h"

struct _WvServeView
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkListBox *client_list;
  GtkListBox *connection_list;
  GtkLabel *title_label;
  GtkLabel *details_label;
  GtkLabel *note_label;
  GtkStack *pages;
  WvChartsPage *charts_page;
  WvTracePage *trace_page;
  WvMtuPage *mtu_page;
  WvClientSummary *summary;

  WvServedClients *clients;
  WvServedClient *selected;
  guint tick_id;
};

G_DEFINE_FINAL_TYPE (WvServeView, wv_serve_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* --- the chosen client ------------------------------------------------------ */

static WvConnectionRow *
find_connection_row (WvServeView *self,
                     guint        index)
{
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->connection_list)); w;
       w = gtk_widget_get_next_sibling (w))
    if (WV_IS_CONNECTION_ROW (w) && wv_connection_row_get_index (WV_CONNECTION_ROW (w)) == index)
      return WV_CONNECTION_ROW (w);
  return NULL;
}

static void
on_connection_added (WvSession   *session,
                     guint        index,
                     WvServeView *self)
{
  if (find_connection_row (self, index) == NULL)
    gtk_list_box_append (self->connection_list, wv_connection_row_new (session, index));
}

static void
on_connection_changed (WvSession   *session,
                       guint        index,
                       WvServeView *self)
{
  WvConnectionRow *row = find_connection_row (self, index);

  if (row)
    wv_connection_row_update (row);
}

static void
update_details (WvServeView *self)
{
  WvServedClient *c = self->selected;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *since = NULL;
  const char *software;
  gboolean web;

  if (c == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_label_set_text (self->details_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->note_label), FALSE);
      return;
    }
  software = wv_served_client_get_software (c);
  since = g_date_time_format (wv_served_client_get_first_seen (c), "%X");
  gtk_label_set_text (self->title_label, wv_served_client_get_label (c));
  g_string_append (text, wv_served_client_get_address (c));
  if (*software)
    g_string_append_printf (text, " · %s", software);
  g_string_append_printf (text, " · %s · ", wv_gui_conn_state_label (wv_served_client_get_state (c)));
  /* TRANSLATORS: when a client came, e.g. "started 12:04:31" */
  g_string_append_printf (text, _("started %s"), since);
  /* TRANSLATORS: the client's session id, which names its run in the
   * server's log and status */
  g_string_append (text, " · ");
  g_string_append_printf (text, _("session %s"), wv_served_client_get_session_id (c));
  gtk_label_set_text (self->details_label, text->str);
  web = g_str_has_prefix (software, "wifi-verify-web");
  gtk_widget_set_visible (GTK_WIDGET (self->note_label), web);
}

/* Shows @client (or nothing) on the pages and in the connection list. */
void
wv_serve_view_set_selected (WvServeView    *self,
                            WvServedClient *client)
{
  WvSession *session;
  GtkListBoxRow *row;

  g_return_if_fail (WV_IS_SERVE_VIEW (self));
  g_return_if_fail (client == NULL || WV_IS_SERVED_CLIENT (client));

  if (self->selected == client)
    return;
  if (self->selected)
    g_signal_handlers_disconnect_by_data (wv_served_client_get_session (self->selected), self);
  g_set_object (&self->selected, client);
  session = client ? wv_served_client_get_session (client) : NULL;

  while ((row = gtk_list_box_get_row_at_index (self->connection_list, 0)))
    gtk_list_box_remove (self->connection_list, GTK_WIDGET (row));
  wv_charts_page_set_session (self->charts_page, session);
  wv_trace_page_set_session (self->trace_page, session);
  wv_mtu_page_set_session (self->mtu_page, session);
  wv_client_summary_set_session (self->summary, session);
  if (session)
    {
      for (guint i = 0; i < wv_session_get_n_connections (session); i++)
        if (wv_session_has_connection (session, i))
          on_connection_added (session, i, self);
      g_signal_connect_object (session, "connection-added", G_CALLBACK (on_connection_added), self, 0);
      g_signal_connect_object (session, "connection-changed", G_CALLBACK (on_connection_changed), self, 0);
    }
  update_details (self);

  /* The list shows the choice, whoever made it. */
  row = gtk_list_box_get_selected_row (self->client_list);
  if (client == NULL)
    gtk_list_box_unselect_all (self->client_list);
  else if (row == NULL || wv_served_client_row_get_client (WV_SERVED_CLIENT_ROW (row)) != client)
    for (guint i = 0; (row = gtk_list_box_get_row_at_index (self->client_list, i)); i++)
      if (wv_served_client_row_get_client (WV_SERVED_CLIENT_ROW (row)) == client)
        {
          gtk_list_box_select_row (self->client_list, row);
          break;
        }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

WvServedClient *
wv_serve_view_get_selected (WvServeView *self)
{
  g_return_val_if_fail (WV_IS_SERVE_VIEW (self), NULL);
  return self->selected;
}

static void
on_client_row_selected (GtkListBox    *list,
                        GtkListBoxRow *row,
                        WvServeView   *self)
{
  /* A row going away unselects it; the model's change chooses another. */
  if (row && WV_IS_SERVED_CLIENT_ROW (row))
    wv_serve_view_set_selected (self, wv_served_client_row_get_client (WV_SERVED_CLIENT_ROW (row)));
}

/* IPv4 first, then in the order the connections came, as in the other
 * modes' list. */
static int
sort_connection_rows (GtkListBoxRow *a,
                      GtkListBoxRow *b,
                      gpointer       data)
{
  WvServeView *self = data;
  guint x = wv_connection_row_get_index (WV_CONNECTION_ROW (a));
  guint y = wv_connection_row_get_index (WV_CONNECTION_ROW (b));

  if (self->selected == NULL)
    return (x > y) - (x < y);
  return wv_gui_compare_connections (wv_served_client_get_session (self->selected), x, y);
}

static void
on_connection_row_activated (GtkListBox    *list,
                             GtkListBoxRow *row,
                             WvServeView   *self)
{
  if (WV_IS_CONNECTION_ROW (row))
    wv_connection_row_toggle (WV_CONNECTION_ROW (row));
}

/* --- the clients -------------------------------------------------------------- */

static GtkWidget *
create_client_row (gpointer item,
                   gpointer data)
{
  return wv_served_client_row_new (WV_SERVED_CLIENT (item));
}

/* The values of the list and of the chosen client's connections. */
void
wv_serve_view_update_now (WvServeView *self)
{
  g_return_if_fail (WV_IS_SERVE_VIEW (self));

  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->client_list)); w;
       w = gtk_widget_get_next_sibling (w))
    if (WV_IS_SERVED_CLIENT_ROW (w))
      wv_served_client_row_update (WV_SERVED_CLIENT_ROW (w));
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self->connection_list)); w;
       w = gtk_widget_get_next_sibling (w))
    if (WV_IS_CONNECTION_ROW (w))
      wv_connection_row_update (WV_CONNECTION_ROW (w));
  update_details (self);
}

static gboolean
tick (gpointer data)
{
  wv_serve_view_update_now (data);
  return G_SOURCE_CONTINUE;
}

static void
on_clients_changed (GListModel  *model,
                    guint        position,
                    guint        removed,
                    guint        added,
                    WvServeView *self)
{
  guint n = g_list_model_get_n_items (model);
  gboolean still_there = FALSE;

  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "clients" : "empty");
  for (guint i = 0; i < n && self->selected && !still_there; i++)
    {
      g_autoptr(WvServedClient) c = g_list_model_get_item (model, i);

      still_there = c == self->selected;
    }
  if (!still_there)
    {
      g_autoptr(WvServedClient) first = n > 0 ? g_list_model_get_item (model, 0) : NULL;

      wv_serve_view_set_selected (self, first);
    }
}

/**
 * wv_serve_view_set_clients:
 * @clients: (nullable): the server's clients to show
 */
void
wv_serve_view_set_clients (WvServeView     *self,
                           WvServedClients *clients)
{
  GListModel *model;

  g_return_if_fail (WV_IS_SERVE_VIEW (self));
  g_return_if_fail (clients == NULL || WV_IS_SERVED_CLIENTS (clients));

  if (self->clients == clients)
    return;
  if (self->clients)
    g_signal_handlers_disconnect_by_data (wv_served_clients_get_model (self->clients), self);
  wv_serve_view_set_selected (self, NULL);
  g_set_object (&self->clients, clients);
  model = clients ? wv_served_clients_get_model (clients) : NULL;
  gtk_list_box_bind_model (self->client_list, model, create_client_row, NULL, NULL);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (model == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  g_signal_connect_object (model, "items-changed", G_CALLBACK (on_clients_changed), self, 0);
  on_clients_changed (model, 0, 0, g_list_model_get_n_items (model), self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->tick_id = g_timeout_add_seconds (1, tick, self);
}

/* @name: "charts", "traceroute", "mtu" or "summary" */
void
wv_serve_view_show_page (WvServeView *self,
                         const char  *name)
{
  g_return_if_fail (WV_IS_SERVE_VIEW (self));
  gtk_stack_set_visible_child_name (self->pages, name);
}

/* The line under the chosen client's name: address, software, state, session. */
const char *
wv_serve_view_get_details (WvServeView *self)
{
  g_return_val_if_fail (WV_IS_SERVE_VIEW (self), NULL);
  return gtk_label_get_text (self->details_label);
}

WvChartsPage *
wv_serve_view_get_charts_page (WvServeView *self)
{
  g_return_val_if_fail (WV_IS_SERVE_VIEW (self), NULL);
  return self->charts_page;
}

WvTracePage *
wv_serve_view_get_trace_page (WvServeView *self)
{
  g_return_val_if_fail (WV_IS_SERVE_VIEW (self), NULL);
  return self->trace_page;
}

WvMtuPage *
wv_serve_view_get_mtu_page (WvServeView *self)
{
  g_return_val_if_fail (WV_IS_SERVE_VIEW (self), NULL);
  return self->mtu_page;
}

WvClientSummary *
wv_serve_view_get_summary (WvServeView *self)
{
  g_return_val_if_fail (WV_IS_SERVE_VIEW (self), NULL);
  return self->summary;
}

GtkListBox *
wv_serve_view_get_client_list (WvServeView *self)
{
  g_return_val_if_fail (WV_IS_SERVE_VIEW (self), NULL);
  return self->client_list;
}

GtkListBox *
wv_serve_view_get_connection_list (WvServeView *self)
{
  g_return_val_if_fail (WV_IS_SERVE_VIEW (self), NULL);
  return self->connection_list;
}

/* --- GObject ------------------------------------------------------------------- */

GtkWidget *
wv_serve_view_new (void)
{
  return g_object_new (WV_TYPE_SERVE_VIEW, NULL);
}

/* The values refresh while the view is on screen, and at once when it
 * comes back. */
static void
wv_serve_view_map (GtkWidget *widget)
{
  WvServeView *self = WV_SERVE_VIEW (widget);

  GTK_WIDGET_CLASS (wv_serve_view_parent_class)->map (widget);
  wv_serve_view_update_now (self);
  if (self->clients && self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick, self);
}

static void
wv_serve_view_unmap (GtkWidget *widget)
{
  WvServeView *self = WV_SERVE_VIEW (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (wv_serve_view_parent_class)->unmap (widget);
}

static void
wv_serve_view_dispose (GObject *object)
{
  WvServeView *self = WV_SERVE_VIEW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  /* The pages let go of the session before the template goes. */
  if (self->charts_page)
    {
      wv_serve_view_set_clients (self, NULL);
      wv_serve_view_set_selected (self, NULL);
    }
  wv_gui_dispose_page_template (GTK_WIDGET (self), WV_TYPE_SERVE_VIEW);
  G_OBJECT_CLASS (wv_serve_view_parent_class)->dispose (object);
}

static void
wv_serve_view_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  WvServeView *self = WV_SERVE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_object (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_serve_view_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  WvServeView *self = WV_SERVE_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      wv_serve_view_set_selected (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_serve_view_class_init (WvServeViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_serve_view_dispose;
  object_class->get_property = wv_serve_view_get_property;
  object_class->set_property = wv_serve_view_set_property;
  widget_class->map = wv_serve_view_map;
  widget_class->unmap = wv_serve_view_unmap;

  /* The client whose charts, path and summary are shown. */
  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, WV_TYPE_SERVED_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (WV_TYPE_CHARTS_PAGE);
  g_type_ensure (WV_TYPE_TRACE_PAGE);
  g_type_ensure (WV_TYPE_MTU_PAGE);
  g_type_ensure (WV_TYPE_CLIENT_SUMMARY);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-serve-view.ui");
  gtk_widget_class_bind_template_child (widget_class, WvServeView, stack);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, client_list);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, connection_list);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, title_label);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, details_label);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, note_label);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, pages);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, charts_page);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, trace_page);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, mtu_page);
  gtk_widget_class_bind_template_child (widget_class, WvServeView, summary);
  gtk_widget_class_bind_template_callback (widget_class, on_client_row_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_connection_row_activated);
}

static void
wv_serve_view_init (WvServeView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_set_sort_func (self->connection_list, sort_connection_rows, self, NULL);
  wv_trace_page_set_direction (self->trace_page, WV_DIR_S2C);
}

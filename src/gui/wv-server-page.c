/* wv-server-page.c: serve mode: the measuring server and its clients
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs a WvServer (the engine's, the one behind wifi-verify-cli serve) and
 * shows once a second what wv_server_describe() reports: the addresses it
 * listens on, its counters, and one row per client connection with its
 * state. The page keeps no state of its own beyond the last description.
 *
 * Any device with a browser can be a client: the server serves its web
 * client at GET /. The page lists the addresses to open it at (this
 * machine's real interface addresses and the token, wv_server_dup_web_urls()) and shows the
 * first as a QR code (libqrencode) for a phone's camera.
 *
 * The page also keeps every client's records (WvServedClients), across
 * stops and restarts of the server, for Serve mode's Clients tab
 * (WvServeView) and its export.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <qrencode.h>

#include "wv-web.h"
#include "wv-gui.h"
#include "wv-server-page.h"
#include "wv-served-clients.h"
#include "wv-table-row.h"

struct _WvServerPage
{
  GtkWidget parent_instance;

  GtkImage *status_icon;
  GtkLabel *status_label;
  GtkLabel *urls_label;
  GtkLabel *counters_label;
  GtkStack *stack;
  GtkColumnView *client_list;
  GtkWidget *web_box;
  GtkBox *web_links;
  GtkPicture *qr_picture;
  GtkLabel *qr_caption;
  GPtrArray *link_buttons;        /* GtkLinkButton in web_links */
  char **page_urls;

  GListStore *clients;            /* WvTableRow, WvClientColumn */
  WvServedClients *served;
  WvServer *server;
  guint refresh_id;
};

G_DEFINE_FINAL_TYPE (WvServerPage, wv_server_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_PAGE_URLS,
  N_PROPS
};

enum {
  SIGNAL_MESSAGE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

static gint64
member_int (JsonObject *o,
            const char *name,
            gint64      fallback)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (n);
}

static JsonObject *
member_object (JsonObject *o,
               const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  return n && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

static const char *
state_label (const char *state)
{
  static const struct { const char *name; WvConnState state; } states[] = {
    { "connecting", WV_CONN_CONNECTING },
    { "ready", WV_CONN_READY },
    { "streaming", WV_CONN_STREAMING },
    { "stopping", WV_CONN_STOPPING },
    { "finished", WV_CONN_FINISHED },
    { "failed", WV_CONN_FAILED },
    { "lost", WV_CONN_LOST },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_strcmp0 (state, states[i].name) == 0)
      return wv_gui_conn_state_label (states[i].state);
  return state ? state : "–";
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  WvTableRow *x = *(WvTableRow **) a, *y = *(WvTableRow **) b;
  int c = g_strcmp0 (wv_table_row_get_cell (x, WV_CLIENT_COLUMN_CLIENT),
                     wv_table_row_get_cell (y, WV_CLIENT_COLUMN_CLIENT));

  if (c != 0)
    return c;
  return g_ascii_strtoll (wv_table_row_get_cell (x, WV_CLIENT_COLUMN_CONNECTION), NULL, 10) -
         g_ascii_strtoll (wv_table_row_get_cell (y, WV_CLIENT_COLUMN_CONNECTION), NULL, 10);
}

/**
 * wv_server_page_show_description:
 * @description: what wv_server_describe() returned
 *
 * Shows the counters and the client connections of @description. Members
 * that are missing or of the wrong type show as unknown.
 */
void
wv_server_page_show_description (WvServerPage *self,
                                 JsonNode     *description)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  JsonObject *root, *counters;
  JsonNode *conns;
  g_autofree char *counters_text = NULL;

  g_return_if_fail (WV_IS_SERVER_PAGE (self));

  if (description == NULL || !JSON_NODE_HOLDS_OBJECT (description))
    return;
  root = json_node_get_object (description);
  conns = json_object_get_member (root, "connections");
  if (conns && JSON_NODE_HOLDS_ARRAY (conns))
    {
      JsonArray *list = json_node_get_array (conns);

      for (guint i = 0; i < json_array_get_length (list); i++)
        {
          JsonNode *n = json_array_get_element (list, i);
          JsonObject *c, *streams;
          WvTableRow *row;
          const char *client, *pair, *state;
          gint64 family, index;

          if (!JSON_NODE_HOLDS_OBJECT (n))
            continue;
          c = json_node_get_object (n);
          client = member_string (c, "client");
          pair = member_string (c, "selected_pair");
          state = member_string (c, "state");
          family = member_int (c, "family", 0);
          index = member_int (c, "index", -1);
          streams = member_object (c, "streams");

          row = wv_table_row_new (WV_N_CLIENT_COLUMNS);
          wv_table_row_set_cell (row, WV_CLIENT_COLUMN_CLIENT, client && *client ? client : "–");
          wv_table_row_take_cell (row, WV_CLIENT_COLUMN_CONNECTION,
                                  index >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, index) : g_strdup ("–"));
          wv_table_row_take_cell (row, WV_CLIENT_COLUMN_FAMILY,
                                  family == 4 || family == 6 ? g_strdup_printf ("IPv%" G_GINT64_FORMAT, family)
                                                             : g_strdup ("–"));
          wv_table_row_set_cell (row, WV_CLIENT_COLUMN_STATE, state_label (state));
          wv_table_row_set_cell (row, WV_CLIENT_COLUMN_WEBRTC, member_string (c, "webrtc_state"));
          wv_table_row_set_cell (row, WV_CLIENT_COLUMN_PAIR, pair ? pair : "–");
          wv_table_row_take_cell (row, WV_CLIENT_COLUMN_RATE,
                                  streams ? g_strdup_printf (_("%lld probes/s"),
                                                             (long long) member_int (streams, "rate_pps", 0))
                                          : g_strdup ("–"));
          wv_table_row_set_dim (row, g_strcmp0 (state, "finished") == 0 || g_strcmp0 (state, "failed") == 0 ||
                                  g_strcmp0 (state, "lost") == 0);
          g_ptr_array_add (rows, row);
        }
    }
  g_ptr_array_sort (rows, compare_rows);
  g_list_store_splice (self->clients, 0, g_list_model_get_n_items (G_LIST_MODEL (self->clients)),
                       rows->pdata, rows->len);
  gtk_stack_set_visible_child_name (self->stack, rows->len ? "clients" : "empty");

  counters = member_object (root, "counters");
  if (counters)
    {
      gint64 requests = member_int (counters, "requests", 0);
      gint64 refused = member_int (counters, "rejected_by_limits", 0);

      /* TRANSLATORS: the server's counters: "3 connections · 120 requests · 0 refused by limits" */
      counters_text = g_strdup_printf (_("%u connections · %lld requests · %lld refused by limits"),
                                       rows->len, (long long) requests, (long long) refused);
    }
  gtk_label_set_text (self->counters_label, counters_text ? counters_text : "");
}

/* Re-reads the server's state (once a second while serving). */
void
wv_server_page_refresh (WvServerPage *self)
{
  g_autoptr(JsonNode) description = NULL;

  g_return_if_fail (WV_IS_SERVER_PAGE (self));

  if (self->server == NULL)
    return;
  description = wv_server_describe (self->server);
  wv_server_page_show_description (self, description);
}

static gboolean
refresh_tick (gpointer data)
{
  wv_server_page_refresh (data);
  return G_SOURCE_CONTINUE;
}

/* --- the web client's addresses ------------------------------------------ */

#define QR_MODULE_PX 5
#define QR_QUIET_MODULES 4

/* @text as a QR code, QR_MODULE_PX pixels per module with the quiet zone
 * the standard asks for, as a texture shown at its natural size (crisp,
 * never scaled). NULL if it does not encode (too long). */
static GdkTexture *
qr_texture (const char *text)
{
  QRcode *qr = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, TRUE);
  GdkTexture *texture;
  GBytes *bytes;
  guint8 *pixels;
  int modules, size;

  if (qr == NULL)
    return NULL;
  modules = qr->width + 2 * QR_QUIET_MODULES;
  size = modules * QR_MODULE_PX;
  pixels = g_malloc ((gsize) size * size * 3);
  memset (pixels, 0xff, (gsize) size * size * 3);
  for (int y = 0; y < qr->width; y++)
    for (int x = 0; x < qr->width; x++)
      {
        if (!(qr->data[y * qr->width + x] & 1))
          continue;
        for (int dy = 0; dy < QR_MODULE_PX; dy++)
          memset (pixels + ((gsize) ((y + QR_QUIET_MODULES) * QR_MODULE_PX + dy) * size +
                            (x + QR_QUIET_MODULES) * QR_MODULE_PX) * 3,
                  0, QR_MODULE_PX * 3);
      }
  QRcode_free (qr);
  bytes = g_bytes_new_take (pixels, (gsize) size * size * 3);
  texture = gdk_memory_texture_new (size, size, GDK_MEMORY_R8G8B8, bytes, (gsize) size * 3);
  g_bytes_unref (bytes);
  return texture;
}

static gboolean
url_is_loopback (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GInetAddress) a = uri && g_uri_get_host (uri)
                              ? g_inet_address_new_from_string (g_uri_get_host (uri)) : NULL;

  return a != NULL && g_inet_address_get_is_loopback (a);
}

/* Shows the web client's addresses as links, the first (other hosts come
 * first) as a QR code; hides them all for NULL. */
static void
show_page_urls (WvServerPage *self, char **urls)
{
  g_autoptr(GdkTexture) qr = NULL;

  for (guint i = 0; i < self->link_buttons->len; i++)
    gtk_box_remove (self->web_links, g_ptr_array_index (self->link_buttons, i));
  g_ptr_array_set_size (self->link_buttons, 0);
  g_strfreev (self->page_urls);
  self->page_urls = g_strdupv (urls);
  gtk_widget_set_visible (self->web_box, urls && urls[0]);
  if (urls == NULL || urls[0] == NULL)
    {
      gtk_picture_set_paintable (self->qr_picture, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_URLS]);
      return;
    }
  for (guint i = 0; urls[i]; i++)
    {
      GtkWidget *link = gtk_link_button_new (urls[i]);

      gtk_widget_set_halign (link, GTK_ALIGN_START);
      gtk_box_append (self->web_links, link);
      g_ptr_array_add (self->link_buttons, link);
    }
  qr = qr_texture (urls[0]);
  gtk_picture_set_paintable (self->qr_picture, GDK_PAINTABLE (qr));
  gtk_picture_set_alternative_text (self->qr_picture, urls[0]);
  gtk_widget_set_visible (GTK_WIDGET (self->qr_picture), qr != NULL);
  if (url_is_loopback (urls[0]))
    gtk_label_set_text (self->qr_caption,
                        _("The server listens on this computer only. To measure a phone or "
                          "another computer, listen on 0.0.0.0 or on an address of this "
                          "computer's network."));
  else
    gtk_label_set_text (self->qr_caption,
                        _("On a phone, tablet or laptop on the same network, scan the code or "
                          "open one of these addresses in a web browser."));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE_URLS]);
}

/**
 * wv_server_page_get_page_urls:
 *
 * Returns: (transfer none) (nullable): the web client's addresses while
 * serving, the first being the one the QR code shows
 */
const char * const *
wv_server_page_get_page_urls (WvServerPage *self)
{
  g_return_val_if_fail (WV_IS_SERVER_PAGE (self), NULL);
  return (const char * const *) self->page_urls;
}

static void
emit_message (WvServerPage  *self,
              WvMessageKind  kind,
              const char    *text)
{
  g_signal_emit (self, signals[SIGNAL_MESSAGE], 0, (guint) kind, text);
}

/**
 * wv_server_page_start:
 * @listen: HOST:PORT addresses (wv_gui_parse_listen())
 * @stun_uri: (nullable): stun://host:port for the clients' candidates
 * @token: (nullable): the access token clients must send; NULL: a new one
 *
 * The page shows the URLs clients use, with the token in them.
 */
gboolean
wv_server_page_start (WvServerPage  *self,
                      char * const  *listen,
                      const char    *stun_uri,
                      const char    *token,
                      GError       **error)
{
  g_autoptr(WvServer) server = NULL;
  g_auto(GStrv) urls = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  WvServerConfig config;

  g_return_val_if_fail (WV_IS_SERVER_PAGE (self), FALSE);
  g_return_val_if_fail (listen != NULL && listen[0] != NULL, FALSE);

  if (self->server)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, _("The server is already running"));
      return FALSE;
    }
  wv_server_config_init (&config);
  config.listen = (char **) listen;
  config.stun_uri = (char *) (stun_uri && *stun_uri ? stun_uri : NULL);
  config.token = (char *) token;
  server = wv_server_new (&config);
  if (!wv_server_start (server, error))
    return FALSE;

  self->server = g_steal_pointer (&server);
  wv_served_clients_set_server (self->served, self->server);
  urls = wv_server_dup_page_urls (self->server);
  for (guint i = 0; urls && urls[i]; i++)
    g_string_append_printf (text, "%s%s", i ? "\n" : "", urls[i]);
  gtk_label_set_text (self->status_label, _("Serving"));
  gtk_label_set_text (self->urls_label, text->str);
  {
    g_auto(GStrv) pages = wv_server_dup_web_urls (self->server);

    show_page_urls (self, pages);
  }
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), "wv-accent");
  {
    g_autofree char *msg = g_strdup_printf (_("Serving on %s"), text->str);

    g_strdelimit (msg, "\n", ' ');
    emit_message (self, WV_MESSAGE_INFO, msg);
  }
  wv_server_page_refresh (self);
  self->refresh_id = g_timeout_add_seconds (1, refresh_tick, self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

void
wv_server_page_stop (WvServerPage *self)
{
  g_return_if_fail (WV_IS_SERVER_PAGE (self));

  if (self->server == NULL)
    return;
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  /* Stopping ends the connections: their last records still come. */
  wv_server_stop (self->server);
  wv_served_clients_server_stopped (self->served);
  g_clear_object (&self->server);
  gtk_label_set_text (self->status_label, _("Not serving"));
  gtk_label_set_text (self->urls_label,
                      _("Press Start to accept measurements from other computers on the listen addresses above."));
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), "wv-accent");
  show_page_urls (self, NULL);
  g_list_store_remove_all (self->clients);
  gtk_label_set_text (self->counters_label, "");
  gtk_stack_set_visible_child_name (self->stack, "empty");
  emit_message (self, WV_MESSAGE_INFO, _("The server stopped"));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
wv_server_page_get_running (WvServerPage *self)
{
  g_return_val_if_fail (WV_IS_SERVER_PAGE (self), FALSE);
  return self->server != NULL;
}

WvServer *
wv_server_page_get_server (WvServerPage *self)
{
  g_return_val_if_fail (WV_IS_SERVER_PAGE (self), NULL);
  return self->server;
}

/**
 * wv_server_page_get_served_clients:
 *
 * Returns: (transfer none): every client served since the window opened,
 *   with its records
 */
WvServedClients *
wv_server_page_get_served_clients (WvServerPage *self)
{
  g_return_val_if_fail (WV_IS_SERVER_PAGE (self), NULL);
  return self->served;
}

/**
 * wv_server_page_get_clients:
 *
 * Returns: (transfer none): rows of #WvTableRow with #WvClientColumn cells
 */
GListModel *
wv_server_page_get_clients (WvServerPage *self)
{
  g_return_val_if_fail (WV_IS_SERVER_PAGE (self), NULL);
  return G_LIST_MODEL (self->clients);
}

GtkWidget *
wv_server_page_new (void)
{
  return g_object_new (WV_TYPE_SERVER_PAGE, NULL);
}

static void
wv_server_page_dispose (GObject *object)
{
  WvServerPage *self = WV_SERVER_PAGE (object);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->server)
    {
      wv_server_stop (self->server);
      wv_served_clients_server_stopped (self->served);
    }
  g_clear_object (&self->server);
  if (self->served)
    g_signal_handlers_disconnect_by_data (self->served, self);
  g_clear_object (&self->served);
  wv_gui_dispose_page_template (GTK_WIDGET (self), WV_TYPE_SERVER_PAGE);
  G_OBJECT_CLASS (wv_server_page_parent_class)->dispose (object);
}

static void
wv_server_page_finalize (GObject *object)
{
  WvServerPage *self = WV_SERVER_PAGE (object);

  g_clear_object (&self->clients);
  g_clear_pointer (&self->link_buttons, g_ptr_array_unref);
  g_clear_pointer (&self->page_urls, g_strfreev);
  G_OBJECT_CLASS (wv_server_page_parent_class)->finalize (object);
}

static void
wv_server_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, wv_server_page_get_running (WV_SERVER_PAGE (object)));
      break;
    case PROP_PAGE_URLS:
      g_value_set_boxed (value, WV_SERVER_PAGE (object)->page_urls);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
wv_server_page_class_init (WvServerPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_server_page_dispose;
  object_class->finalize = wv_server_page_finalize;
  object_class->get_property = wv_server_page_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The web client's addresses while serving (NULL otherwise); the QR
   * code shows the first. */
  properties[PROP_PAGE_URLS] =
    g_param_spec_boxed ("page-urls", NULL, NULL, G_TYPE_STRV,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* (guint WvMessageKind, const char *text) */
  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-server-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, status_icon);
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, urls_label);
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, counters_label);
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, stack);
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, client_list);
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, web_box);
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, web_links);
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, qr_picture);
  gtk_widget_class_bind_template_child (widget_class, WvServerPage, qr_caption);
}

static void
on_served_message (WvServedClients *served,
                   guint            kind,
                   const char      *text,
                   WvServerPage    *self)
{
  emit_message (self, kind, text);
}

static void
wv_server_page_init (WvServerPage *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->link_buttons = g_ptr_array_new ();
  self->served = wv_served_clients_new ();
  g_signal_connect (self->served, "message", G_CALLBACK (on_served_message), self);

  self->clients = g_list_store_new (WV_TYPE_TABLE_ROW);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->clients)));
  gtk_column_view_set_model (self->client_list, GTK_SELECTION_MODEL (selection));
  wv_table_add_column (self->client_list, _("Client"), WV_CLIENT_COLUMN_CLIENT, FALSE, FALSE);
  wv_table_add_column (self->client_list, _("Connection"), WV_CLIENT_COLUMN_CONNECTION, TRUE, FALSE);
  /* TRANSLATORS: column: IPv4 or IPv6 */
  wv_table_add_column (self->client_list, _("Family"), WV_CLIENT_COLUMN_FAMILY, FALSE, FALSE);
  wv_table_add_column (self->client_list, _("State"), WV_CLIENT_COLUMN_STATE, FALSE, FALSE);
  wv_table_add_column (self->client_list, _("WebRTC"), WV_CLIENT_COLUMN_WEBRTC, FALSE, FALSE);
  /* TRANSLATORS: column: the ICE candidate pair in use (local and remote address) */
  wv_table_add_column (self->client_list, _("Addresses in use"), WV_CLIENT_COLUMN_PAIR, FALSE, TRUE);
  wv_table_add_column (self->client_list, _("Probe rate"), WV_CLIENT_COLUMN_RATE, TRUE, FALSE);
}

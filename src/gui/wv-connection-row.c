/* wv-connection-row.c: one connection in the window's list
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The check button shows or hides the connection everywhere (the session
 * holds that choice); the swatch repeats the connection's line in the
 * charts (colour by number within the family, solid IPv4, dashed IPv6);
 * the subtitle has the newest one-second values.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "wv-charts.h"
#include "wv-connection-row.h"
#include "wv-gui.h"

struct _WvConnectionRow
{
  GtkListBoxRow parent_instance;

  GtkCheckButton *check;
  GtkDrawingArea *swatch;
  GtkLabel *title_label;
  GtkLabel *subtitle_label;
  GtkLabel *state_label;

  WvSession *session;
  guint index;
};

G_DEFINE_FINAL_TYPE (WvConnectionRow, wv_connection_row, GTK_TYPE_LIST_BOX_ROW)

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  WvConnectionRow *self = data;
  /* The charts' dash pattern for IPv6 (wv-line-layer.c). */
  static const double dash[] = { 6.0, 4.0 };
  GdkRGBA color;

  wv_chart_palette_get (wv_session_get_connection_position (self->session, self->index) %
                        WV_CHART_PALETTE_SIZE,
                        wv_chart_is_dark (GTK_WIDGET (area)), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 3);
  if (wv_session_get_connection_family (self->session, self->index) == 6)
    cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
  cairo_move_to (cr, 1, height / 2.0);
  cairo_line_to (cr, width - 1, height / 2.0);
  cairo_stroke (cr);
}

static char *
live_values (WvConnectionRow *self)
{
  const WvRecord *c2s = wv_session_get_summary (self->session, self->index, WV_DIR_C2S);
  const WvRecord *s2c = wv_session_get_summary (self->session, self->index, WV_DIR_S2C);
  g_autofree char *rtt = NULL, *loss = NULL;
  double loss_max = NAN;

  /* The whole run once it ended, the last second before. */
  if (c2s == NULL && s2c == NULL)
    {
      c2s = wv_session_get_latest_stats (self->session, self->index, WV_DIR_C2S);
      s2c = wv_session_get_latest_stats (self->session, self->index, WV_DIR_S2C);
    }
  if (c2s == NULL && s2c == NULL)
    return NULL;
  /* The client's RTT (client-to-server probes echoed back) and the worse
   * loss of the two directions. */
  rtt = wv_gui_format_ms (c2s && c2s->stats.rtt_ms.n ? c2s->stats.rtt_ms.p50 : NAN);
  for (guint d = 0; d < 2; d++)
    {
      const WvRecord *r = d == 0 ? c2s : s2c;

      if (r && r->stats.rx.expected > 0 && isfinite (r->stats.rx.loss_pct))
        loss_max = isnan (loss_max) ? r->stats.rx.loss_pct : MAX (loss_max, r->stats.rx.loss_pct);
    }
  loss = wv_gui_format_pct (loss_max);
  /* TRANSLATORS: values under a connection: median RTT and loss of the
   * last second (of the whole run once it ended), e.g. "RTT 0.352 ms · loss 0 %" */
  return g_strdup_printf (_("RTT %s ms · loss %s"), rtt, loss);
}

/* This end's own stack, which the path's figures leave out (wire times):
 * the client's send path for its probes and receive path for the
 * server's. NULL while unknown. */
static char *
stack_values (WvConnectionRow *self)
{
  const WvRecord *c2s = wv_session_get_summary (self->session, self->index, WV_DIR_C2S);
  const WvRecord *s2c = wv_session_get_summary (self->session, self->index, WV_DIR_S2C);
  g_autofree char *send = NULL, *recv = NULL;

  if (c2s == NULL && s2c == NULL)
    {
      c2s = wv_session_get_latest_stats (self->session, self->index, WV_DIR_C2S);
      s2c = wv_session_get_latest_stats (self->session, self->index, WV_DIR_S2C);
    }
  if ((c2s == NULL || c2s->stats.rx.stack_send_ms.n == 0) &&
      (s2c == NULL || s2c->stats.rx.stack_recv_ms.n == 0))
    return NULL;
  send = wv_gui_format_ms (c2s && c2s->stats.rx.stack_send_ms.n ? c2s->stats.rx.stack_send_ms.p50 : NAN);
  recv = wv_gui_format_ms (s2c && s2c->stats.rx.stack_recv_ms.n ? s2c->stats.rx.stack_recv_ms.p50 : NAN);
  /* TRANSLATORS: median time our own software took to put a probe on the
   * wire and to hand a received one to the application; not part of the
   * path's delays, e.g. "This end's stack: send 0.310 ms, receive 0.420 ms" */
  return g_strdup_printf (_("This end's stack: send %s ms, receive %s ms"), send, recv);
}

/* Shows the session's current view of the connection. */
void
wv_connection_row_update (WvConnectionRow *self)
{
  WvConnState state;
  g_autofree char *values = NULL;
  static const char *state_classes[] = { "wv-state-busy", "wv-state-good", "wv-state-bad",
                                         "wv-state-done", "wv-state-lost", "wv-state-outage" };
  const char *state_class;

  g_return_if_fail (WV_IS_CONNECTION_ROW (self));

  gtk_check_button_set_active (self->check, wv_session_get_connection_visible (self->session, self->index));
  state = wv_session_get_connection_state (self->session, self->index);
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
  /* A stream that stopped arriving is not "Measuring". */
  if (state == WV_CONN_STREAMING && wv_session_get_connection_in_outage (self->session, self->index))
    {
      /* TRANSLATORS: a connection whose probes stopped arriving for now */
      gtk_label_set_text (self->state_label, _("No probes"));
      state_class = "wv-state-outage";
    }
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    if (g_strcmp0 (state_classes[i], state_class) != 0)
      gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), state_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), state_class);

  values = live_values (self);
  gtk_label_set_text (self->subtitle_label, values ? values : _("No values yet"));
  {
    g_autofree char *stack = stack_values (self);

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), stack);
  }
}

const char *
wv_connection_row_get_subtitle (WvConnectionRow *self)
{
  g_return_val_if_fail (WV_IS_CONNECTION_ROW (self), NULL);
  return gtk_label_get_text (self->subtitle_label);
}

guint
wv_connection_row_get_index (WvConnectionRow *self)
{
  g_return_val_if_fail (WV_IS_CONNECTION_ROW (self), 0);
  return self->index;
}

static void
on_check_toggled (GtkCheckButton  *check,
                  WvConnectionRow *self)
{
  if (self->session)
    wv_session_set_connection_visible (self->session, self->index, gtk_check_button_get_active (check));
}

/* What activating the row (click, Enter) does: the list box reports it
 * with ::row-activated, and the window calls this. */
void
wv_connection_row_toggle (WvConnectionRow *self)
{
  g_return_if_fail (WV_IS_CONNECTION_ROW (self));
  gtk_check_button_set_active (self->check, !gtk_check_button_get_active (self->check));
}

GtkWidget *
wv_connection_row_new (WvSession *session,
                       guint      index)
{
  WvConnectionRow *self;
  g_autofree char *title = NULL;

  g_return_val_if_fail (WV_IS_SESSION (session), NULL);

  self = g_object_new (WV_TYPE_CONNECTION_ROW, NULL);
  self->session = g_object_ref (session);
  self->index = index;
  title = wv_session_dup_connection_label (session, index);
  gtk_label_set_text (self->title_label, title);
  gtk_drawing_area_set_draw_func (self->swatch, draw_swatch, self, NULL);
  wv_connection_row_update (self);
  return GTK_WIDGET (self);
}

static void
wv_connection_row_dispose (GObject *object)
{
  WvConnectionRow *self = WV_CONNECTION_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), WV_TYPE_CONNECTION_ROW);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (wv_connection_row_parent_class)->dispose (object);
}

static void
wv_connection_row_class_init (WvConnectionRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_connection_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-connection-row.ui");
  gtk_widget_class_bind_template_child (widget_class, WvConnectionRow, check);
  gtk_widget_class_bind_template_child (widget_class, WvConnectionRow, swatch);
  gtk_widget_class_bind_template_child (widget_class, WvConnectionRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, WvConnectionRow, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, WvConnectionRow, state_label);
  gtk_widget_class_bind_template_callback (widget_class, on_check_toggled);
}

static void
wv_connection_row_init (WvConnectionRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

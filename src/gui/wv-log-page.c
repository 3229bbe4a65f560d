/* wv-log-page.c: the window's log: engine messages, phases, errors
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A read-only text view, one line per message with the local time. It
 * follows new lines, also those logged while another page is shown, until
 * the user scrolls up to read, and again once scrolled back to the
 * bottom. Warnings and errors are coloured.
 */
#define G_LOG_DOMAIN "wv-gui"

#include "config.h"

#include "wv-gui.h"
#include "wv-log-page.h"

struct _WvLogPage
{
  GtkWidget parent_instance;

  GtkScrolledWindow *scroller;
  GtkTextView *text_view;

  GtkTextMark *end_mark;
  guint n_lines;
  gboolean follow;                /* at the newest line when last seen */
};

G_DEFINE_FINAL_TYPE (WvLogPage, wv_log_page, GTK_TYPE_WIDGET)

static gboolean
at_bottom (WvLogPage *self)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);

  return gtk_adjustment_get_value (adj) + gtk_adjustment_get_page_size (adj) >=
         gtk_adjustment_get_upper (adj) - 4;
}

void
wv_log_page_append (WvLogPage     *self,
                    WvMessageKind  kind,
                    const char    *text)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%H:%M:%S  ");
  g_autofree char *valid = NULL;
  gboolean follow;
  const char *tag = kind == WV_MESSAGE_ERROR ? "error" : kind == WV_MESSAGE_WARNING ? "warning" : NULL;

  g_return_if_fail (WV_IS_LOG_PAGE (self));

  if (text == NULL)
    return;
  /* Messages may quote what a peer sent. */
  valid = g_utf8_make_valid (text, -1);
  g_strdelimit (valid, "\n\r", ' ');
  /* Whether the reader is at the newest line, as last scrolled (hidden
   * behind another page, the view has no size to tell). */
  follow = self->follow;
  buffer = gtk_text_view_get_buffer (self->text_view);

  if (self->n_lines >= WV_LOG_PAGE_MAX_LINES)
    {
      GtkTextIter start, second;

      gtk_text_buffer_get_start_iter (buffer, &start);
      second = start;
      gtk_text_iter_forward_line (&second);
      gtk_text_buffer_delete (buffer, &start, &second);
      self->n_lines--;
    }

  gtk_text_buffer_get_end_iter (buffer, &end);
  gtk_text_buffer_insert_with_tags_by_name (buffer, &end, stamp, -1, "time", NULL);
  if (tag)
    gtk_text_buffer_insert_with_tags_by_name (buffer, &end, valid, -1, tag, NULL);
  else
    gtk_text_buffer_insert (buffer, &end, valid, -1);
  gtk_text_buffer_insert (buffer, &end, "\n", 1);
  self->n_lines++;

  if (follow)
    gtk_text_view_scroll_mark_onscreen (self->text_view, self->end_mark);
}

/* While it follows, the view stays at the newest line however its
 * height changes (a new line, the text view measuring lines lazily, the
 * page shown again); scrolled up by the reader, it stays put. */
static void
on_adjustment_changed (GtkAdjustment *adj,
                       WvLogPage     *self)
{
  if (self->follow)
    gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj) - gtk_adjustment_get_page_size (adj));
}

/* The reader scrolled (wheel or touchpad): it follows again once back at
 * the newest line. Measured after the scroll has moved the view. */
static gboolean
update_follow (gpointer data)
{
  WvLogPage *self = data;

  self->follow = at_bottom (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           WvLogPage                *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, update_follow, g_object_ref (self), g_object_unref);
  return FALSE;
}

void
wv_log_page_clear (WvLogPage *self)
{
  g_return_if_fail (WV_IS_LOG_PAGE (self));

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", 0);
  self->n_lines = 0;
  self->follow = TRUE;
}

guint
wv_log_page_get_n_lines (WvLogPage *self)
{
  g_return_val_if_fail (WV_IS_LOG_PAGE (self), 0);
  return self->n_lines;
}

char *
wv_log_page_dup_text (WvLogPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start, end;

  g_return_val_if_fail (WV_IS_LOG_PAGE (self), NULL);
  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
on_copy_clicked (GtkButton *button,
                 WvLogPage *self)
{
  g_autofree char *text = wv_log_page_dup_text (self);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
on_clear_clicked (GtkButton *button,
                  WvLogPage *self)
{
  wv_log_page_clear (self);
}

GtkWidget *
wv_log_page_new (void)
{
  return g_object_new (WV_TYPE_LOG_PAGE, NULL);
}

static void
wv_log_page_dispose (GObject *object)
{

  wv_gui_dispose_page_template (GTK_WIDGET (object), WV_TYPE_LOG_PAGE);
  G_OBJECT_CLASS (wv_log_page_parent_class)->dispose (object);
}

static void
wv_log_page_class_init (WvLogPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = wv_log_page_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/wifiverify/WifiVerify/wv-log-page.ui");
  gtk_widget_class_bind_template_child (widget_class, WvLogPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, WvLogPage, text_view);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
}

static void
wv_log_page_init (WvLogPage *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter end;

  gtk_widget_init_template (GTK_WIDGET (self));

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_create_tag (buffer, "time", "foreground", "#77767b", NULL);
  gtk_text_buffer_create_tag (buffer, "warning", "foreground", "#c64600", NULL);
  gtk_text_buffer_create_tag (buffer, "error", "foreground", "#e01b24", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_get_end_iter (buffer, &end);
  self->end_mark = gtk_text_buffer_create_mark (buffer, "end", &end, FALSE);
  self->follow = TRUE;
  {
    GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (self->scroller);
    GtkEventController *scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);

    g_signal_connect_object (adj, "changed", G_CALLBACK (on_adjustment_changed), self, 0);
    gtk_event_controller_set_propagation_phase (scroll, GTK_PHASE_CAPTURE);
    g_signal_connect_object (scroll, "scroll", G_CALLBACK (on_scroll), self, 0);
    gtk_widget_add_controller (GTK_WIDGET (self->scroller), scroll);
  }
}

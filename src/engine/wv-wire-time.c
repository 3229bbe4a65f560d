/* wv-wire-time.c: two-step wire timestamps of probes and echoes
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * This is the two-step scheme of PTP (IEEE 1588 "follow-up" messages)
 * applied to a probe stream: the time a packet really left is sent in a
 * later packet. WvTwoStep releases samples in the order they arrived, so the
 * statistics (RFC 3550's D is taken between consecutive arrivals) see the
 * same sequence as without it, only a packet interval or two later.
 */

#define G_LOG_DOMAIN "wv-wire-time"

#include <string.h>

#include "wv-wire-time.h"

/* Held samples beyond this are released at once, whatever they wait for. */
#define MAX_HELD 1024

/* Follow-ups remembered by sequence number: for a sample that arrives after
 * its follow-up (reordering), and for a duplicate of a released sample. */
#define KNOWN 64

typedef struct {
  guint32 seq;
  gint64 wire_ns;           /* 0 = empty slot */
} Known;

struct _WvTwoStep {
  gboolean wait;
  GQueue held;              /* WvTwoStepSample *, oldest first */
  gboolean any_seq;
  guint32 newest_seq;
  gint64 newest_arrival_ns;
  Known known[KNOWN];
};

WvTwoStep *
wv_two_step_new (gboolean wait)
{
  WvTwoStep *q = g_new0 (WvTwoStep, 1);

  q->wait = wait;
  g_queue_init (&q->held);
  return q;
}

void
wv_two_step_free (WvTwoStep *q)
{
  if (q == NULL)
    return;
  g_queue_clear_full (&q->held, g_free);
  g_free (q);
}

static gboolean
given_up (const WvTwoStep *q, const WvTwoStepSample *s)
{
  /* Signed 32-bit distance, as for the sequence numbers in wv-stats; and
   * time, so that a sender whose follow-ups come late in bursts is waited
   * for. */
  return (gint32) (q->newest_seq - s->seq) >= WV_TWO_STEP_HORIZON &&
         q->newest_arrival_ns - s->arrival_ns >= WV_TWO_STEP_HORIZON_NS;
}

static void
release (WvTwoStep *q, GArray *out, gboolean all)
{
  WvTwoStepSample *s;

  while ((s = g_queue_peek_head (&q->held)) != NULL)
    {
      if (!all && q->wait && s->wire_ns == 0 && !given_up (q, s) && q->held.length <= MAX_HELD)
        break;
      g_array_append_val (out, *s);
      g_free (g_queue_pop_head (&q->held));
    }
}

void
wv_two_step_set_wait (WvTwoStep *q, gboolean wait)
{
  g_return_if_fail (q != NULL);
  q->wait = wait;
}

void
wv_two_step_add (WvTwoStep *q, const WvTwoStepSample *s, GArray *out)
{
  WvTwoStepSample *copy;
  const Known *k;

  g_return_if_fail (q != NULL && s != NULL && out != NULL);

  copy = g_memdup2 (s, sizeof *s);
  k = &q->known[s->seq % KNOWN];
  if (copy->wire_ns == 0 && k->wire_ns != 0 && k->seq == s->seq)
    copy->wire_ns = k->wire_ns;
  if (!q->any_seq || (gint32) (s->seq - q->newest_seq) > 0)
    {
      q->newest_seq = s->seq;
      q->any_seq = TRUE;
    }
  q->newest_arrival_ns = MAX (q->newest_arrival_ns, s->arrival_ns);
  g_queue_push_tail (&q->held, copy);
  release (q, out, FALSE);
}

void
wv_two_step_followup (WvTwoStep *q, guint32 seq, gint64 wire_ns, GArray *out)
{
  Known *k;

  g_return_if_fail (q != NULL && out != NULL);
  if (wire_ns == 0)
    return;

  k = &q->known[seq % KNOWN];
  k->seq = seq;
  k->wire_ns = wire_ns;
  for (GList *l = q->held.tail; l != NULL; l = l->prev)
    {
      WvTwoStepSample *s = l->data;

      if (s->seq == seq && s->wire_ns == 0)
        s->wire_ns = wire_ns;
    }
  release (q, out, FALSE);
}

void
wv_two_step_flush (WvTwoStep *q, GArray *out)
{
  g_return_if_fail (q != NULL && out != NULL);
  release (q, out, TRUE);
}

guint
wv_two_step_get_held (WvTwoStep *q)
{
  g_return_val_if_fail (q != NULL, 0);
  return q->held.length;
}

gint64
wv_two_step_get_oldest_arrival (WvTwoStep *q)
{
  const WvTwoStepSample *s;

  g_return_val_if_fail (q != NULL, 0);
  s = g_queue_peek_head (&q->held);
  return s ? s->arrival_ns : 0;
}

/* --- the sender's reported wire times ------------------------------------- */

/* Enough for an echo's turnaround to be looked up well after its probe. */
#define TX_HISTORY 4096

/* Reported wire times not yet carried. */
#define TX_QUEUE 256

struct _WvWireTx {
  GMutex lock;
  Known queue[TX_QUEUE];    /* ring, oldest at head */
  guint head, len;
  Known last_carried;
  Known history[TX_HISTORY];
};

WvWireTx *
wv_wire_tx_new (void)
{
  WvWireTx *w = g_new0 (WvWireTx, 1);

  g_mutex_init (&w->lock);
  return w;
}

void
wv_wire_tx_free (WvWireTx *w)
{
  if (w == NULL)
    return;
  g_mutex_clear (&w->lock);
  g_free (w);
}

void
wv_wire_tx_note (WvWireTx *w, guint32 seq, gint64 wire_ns)
{
  g_return_if_fail (w != NULL);
  if (wire_ns == 0)
    return;

  g_mutex_lock (&w->lock);
  w->history[seq % TX_HISTORY] = (Known) { seq, wire_ns };
  /* A backlog this long is stale for the receiver anyway: drop the oldest. */
  if (w->len == TX_QUEUE)
    {
      w->head = (w->head + 1) % TX_QUEUE;
      w->len--;
    }
  w->queue[(w->head + w->len) % TX_QUEUE] = (Known) { seq, wire_ns };
  w->len++;
  g_mutex_unlock (&w->lock);
}

void
wv_wire_tx_fill (WvWireTx *w, WvPacket *packet)
{
  g_return_if_fail (w != NULL && packet != NULL);

  /* The oldest reported times not carried yet, two a packet while there is
   * a backlog (it drains twice as fast as it grows); in the steady state,
   * one new and the previous one again, so one lost carrier loses nothing. */
  g_mutex_lock (&w->lock);
  packet->n_followups = 0;
  while (packet->n_followups < WV_MAX_FOLLOWUPS && w->len > 0)
    {
      Known k = w->queue[w->head];

      w->head = (w->head + 1) % TX_QUEUE;
      w->len--;
      packet->followups[packet->n_followups++] = (WvFollowUp) { k.seq, k.wire_ns };
      if (packet->n_followups == 1 && w->len == 0 && w->last_carried.wire_ns != 0)
        packet->followups[packet->n_followups++] =
          (WvFollowUp) { w->last_carried.seq, w->last_carried.wire_ns };
      w->last_carried = k;
    }
  if (packet->n_followups == 0 && w->last_carried.wire_ns != 0)
    packet->followups[packet->n_followups++] =
      (WvFollowUp) { w->last_carried.seq, w->last_carried.wire_ns };
  g_mutex_unlock (&w->lock);
}

gint64
wv_wire_tx_lookup (WvWireTx *w, guint32 seq)
{
  gint64 t = 0;

  g_return_val_if_fail (w != NULL, 0);
  g_mutex_lock (&w->lock);
  if (w->history[seq % TX_HISTORY].seq == seq)
    t = w->history[seq % TX_HISTORY].wire_ns;
  g_mutex_unlock (&w->lock);
  return t;
}

/* --- probe ids --------------------------------------------------------------- */

#define ID_TAG   (G_GUINT64_CONSTANT (1) << 63)
#define ID_ECHO  (G_GUINT64_CONSTANT (1) << 62)

guint64
wv_wire_probe_id (gboolean echo, guint class_index, guint32 seq)
{
  return ID_TAG | (echo ? ID_ECHO : 0) | ((guint64) (class_index & 0xff) << 32) | seq;
}

gboolean
wv_wire_probe_id_parse (guint64 id, gboolean *echo, guint *class_index, guint32 *seq)
{
  if ((id & ID_TAG) == 0 || (id & ~(ID_TAG | ID_ECHO | G_GUINT64_CONSTANT (0xffffffffff))) != 0)
    return FALSE;
  *echo = (id & ID_ECHO) != 0;
  *class_index = (guint) ((id >> 32) & 0xff);
  *seq = (guint32) id;
  return TRUE;
}

/* test-wire-time.c: two-step pairing of samples with their follow-ups
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib.h>

#include "wv-wire-time.h"

#define WIRE(seq) (G_GINT64_CONSTANT (1700000000000000000) + (gint64) (seq) * 10000000 + 12345)

/* Arrivals 10 ms apart: a sample gives up once both WV_TWO_STEP_HORIZON
 * later sequence numbers and 0.5 s (50 arrivals) have passed. */
#define GIVE_UP_AFTER (MAX (WV_TWO_STEP_HORIZON, WV_TWO_STEP_HORIZON_NS / 10000000) + 1)

static void
add (WvTwoStep *q, guint32 seq, GArray *out)
{
  static gint64 clock_ns;
  WvTwoStepSample s = { .seq = seq, .arrival_ns = clock_ns += 10000000,
                        .t = { seq * 10, seq * 10 + 1, seq * 10 + 2, 0 } };

  wv_two_step_add (q, &s, out);
}

static const WvTwoStepSample *
at (GArray *out, guint i)
{
  g_assert_cmpuint (i, <, out->len);
  return &g_array_index (out, WvTwoStepSample, i);
}

/* The ordinary case: each probe's follow-up rides on the next probe. */
static void
test_in_order (void)
{
  g_autoptr (WvTwoStep) q = wv_two_step_new (TRUE);
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));

  add (q, 0, out);
  g_assert_cmpuint (out->len, ==, 0);      /* held for its follow-up */
  for (guint32 seq = 1; seq < 100; seq++)
    {
      add (q, seq, out);
      wv_two_step_followup (q, seq - 1, WIRE (seq - 1), out);
      g_assert_cmpuint (out->len, ==, seq);
    }
  for (guint i = 0; i < 99; i++)
    {
      g_assert_cmpuint (at (out, i)->seq, ==, i);
      g_assert_cmpint (at (out, i)->wire_ns, ==, WIRE (i));
      g_assert_cmpint (at (out, i)->t[1], ==, i * 10 + 1);
    }
  g_assert_cmpuint (wv_two_step_get_held (q), ==, 1);
  /* The last one's follow-up comes after the stream (a follow-up packet). */
  wv_two_step_followup (q, 99, WIRE (99), out);
  g_assert_cmpuint (out->len, ==, 100);
  g_assert_cmpint (at (out, 99)->wire_ns, ==, WIRE (99));
}

/* The carrier of a follow-up is lost: the next carrier has it too (two per
 * packet); when every carrier is lost the sample gives up after the
 * horizon and is released without a wire time, in arrival order. */
static void
test_lost_carrier (void)
{
  g_autoptr (WvTwoStep) q = wv_two_step_new (TRUE);
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));

  add (q, 0, out);
  add (q, 1, out);
  /* Probe 2 carried the follow-ups of 1 and 0 and is lost; probe 3 carries
   * those of 2 and 1. */
  add (q, 3, out);
  wv_two_step_followup (q, 2, WIRE (2), out);
  wv_two_step_followup (q, 1, WIRE (1), out);
  /* 0 still waits and blocks the release of 1 (arrival order). */
  g_assert_cmpuint (out->len, ==, 0);
  for (guint32 seq = 4; seq < 4 + GIVE_UP_AFTER; seq++)
    {
      add (q, seq, out);
      wv_two_step_followup (q, seq - 1, WIRE (seq - 1), out);
    }
  /* 0 gave up, then 1, 3, 4 ... followed. */
  g_assert_cmpuint (out->len, >=, 3);
  g_assert_cmpuint (at (out, 0)->seq, ==, 0);
  g_assert_cmpint (at (out, 0)->wire_ns, ==, 0);
  g_assert_cmpuint (at (out, 1)->seq, ==, 1);
  g_assert_cmpint (at (out, 1)->wire_ns, ==, WIRE (1));
  g_assert_cmpuint (at (out, 2)->seq, ==, 3);
  g_assert_cmpint (at (out, 2)->wire_ns, ==, WIRE (3));
}

/* Reordering: a follow-up for a probe that has not arrived yet is kept for
 * it; samples come out in arrival order. */
static void
test_reordering (void)
{
  g_autoptr (WvTwoStep) q = wv_two_step_new (TRUE);
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));

  add (q, 0, out);
  /* 2 overtakes 1 and carries the follow-ups of 1 and 0. */
  add (q, 2, out);
  wv_two_step_followup (q, 1, WIRE (1), out);
  wv_two_step_followup (q, 0, WIRE (0), out);
  g_assert_cmpuint (out->len, ==, 1);
  g_assert_cmpuint (at (out, 0)->seq, ==, 0);
  add (q, 1, out);
  /* 1 arrived with its wire time already known; 2 waits behind nothing
   * but its own follow-up, 1 came after it. */
  g_assert_cmpuint (out->len, ==, 1);
  wv_two_step_followup (q, 2, WIRE (2), out);
  g_assert_cmpuint (out->len, ==, 3);
  g_assert_cmpuint (at (out, 1)->seq, ==, 2);
  g_assert_cmpint (at (out, 1)->wire_ns, ==, WIRE (2));
  g_assert_cmpuint (at (out, 2)->seq, ==, 1);
  g_assert_cmpint (at (out, 2)->wire_ns, ==, WIRE (1));
}

/* Duplicates: of a sample (both copies get the wire time, even the one that
 * arrives after the follow-up) and of a follow-up (no effect). */
static void
test_duplicates (void)
{
  g_autoptr (WvTwoStep) q = wv_two_step_new (TRUE);
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));

  add (q, 5, out);
  add (q, 5, out);
  wv_two_step_followup (q, 5, WIRE (5), out);
  wv_two_step_followup (q, 5, WIRE (5), out);
  g_assert_cmpuint (out->len, ==, 2);
  g_assert_cmpint (at (out, 0)->wire_ns, ==, WIRE (5));
  g_assert_cmpint (at (out, 1)->wire_ns, ==, WIRE (5));
  add (q, 5, out);
  g_assert_cmpuint (out->len, ==, 3);
  g_assert_cmpint (at (out, 2)->wire_ns, ==, WIRE (5));
  /* A follow-up with no time is no follow-up. */
  add (q, 6, out);
  wv_two_step_followup (q, 6, 0, out);
  g_assert_cmpuint (out->len, ==, 3);
  wv_two_step_flush (q, out);
  g_assert_cmpuint (out->len, ==, 4);
  g_assert_cmpint (at (out, 3)->wire_ns, ==, 0);
  g_assert_cmpuint (wv_two_step_get_held (q), ==, 0);
}

/* A peer that sends no follow-ups (older, or a browser): nothing waits. */
static void
test_no_wait (void)
{
  g_autoptr (WvTwoStep) q = wv_two_step_new (FALSE);
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));

  for (guint32 seq = 0; seq < 10; seq++)
    add (q, seq, out);
  g_assert_cmpuint (out->len, ==, 10);
  g_assert_cmpint (at (out, 9)->wire_ns, ==, 0);
}

/* Sequence numbers wrap. */
static void
test_wrap (void)
{
  g_autoptr (WvTwoStep) q = wv_two_step_new (TRUE);
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (WvTwoStepSample));

  add (q, G_MAXUINT32, out);
  add (q, 0, out);
  wv_two_step_followup (q, G_MAXUINT32, WIRE (1), out);
  g_assert_cmpuint (out->len, ==, 1);
  for (guint32 seq = 1; seq < GIVE_UP_AFTER - 2; seq++)
    add (q, seq, out);
  /* Not yet: 0.5 s have not passed since 0 arrived. */
  g_assert_cmpuint (out->len, ==, 1);
  add (q, GIVE_UP_AFTER - 2, out);
  add (q, GIVE_UP_AFTER - 1, out);
  /* 0 gave up, across the wrap. */
  g_assert_cmpuint (out->len, >=, 2);
  g_assert_cmpuint (at (out, 1)->seq, ==, 0);
  g_assert_cmpint (at (out, 1)->wire_ns, ==, 0);
}

/* The sender's book of reported wire times. */
static void
test_wire_tx (void)
{
  g_autoptr (WvWireTx) w = wv_wire_tx_new ();
  WvPacket p = { 0 };
  gboolean echo;
  guint cls;
  guint32 seq;

  wv_wire_tx_fill (w, &p);
  g_assert_cmpuint (p.n_followups, ==, 0);

  /* Steady state: each packet carries the new one and the previous. */
  wv_wire_tx_note (w, 1, WIRE (1));
  wv_wire_tx_fill (w, &p);
  g_assert_cmpuint (p.n_followups, ==, 1);
  g_assert_cmpuint (p.followups[0].seq, ==, 1);
  wv_wire_tx_note (w, 2, WIRE (2));
  wv_wire_tx_fill (w, &p);
  g_assert_cmpuint (p.n_followups, ==, 2);
  g_assert_cmpuint (p.followups[0].seq, ==, 2);
  g_assert_cmpuint (p.followups[1].seq, ==, 1);
  g_assert_cmpint (p.followups[1].wire_ns, ==, WIRE (1));

  /* A burst of late reports (a busy stack): two a packet, oldest first,
   * none skipped, until the backlog is gone. */
  for (guint32 s = 3; s < 8; s++)
    wv_wire_tx_note (w, s, WIRE (s));
  wv_wire_tx_fill (w, &p);
  g_assert_cmpuint (p.followups[0].seq, ==, 3);
  g_assert_cmpuint (p.followups[1].seq, ==, 4);
  wv_wire_tx_note (w, 8, WIRE (8));
  wv_wire_tx_fill (w, &p);
  g_assert_cmpuint (p.followups[0].seq, ==, 5);
  g_assert_cmpuint (p.followups[1].seq, ==, 6);
  wv_wire_tx_fill (w, &p);
  g_assert_cmpuint (p.followups[0].seq, ==, 7);
  g_assert_cmpuint (p.followups[1].seq, ==, 8);
  /* Nothing new: the last one again (the follow-up packet after a stream). */
  wv_wire_tx_fill (w, &p);
  g_assert_cmpuint (p.n_followups, ==, 1);
  g_assert_cmpuint (p.followups[0].seq, ==, 8);

  wv_wire_tx_note (w, 0, WIRE (0));   /* a late report is carried too */
  wv_wire_tx_fill (w, &p);
  g_assert_cmpuint (p.followups[0].seq, ==, 0);
  g_assert_cmpint (wv_wire_tx_lookup (w, 0), ==, WIRE (0));
  g_assert_cmpint (wv_wire_tx_lookup (w, 99), ==, 0);

  g_assert_true (wv_wire_probe_id_parse (wv_wire_probe_id (TRUE, 7, 0xfffffffe), &echo, &cls, &seq));
  g_assert_true (echo);
  g_assert_cmpuint (cls, ==, 7);
  g_assert_cmpuint (seq, ==, 0xfffffffe);
  /* The path prober's ids are not ours. */
  g_assert_false (wv_wire_probe_id_parse ((G_GUINT64_CONSTANT (0xffffffff) << 24) | 1, &echo, &cls, &seq));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wire-time/in-order", test_in_order);
  g_test_add_func ("/wire-time/lost-carrier", test_lost_carrier);
  g_test_add_func ("/wire-time/reordering", test_reordering);
  g_test_add_func ("/wire-time/duplicates", test_duplicates);
  g_test_add_func ("/wire-time/no-wait", test_no_wait);
  g_test_add_func ("/wire-time/wrap", test_wrap);
  g_test_add_func ("/wire-time/wire-tx", test_wire_tx);

  return g_test_run ();
}

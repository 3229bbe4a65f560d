/* test-path-notes.c: ECMP groups, where loss starts, rate limiting, DSCP
 * re-marking, on hand-made hop records
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include <glib.h>

#include "wv-path-notes.h"
#include "wv-test-records.h"

#define PEER "192.0.2.10"

/* Adds a path of @n_ttls hops traced in @rounds rounds: hops[ttl - 1] is
 * its address (NULL silent); lost[ttl - 1] how many rounds it missed; the
 * last hop is the peer. tos >= 0: the TOS sent; rx_tos[ttl - 1] >= 0: the
 * TOS quoted. */
static void
add_path (WvTraceTable *t, guint conn, WvDirection dir, guint rounds, guint n_ttls,
          const char *const *hops, const guint *lost, int tos, const int *rx_tos)
{
  for (guint round = 1; round <= rounds; round++)
    for (guint ttl = 1; ttl <= n_ttls; ttl++)
      {
        gboolean answered = hops[ttl - 1] != NULL && (lost == NULL || round > lost[ttl - 1]);
        WvRecord r = wv_test_hop (conn, 4, dir, round, ttl, answered ? hops[ttl - 1] : NULL,
                                  1.0 * ttl, answered && ttl == n_ttls);

        if (tos >= 0)
          r.hop.has_tos = TRUE, r.hop.tos = (guint8) tos;
        if (answered && rx_tos != NULL && rx_tos[ttl - 1] >= 0)
          r.hop.has_rx_tos = TRUE, r.hop.rx_tos = (guint8) rx_tos[ttl - 1];
        g_assert_true (wv_trace_table_add (t, &r));
      }
}

static const WvPathNote *
find_note (WvPathNotes *notes, WvPathNoteKind kind, guint conn, guint n)
{
  for (guint i = 0; i < notes->notes->len; i++)
    {
      const WvPathNote *note = &g_array_index (notes->notes, WvPathNote, i);

      if (note->kind == kind && note->conn == conn && n-- == 0)
        return note;
    }
  return NULL;
}

static guint
count_notes (WvPathNotes *notes, guint conn)
{
  guint n = 0;

  for (guint i = 0; i < notes->notes->len; i++)
    n += g_array_index (notes->notes, WvPathNote, i).conn == conn;
  return n;
}

static void
test_names (void)
{
  static const struct { guint index; const char *name; } names[] = {
    { 0, "A" }, { 1, "B" }, { 25, "Z" }, { 26, "AA" }, { 27, "AB" }, { 701, "ZZ" }, { 702, "AAA" },
  };
  static const guint conns[] = { 1, 3, 4, 5, 9, 11, 12 };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *name = wv_path_group_name (names[i].index);

      g_assert_cmpstr (name, ==, names[i].name);
    }
  {
    g_autofree char *a = wv_format_connections (conns, G_N_ELEMENTS (conns));
    g_autofree char *b = wv_format_connections (conns + 4, 1);
    g_autofree char *c = wv_format_connections ((const guint[]) { 0, 1, 2, 3, 4, 5, 6 }, 7);

    g_assert_cmpstr (a, ==, "connections 1, 3-5, 9, 11-12");
    g_assert_cmpstr (b, ==, "connection 9");
    g_assert_cmpstr (c, ==, "connections 0-6");
  }
}

/* Eight connections: 0-6 through one pair of routers in the middle, 7
 * through another; connection 3's third hop never answers and must still
 * join its group; the other direction takes one path. */
static void
test_ecmp (void)
{
  static const char *const a[] = { "10.0.0.1", "10.1.0.1", "10.2.0.1", "10.3.0.1", PEER };
  static const char *const a_silent[] = { "10.0.0.1", "10.1.0.1", NULL, "10.3.0.1", PEER };
  static const char *const b[] = { "10.0.0.1", "10.1.0.2", "10.2.0.2", "10.3.0.1", PEER };
  static const char *const back[] = { "10.9.0.1", "10.8.0.1", "192.0.2.7" };
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  g_autoptr(WvPathNotes) notes = NULL;
  const WvPathSet *set;
  const WvPathGroup *g;
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;

  /* Records in a scrambled connection order. */
  add_path (t, 7, WV_DIR_C2S, 3, 5, b, NULL, -1, NULL);
  for (guint c = 0; c < 7; c++)
    add_path (t, c, WV_DIR_C2S, 3, 5, c == 3 ? a_silent : a, NULL, -1, NULL);
  for (guint c = 0; c < 8; c++)
    add_path (t, c, WV_DIR_S2C, 2, 3, back, NULL, -1, NULL);

  notes = wv_path_notes_compute (t);
  g_assert_cmpuint (notes->sets->len, ==, 2);

  set = g_ptr_array_index (notes->sets, 0);
  g_assert_cmpint (set->family, ==, 4);
  g_assert_cmpint (set->dir, ==, WV_DIR_C2S);
  g_assert_cmpuint (set->groups->len, ==, 2);
  g = g_ptr_array_index (set->groups, 0);
  ca = wv_format_connections ((const guint *) (gpointer) g->conns->data, g->conns->len);
  g_assert_cmpstr (ca, ==, "connections 0-6");
  g_assert_cmpuint (g->hops->len, ==, 5);
  /* Connection 3's silent hop is filled in by the others. */
  g_assert_cmpstr (g_ptr_array_index (g->hops, 2), ==, "10.2.0.1");
  g = g_ptr_array_index (set->groups, 1);
  cb = wv_format_connections ((const guint *) (gpointer) g->conns->data, g->conns->len);
  g_assert_cmpstr (cb, ==, "connection 7");
  g_assert_cmpstr (g_ptr_array_index (g->hops, 1), ==, "10.1.0.2");
  g_assert_cmpuint (set->differing->len, ==, 2);
  g_assert_cmpuint (g_array_index (set->differing, guint, 0), ==, 2);
  g_assert_cmpuint (g_array_index (set->differing, guint, 1), ==, 3);

  set = g_ptr_array_index (notes->sets, 1);
  g_assert_cmpint (set->dir, ==, WV_DIR_S2C);
  g_assert_cmpuint (set->groups->len, ==, 1);
  g_assert_cmpuint (((WvPathGroup *) g_ptr_array_index (set->groups, 0))->conns->len, ==, 8);
  g_assert_cmpuint (set->differing->len, ==, 0);

  /* No loss, no marking: nothing else to say. */
  g_assert_cmpuint (notes->notes->len, ==, 0);
}

/* Three rounds. Hop 2 misses one answer while hops 3 and later miss none:
 * rate limiting. Hop 4 and the peer miss one each: loss from hop 4. */
static void
test_loss (void)
{
  static const char *const hops[] = { "10.0.0.1", "10.1.0.1", "10.2.0.1", "10.3.0.1", PEER };
  static const guint lost[] = { 0, 1, 0, 1, 1 };
  static const guint lost_all[] = { 1, 2, 0, 0, 0 };
  static const guint lost_last[] = { 0, 0, 0, 0, 2 };
  static const char *const unreached[] = { "10.0.0.1", "10.1.0.1", "10.2.0.1", NULL, NULL };
  static const guint lost_unreached[] = { 1, 0, 2, 0, 0 };
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  g_autoptr(WvPathNotes) notes = NULL;
  const WvPathNote *n;

  add_path (t, 0, WV_DIR_S2C, 3, 5, hops, lost, -1, NULL);
  add_path (t, 1, WV_DIR_S2C, 3, 5, hops, lost_all, -1, NULL);
  add_path (t, 2, WV_DIR_S2C, 3, 5, hops, lost_last, -1, NULL);
  add_path (t, 3, WV_DIR_S2C, 3, 5, unreached, lost_unreached, -1, NULL);
  notes = wv_path_notes_compute (t);

  n = find_note (notes, WV_PATH_NOTE_LOSS_FROM, 0, 0);
  g_assert_nonnull (n);
  g_assert_cmpuint (n->ttl, ==, 4);
  g_assert_cmpstr (n->addr, ==, "10.3.0.1");
  g_assert_cmpfloat_with_epsilon (n->loss_pct, 100.0 / 3, 1e-9);
  g_assert_cmpint (n->dir, ==, WV_DIR_S2C);
  n = find_note (notes, WV_PATH_NOTE_RATE_LIMIT, 0, 0);
  g_assert_nonnull (n);
  g_assert_cmpuint (n->ttl, ==, 2);
  g_assert_cmpuint (n->later_ttl, ==, 3);
  g_assert_cmpstr (n->addr, ==, "10.1.0.1");
  g_assert_cmpuint (count_notes (notes, 0), ==, 2);

  /* Loss at hops 1 and 2 only, none later: both are rate limits, and
   * there is no loss to the peer. */
  g_assert_null (find_note (notes, WV_PATH_NOTE_LOSS_FROM, 1, 0));
  n = find_note (notes, WV_PATH_NOTE_RATE_LIMIT, 1, 0);
  g_assert_cmpuint (n->ttl, ==, 1);
  g_assert_cmpfloat_with_epsilon (n->loss_pct, 100.0 / 3, 1e-9);
  n = find_note (notes, WV_PATH_NOTE_RATE_LIMIT, 1, 1);
  g_assert_cmpuint (n->ttl, ==, 2);
  g_assert_cmpfloat_with_epsilon (n->loss_pct, 200.0 / 3, 1e-9);
  g_assert_cmpuint (count_notes (notes, 1), ==, 2);

  /* Loss only at the peer: it starts on the last link. */
  n = find_note (notes, WV_PATH_NOTE_LOSS_FROM, 2, 0);
  g_assert_cmpuint (n->ttl, ==, 5);
  g_assert_cmpstr (n->addr, ==, PEER);
  g_assert_cmpuint (count_notes (notes, 2), ==, 1);

  /* The peer never answered: no "loss to the peer"; hop 1 still lost
   * while hop 2 did not (rate limit); hop 3, the last that answered, has
   * no later hop to compare with. */
  g_assert_null (find_note (notes, WV_PATH_NOTE_LOSS_FROM, 3, 0));
  n = find_note (notes, WV_PATH_NOTE_RATE_LIMIT, 3, 0);
  g_assert_cmpuint (n->ttl, ==, 1);
  g_assert_cmpuint (count_notes (notes, 3), ==, 1);
}

static void
test_dscp (void)
{
  static const char *const hops[] = { "10.0.0.1", "10.1.0.1", NULL, "10.3.0.1", PEER };
  /* EF (184) kept by hops 1-2, CS0 at hop 4: re-marked between 2 and 4. */
  static const int remark[] = { 184, 184, -1, 0, -1 };
  /* ECN bits change (185), the DSCP does not: kept up to hop 4. */
  static const int kept[] = { 184, 185, -1, 184, -1 };
  /* Re-marked by the very first router. */
  static const int first[] = { 40, 40, -1, 40, -1 };
  static const int zero[] = { 0, 1, -1, 0, -1 };
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  g_autoptr(WvPathNotes) notes = NULL;
  const WvPathNote *n;

  add_path (t, 0, WV_DIR_C2S, 1, 5, hops, NULL, 184, remark);
  add_path (t, 1, WV_DIR_C2S, 1, 5, hops, NULL, 184, kept);
  add_path (t, 2, WV_DIR_C2S, 1, 5, hops, NULL, 184, first);
  add_path (t, 3, WV_DIR_C2S, 1, 5, hops, NULL, 184, NULL);     /* no helper */
  add_path (t, 4, WV_DIR_C2S, 1, 5, hops, NULL, -1, NULL);      /* unmarked, unquoted */
  add_path (t, 5, WV_DIR_C2S, 1, 5, hops, NULL, -1, first);     /* unmarked, set to AF11 */
  add_path (t, 6, WV_DIR_C2S, 1, 5, hops, NULL, -1, zero);      /* unmarked, kept */
  notes = wv_path_notes_compute (t);

  n = find_note (notes, WV_PATH_NOTE_REMARKED, 0, 0);
  g_assert_nonnull (n);
  g_assert_cmpuint (n->prev_ttl, ==, 2);
  g_assert_cmpuint (n->ttl, ==, 4);
  g_assert_cmpstr (n->addr, ==, "10.3.0.1");
  g_assert_cmpint (n->dscp_before, ==, 46);
  g_assert_cmpint (n->dscp_after, ==, 0);
  g_assert_cmpuint (count_notes (notes, 0), ==, 1);

  n = find_note (notes, WV_PATH_NOTE_DSCP_KEPT, 1, 0);
  g_assert_nonnull (n);
  g_assert_cmpuint (n->ttl, ==, 4);
  g_assert_cmpint (n->dscp_before, ==, 46);
  g_assert_cmpuint (count_notes (notes, 1), ==, 1);

  n = find_note (notes, WV_PATH_NOTE_REMARKED, 2, 0);
  g_assert_cmpuint (n->prev_ttl, ==, 0);
  g_assert_cmpuint (n->ttl, ==, 1);
  g_assert_cmpint (n->dscp_before, ==, 46);
  g_assert_cmpint (n->dscp_after, ==, 10);
  g_assert_cmpuint (count_notes (notes, 2), ==, 1);

  n = find_note (notes, WV_PATH_NOTE_DSCP_UNKNOWN, 3, 0);
  g_assert_nonnull (n);
  g_assert_cmpint (n->dscp_before, ==, 46);
  g_assert_cmpuint (count_notes (notes, 3), ==, 1);

  g_assert_cmpuint (count_notes (notes, 4), ==, 0);

  n = find_note (notes, WV_PATH_NOTE_REMARKED, 5, 0);
  g_assert_cmpint (n->dscp_before, ==, 0);
  g_assert_cmpint (n->dscp_after, ==, 10);

  /* Unmarked probes that arrived unmarked: nothing to say. */
  g_assert_cmpuint (count_notes (notes, 6), ==, 0);
}

static void
test_empty (void)
{
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  g_autoptr(WvPathNotes) notes = NULL;
  WvRecord mtu = wv_test_mtu (0, WV_DIR_C2S, 2, "10.0.0.1", 1400);

  /* An MTU search alone (no traceroute) groups nothing. */
  g_assert_true (wv_trace_table_add (t, &mtu));
  notes = wv_path_notes_compute (t);
  g_assert_cmpuint (notes->sets->len, ==, 0);
  g_assert_cmpuint (notes->notes->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/path-notes/names", test_names);
  g_test_add_func ("/path-notes/ecmp", test_ecmp);
  g_test_add_func ("/path-notes/loss", test_loss);
  g_test_add_func ("/path-notes/dscp", test_dscp);
  g_test_add_func ("/path-notes/empty", test_empty);
  return g_test_run ();
}

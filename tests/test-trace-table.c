/* test-trace-table.c: traceroute and MTU records per path, hand-computed
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * WvTraceTable aggregates the hop, mtu and path_mtu records of a run per
 * connection and direction for the CLI's path tables and the GUI's
 * traceroute and MTU pages. Every expected value is computed by hand from
 * the records the tests make.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib.h>

#include "wv-trace-table.h"
#include "wv-test-records.h"

static WvRecord
path_mtu (guint       conn,
          int         family,
          WvDirection dir,
          guint       value,
          gboolean    confirmed)
{
  WvRecord r = wv_test_record (WV_RECORD_PATH_MTU, conn, family, dir);

  r.path_mtu.mtu = value;
  r.path_mtu.confirmed = confirmed;
  return r;
}

static void
test_trace_aggregate (void)
{
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  WvTraceHop h;
  WvTracePathKey key;
  WvRecord r;
  gboolean confirmed;

  /* Three rounds, TTL 1..3; TTL 2 silent in round 2 and answered by
   * another router in round 3; TTL 3 is the peer. */
  for (guint round = 1; round <= 3; round++)
    {
      r = wv_test_hop (0, 4, WV_DIR_C2S, round, 1, "10.0.0.1", 1.0 * round, FALSE);
      g_assert_true (wv_trace_table_add (t, &r));
      r = wv_test_hop (0, 4, WV_DIR_C2S, round, 2, round == 2 ? NULL : round == 3 ? "10.1.0.9" : "10.1.0.1",
               4.0 + round, FALSE);
      g_assert_true (wv_trace_table_add (t, &r));
      r = wv_test_hop (0, 4, WV_DIR_C2S, round, 3, "192.0.2.5", 9.0 + round, TRUE);
      g_assert_true (wv_trace_table_add (t, &r));
    }
  g_assert_cmpuint (wv_trace_table_get_n_paths (t), ==, 1);
  wv_trace_table_get_key (t, 0, &key);
  g_assert_cmpuint (key.conn, ==, 0);
  g_assert_cmpint (key.family, ==, 4);
  g_assert_cmpint (key.dir, ==, WV_DIR_C2S);
  g_assert_cmpuint (wv_trace_table_get_n_hops (t, 0), ==, 3);
  g_assert_true (wv_trace_table_get_reached (t, 0));
  g_assert_true (wv_trace_table_has_traceroute (t, 0));
  g_assert_cmpuint (wv_trace_table_get_n_rounds (t, 0), ==, 3);

  g_assert_true (wv_trace_table_get_hop (t, 0, 0, &h));
  g_assert_cmpuint (h.ttl, ==, 1);
  g_assert_cmpstr (h.address, ==, "10.0.0.1");
  g_assert_cmpuint (h.probes, ==, 3);
  g_assert_cmpuint (h.answers, ==, 3);
  g_assert_cmpuint (h.rtt.n, ==, 3);
  g_assert_cmpfloat (h.rtt.min, ==, 1.0);
  g_assert_cmpfloat (h.rtt.max, ==, 3.0);
  g_assert_cmpfloat (h.rtt.mean, ==, 2.0);
  g_assert_cmpfloat (h.rtt.p50, ==, 2.0);
  g_assert_cmpfloat (h.loss_pct, ==, 0.0);
  g_assert_false (h.reached);

  /* TTL 2: 10.1.0.1 (round 1) and 10.1.0.9 (round 3) once each: the
   * first wins the tie; RTTs 5 and 7; one of three probes lost. */
  g_assert_true (wv_trace_table_get_hop (t, 0, 1, &h));
  g_assert_cmpstr (h.address, ==, "10.1.0.1");
  g_assert_cmpuint (h.n_addresses, ==, 2);
  g_assert_cmpuint (h.probes, ==, 3);
  g_assert_cmpuint (h.answers, ==, 2);
  g_assert_cmpfloat (h.rtt.min, ==, 5.0);
  g_assert_cmpfloat (h.rtt.max, ==, 7.0);
  g_assert_cmpfloat (h.rtt.mean, ==, 6.0);
  g_assert_cmpfloat_with_epsilon (h.loss_pct, 100.0 / 3, 1e-12);

  g_assert_true (wv_trace_table_get_hop (t, 0, 2, &h));
  g_assert_true (h.reached);
  g_assert_false (h.has_mtu);
  g_assert_false (wv_trace_table_get_hop (t, 0, 3, &h));

  /* MTU per hop and path MTU. */
  r = wv_test_mtu (0, WV_DIR_C2S, 1, "10.0.0.1", 1500);
  g_assert_true (wv_trace_table_add (t, &r));
  r = wv_test_mtu (0, WV_DIR_C2S, 2, "", 0);
  g_assert_true (wv_trace_table_add (t, &r));
  g_assert_true (wv_trace_table_get_hop (t, 0, 0, &h));
  g_assert_true (h.has_mtu);
  g_assert_cmpuint (h.mtu, ==, 1500);
  g_assert_cmpstr (h.mtu_address, ==, "10.0.0.1");
  g_assert_true (wv_trace_table_get_hop (t, 0, 1, &h));
  g_assert_true (h.has_mtu);
  g_assert_cmpuint (h.mtu, ==, 0);
  g_assert_null (h.mtu_address);
  g_assert_cmpuint (wv_trace_table_get_path_mtu (t, 0, &confirmed), ==, 0);
  g_assert_false (confirmed);
  r = wv_test_record (WV_RECORD_PATH_MTU, 0, 4, WV_DIR_C2S);
  r.path_mtu.mtu = 1480;
  r.path_mtu.confirmed = TRUE;
  g_assert_true (wv_trace_table_add (t, &r));
  g_assert_cmpuint (wv_trace_table_get_path_mtu (t, 0, &confirmed), ==, 1480);
  g_assert_true (confirmed);
}

static void
test_trace_not_reached (void)
{
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  WvTraceHop h;
  WvRecord r;

  /* Nobody answers past TTL 2 up to the limit of 4; the MTU search
   * reports a hop the traceroute did not probe. */
  for (guint ttl = 1; ttl <= 4; ttl++)
    {
      r = wv_test_hop (3, 6, WV_DIR_S2C, 1, ttl, ttl <= 2 ? "2001:db8::1" : NULL, 1.5, FALSE);
      g_assert_true (wv_trace_table_add (t, &r));
    }
  r = wv_test_mtu (3, WV_DIR_S2C, 6, "2001:db8::6", 1280);
  r.family = 6;
  g_assert_true (wv_trace_table_add (t, &r));

  g_assert_false (wv_trace_table_get_reached (t, 0));
  g_assert_cmpuint (wv_trace_table_get_n_hops (t, 0), ==, 4);
  g_assert_cmpuint (wv_trace_table_get_n_ttls (t, 0), ==, 6);
  g_assert_true (wv_trace_table_get_hop (t, 0, 3, &h));
  g_assert_null (h.address);
  g_assert_cmpuint (h.answers, ==, 0);
  g_assert_cmpfloat (h.loss_pct, ==, 100.0);
  g_assert_cmpuint (h.rtt.n, ==, 0);
  /* TTL 5: neither probed nor measured. */
  g_assert_true (wv_trace_table_get_hop (t, 0, 4, &h));
  g_assert_cmpuint (h.probes, ==, 0);
  g_assert_true (isnan (h.loss_pct));
  g_assert_false (h.has_mtu);
  g_assert_true (wv_trace_table_get_hop (t, 0, 5, &h));
  g_assert_cmpuint (h.mtu, ==, 1280);
}

static void
test_trace_bad_records (void)
{
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  WvRecord r;

  r = wv_test_hop (0, 4, WV_DIR_C2S, 1, 0, "10.0.0.1", 1, FALSE);
  g_assert_false (wv_trace_table_add (t, &r));
  r = wv_test_hop (0, 4, WV_DIR_C2S, 1, WV_TRACE_TABLE_MAX_TTL + 1, "10.0.0.1", 1, FALSE);
  g_assert_false (wv_trace_table_add (t, &r));
  r = wv_test_hop (0, 5, WV_DIR_C2S, 1, 1, "10.0.0.1", 1, FALSE);
  g_assert_false (wv_trace_table_add (t, &r));
  r = wv_test_hop (0, 4, 2, 1, 1, "10.0.0.1", 1, FALSE);
  g_assert_false (wv_trace_table_add (t, &r));
  /* An address without its terminating NUL, and one that is not text. */
  r = wv_test_hop (0, 4, WV_DIR_C2S, 1, 1, NULL, 1, FALSE);
  memset (r.hop.addr, 'a', sizeof r.hop.addr);
  g_assert_false (wv_trace_table_add (t, &r));
  r = wv_test_hop (0, 4, WV_DIR_C2S, 1, 1, "10.0.0.\xff", 1, FALSE);
  g_assert_false (wv_trace_table_add (t, &r));
  r = wv_test_mtu (0, WV_DIR_C2S, 0, "10.0.0.1", 1500);
  g_assert_false (wv_trace_table_add (t, &r));
  r = wv_test_record (WV_RECORD_STATS, 0, 4, WV_DIR_C2S);
  g_assert_false (wv_trace_table_add (t, &r));
  r.type = WV_N_RECORD_TYPES;
  g_assert_false (wv_trace_table_add (t, &r));
  /* An RTT that is not a number counts as silence. */
  r = wv_test_hop (0, 4, WV_DIR_C2S, 1, 1, "10.0.0.1", NAN, FALSE);
  g_assert_true (wv_trace_table_add (t, &r));
  {
    WvTraceHop h;

    g_assert_true (wv_trace_table_get_hop (t, 0, 0, &h));
    g_assert_cmpuint (h.probes, ==, 1);
    g_assert_cmpuint (h.answers, ==, 0);
  }
  g_assert_cmpuint (wv_trace_table_get_n_paths (t), ==, 1);

  /* At most WV_TRACE_TABLE_MAX_PATHS paths, kept in connection order. */
  for (guint c = WV_TRACE_TABLE_MAX_PATHS - 1; c > 0; c--)
    {
      r = wv_test_hop (c, 4, WV_DIR_S2C, 1, 1, "10.0.0.1", 1, FALSE);
      g_assert_true (wv_trace_table_add (t, &r));
    }
  r = wv_test_hop (WV_TRACE_TABLE_MAX_PATHS, 4, WV_DIR_S2C, 1, 1, "10.0.0.1", 1, FALSE);
  g_assert_false (wv_trace_table_add (t, &r));
  g_assert_cmpuint (wv_trace_table_get_n_paths (t), ==, WV_TRACE_TABLE_MAX_PATHS);
  g_assert_cmpint (wv_trace_table_find (t, 0, WV_DIR_C2S), ==, 0);
  g_assert_cmpint (wv_trace_table_find (t, 1, WV_DIR_S2C), ==, 1);
  g_assert_cmpint (wv_trace_table_find (t, 7, WV_DIR_S2C), ==, 7);
  g_assert_cmpint (wv_trace_table_find (t, 7, WV_DIR_C2S), ==, -1);
}

/* What the CLI's path table prints (wv-cmd-run.c): the rounds in the
 * header, a silent hop as "no reply", the hops' MTUs and the path MTU, for
 * every path in connection order, client-to-server first, whatever order
 * the records came in. */
static void
test_trace_cli (void)
{
  g_autoptr(WvTraceTable) t = wv_trace_table_new ();
  WvTraceHop h;
  WvTracePathKey key;
  WvRecord r;
  gboolean confirmed = TRUE;

  /* Connection 1, server to client, first: two rounds, TTL 2 silent in
   * both, the peer at TTL 3. */
  for (guint round = 1; round <= 2; round++)
    {
      r = wv_test_hop (1, 6, WV_DIR_S2C, round, 1, "2001:db8::1", 0.5 * round, FALSE);
      g_assert_true (wv_trace_table_add (t, &r));
      r = wv_test_hop (1, 6, WV_DIR_S2C, round, 2, NULL, 0, FALSE);
      g_assert_true (wv_trace_table_add (t, &r));
      r = wv_test_hop (1, 6, WV_DIR_S2C, round, 3, "2001:db8::99", 2.0 * round, TRUE);
      g_assert_true (wv_trace_table_add (t, &r));
    }
  r = path_mtu (1, 6, WV_DIR_S2C, 1400, FALSE);
  g_assert_true (wv_trace_table_add (t, &r));
  /* Connection 0, client to server: an MTU search only, no traceroute. */
  r = path_mtu (0, 4, WV_DIR_C2S, 1500, TRUE);
  g_assert_true (wv_trace_table_add (t, &r));
  /* Connection 1, client to server: one round, the peer at TTL 1. */
  r = wv_test_hop (1, 6, WV_DIR_C2S, 1, 1, "2001:db8::99", 0.25, TRUE);
  g_assert_true (wv_trace_table_add (t, &r));
  r = wv_test_mtu (1, WV_DIR_C2S, 1, "2001:db8::99", 1280);
  r.family = 6;
  g_assert_true (wv_trace_table_add (t, &r));

  g_assert_cmpuint (wv_trace_table_get_n_paths (t), ==, 3);
  wv_trace_table_get_key (t, 0, &key);
  g_assert_cmpuint (key.conn, ==, 0);
  g_assert_cmpint (key.dir, ==, WV_DIR_C2S);
  g_assert_cmpint (key.family, ==, 4);
  wv_trace_table_get_key (t, 1, &key);
  g_assert_cmpuint (key.conn, ==, 1);
  g_assert_cmpint (key.dir, ==, WV_DIR_C2S);
  g_assert_cmpint (key.family, ==, 6);
  wv_trace_table_get_key (t, 2, &key);
  g_assert_cmpuint (key.conn, ==, 1);
  g_assert_cmpint (key.dir, ==, WV_DIR_S2C);

  /* Connection 0: "(0 rounds)", no hops, the confirmed path MTU. */
  g_assert_cmpuint (wv_trace_table_get_n_rounds (t, 0), ==, 0);
  g_assert_false (wv_trace_table_has_traceroute (t, 0));
  g_assert_cmpuint (wv_trace_table_get_n_hops (t, 0), ==, 0);
  g_assert_cmpuint (wv_trace_table_get_path_mtu (t, 0, &confirmed), ==, 1500);
  g_assert_true (confirmed);

  /* Connection 1 c2s: one round, one hop that is the peer, its MTU, and
   * no path MTU. */
  g_assert_cmpuint (wv_trace_table_get_n_rounds (t, 1), ==, 1);
  g_assert_cmpuint (wv_trace_table_get_n_hops (t, 1), ==, 1);
  g_assert_true (wv_trace_table_get_hop (t, 1, 0, &h));
  g_assert_cmpstr (h.address, ==, "2001:db8::99");
  g_assert_true (h.reached);
  g_assert_true (h.has_mtu);
  g_assert_cmpuint (h.mtu, ==, 1280);
  g_assert_cmpfloat (h.rtt.min, ==, 0.25);
  g_assert_cmpfloat (h.rtt.mean, ==, 0.25);
  g_assert_cmpfloat (h.rtt.max, ==, 0.25);
  g_assert_cmpuint (wv_trace_table_get_path_mtu (t, 1, &confirmed), ==, 0);
  g_assert_false (confirmed);

  /* Connection 1 s2c: two rounds; TTL 1 RTTs 0.5 and 1.0; TTL 2 silent:
   * no address, two probes, no answer; the peer at TTL 3, RTTs 2 and 4;
   * path MTU 1400, not confirmed. */
  g_assert_cmpuint (wv_trace_table_get_n_rounds (t, 2), ==, 2);
  g_assert_cmpuint (wv_trace_table_get_n_hops (t, 2), ==, 3);
  g_assert_true (wv_trace_table_get_reached (t, 2));
  g_assert_true (wv_trace_table_get_hop (t, 2, 0, &h));
  g_assert_cmpstr (h.address, ==, "2001:db8::1");
  g_assert_cmpfloat (h.rtt.min, ==, 0.5);
  g_assert_cmpfloat (h.rtt.mean, ==, 0.75);
  g_assert_cmpfloat (h.rtt.max, ==, 1.0);
  g_assert_cmpfloat (h.loss_pct, ==, 0.0);
  g_assert_false (h.reached);
  g_assert_false (h.has_mtu);
  g_assert_true (wv_trace_table_get_hop (t, 2, 1, &h));
  g_assert_null (h.address);
  g_assert_cmpuint (h.probes, ==, 2);
  g_assert_cmpuint (h.answers, ==, 0);
  g_assert_cmpuint (h.rtt.n, ==, 0);
  g_assert_cmpfloat (h.loss_pct, ==, 100.0);
  g_assert_false (h.reached);
  g_assert_true (wv_trace_table_get_hop (t, 2, 2, &h));
  g_assert_cmpstr (h.address, ==, "2001:db8::99");
  g_assert_cmpfloat (h.rtt.min, ==, 2.0);
  g_assert_cmpfloat (h.rtt.mean, ==, 3.0);
  g_assert_cmpfloat (h.rtt.max, ==, 4.0);
  g_assert_true (h.reached);
  g_assert_cmpuint (wv_trace_table_get_path_mtu (t, 2, &confirmed), ==, 1400);
  g_assert_false (confirmed);

  /* A later round raises the count; a round that is left out (bad TTL)
   * does not. */
  r = wv_test_hop (1, 6, WV_DIR_S2C, 3, 1, "2001:db8::1", 0.75, FALSE);
  g_assert_true (wv_trace_table_add (t, &r));
  r = wv_test_hop (1, 6, WV_DIR_S2C, 9, 0, "2001:db8::1", 0.75, FALSE);
  g_assert_false (wv_trace_table_add (t, &r));
  g_assert_cmpuint (wv_trace_table_get_n_rounds (t, 2), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trace-table/aggregate", test_trace_aggregate);
  g_test_add_func ("/trace-table/not-reached", test_trace_not_reached);
  g_test_add_func ("/trace-table/bad-records", test_trace_bad_records);
  g_test_add_func ("/trace-table/cli", test_trace_cli);
  return g_test_run ();
}

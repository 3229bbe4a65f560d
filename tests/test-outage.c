/* test-outage.c: the outage detector and the tail-loss rule on hand-made
 * arrival sequences
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "wv-outage.h"

#define MS G_GINT64_CONSTANT (1000000)
#define SEC G_GINT64_CONSTANT (1000000000)
#define T0 (G_GINT64_CONSTANT (1763800000) * SEC)

/* Feeds seq first..last of one stream, one per interval from @t; FALSE if
 * any arrival ended an outage. */
static gboolean
feed (WvOutageDetector *d, guint stream, guint32 first, guint32 last, gint64 t, gint64 interval)
{
  WvOutage o;

  for (guint32 s = first; s <= last; s++)
    if (wv_outage_detector_arrival (d, t + (gint64) (s - first) * interval, stream, s, &o))
      return FALSE;
  return TRUE;
}

/* A steady 100 probes/s stream has no outage, however often it is checked. */
static void
test_steady (void)
{
  WvOutageDetector *d = wv_outage_detector_new (10 * MS, 1);
  WvOutage o;

  wv_outage_detector_start (d, T0);
  for (guint32 s = 0; s < 1000; s++)
    {
      g_assert_false (wv_outage_detector_arrival (d, T0 + 5 * MS + s * 10 * MS, 0, s, &o));
      g_assert_false (wv_outage_detector_check (d, T0 + 9 * MS + s * 10 * MS, &o));
    }
  g_assert_false (wv_outage_detector_is_open (d));
  /* At 100 probes/s, 3 intervals are less than the floor. */
  g_assert_cmpint (wv_outage_detector_get_threshold (d), ==, WV_OUTAGE_MIN_GAP_NS);
  g_assert_false (wv_outage_detector_finish (d, T0 + 10 * SEC, &o));
  wv_outage_detector_free (d);
}

/* 2 s without probes at 100/s: opens once the threshold has passed, from
 * the last arrival; ends at the first arrival after, 200 probes lost. */
static void
test_gap (void)
{
  WvOutageDetector *d = wv_outage_detector_new (10 * MS, 1);
  gint64 last = T0 + 99 * 10 * MS;
  WvOutage o;

  wv_outage_detector_start (d, T0);
  g_assert_true (feed (d, 0, 0, 99, T0, 10 * MS));
  /* Reported open only after WV_OUTAGE_REPORT_MIN_NS: the receiver's main
   * loop may just be late. */
  g_assert_false (wv_outage_detector_check (d, last + WV_OUTAGE_REPORT_MIN_NS, &o));
  g_assert_true (wv_outage_detector_check (d, last + WV_OUTAGE_REPORT_MIN_NS + 1, &o));
  g_assert_cmpint (o.start_ns, ==, last);
  g_assert_cmpint (o.end_ns, ==, 0);
  g_assert_true (wv_outage_detector_is_open (d));
  /* Reported once. */
  g_assert_false (wv_outage_detector_check (d, last + SEC, &o));

  g_assert_true (wv_outage_detector_arrival (d, last + 2010 * MS, 0, 300, &o));
  g_assert_cmpint (o.start_ns, ==, last);
  g_assert_cmpint (o.end_ns, ==, last + 2010 * MS);
  g_assert_cmpuint (o.probes_lost, ==, 200);
  g_assert_false (wv_outage_detector_is_open (d));
  /* The stream goes on normally. */
  g_assert_true (feed (d, 0, 301, 400, last + 2020 * MS, 10 * MS));
  wv_outage_detector_free (d);
}

/* The sender's SCTP held most of the probes due in a 2 s gap and delivers
 * them in a burst when the path is back: the first to come back is only
 * 30 numbers on. The outage counts the 200 probes due while nothing
 * arrived, not the 30 missing numbers; the burst neither ends another
 * outage nor counts again. */
static void
test_held_back (void)
{
  WvOutageDetector *d = wv_outage_detector_new (10 * MS, 1);
  gint64 last = T0 + 99 * 10 * MS;
  WvOutage o;

  wv_outage_detector_start (d, T0);
  g_assert_true (feed (d, 0, 0, 99, T0, 10 * MS));
  g_assert_true (wv_outage_detector_arrival (d, last + 2010 * MS, 0, 130, &o));
  g_assert_cmpint (o.end_ns - o.start_ns, ==, 2010 * MS);
  g_assert_cmpuint (o.probes_lost, ==, 200);
  /* The held-back probes, 0.1 ms apart, then the stream on its schedule. */
  g_assert_true (feed (d, 0, 131, 300, last + 2010 * MS + 100 * 1000, 100 * 1000));
  g_assert_true (feed (d, 0, 301, 400, last + 2040 * MS, 10 * MS));
  wv_outage_detector_free (d);
}

/* A gap that ends before a check saw it is an outage all the same: the
 * arrival times decide, not when the detector was asked. */
static void
test_gap_between_checks (void)
{
  WvOutageDetector *d = wv_outage_detector_new (10 * MS, 1);
  WvOutage o;

  wv_outage_detector_start (d, T0);
  g_assert_true (feed (d, 0, 0, 9, T0, 10 * MS));
  g_assert_true (wv_outage_detector_arrival (d, T0 + 90 * MS + 150 * MS, 0, 25, &o));
  g_assert_cmpint (o.end_ns - o.start_ns, ==, 150 * MS);
  g_assert_cmpuint (o.probes_lost, ==, 15);
  /* A gap just under the threshold is a loss burst, not an outage. */
  g_assert_true (feed (d, 0, 26, 40, T0 + 250 * MS, 10 * MS));
  g_assert_false (wv_outage_detector_arrival (d, T0 + 390 * MS + WV_OUTAGE_MIN_GAP_NS, 0, 50, &o));
  wv_outage_detector_free (d);
}

/* Jitter raises the threshold: at 10 probes/s with gaps alternating 160
 * and 40 ms (60 ms off the interval), 3 x 100 + 4 x 60 = 540 ms. */
static void
test_jitter (void)
{
  WvOutageDetector *d = wv_outage_detector_new (100 * MS, 1);
  gint64 t = T0, threshold;
  WvOutage o;

  wv_outage_detector_start (d, T0);
  for (guint32 s = 0; s < 400; s++)
    {
      t = T0 + s * 100 * MS + (s % 2) * 60 * MS;
      g_assert_false (wv_outage_detector_arrival (d, t, 0, s, &o));
    }
  threshold = wv_outage_detector_get_threshold (d);
  g_assert_cmpint (threshold, >, 530 * MS);
  g_assert_cmpint (threshold, <, 550 * MS);
  g_assert_false (wv_outage_detector_check (d, t + 520 * MS, &o));
  g_assert_true (wv_outage_detector_check (d, t + 560 * MS, &o));
  wv_outage_detector_free (d);
}

/* Late (reordered) and duplicated probes neither end an outage nor move
 * the stream's sequence back. */
static void
test_reordered (void)
{
  WvOutageDetector *d = wv_outage_detector_new (10 * MS, 1);
  WvOutage o;

  wv_outage_detector_start (d, T0);
  g_assert_true (feed (d, 0, 0, 50, T0, 10 * MS));
  g_assert_true (wv_outage_detector_check (d, T0 + 1100 * MS, &o));
  g_assert_false (wv_outage_detector_arrival (d, T0 + 1200 * MS, 0, 49, &o));
  g_assert_false (wv_outage_detector_arrival (d, T0 + 1200 * MS, 0, 50, &o));
  g_assert_true (wv_outage_detector_is_open (d));
  g_assert_true (wv_outage_detector_arrival (d, T0 + 1210 * MS, 0, 171, &o));
  g_assert_cmpuint (o.probes_lost, ==, 120);
  wv_outage_detector_free (d);
}

/* Two streams (DSCP classes) on one schedule: the one that comes back
 * first counts for both. */
static void
test_two_streams (void)
{
  WvOutageDetector *d = wv_outage_detector_new (10 * MS, 2);
  WvOutage o;

  wv_outage_detector_start (d, T0);
  for (guint32 s = 0; s < 100; s++)
    {
      g_assert_false (wv_outage_detector_arrival (d, T0 + s * 10 * MS, 0, s, &o));
      g_assert_false (wv_outage_detector_arrival (d, T0 + s * 10 * MS + 3 * MS, 1, s, &o));
    }
  g_assert_true (wv_outage_detector_arrival (d, T0 + 1500 * MS, 1, 150, &o));
  g_assert_cmpuint (o.probes_lost, ==, 2 * 50);
  /* The other stream's first probe after the gap is no new outage. */
  g_assert_false (wv_outage_detector_arrival (d, T0 + 1502 * MS, 0, 150, &o));
  wv_outage_detector_free (d);
}

/* Silence from the start: the first probe ends an outage counted by the
 * rate. An outage still open when the streams stop ends there. */
static void
test_start_and_finish (void)
{
  WvOutageDetector *d = wv_outage_detector_new (10 * MS, 1);
  WvOutage o;

  wv_outage_detector_start (d, T0);
  /* The first probe may take a round trip and a busy host: up to 1 s. */
  g_assert_false (wv_outage_detector_check (d, T0 + WV_OUTAGE_START_GRACE_NS, &o));
  g_assert_true (wv_outage_detector_check (d, T0 + 1100 * MS, &o));
  g_assert_cmpint (o.start_ns, ==, T0);
  g_assert_true (wv_outage_detector_arrival (d, T0 + 1500 * MS, 0, 0, &o));
  g_assert_cmpint (o.start_ns, ==, T0);
  g_assert_cmpint (o.end_ns, ==, T0 + 1500 * MS);
  g_assert_cmpuint (o.probes_lost, ==, 150);
  /* A first probe within the grace ends nothing. */
  wv_outage_detector_start (d, T0);
  g_assert_false (wv_outage_detector_arrival (d, T0 + 900 * MS, 0, 0, &o));
  wv_outage_detector_start (d, T0);

  g_assert_true (feed (d, 0, 1, 100, T0 + 10 * MS, 10 * MS));
  g_assert_true (wv_outage_detector_check (d, T0 + 3 * SEC, &o));
  g_assert_true (wv_outage_detector_finish (d, T0 + 4 * SEC, &o));
  g_assert_cmpint (o.start_ns, ==, T0 + SEC);
  g_assert_cmpint (o.end_ns, ==, T0 + 4 * SEC);
  g_assert_cmpuint (o.probes_lost, ==, 300);
  /* Stopped: nothing more. */
  g_assert_false (wv_outage_detector_arrival (d, T0 + 5 * SEC, 0, 400, &o));
  g_assert_false (wv_outage_detector_check (d, T0 + 9 * SEC, &o));

  /* Silence not yet reported when the streams stop is not an outage: the
   * peer's stream may just have ended first. */
  wv_outage_detector_start (d, T0);
  g_assert_true (feed (d, 0, 0, 99, T0, 10 * MS));
  g_assert_false (wv_outage_detector_finish (d, T0 + 1500 * MS, &o));
  wv_outage_detector_free (d);
}

/* The tail: a stream that stopped after 726 of 1500 probes. */
static void
test_tail_rule (void)
{
  guint64 expected;

  /* The sender's count is known: the tail is lost, not missing. */
  g_assert_cmpint (wv_tail_expected (726, 1500, 100, 15, &expected), ==, WV_EXPECTED_SENDER);
  g_assert_cmpuint (expected, ==, 1500);
  /* The sender's count never lowers the sequence count (its part may be
   * older than the last probes). */
  g_assert_cmpint (wv_tail_expected (1500, 1490, 100, 15, &expected), ==, WV_EXPECTED_SENDER);
  g_assert_cmpuint (expected, ==, 1500);
  /* Unknown: the rate over the time the stream was due, less 50 ms. */
  g_assert_cmpint (wv_tail_expected (726, -1, 100, 15, &expected), ==, WV_EXPECTED_RATE);
  g_assert_cmpuint (expected, ==, 1495);
  g_assert_cmpfloat_with_epsilon (100.0 * (1495 - 726) / 1495, 51.438, 0.001);
  /* A complete stream stays at 0 % whichever way it is counted. */
  g_assert_cmpint (wv_tail_expected (1500, -1, 100, 15, &expected), ==, WV_EXPECTED_SEQUENCE);
  g_assert_cmpuint (expected, ==, 1500);
  /* Nothing to go by: RFC 3550 only. */
  g_assert_cmpint (wv_tail_expected (726, -1, 100, 0, &expected), ==, WV_EXPECTED_SEQUENCE);
  g_assert_cmpuint (expected, ==, 726);
  g_assert_cmpint (wv_tail_expected (726, -1, 100, NAN, &expected), ==, WV_EXPECTED_SEQUENCE);
  g_assert_cmpint (wv_tail_expected (0, -1, 100, 10, &expected), ==, WV_EXPECTED_RATE);
  g_assert_cmpuint (expected, ==, 995);

  g_assert_cmpstr (wv_expected_source_to_string (WV_EXPECTED_SEQUENCE), ==, "sequence");
  g_assert_cmpstr (wv_expected_source_to_string (WV_EXPECTED_SENDER), ==, "sender");
  g_assert_cmpstr (wv_expected_source_to_string (WV_EXPECTED_RATE), ==, "rate");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/outage/steady", test_steady);
  g_test_add_func ("/outage/gap", test_gap);
  g_test_add_func ("/outage/held-back", test_held_back);
  g_test_add_func ("/outage/gap-between-checks", test_gap_between_checks);
  g_test_add_func ("/outage/jitter", test_jitter);
  g_test_add_func ("/outage/reordered", test_reordered);
  g_test_add_func ("/outage/two-streams", test_two_streams);
  g_test_add_func ("/outage/start-and-finish", test_start_and_finish);
  g_test_add_func ("/outage/tail-rule", test_tail_rule);
  return g_test_run ();
}

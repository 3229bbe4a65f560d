/* test-verdict.c: verdicts for voice, video and interactive use
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The E-model figures below were computed by hand from the formulas in
 * docs/verdict.md (Cole & Rosenbluth 2001, ITU-T G.107 Annex B), to six
 * decimals; the thresholds are those of the same page.
 */

#include <math.h>
#include <string.h>

#include <glib.h>

#include "wv-verdict.h"

#define EPS 1e-5

/* A whole-run summary with the delay, jitter and loss given (the other
 * figures plausible). */
static void
make_summary (WvRecord *r, guint conn, WvDirection dir, double owd_p50, double owd_p99,
              double jitter, double loss_pct)
{
  memset (r, 0, sizeof *r);
  r->type = WV_RECORD_SUMMARY;
  r->conn = conn;
  r->family = 4;
  r->dir = dir;
  r->stats.dscp = -1;
  r->stats.duration_s = 10;
  r->stats.probes_sent = 1000;
  r->stats.rx.expected = 1000;
  r->stats.rx.probes = (guint) (1000 - loss_pct * 10);
  r->stats.rx.loss_pct = loss_pct;
  r->stats.rx.jitter_ms = jitter;
  r->stats.rx.owd_ms = (WvSummary) { owd_p50 * 0.9, owd_p50, owd_p99, owd_p99 * 1.1, owd_p50, 990 };
  r->stats.rtt_ms = (WvSummary) { 2 * owd_p50 * 0.9, 2 * owd_p50, 2 * owd_p99, 2 * owd_p99, 2 * owd_p50, 990 };
}

static void
judge (WvProfile profile, const WvRecord *r, guint n_outages, double longest, WvVerdictRecord *v)
{
  wv_verdict_judge (profile, &r->stats, n_outages, longest, v);
}

/* R = 94.2 - Id - Ie, Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3),
 * Ie = 30 ln (1 + 15 e). */
static void
test_emodel (void)
{
  double id, ie;

  /* d = 70 ms, e = 1 %: Id = 1.68, Ie = 30 ln 1.15 = 4.192858,
   * R = 88.327142, MOS = 1 + 3.091450 + 88.327142 * 28.327142 * 11.672858
   * * 7e-6 = 4.295893. */
  g_assert_cmpfloat_with_epsilon (wv_emodel_r_factor (70, 0.01, &id, &ie), 88.327142, EPS);
  g_assert_cmpfloat_with_epsilon (id, 1.68, EPS);
  g_assert_cmpfloat_with_epsilon (ie, 4.192858, EPS);
  g_assert_cmpfloat_with_epsilon (wv_emodel_mos (88.327142), 4.295893, EPS);

  /* d = 240 ms, no loss: past the 177.3 ms knee, Id = 5.76 + 0.11 * 62.7
   * = 12.657, R = 81.543, MOS = 4.080966. */
  g_assert_cmpfloat_with_epsilon (wv_emodel_r_factor (240, 0, &id, &ie), 81.543, EPS);
  g_assert_cmpfloat_with_epsilon (id, 12.657, EPS);
  g_assert_cmpfloat_with_epsilon (ie, 0, EPS);
  g_assert_cmpfloat_with_epsilon (wv_emodel_mos (81.543), 4.080966, EPS);

  /* d = 190 ms, e = 3 %: Id = 4.56 + 1.397 = 5.957, Ie = 30 ln 1.45 =
   * 11.146907, R = 77.096093, MOS 3.909681. */
  g_assert_cmpfloat_with_epsilon (wv_emodel_r_factor (190, 0.03, NULL, NULL), 77.096093, EPS);
  g_assert_cmpfloat_with_epsilon (wv_emodel_mos (77.096093), 3.909681, EPS);

  /* Everything lost: Ie = 30 ln 16 = 83.177662; R = 94.2 - 0.48 -
   * 83.177662 = 10.542338 at d = 20 ms. */
  g_assert_cmpfloat_with_epsilon (wv_emodel_r_factor (20, 1, NULL, &ie), 10.542338, EPS);
  g_assert_cmpfloat_with_epsilon (ie, 83.177662, EPS);

  /* Clamped to 0..100; MOS 1 at R <= 0 and 4.5 at R >= 100 (G.107 B-4). */
  g_assert_cmpfloat (wv_emodel_r_factor (5000, 1, NULL, NULL), ==, 0);
  g_assert_cmpfloat (wv_emodel_mos (0), ==, 1);
  g_assert_cmpfloat (wv_emodel_mos (-3), ==, 1);
  g_assert_cmpfloat (wv_emodel_mos (100), ==, 4.5);
  g_assert_cmpfloat (wv_emodel_mos (NAN), ==, 1);

  /* G.109 bands. */
  g_assert_cmpstr (wv_r_factor_band (93.2), ==, "best");
  g_assert_cmpstr (wv_r_factor_band (90), ==, "best");
  g_assert_cmpstr (wv_r_factor_band (89.99), ==, "high");
  g_assert_cmpstr (wv_r_factor_band (75), ==, "medium");
  g_assert_cmpstr (wv_r_factor_band (65), ==, "low");
  g_assert_cmpstr (wv_r_factor_band (55), ==, "poor");
  g_assert_cmpstr (wv_r_factor_band (49.9), ==, "not recommended");

  /* Mouth-to-ear: network + 2 x jitter + 20 ms of G.711 packets. */
  g_assert_cmpfloat_with_epsilon (wv_voice_delay_ms (40, 5), 70, EPS);
  g_assert_cmpfloat_with_epsilon (wv_voice_delay_ms (40, -1), 60, EPS);
}

static void
test_voice (void)
{
  WvRecord r;
  WvVerdictRecord v;

  /* owd p50 40 ms, jitter 5 ms, 1 % loss: d = 70 ms, R = 88.327142: good
   * (G.109 "high"), decided by R against the good limit 80. */
  make_summary (&r, 0, WV_DIR_C2S, 40, 55, 5, 1);
  judge (WV_PROFILE_VOICE, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_GOOD);
  g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_R_FACTOR);
  g_assert_cmpfloat_with_epsilon (v.value, 88.327142, EPS);
  g_assert_cmpfloat (v.threshold, ==, 80);
  g_assert_cmpfloat_with_epsilon (v.r_factor, 88.327142, EPS);
  g_assert_cmpfloat_with_epsilon (v.mos, 4.295893, EPS);
  g_assert_cmpfloat_with_epsilon (v.delay_ms, 70, EPS);
  g_assert_false (v.delay_from_rtt);
  g_assert_cmpfloat (v.loss_pct, ==, 1);
  g_assert_cmpint (v.dscp, ==, -1);

  /* owd 150 ms, jitter 10 ms, 3 % loss: d = 190 ms, R = 77.096093: fair,
   * below the good limit 80. */
  make_summary (&r, 0, WV_DIR_C2S, 150, 170, 10, 3);
  judge (WV_PROFILE_VOICE, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_FAIR);
  g_assert_cmpfloat_with_epsilon (v.r_factor, 77.096093, EPS);
  g_assert_cmpfloat (v.threshold, ==, 80);

  /* 30 ms, jitter 5 ms, 10 % loss: d = 60 ms, Id = 1.44, Ie = 30 ln 2.5 =
   * 27.488722, R = 65.271278: poor, below the fair limit 70. */
  make_summary (&r, 0, WV_DIR_C2S, 30, 40, 5, 10);
  judge (WV_PROFILE_VOICE, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_POOR);
  g_assert_cmpfloat_with_epsilon (v.r_factor, 65.271278, EPS);
  g_assert_cmpfloat (v.threshold, ==, 70);
  g_assert_cmpfloat_with_epsilon (v.mos, 3.368137, EPS);

  /* A good R with a 2 s outage: fair, decided by the outage (threshold
   * 1 s); with a 6 s outage: poor against 5 s. */
  make_summary (&r, 0, WV_DIR_C2S, 40, 55, 5, 1);
  judge (WV_PROFILE_VOICE, &r, 1, 2, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_FAIR);
  g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_OUTAGE);
  g_assert_cmpfloat (v.value, ==, 2);
  g_assert_cmpfloat (v.threshold, ==, WV_OUTAGE_FAIR_S);
  g_assert_cmpuint (v.outages, ==, 1);
  g_assert_cmpfloat_with_epsilon (v.r_factor, 88.327142, EPS);
  judge (WV_PROFILE_VOICE, &r, 3, 6, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_POOR);
  g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_OUTAGE);
  g_assert_cmpfloat (v.threshold, ==, 5);
  g_assert_cmpfloat (v.outage_max_s, ==, 6);

  /* No one-way delay, only the round trip: half of its median. RTT p50
   * 80 ms -> 40 ms, the same R as above. */
  make_summary (&r, 0, WV_DIR_C2S, 40, 55, 5, 1);
  r.stats.rx.owd_ms = (WvSummary) { 0 };
  judge (WV_PROFILE_VOICE, &r, 0, 0, &v);
  g_assert_true (v.delay_from_rtt);
  g_assert_cmpfloat_with_epsilon (v.r_factor, 88.327142, EPS);

  /* Sent but nothing arrived: 100 % loss, judged with the codec's 20 ms
   * alone: R = 10.542338, poor. */
  make_summary (&r, 0, WV_DIR_C2S, 40, 55, 5, 0);
  r.stats.rx = (WvRxRecord) { .rx_ttl = -1, .rx_tos = -1 };
  r.stats.rtt_ms = (WvSummary) { 0 };
  judge (WV_PROFILE_VOICE, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_POOR);
  g_assert_cmpfloat (v.loss_pct, ==, 100);
  g_assert_cmpfloat_with_epsilon (v.r_factor, 10.542338, EPS);
}

static void
test_video_interactive (void)
{
  WvRecord r;
  WvVerdictRecord v;

  /* Video: delay judged at p99. 160 ms: fair (past 150); loss 0.05 % is
   * good, so the delay decides. */
  make_summary (&r, 0, WV_DIR_S2C, 100, 160, 2, 0.05);
  judge (WV_PROFILE_VIDEO, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_FAIR);
  g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_DELAY);
  g_assert_cmpfloat (v.value, ==, 160);
  g_assert_cmpfloat (v.threshold, ==, 150);
  g_assert_true (isnan (v.r_factor) && isnan (v.mos));

  /* Both fair: 200 ms is 1.33 times its limit, 0.5 % loss 5 times its
   * limit: the loss decides. */
  make_summary (&r, 0, WV_DIR_S2C, 100, 200, 2, 0.5);
  judge (WV_PROFILE_VIDEO, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_FAIR);
  g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_LOSS);
  g_assert_cmpfloat (v.threshold, ==, 0.1);

  /* Poor beats fair: 450 ms against the fair limit 400. */
  make_summary (&r, 0, WV_DIR_S2C, 300, 450, 2, 0.5);
  judge (WV_PROFILE_VIDEO, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_POOR);
  g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_DELAY);
  g_assert_cmpfloat (v.threshold, ==, 400);

  /* Loss 2 %: poor against 1 %. */
  make_summary (&r, 0, WV_DIR_S2C, 10, 20, 2, 2);
  judge (WV_PROFILE_VIDEO, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_POOR);
  g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_LOSS);
  g_assert_cmpfloat (v.threshold, ==, 1);

  /* All good: the metric closest to its limit is named: 120/150 = 0.8 of
   * the delay limit against 0.05/0.1 = 0.5 of the loss limit. */
  make_summary (&r, 0, WV_DIR_S2C, 100, 120, 2, 0.05);
  judge (WV_PROFILE_VIDEO, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_GOOD);
  g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_DELAY);
  g_assert_cmpfloat (v.threshold, ==, 150);

  /* Interactive: 50 / 100 ms (3GPP 5QI 3 and 7). p99 60 ms: fair. */
  make_summary (&r, 0, WV_DIR_S2C, 30, 60, 2, 0);
  judge (WV_PROFILE_INTERACTIVE, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_FAIR);
  g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_DELAY);
  g_assert_cmpfloat (v.threshold, ==, 50);
  make_summary (&r, 0, WV_DIR_S2C, 30, 120, 2, 0);
  judge (WV_PROFILE_INTERACTIVE, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_POOR);
  g_assert_cmpfloat (v.threshold, ==, 100);
  make_summary (&r, 0, WV_DIR_S2C, 10, 20, 1, 0);
  judge (WV_PROFILE_INTERACTIVE, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_GOOD);
  g_assert_cmpfloat (v.delay_ms, ==, 20);

  /* Round trip only: p99 90 ms -> 45 ms one way, good. */
  r.stats.rx.owd_ms = (WvSummary) { 0 };
  r.stats.rtt_ms.p99 = 90;
  judge (WV_PROFILE_INTERACTIVE, &r, 0, 0, &v);
  g_assert_cmpint (v.grade, ==, WV_GRADE_GOOD);
  g_assert_true (v.delay_from_rtt);
  g_assert_cmpfloat (v.delay_ms, ==, 45);

  /* Nothing measured at all: unknown, even with an outage. */
  memset (&r, 0, sizeof r);
  r.type = WV_RECORD_STATS;
  r.stats.window_s = 10;
  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      judge (p, &r, 1, 3, &v);
      g_assert_cmpint (v.grade, ==, WV_GRADE_UNKNOWN);
      g_assert_cmpint (v.metric, ==, WV_VERDICT_METRIC_NONE);
    }
}

/* A run: per stream and profile, then the worst per profile. */
static void
test_run (void)
{
  g_autoptr(WvVerdicts) verdicts = wv_verdicts_new ();
  g_autoptr(GArray) out = NULL;
  WvRecord r, window;
  const WvRecord *v;

  g_assert_cmpuint (wv_verdicts_compute (verdicts, 0)->len, ==, 0);

  /* Connection 0 both ways good; connection 1 s2c with 2 % loss; a 10 s
   * window of connection 1 c2s arrives before its summary and after it
   * (the summary must stay). */
  make_summary (&r, 0, WV_DIR_C2S, 10, 20, 1, 0);
  wv_verdicts_add_record (verdicts, &r);
  make_summary (&r, 0, WV_DIR_S2C, 10, 20, 1, 0);
  wv_verdicts_add_record (verdicts, &r);
  make_summary (&window, 1, WV_DIR_C2S, 500, 900, 1, 50);
  window.type = WV_RECORD_STATS;
  window.stats.window_s = 10;
  wv_verdicts_add_record (verdicts, &window);
  make_summary (&r, 1, WV_DIR_C2S, 10, 20, 1, 0);
  wv_verdicts_add_record (verdicts, &r);
  wv_verdicts_add_record (verdicts, &window);
  make_summary (&r, 1, WV_DIR_S2C, 10, 20, 1, 2);
  wv_verdicts_add_record (verdicts, &r);
  /* Not statistics: ignored. */
  r.type = WV_RECORD_HOP;
  wv_verdicts_add_record (verdicts, &r);
  /* A 1 s outage of connection 0 c2s; a 0.3 s gap of connection 1 c2s
   * does not count as an outage (its lost probes are in the loss). */
  wv_verdicts_add_outage (verdicts, 0, 4, WV_DIR_C2S, 1.0);
  wv_verdicts_add_outage (verdicts, 1, 4, WV_DIR_C2S, 0.3);

  out = wv_verdicts_compute (verdicts, 42);
  g_assert_cmpuint (out->len, ==, 4 * WV_N_PROFILES + WV_N_PROFILES);

  for (guint i = 0; i < out->len; i++)
    {
      v = &g_array_index (out, WvRecord, i);
      g_assert_cmpint (v->type, ==, WV_RECORD_VERDICT);
      g_assert_cmpint (v->time_ns, ==, 42);
      g_assert_cmpint (v->verdict.run, ==, i >= 4 * WV_N_PROFILES);
      g_assert_cmpint (v->verdict.profile, ==, i % WV_N_PROFILES);
    }

  /* Streams in connection, direction order. */
  v = &g_array_index (out, WvRecord, 0);
  g_assert_cmpuint (v->conn, ==, 0);
  g_assert_cmpint (v->dir, ==, WV_DIR_C2S);
  g_assert_cmpint (v->verdict.grade, ==, WV_GRADE_FAIR);      /* the outage */
  g_assert_cmpint (v->verdict.metric, ==, WV_VERDICT_METRIC_OUTAGE);
  v = &g_array_index (out, WvRecord, WV_N_PROFILES);
  g_assert_cmpint (v->verdict.grade, ==, WV_GRADE_GOOD);
  v = &g_array_index (out, WvRecord, 2 * WV_N_PROFILES);
  g_assert_cmpuint (v->conn, ==, 1);
  g_assert_cmpint (v->verdict.grade, ==, WV_GRADE_GOOD);      /* the summary, not the window */

  /* The run: video and interactive are poor on the 2 % loss of
   * connection 1 s2c. */
  v = &g_array_index (out, WvRecord, 4 * WV_N_PROFILES + WV_PROFILE_VIDEO);
  g_assert_true (v->verdict.run);
  g_assert_cmpint (v->verdict.grade, ==, WV_GRADE_POOR);
  g_assert_cmpint (v->verdict.metric, ==, WV_VERDICT_METRIC_LOSS);
  g_assert_cmpuint (v->conn, ==, 1);
  g_assert_cmpint (v->dir, ==, WV_DIR_S2C);
  v = &g_array_index (out, WvRecord, 4 * WV_N_PROFILES + WV_PROFILE_INTERACTIVE);
  g_assert_cmpint (v->verdict.grade, ==, WV_GRADE_POOR);
  g_assert_cmpuint (v->conn, ==, 1);
  /* Voice, 1 s2c: d = 10 + 2 + 20 = 32 ms, Id = 0.768, Ie = 30 ln 1.3 =
   * 7.870928, R = 85.561072: good; so the run's voice verdict is the
   * outage's fair. */
  v = &g_array_index (out, WvRecord, 3 * WV_N_PROFILES + WV_PROFILE_VOICE);
  g_assert_cmpfloat_with_epsilon (v->verdict.r_factor, 85.561072, EPS);
  v = &g_array_index (out, WvRecord, 4 * WV_N_PROFILES + WV_PROFILE_VOICE);
  g_assert_cmpint (v->verdict.grade, ==, WV_GRADE_FAIR);
  g_assert_cmpint (v->verdict.metric, ==, WV_VERDICT_METRIC_OUTAGE);
  g_assert_cmpuint (v->conn, ==, 0);
  g_assert_cmpint (v->dir, ==, WV_DIR_C2S);
}

/* A run whose streams measured nothing: unknown for the run too. */
static void
test_run_unknown (void)
{
  g_autoptr(WvVerdicts) verdicts = wv_verdicts_new ();
  g_autoptr(GArray) out = NULL;
  WvRecord r;

  memset (&r, 0, sizeof r);
  r.type = WV_RECORD_STATS;
  r.family = 6;
  r.stats.window_s = 10;
  r.stats.dscp = 46;
  wv_verdicts_add_record (verdicts, &r);
  out = wv_verdicts_compute (verdicts, 0);
  g_assert_cmpuint (out->len, ==, 2 * WV_N_PROFILES);
  for (guint i = 0; i < out->len; i++)
    {
      const WvRecord *v = &g_array_index (out, WvRecord, i);

      g_assert_cmpint (v->verdict.grade, ==, WV_GRADE_UNKNOWN);
      g_assert_cmpint (v->verdict.dscp, ==, 46);
      g_assert_cmpint (v->family, ==, 6);
    }
}

/* The delay a verdict names keeps a figure that is not zero on a fast
 * path: 0.04 ms must not read "0.0 ms". */
static void
test_format_ms (void)
{
  static const struct { double ms; const char *text; } cases[] = {
    { 0.0412, "0.041" }, { 0.0004, "0.000" }, { 1.234, "1.23" }, { 9.996, "10.00" },
    { 25.0, "25.0" }, { 190.04, "190.0" }, { -0.5, "-0.500" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = wv_verdict_format_ms (cases[i].ms);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
  g_autofree char *unknown = wv_verdict_format_ms (NAN);
  g_assert_cmpstr (unknown, ==, "–");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/verdict/emodel", test_emodel);
  g_test_add_func ("/verdict/format-ms", test_format_ms);
  g_test_add_func ("/verdict/voice", test_voice);
  g_test_add_func ("/verdict/video-interactive", test_video_interactive);
  g_test_add_func ("/verdict/run", test_run);
  g_test_add_func ("/verdict/run-unknown", test_run_unknown);
  return g_test_run ();
}

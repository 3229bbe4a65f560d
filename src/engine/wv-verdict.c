/* wv-verdict.c: verdicts for real-time uses (voice, video, interactive)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each profile is a few rules; each rule grades one metric against two
 * limits (good, fair). The verdict is the worst grade of its rules, and
 * the rule that gave it is named with its value and the threshold it met
 * (a good verdict: the good limit) or missed (fair: the good limit; poor:
 * the fair limit). Among rules of the same grade the one closest to (or
 * furthest past) its threshold decides, so that a good verdict names what
 * would fail first. docs/verdict.md has the rules and their sources.
 */
#define G_LOG_DOMAIN "wv-verdict"

#include <math.h>
#include <stdlib.h>

#include "wv-verdict.h"

/* --- E-model ---------------------------------------------------------------- */

/* Cole & Rosenbluth (2001), eq. 3 to 6: with the default values of G.107
 * the basic signal-to-noise ratio less the simultaneous impairments is
 * 94.2; the delay impairment is linear up to 177.3 ms of mouth-to-ear delay
 * and steeper after it; the equipment impairment of G.711 with packet loss
 * concealment under random loss e is 30 ln (1 + 15 e). */
double
wv_emodel_r_factor (double delay_ms, double loss_fraction, double *id, double *ie)
{
  double d = MAX (delay_ms, 0.0);
  double e = CLAMP (loss_fraction, 0.0, 1.0);
  double i_d = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0.0);
  double i_e = 30.0 * log (1.0 + 15.0 * e);

  if (id != NULL)
    *id = i_d;
  if (ie != NULL)
    *ie = i_e;
  return CLAMP (94.2 - i_d - i_e, 0.0, 100.0);
}

/* ITU-T G.107 (06/2015) Annex B, eq. B-4. */
double
wv_emodel_mos (double r)
{
  if (!(r > 0))
    return 1.0;
  if (r >= 100)
    return 4.5;
  return 1.0 + 0.035 * r + r * (r - 60.0) * (100.0 - r) * 7e-6;
}

/* ITU-T G.109 (09/1999) Table 1. */
const char *
wv_r_factor_band (double r)
{
  if (r >= 90)
    return "best";
  if (r >= 80)
    return "high";
  if (r >= 70)
    return "medium";
  if (r >= 60)
    return "low";
  if (r >= 50)
    return "poor";
  return "not recommended";
}

char *
wv_verdict_format_ms (double ms)
{
  if (!isfinite (ms))
    return g_strdup ("–");
  if (fabs (ms) >= 10)
    return g_strdup_printf ("%.1f", ms);
  if (fabs (ms) >= 1)
    return g_strdup_printf ("%.2f", ms);
  return g_strdup_printf ("%.3f", ms);
}

double
wv_voice_delay_ms (double network_delay_ms, double jitter_ms)
{
  return network_delay_ms + WV_VOICE_JITTER_BUFFER_FACTOR * MAX (jitter_ms, 0.0) +
         WV_VOICE_CODEC_DELAY_MS;
}

/* --- rules ------------------------------------------------------------------ */

typedef struct {
  WvVerdictMetric metric;
  WvGrade grade;
  double value;
  double threshold;
  double ratio;             /* how close to (< 1) or past (> 1) the threshold */
} Rule;

static double
safe_ratio (double num, double den)
{
  return den > 0 ? num / den : (num > 0 ? INFINITY : 0);
}

/* Lower is better: value <= good is good, <= fair is fair. */
static Rule
rule_below (WvVerdictMetric metric, double value, double good, double fair)
{
  Rule r = { metric, WV_GRADE_GOOD, value, good, 0 };

  if (value > fair)
    r.grade = WV_GRADE_POOR, r.threshold = fair;
  else if (value > good)
    r.grade = WV_GRADE_FAIR;
  r.ratio = safe_ratio (value, r.threshold);
  return r;
}

static Rule
rule_r_factor (double r)
{
  Rule rule = { WV_VERDICT_METRIC_R_FACTOR, WV_GRADE_GOOD, r, WV_VOICE_R_GOOD, 0 };

  if (r < WV_VOICE_R_FAIR)
    rule.grade = WV_GRADE_POOR, rule.threshold = WV_VOICE_R_FAIR;
  else if (r < WV_VOICE_R_GOOD)
    rule.grade = WV_GRADE_FAIR;
  rule.ratio = safe_ratio (rule.threshold, r);
  return rule;
}

/* An outage (WV_OUTAGE_FAIR_S or longer, the only ones counted): fair at
 * best; one of WV_OUTAGE_POOR_S or longer: poor. */
static Rule
rule_outage (double longest_s)
{
  Rule r = { WV_VERDICT_METRIC_OUTAGE, WV_GRADE_FAIR, longest_s, WV_OUTAGE_FAIR_S, 0 };

  if (longest_s >= WV_OUTAGE_POOR_S)
    r.grade = WV_GRADE_POOR, r.threshold = WV_OUTAGE_POOR_S;
  r.ratio = safe_ratio (longest_s, WV_OUTAGE_POOR_S);
  return r;
}

/* Whether a should decide rather than b: a worse grade, or the same grade
 * closer to / further past its threshold. */
static gboolean
decides_over (WvGrade ga, double ra, WvGrade gb, double rb)
{
  if (ga != gb)
    return ga > gb;
  return ra > rb;
}

static void
apply (WvVerdictRecord *out, const Rule *r, double *best_ratio)
{
  if (out->grade != WV_GRADE_UNKNOWN &&
      !decides_over (r->grade, r->ratio, out->grade, *best_ratio))
    return;
  out->grade = r->grade;
  out->metric = r->metric;
  out->value = r->value;
  out->threshold = r->threshold;
  *best_ratio = r->ratio;
}

static double
pick_delay (const WvStatsRecord *s, gboolean p99, gboolean *from_rtt)
{
  *from_rtt = FALSE;
  if (s->rx.owd_ms.n > 0)
    return p99 ? s->rx.owd_ms.p99 : s->rx.owd_ms.p50;
  if (s->rtt_ms.n > 0)
    {
      *from_rtt = TRUE;
      return (p99 ? s->rtt_ms.p99 : s->rtt_ms.p50) / 2;
    }
  return NAN;
}

/* Loss in percent: RFC 3550's when something was expected; when nothing
 * arrived although the sender sent (a summary knows), all of it. */
static double
pick_loss (const WvStatsRecord *s)
{
  if (s->rx.expected > 0 && isfinite (s->rx.loss_pct))
    return s->rx.loss_pct;
  if (s->window_s == 0 && s->probes_sent > 0 && s->rx.probes == 0)
    return 100.0;
  return NAN;
}

void
wv_verdict_judge (WvProfile            profile,
                  const WvStatsRecord *stats,
                  guint                n_outages,
                  double               outage_max_s,
                  WvVerdictRecord     *out)
{
  double ratio = 0;
  double loss = pick_loss (stats);
  gboolean from_rtt;
  Rule r;

  g_return_if_fail (stats != NULL && out != NULL);

  *out = (WvVerdictRecord) {
    .dscp = stats->dscp,
    .profile = profile,
    .grade = WV_GRADE_UNKNOWN,
    .metric = WV_VERDICT_METRIC_NONE,
    .value = NAN,
    .threshold = NAN,
    .r_factor = NAN,
    .mos = NAN,
    .delay_ms = NAN,
    .loss_pct = loss,
    .outages = n_outages,
    .outage_max_s = n_outages > 0 ? MAX (outage_max_s, 0.0) : 0.0,
  };

  switch (profile)
    {
    case WV_PROFILE_VOICE:
      {
        double net = pick_delay (stats, FALSE, &from_rtt);
        double jitter = stats->rx.probes > 0 && isfinite (stats->rx.jitter_ms) ? stats->rx.jitter_ms : 0;

        if (isnan (net) && isnan (loss))
          break;
        /* Nothing arrived: judge the loss with the codec's delay alone. */
        out->delay_ms = isnan (net) ? WV_VOICE_CODEC_DELAY_MS : wv_voice_delay_ms (net, jitter);
        out->delay_from_rtt = from_rtt;
        out->r_factor = wv_emodel_r_factor (out->delay_ms, isnan (loss) ? 0 : loss / 100, NULL, NULL);
        out->mos = wv_emodel_mos (out->r_factor);
        r = rule_r_factor (out->r_factor);
        apply (out, &r, &ratio);
        break;
      }

    case WV_PROFILE_VIDEO:
    case WV_PROFILE_INTERACTIVE:
      {
        gboolean video = profile == WV_PROFILE_VIDEO;

        out->delay_ms = pick_delay (stats, TRUE, &from_rtt);
        out->delay_from_rtt = from_rtt;
        if (!isnan (out->delay_ms))
          {
            r = rule_below (WV_VERDICT_METRIC_DELAY, out->delay_ms,
                            video ? WV_VIDEO_DELAY_GOOD_MS : WV_INTERACTIVE_DELAY_GOOD_MS,
                            video ? WV_VIDEO_DELAY_FAIR_MS : WV_INTERACTIVE_DELAY_FAIR_MS);
            apply (out, &r, &ratio);
          }
        if (!isnan (loss))
          {
            r = rule_below (WV_VERDICT_METRIC_LOSS, loss,
                            video ? WV_VIDEO_LOSS_GOOD_PCT : WV_INTERACTIVE_LOSS_GOOD_PCT,
                            video ? WV_VIDEO_LOSS_FAIR_PCT : WV_INTERACTIVE_LOSS_FAIR_PCT);
            apply (out, &r, &ratio);
          }
        break;
      }

    case WV_N_PROFILES:
    default:
      g_return_if_reached ();
    }

  /* An outage counts only with something else to judge by: a stream that
   * measured nothing stays unknown. */
  if (n_outages > 0 && out->grade != WV_GRADE_UNKNOWN)
    {
      r = rule_outage (out->outage_max_s);
      apply (out, &r, &ratio);
    }
}

/* --- a run's verdicts ----------------------------------------------------------- */

typedef struct {
  WvRecord record;          /* WV_RECORD_SUMMARY or WV_RECORD_STATS */
} Entry;

typedef struct {
  guint conn;
  int family;
  WvDirection dir;
  guint n;
  double longest_s;
} Outages;

struct _WvVerdicts
{
  GArray *entries;          /* Entry */
  GArray *outages;          /* Outages */
};

WvVerdicts *
wv_verdicts_new (void)
{
  WvVerdicts *self = g_new0 (WvVerdicts, 1);

  self->entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  self->outages = g_array_new (FALSE, FALSE, sizeof (Outages));
  return self;
}

void
wv_verdicts_free (WvVerdicts *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->entries);
  g_array_unref (self->outages);
  g_free (self);
}

void
wv_verdicts_add_record (WvVerdicts *self, const WvRecord *record)
{
  g_return_if_fail (self != NULL && record != NULL);

  /* An outage counts once it ended (it is written again then); a lost
   * connection is an outage from its last arrival to the end. */
  if (record->type == WV_RECORD_OUTAGE)
    {
      if (record->outage.end_ns > 0)
        wv_verdicts_add_outage (self, record->conn, record->family, record->dir,
                                (record->outage.end_ns - record->outage.start_ns) / 1e9);
      return;
    }
  if (record->type == WV_RECORD_LOST)
    {
      wv_verdicts_add_outage (self, record->conn, record->family, record->dir,
                              record->lost.last_rx_ns > 0
                              ? (record->time_ns - record->lost.last_rx_ns) / 1e9
                              : record->lost.timeout_s);
      return;
    }
  if (record->type != WV_RECORD_SUMMARY && record->type != WV_RECORD_STATS)
    return;
  if (record->dir != WV_DIR_C2S && record->dir != WV_DIR_S2C)
    return;

  for (guint i = 0; i < self->entries->len; i++)
    {
      Entry *e = &g_array_index (self->entries, Entry, i);

      if (e->record.conn != record->conn || e->record.dir != record->dir ||
          e->record.stats.dscp != record->stats.dscp)
        continue;
      /* A summary is final; a window only replaces an older window. */
      if (record->type == WV_RECORD_SUMMARY || e->record.type == WV_RECORD_STATS)
        e->record = *record;
      return;
    }
  {
    Entry e = { *record };

    g_array_append_val (self->entries, e);
  }
}

void
wv_verdicts_add_outage (WvVerdicts *self, guint conn, int family, WvDirection dir,
                        double duration_s)
{
  Outages o = { conn, family, dir, 1, MAX (duration_s, 0.0) };

  g_return_if_fail (self != NULL);

  /* Shorter gaps are judged through the loss they caused (see
   * WV_OUTAGE_FAIR_S). */
  if (isfinite (duration_s) && duration_s < WV_OUTAGE_FAIR_S)
    return;

  for (guint i = 0; i < self->outages->len; i++)
    {
      Outages *e = &g_array_index (self->outages, Outages, i);

      if (e->conn == conn && e->dir == dir)
        {
          e->n++;
          if (isfinite (duration_s))
            e->longest_s = MAX (e->longest_s, duration_s);
          return;
        }
    }
  if (!isfinite (o.longest_s))
    o.longest_s = 0;
  g_array_append_val (self->outages, o);
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const WvRecord *x = a, *y = b;

  if (x->conn != y->conn)
    return x->conn < y->conn ? -1 : 1;
  if (x->dir != y->dir)
    return (int) x->dir - (int) y->dir;
  return (x->stats.dscp > y->stats.dscp) - (x->stats.dscp < y->stats.dscp);
}

/* How far the deciding metric of a verdict is past (or how close to) its
 * threshold, for choosing among equal grades. */
static double
verdict_ratio (const WvVerdictRecord *v)
{
  switch (v->metric)
    {
    case WV_VERDICT_METRIC_R_FACTOR:
      return safe_ratio (v->threshold, v->value);
    case WV_VERDICT_METRIC_OUTAGE:
      return safe_ratio (v->value, WV_OUTAGE_POOR_S);
    case WV_VERDICT_METRIC_DELAY:
    case WV_VERDICT_METRIC_LOSS:
      return safe_ratio (v->value, v->threshold);
    case WV_VERDICT_METRIC_NONE:
    case WV_N_VERDICT_METRICS:
    default:
      return 0;
    }
}

GArray *
wv_verdicts_compute (WvVerdicts *self, gint64 time_ns)
{
  GArray *out = g_array_new (FALSE, TRUE, sizeof (WvRecord));
  g_autoptr(GArray) sorted = NULL;
  WvRecord run[WV_N_PROFILES];
  gboolean have_run[WV_N_PROFILES] = { FALSE };

  g_return_val_if_fail (self != NULL, out);

  sorted = g_array_copy (self->entries);
  g_array_sort (sorted, compare_entries);

  for (guint i = 0; i < sorted->len; i++)
    {
      const WvRecord *s = &g_array_index (sorted, Entry, i).record;
      guint n_outages = 0;
      double longest = 0;

      for (guint k = 0; k < self->outages->len; k++)
        {
          const Outages *o = &g_array_index (self->outages, Outages, k);

          if (o->conn == s->conn && o->dir == s->dir)
            n_outages = o->n, longest = o->longest_s;
        }

      for (WvProfile p = 0; p < WV_N_PROFILES; p++)
        {
          WvRecord v = { .type = WV_RECORD_VERDICT, .time_ns = time_ns, .conn = s->conn,
                         .family = s->family, .dir = s->dir };

          wv_verdict_judge (p, &s->stats, n_outages, longest, &v.verdict);
          g_array_append_val (out, v);

          if (v.verdict.grade == WV_GRADE_UNKNOWN)
            continue;
          if (!have_run[p] ||
              decides_over (v.verdict.grade, verdict_ratio (&v.verdict),
                            run[p].verdict.grade, verdict_ratio (&run[p].verdict)))
            {
              run[p] = v;
              have_run[p] = TRUE;
            }
        }
    }

  if (sorted->len == 0)
    return out;

  for (WvProfile p = 0; p < WV_N_PROFILES; p++)
    {
      WvRecord v;

      if (have_run[p])
        v = run[p];
      else
        {
          /* Nothing could be judged: say so for the run too. */
          const WvRecord *first = &g_array_index (sorted, Entry, 0).record;

          v = (WvRecord) { .type = WV_RECORD_VERDICT, .time_ns = time_ns, .conn = first->conn,
                           .family = first->family, .dir = first->dir };
          wv_verdict_judge (p, &first->stats, 0, 0, &v.verdict);
        }
      v.verdict.run = TRUE;
      g_array_append_val (out, v);
    }
  return out;
}

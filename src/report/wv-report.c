/* wv-report.c: a run's results arranged for people
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-report"

#include <math.h>
#include <string.h>

#include "wv-report.h"
#include "wv-verdict.h"

struct _WvReport
{
  WvRunMeta *meta;
  GArray *summaries;        /* WvRecord */
  GArray *verdicts;         /* WvRecord */
  gboolean verdicts_computed;
  GArray *seconds;          /* WvRecord, 1 s stats */
  GArray *wifi;             /* WvRecord */
  GArray *outages;          /* WvRecord, the newest record of each outage */
  GArray *lost;             /* WvRecord */
  WvTraceTable *trace;
  WvPathNotes *notes;
  GStrv problems;
  gint64 first_ns, last_ns;
};

static int
compare_streams (gconstpointer a, gconstpointer b)
{
  const WvRecord *x = a, *y = b;

  if (x->conn != y->conn)
    return x->conn < y->conn ? -1 : 1;
  if (x->stats.dscp != y->stats.dscp)
    return x->stats.dscp < y->stats.dscp ? -1 : 1;
  return (int) x->dir - (int) y->dir;
}

static int
compare_time (gconstpointer a, gconstpointer b)
{
  const WvRecord *x = a, *y = b;

  return (x->time_ns > y->time_ns) - (x->time_ns < y->time_ns);
}

/* Direction verdicts in stream order, then the run's in profile order. */
static int
compare_verdicts (gconstpointer a, gconstpointer b)
{
  const WvRecord *x = a, *y = b;

  if (x->verdict.run != y->verdict.run)
    return x->verdict.run ? 1 : -1;
  if (!x->verdict.run)
    {
      if (x->conn != y->conn)
        return x->conn < y->conn ? -1 : 1;
      if (x->verdict.dscp != y->verdict.dscp)
        return x->verdict.dscp < y->verdict.dscp ? -1 : 1;
      if (x->dir != y->dir)
        return (int) x->dir - (int) y->dir;
    }
  return (int) x->verdict.profile - (int) y->verdict.profile;
}

/* An outage is written when it opens and again when it ends (same
 * connection, direction and start): the newest record stands for it. */
static void
keep_outage (GArray *outages, const WvRecord *record)
{
  for (guint i = 0; i < outages->len; i++)
    {
      WvRecord *r = &g_array_index (outages, WvRecord, i);

      if (r->conn == record->conn && r->family == record->family && r->dir == record->dir &&
          r->outage.start_ns == record->outage.start_ns)
        {
          if (record->time_ns >= r->time_ns)
            *r = *record;
          return;
        }
    }
  g_array_append_val (outages, *record);
}

static int
compare_outages (gconstpointer a, gconstpointer b)
{
  const WvRecord *x = a, *y = b;

  if (x->conn != y->conn)
    return x->conn < y->conn ? -1 : 1;
  if (x->dir != y->dir)
    return (int) x->dir - (int) y->dir;
  return (x->outage.start_ns > y->outage.start_ns) - (x->outage.start_ns < y->outage.start_ns);
}

WvReport *
wv_report_new (const WvRunMeta *meta, const WvRecord *records, guint n)
{
  WvReport *self = g_new0 (WvReport, 1);

  self->meta = meta != NULL ? wv_run_meta_copy (meta) : NULL;
  self->summaries = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  self->verdicts = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  self->seconds = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  self->wifi = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  self->outages = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  self->lost = g_array_new (FALSE, FALSE, sizeof (WvRecord));
  self->trace = wv_trace_table_new ();
  self->problems = g_new0 (char *, 1);

  for (guint i = 0; i < n; i++)
    {
      const WvRecord *r = &records[i];

      if (r->time_ns > 0)
        {
          if (self->first_ns == 0 || r->time_ns < self->first_ns)
            self->first_ns = r->time_ns;
          self->last_ns = MAX (self->last_ns, r->time_ns);
        }
      switch (r->type)
        {
        case WV_RECORD_SUMMARY:
          g_array_append_val (self->summaries, *r);
          break;
        case WV_RECORD_STATS:
          if (r->stats.window_s == 1)
            g_array_append_val (self->seconds, *r);
          break;
        case WV_RECORD_VERDICT:
          if ((guint) r->verdict.profile < WV_N_PROFILES)
            g_array_append_val (self->verdicts, *r);
          break;
        case WV_RECORD_WIFI:
          g_array_append_val (self->wifi, *r);
          break;
        case WV_RECORD_OUTAGE:
          keep_outage (self->outages, r);
          break;
        case WV_RECORD_LOST:
          g_array_append_val (self->lost, *r);
          break;
        case WV_RECORD_HOP:
        case WV_RECORD_MTU:
        case WV_RECORD_PATH_MTU:
          wv_trace_table_add (self->trace, r);
          break;
        case WV_N_RECORD_TYPES:
        default:
          break;
        }
    }
  g_array_sort (self->summaries, compare_streams);
  g_array_sort (self->seconds, compare_time);
  g_array_sort (self->wifi, compare_time);
  g_array_sort (self->outages, compare_outages);

  /* A run without verdicts (an older file, a server's records): judge its
   * summaries here, by the same rules. */
  if (self->verdicts->len == 0 && self->summaries->len > 0)
    {
      g_autoptr(WvVerdicts) v = wv_verdicts_new ();
      g_autoptr(GArray) computed = NULL;

      for (guint i = 0; i < self->summaries->len; i++)
        wv_verdicts_add_record (v, &g_array_index (self->summaries, WvRecord, i));
      for (guint i = 0; i < self->outages->len; i++)
        wv_verdicts_add_record (v, &g_array_index (self->outages, WvRecord, i));
      for (guint i = 0; i < self->lost->len; i++)
        wv_verdicts_add_record (v, &g_array_index (self->lost, WvRecord, i));
      computed = wv_verdicts_compute (v, self->last_ns);
      g_array_append_vals (self->verdicts, computed->data, computed->len);
      self->verdicts_computed = TRUE;
    }
  g_array_sort (self->verdicts, compare_verdicts);
  self->notes = wv_path_notes_compute (self->trace);
  return self;
}

WvReport *
wv_report_new_from_run (const WvRun *run)
{
  WvReport *self;

  g_return_val_if_fail (run != NULL, NULL);

  self = wv_report_new (run->meta, (const WvRecord *) (gconstpointer) run->records->data,
                        run->records->len);
  g_strfreev (self->problems);
  self->problems = g_new0 (char *, run->problems->len + 1);
  for (guint i = 0; i < run->problems->len; i++)
    self->problems[i] = g_strdup (g_ptr_array_index (run->problems, i));
  return self;
}

void
wv_report_free (WvReport *self)
{
  if (self == NULL)
    return;
  wv_run_meta_free (self->meta);
  g_array_unref (self->summaries);
  g_array_unref (self->verdicts);
  g_array_unref (self->seconds);
  g_array_unref (self->wifi);
  g_array_unref (self->outages);
  g_array_unref (self->lost);
  wv_trace_table_free (self->trace);
  wv_path_notes_free (self->notes);
  g_strfreev (self->problems);
  g_free (self);
}

const WvRunMeta *
wv_report_get_meta (WvReport *self)
{
  return self->meta;
}

gint64
wv_report_get_start_ns (WvReport *self)
{
  return self->meta != NULL && self->meta->start_ns > 0 ? self->meta->start_ns : self->first_ns;
}

gint64
wv_report_get_end_ns (WvReport *self)
{
  return self->meta != NULL && self->meta->end_ns > 0 ? self->meta->end_ns : self->last_ns;
}

GArray *
wv_report_get_summaries (WvReport *self)
{
  return self->summaries;
}

GArray *
wv_report_get_verdicts (WvReport *self)
{
  return self->verdicts;
}

gboolean
wv_report_verdicts_computed (WvReport *self)
{
  return self->verdicts_computed;
}

const WvRecord *
wv_report_get_run_verdict (WvReport *self, WvProfile profile)
{
  for (guint i = 0; i < self->verdicts->len; i++)
    {
      const WvRecord *r = &g_array_index (self->verdicts, WvRecord, i);

      if (r->verdict.run && r->verdict.profile == profile)
        return r;
    }
  return NULL;
}

GArray *
wv_report_get_seconds (WvReport *self)
{
  return self->seconds;
}

GArray *
wv_report_get_wifi (WvReport *self)
{
  return self->wifi;
}

void
wv_report_get_wifi_range (WvReport    *self,
                          WvWifiRange *out)
{
  double sum = 0;

  *out = (WvWifiRange) { .signal_lo = 101, .signal_hi = -1, .rate_lo_kbps = G_MAXUINT };
  for (guint i = 0; i < self->wifi->len; i++)
    {
      const WvWifiRecord *w = &g_array_index (self->wifi, WvRecord, i).wifi;

      if (w->signal_pct >= 0)
        {
          out->signal_lo = MIN (out->signal_lo, w->signal_pct);
          out->signal_hi = MAX (out->signal_hi, w->signal_pct);
          sum += w->signal_pct;
          out->n_signal++;
        }
      if (w->bitrate_kbps)
        {
          out->rate_lo_kbps = MIN (out->rate_lo_kbps, w->bitrate_kbps);
          out->rate_hi_kbps = MAX (out->rate_hi_kbps, w->bitrate_kbps);
        }
    }
  out->signal_mean = out->n_signal ? sum / out->n_signal : 0;
}

const WvRecord *
wv_report_find_summary (GArray         *summaries,
                        const WvRecord *like)
{
  for (guint i = 0; i < summaries->len; i++)
    {
      const WvRecord *r = &g_array_index (summaries, WvRecord, i);

      if (r->conn == like->conn && r->family == like->family && r->dir == like->dir &&
          r->stats.dscp == like->stats.dscp)
        return r;
    }
  return NULL;
}

GArray *
wv_report_get_outages (WvReport *self)
{
  return self->outages;
}

GArray *
wv_report_get_lost (WvReport *self)
{
  return self->lost;
}

WvTraceTable *
wv_report_get_trace_table (WvReport *self)
{
  return self->trace;
}

WvPathNotes *
wv_report_get_path_notes (WvReport *self)
{
  return self->notes;
}

const char * const *
wv_report_get_problems (WvReport *self)
{
  return (const char * const *) self->problems;
}

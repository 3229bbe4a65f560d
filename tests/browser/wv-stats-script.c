/* wv-stats-script.c: runs a script of arrivals through the engine's
 * statistics and prints the records, for the comparison with the web
 * client's statistics (test-web-stats.py)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lines on standard input (times in ns):
 *   p SEQ SEND RECV      a probe          b RECV BYTES   bulk bytes
 *   r NOW RTT            a round trip     o OFFSET       receiver minus sender
 *   w NOW WINDOW         prints the window record (and the RTT window)
 *   t                    prints the whole-run record (and the RTT total)
 *   e T1 T2 T3 T4        an echo for the clock offset estimator
 *   g                    prints the offset estimate
 * One JSON object per w or t line on standard output.
 */
#include <stdio.h>
#include <string.h>
#include <math.h>

#include "wv-clock-offset.h"
#include "wv-stats.h"

static void
print_summary (const char *name, const WvSummary *s)
{
  printf ("\"%s\":{\"min\":%.17g,\"p50\":%.17g,\"p99\":%.17g,\"max\":%.17g,\"mean\":%.17g,\"n\":%u}",
          name, s->min, s->p50, s->p99, s->max, s->mean, s->n);
}

static void
print_number (const char *name, double v)
{
  if (isfinite (v))
    printf ("\"%s\":%.17g", name, v);
  else
    printf ("\"%s\":null", name);
}

static void
print_record (const WvRxRecord *r, const WvSummary *rtt)
{
  printf ("{\"probes\":%u,\"expected\":%" G_GUINT64_FORMAT ",", r->probes, r->expected);
  print_summary ("owd_ms", &r->owd_ms);
  putchar (',');
  print_summary ("ipdv_ms", &r->ipdv_ms);
  putchar (',');
  print_summary ("delay_dev_ms", &r->delay_dev_ms);
  putchar (',');
  print_summary ("rtt_ms", rtt);
  putchar (',');
  print_number ("jitter_ms", r->jitter_ms);
  putchar (',');
  print_number ("loss_pct", r->loss_pct);
  putchar (',');
  print_number ("reorder_pct", r->reorder_pct);
  putchar (',');
  print_number ("dup_pct", r->dup_pct);
  putchar (',');
  print_number ("throughput_bps", r->throughput_bps);
  putchar (',');
  print_number ("baseline_ms", r->baseline_ms);
  printf (",\"bulk_bytes\":%" G_GUINT64_FORMAT ",\"last_rx_ms\":%.6f}\n", r->bulk_bytes,
          r->last_rx_ns / 1e6);
}

int
main (void)
{
  g_autoptr(WvRxStats) rx = wv_rx_stats_new ();
  g_autoptr(WvRttStats) rtt = wv_rtt_stats_new ();
  WvClockOffset *offset = wv_clock_offset_new (WV_CLOCK_OFFSET_DEFAULT_WINDOW_NS);
  char line[256];

  while (fgets (line, sizeof line, stdin))
    {
      gint64 a = 0, b = 0, c = 0, d = 0, theta = 0, err = 0;
      WvRxRecord r;
      WvSummary s;

      switch (line[0])
        {
        case 'p':
          if (sscanf (line + 1, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                      &a, &b, &c) == 3)
            wv_rx_stats_add_probe (rx, (guint32) a, b, c, -1, -1);
          break;
        case 'b':
          if (sscanf (line + 1, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &a, &b) == 2)
            wv_rx_stats_add_bulk (rx, a, (guint) b);
          break;
        case 'r':
          if (sscanf (line + 1, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &a, &b) == 2)
            wv_rtt_stats_add (rtt, a, b);
          break;
        case 'o':
          if (sscanf (line + 1, "%" G_GINT64_FORMAT, &a) == 1)
            wv_rx_stats_set_offset (rx, a);
          break;
        case 'w':
          if (sscanf (line + 1, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &a, &b) == 2)
            {
              wv_rx_stats_window (rx, a, b, &r);
              wv_rtt_stats_window (rtt, a, b, &s);
              print_record (&r, &s);
            }
          break;
        case 'e':
          if (sscanf (line + 1, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                      " %" G_GINT64_FORMAT, &a, &b, &c, &d) == 4)
            wv_clock_offset_add (offset, a, b, c, d);
          break;
        case 'g':
          if (wv_clock_offset_get (offset, &theta, &err))
            printf ("{\"theta_ms\":%.17g,\"error_ms\":%.17g}\n", theta / 1e6, err / 1e6);
          else
            printf ("null\n");
          break;
        case 't':
          wv_rx_stats_total (rx, &r);
          wv_rtt_stats_total (rtt, &s);
          print_record (&r, &s);
          break;
        default:
          break;
        }
    }
  wv_clock_offset_free (offset);
  return 0;
}

/* wv-clock.c: how far this host's clock can be trusted
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-clock"

#include "config.h"

#include <string.h>
#include <time.h>
#include <sys/timex.h>

#include "wv-clock.h"

gint64
wv_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

gint64
wv_monotonic_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

void
wv_clock_get_info (WvClockInfo *info)
{
  struct timex tx = { 0 };
  g_autofree char *boot_id = NULL;
  int state;

  memset (info, 0, sizeof *info);
  info->error_ms = -1;

  /* adjtimex with modes 0 only reads. TIME_ERROR or STA_UNSYNC: the kernel
   * is not being disciplined by NTP (or PTP), so the time may be anything. */
  state = adjtimex (&tx);
  if (state >= 0 && state != TIME_ERROR && !(tx.status & STA_UNSYNC))
    {
      info->synced = TRUE;
      info->error_ms = tx.esterror / 1000.0;   /* esterror is in microseconds */
    }

  if (g_file_get_contents ("/proc/sys/kernel/random/boot_id", &boot_id, NULL, NULL))
    g_strlcpy (info->boot_id, g_strstrip (boot_id), sizeof info->boot_id);
}

WvOwdMode
wv_clock_choose_mode (const WvClockInfo *local, const WvClockInfo *peer,
                      double max_error_ms, double *error_ms)
{
  /* Two ends on one host (for example the self-test, or network namespaces)
   * read the same kernel clock. */
  if (local->boot_id[0] && g_strcmp0 (local->boot_id, peer->boot_id) == 0)
    {
      *error_ms = 0;
      return WV_OWD_SYNCED;
    }
  if (local->synced && peer->synced && local->error_ms >= 0 && peer->error_ms >= 0 &&
      local->error_ms + peer->error_ms <= max_error_ms)
    {
      *error_ms = local->error_ms + peer->error_ms;
      return WV_OWD_SYNCED;
    }
  *error_ms = -1;
  return WV_OWD_OFFSET_ESTIMATED;
}

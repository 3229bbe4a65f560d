/* wv-log-limit.c: a rate limit for log lines caused by a peer
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "wv-clock.h"
#include "wv-log-limit.h"

#define MAX_REASONS 32

typedef struct {
  double tokens;
  gint64 refill_ns;
  guint64 suppressed;
} Bucket;

struct _WvLogLimit {
  guint burst;
  guint interval_s;
  GHashTable *buckets;     /* reason -> Bucket */
  Bucket other;
};

WvLogLimit *
wv_log_limit_new (guint burst, guint interval_s)
{
  WvLogLimit *self = g_new0 (WvLogLimit, 1);

  self->burst = MAX (burst, 1);
  self->interval_s = MAX (interval_s, 1);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->other.tokens = self->burst;
  self->other.refill_ns = wv_monotonic_ns ();
  return self;
}

void
wv_log_limit_free (WvLogLimit *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->buckets);
  g_free (self);
}

gboolean
wv_log_limit_allow (WvLogLimit *self, const char *reason, guint64 *suppressed)
{
  gint64 now = wv_monotonic_ns ();
  Bucket *b = g_hash_table_lookup (self->buckets, reason ? reason : "");

  if (b == NULL)
    {
      if (g_hash_table_size (self->buckets) < MAX_REASONS)
        {
          b = g_new0 (Bucket, 1);
          b->tokens = self->burst;
          b->refill_ns = now;
          g_hash_table_insert (self->buckets, g_strdup (reason ? reason : ""), b);
        }
      else
        b = &self->other;
    }
  b->tokens = MIN (b->tokens + (now - b->refill_ns) / (self->interval_s * 1e9), self->burst);
  b->refill_ns = now;
  if (b->tokens < 1)
    {
      b->suppressed++;
      return FALSE;
    }
  b->tokens -= 1;
  if (suppressed)
    *suppressed = b->suppressed;
  b->suppressed = 0;
  return TRUE;
}

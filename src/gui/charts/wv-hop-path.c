/* wv-hop-path.c: one traceroute result (source, hops, destination)
 *
 * Paths are small reference-counted values: the traceroute code builds a
 * new one per update and hands it to a WvHopView, which keeps a reference.
 * Everything that comes in is copied and sanitised here (valid UTF-8,
 * bounded length, NaN for impossible numbers) so that drawing never has to
 * second-guess it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <math.h>

#include "wv-hop-path.h"

/* Longer names would only be ellipsized; the bound keeps a bad reverse
 * DNS answer from costing anything. */
#define MAX_TEXT_CHARS 128

struct _WvHopPath
{
  gatomicrefcount ref_count;

  char *label;
  char *source;
  char *destination;
  guint source_mtu;

  GArray *hops;   /* WvHop, strings owned */
};

G_DEFINE_BOXED_TYPE (WvHopPath, wv_hop_path, wv_hop_path_ref, wv_hop_path_unref)

static char *
sanitize_text (const char *text)
{
  g_autofree char *valid = NULL;

  if (text == NULL || text[0] == '\0')
    return NULL;

  valid = g_utf8_make_valid (text, -1);

  if (g_utf8_strlen (valid, -1) > MAX_TEXT_CHARS)
    return g_utf8_substring (valid, 0, MAX_TEXT_CHARS);

  return g_steal_pointer (&valid);
}

static double
sanitize_ms (double ms)
{
  return isfinite (ms) && ms >= 0 ? ms : NAN;
}

static void
clear_hop (gpointer data)
{
  WvHop *hop = data;

  g_free ((char *) hop->address);
  g_free ((char *) hop->hostname);
}

/**
 * wv_hop_path_new:
 * @label: (nullable): what the row is (e.g. "conn 3 · IPv4 · c2s")
 * @source: (nullable): the local address
 * @destination: (nullable): the address traced to
 */
WvHopPath *
wv_hop_path_new (const char *label,
                 const char *source,
                 const char *destination)
{
  WvHopPath *self = g_new0 (WvHopPath, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->label = sanitize_text (label);
  self->source = sanitize_text (source);
  self->destination = sanitize_text (destination);
  self->hops = g_array_new (FALSE, TRUE, sizeof (WvHop));
  g_array_set_clear_func (self->hops, clear_hop);

  return self;
}

WvHopPath *
wv_hop_path_ref (WvHopPath *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
wv_hop_path_unref (WvHopPath *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->label);
  g_free (self->source);
  g_free (self->destination);
  g_array_unref (self->hops);
  g_free (self);
}

/**
 * wv_hop_path_add_hop:
 * @hop: the next hop (TTL = number of hops added before + 1); copied
 *
 * RTTs that are negative or not finite become unknown (NaN); loss is
 * clamped to 0 .. 100 (NaN if not finite); an empty address or "*" means
 * a silent hop.
 *
 * Returns: %FALSE if the path already has %WV_HOP_PATH_MAX_HOPS hops
 */
gboolean
wv_hop_path_add_hop (WvHopPath   *self,
                     const WvHop *hop)
{
  WvHop copy;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (hop != NULL, FALSE);

  if (self->hops->len >= WV_HOP_PATH_MAX_HOPS)
    return FALSE;

  copy.address = g_strcmp0 (hop->address, "*") == 0 ? NULL : sanitize_text (hop->address);
  copy.hostname = sanitize_text (hop->hostname);
  copy.rtt_min_ms = sanitize_ms (hop->rtt_min_ms);
  copy.rtt_avg_ms = sanitize_ms (hop->rtt_avg_ms);
  copy.rtt_max_ms = sanitize_ms (hop->rtt_max_ms);
  copy.loss_pct = isfinite (hop->loss_pct) ? CLAMP (hop->loss_pct, 0, 100) : NAN;
  copy.mtu = hop->mtu;

  g_array_append_val (self->hops, copy);

  return TRUE;
}

void
wv_hop_path_set_source_mtu (WvHopPath *self,
                            guint      mtu)
{
  g_return_if_fail (self != NULL);

  self->source_mtu = mtu;
}

guint
wv_hop_path_get_source_mtu (WvHopPath *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->source_mtu;
}

const char *
wv_hop_path_get_label (WvHopPath *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->label;
}

const char *
wv_hop_path_get_source (WvHopPath *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->source;
}

const char *
wv_hop_path_get_destination (WvHopPath *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->destination;
}

guint
wv_hop_path_get_n_hops (WvHopPath *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->hops->len;
}

/**
 * wv_hop_path_get_hop:
 * @index: 0 for the first hop (TTL 1)
 *
 * Returns: (transfer none) (nullable): the hop, or %NULL if out of range
 */
const WvHop *
wv_hop_path_get_hop (WvHopPath *self,
                     guint      index)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (index >= self->hops->len)
    return NULL;

  return &g_array_index (self->hops, WvHop, index);
}

/**
 * wv_hop_path_get_reached:
 *
 * Returns: %TRUE if the last hop is the destination (then it is drawn as
 *   the destination node; otherwise an unreached destination node follows)
 */
gboolean
wv_hop_path_get_reached (WvHopPath *self)
{
  const WvHop *last;

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->hops->len == 0 || self->destination == NULL)
    return FALSE;

  last = &g_array_index (self->hops, WvHop, self->hops->len - 1);

  return g_strcmp0 (last->address, self->destination) == 0;
}

/**
 * wv_hop_path_get_n_nodes:
 *
 * Returns: how many nodes the path draws: the source, every hop, and the
 *   destination when no hop reached it
 */
guint
wv_hop_path_get_n_nodes (WvHopPath *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return 1 + self->hops->len + (wv_hop_path_get_reached (self) ? 0 : 1);
}

/**
 * wv_hop_path_get_link_mtu:
 * @hop_index: the hop the link leads to
 *
 * The MTU to write on the link into hop @hop_index: the hop's MTU when it
 * is known and differs from the last MTU known before it (the source MTU
 * or an earlier hop's). Links where nothing changed stay unlabelled.
 *
 * Returns: the new MTU, or 0 if the link needs no label
 */
guint
wv_hop_path_get_link_mtu (WvHopPath *self,
                          guint      hop_index)
{
  guint previous;
  guint mtu;

  g_return_val_if_fail (self != NULL, 0);

  if (hop_index >= self->hops->len)
    return 0;

  mtu = g_array_index (self->hops, WvHop, hop_index).mtu;
  if (mtu == 0)
    return 0;

  previous = self->source_mtu;
  for (guint i = 0; i < hop_index; i++)
    {
      guint m = g_array_index (self->hops, WvHop, i).mtu;

      if (m != 0)
        previous = m;
    }

  /* With nothing known before, the first MTU seen is not a change. */
  if (previous == 0 || previous == mtu)
    return 0;

  return mtu;
}

/**
 * wv_hop_paths_find_differences:
 * @paths: (array length=n_paths): paths to compare (e.g. the connections
 *   of one ECMP group)
 * @n_paths: number of paths
 * @n_hops: (out): length of the returned array (the longest hop count)
 *
 * Compares the paths hop by hop (same TTL). A hop differs when at least
 * two paths got answers from different addresses at that TTL; silent hops
 * and missing hops are unknown, not different.
 *
 * Returns: (transfer full) (array length=n_hops): %TRUE for each TTL - 1
 *   where the paths differ; free with g_free(). %NULL when @n_hops is 0.
 */
gboolean *
wv_hop_paths_find_differences (WvHopPath * const *paths,
                               guint              n_paths,
                               guint             *n_hops)
{
  gboolean *differs;
  guint longest = 0;

  g_return_val_if_fail (paths != NULL || n_paths == 0, NULL);
  g_return_val_if_fail (n_hops != NULL, NULL);

  for (guint p = 0; p < n_paths; p++)
    {
      if (paths[p] != NULL)
        longest = MAX (longest, paths[p]->hops->len);
    }

  *n_hops = longest;
  if (longest == 0)
    return NULL;

  differs = g_new0 (gboolean, longest);

  for (guint h = 0; h < longest; h++)
    {
      const char *first = NULL;

      for (guint p = 0; p < n_paths && !differs[h]; p++)
        {
          const WvHop *hop;

          if (paths[p] == NULL || h >= paths[p]->hops->len)
            continue;

          hop = &g_array_index (paths[p]->hops, WvHop, h);
          if (hop->address == NULL)
            continue;

          if (first == NULL)
            first = hop->address;
          else if (g_strcmp0 (first, hop->address) != 0)
            differs[h] = TRUE;
        }
    }

  return differs;
}

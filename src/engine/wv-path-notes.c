/* wv-path-notes.c: what the traced paths tell a technician
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Paths: two connections took the same path when no TTL answered from
 * different addresses in the two (a hop silent in one of them says
 * nothing). Each connection joins the first group it agrees with, and
 * fills that group's silent hops with what it saw.
 *
 * Loss: a router answers traceroute probes from its control plane, which
 * limits the rate of ICMP errors (Linux: icmp_ratelimit, 1 per second per
 * destination by default; RFC 1812 4.3.2.8 allows it). Loss at a hop that
 * later hops do not show is therefore that router's rate limit, not loss
 * of forwarded packets; loss that starts at a hop and is there at every
 * later hop up to the peer is real, and starts on the link before it.
 * Silent hops (never answered) are left out of both rules.
 *
 * DSCP: the TOS byte of our probe as quoted in a router's ICMP error is
 * the marking the probe arrived with at that router (RFC 792 and RFC 4443
 * quote the IP header as received). Only the ECN bits may legitimately
 * change on the way, so DSCPs are compared.
 */
#define G_LOG_DOMAIN "wv-path-notes"

#include <math.h>
#include <string.h>

#include "wv-path-notes.h"

static void
group_free (gpointer data)
{
  WvPathGroup *g = data;

  g_array_unref (g->conns);
  g_ptr_array_unref (g->hops);
  g_free (g);
}

static void
set_free (gpointer data)
{
  WvPathSet *s = data;

  g_ptr_array_unref (s->groups);
  g_array_unref (s->differing);
  g_free (s);
}

void
wv_path_notes_free (WvPathNotes *notes)
{
  if (notes == NULL)
    return;
  g_ptr_array_unref (notes->sets);
  g_array_unref (notes->notes);
  g_free (notes);
}

char *
wv_path_group_name (guint index)
{
  GString *s = g_string_new (NULL);

  /* Bijective base 26: A..Z, AA..ZZ, ... */
  index++;
  while (index > 0)
    {
      index--;
      g_string_prepend_c (s, (char) ('A' + index % 26));
      index /= 26;
    }
  return g_string_free (s, FALSE);
}

char *
wv_format_connections (const guint *conns, guint n)
{
  GString *s = g_string_new (n == 1 ? "connection " : "connections ");

  for (guint i = 0; i < n;)
    {
      guint j = i;

      while (j + 1 < n && conns[j + 1] == conns[j] + 1)
        j++;
      if (i > 0)
        g_string_append (s, ", ");
      if (j == i)
        g_string_append_printf (s, "%u", conns[i]);
      else
        g_string_append_printf (s, "%u-%u", conns[i], conns[j]);
      i = j + 1;
    }
  return g_string_free (s, FALSE);
}

/* --- ECMP --------------------------------------------------------------------- */

static GPtrArray *
path_hops (WvTraceTable *table, guint path)
{
  GPtrArray *hops = g_ptr_array_new_with_free_func (g_free);
  guint n = wv_trace_table_get_n_hops (table, path);

  for (guint i = 0; i < n; i++)
    {
      WvTraceHop hop;

      g_ptr_array_add (hops, wv_trace_table_get_hop (table, path, i, &hop) ? g_strdup (hop.address)
                                                                            : NULL);
    }
  return hops;
}

static gboolean
agree (GPtrArray *a, GPtrArray *b)
{
  for (guint i = 0; i < MIN (a->len, b->len); i++)
    {
      const char *x = g_ptr_array_index (a, i), *y = g_ptr_array_index (b, i);

      if (x != NULL && y != NULL && strcmp (x, y) != 0)
        return FALSE;
    }
  return TRUE;
}

static void
join (WvPathGroup *g, guint conn, GPtrArray *hops)
{
  g_array_append_val (g->conns, conn);
  for (guint i = 0; i < hops->len; i++)
    {
      if (i >= g->hops->len)
        g_ptr_array_add (g->hops, g_strdup (g_ptr_array_index (hops, i)));
      else if (g_ptr_array_index (g->hops, i) == NULL && g_ptr_array_index (hops, i) != NULL)
        g->hops->pdata[i] = g_strdup (g_ptr_array_index (hops, i));
    }
}

static int
compare_groups (gconstpointer a, gconstpointer b)
{
  const WvPathGroup *x = *(WvPathGroup * const *) a, *y = *(WvPathGroup * const *) b;

  if (x->conns->len != y->conns->len)
    return x->conns->len > y->conns->len ? -1 : 1;
  return g_array_index (x->conns, guint, 0) < g_array_index (y->conns, guint, 0) ? -1 : 1;
}

static WvPathSet *
group_paths (WvTraceTable *table, int family, WvDirection dir)
{
  WvPathSet *set = g_new0 (WvPathSet, 1);
  guint max_len = 0;

  set->family = family;
  set->dir = dir;
  set->groups = g_ptr_array_new_with_free_func (group_free);
  set->differing = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint p = 0; p < wv_trace_table_get_n_paths (table); p++)
    {
      g_autoptr(GPtrArray) hops = NULL;
      WvTracePathKey key;
      WvPathGroup *g = NULL;

      wv_trace_table_get_key (table, p, &key);
      if (key.family != family || key.dir != dir || !wv_trace_table_has_traceroute (table, p))
        continue;
      hops = path_hops (table, p);
      for (guint i = 0; i < set->groups->len && g == NULL; i++)
        if (agree (((WvPathGroup *) g_ptr_array_index (set->groups, i))->hops, hops))
          g = g_ptr_array_index (set->groups, i);
      if (g == NULL)
        {
          g = g_new0 (WvPathGroup, 1);
          g->conns = g_array_new (FALSE, FALSE, sizeof (guint));
          g->hops = g_ptr_array_new_with_free_func (g_free);
          g_ptr_array_add (set->groups, g);
        }
      join (g, key.conn, hops);
      max_len = MAX (max_len, g->hops->len);
    }
  g_ptr_array_sort (set->groups, compare_groups);

  for (guint ttl = 1; ttl <= max_len && set->groups->len > 1; ttl++)
    {
      const char *seen = NULL;
      gboolean differs = FALSE;

      for (guint i = 0; i < set->groups->len && !differs; i++)
        {
          WvPathGroup *g = g_ptr_array_index (set->groups, i);
          const char *a = ttl <= g->hops->len ? g_ptr_array_index (g->hops, ttl - 1) : NULL;

          if (a == NULL)
            continue;
          if (seen != NULL && strcmp (seen, a) != 0)
            differs = TRUE;
          seen = a;
        }
      if (differs)
        g_array_append_val (set->differing, ttl);
    }
  return set;
}

/* --- per path ----------------------------------------------------------------- */

static WvPathNote
note_for (WvPathNoteKind kind, const WvTracePathKey *key, const WvTraceHop *hop)
{
  WvPathNote n = { kind, key->conn, key->family, key->dir, hop ? hop->ttl : 0 };

  if (hop != NULL && hop->address != NULL)
    g_strlcpy (n.addr, hop->address, sizeof n.addr);
  n.loss_pct = hop != NULL ? hop->loss_pct : NAN;
  return n;
}

static void
loss_notes (WvTraceTable *table, guint path, const WvTracePathKey *key, GArray *out)
{
  g_autoptr(GArray) hops = g_array_new (FALSE, FALSE, sizeof (WvTraceHop));
  guint n = wv_trace_table_get_n_hops (table, path);
  gboolean reached = wv_trace_table_get_reached (table, path);
  guint start;

  /* The hops that answered, with a known loss. */
  for (guint i = 0; i < n; i++)
    {
      WvTraceHop hop;

      if (wv_trace_table_get_hop (table, path, i, &hop) && hop.address != NULL &&
          isfinite (hop.loss_pct))
        g_array_append_val (hops, hop);
    }
  if (hops->len == 0)
    return;

  /* The run of lossy hops that ends at the peer. */
  start = hops->len;
  if (reached && g_array_index (hops, WvTraceHop, hops->len - 1).reached)
    while (start > 0 && g_array_index (hops, WvTraceHop, start - 1).loss_pct > 0)
      start--;
  if (start < hops->len)
    {
      WvPathNote note = note_for (WV_PATH_NOTE_LOSS_FROM, key, &g_array_index (hops, WvTraceHop, start));

      g_array_append_val (out, note);
    }

  /* Lossy hops before a later hop without loss. */
  for (guint i = 0; i < MIN (start, hops->len); i++)
    {
      const WvTraceHop *h = &g_array_index (hops, WvTraceHop, i);

      if (!(h->loss_pct > 0))
        continue;
      for (guint j = i + 1; j < hops->len; j++)
        if (g_array_index (hops, WvTraceHop, j).loss_pct == 0)
          {
            WvPathNote note = note_for (WV_PATH_NOTE_RATE_LIMIT, key, h);

            note.later_ttl = g_array_index (hops, WvTraceHop, j).ttl;
            g_array_append_val (out, note);
            break;
          }
    }
}

static void
dscp_notes (WvTraceTable *table, guint path, const WvTracePathKey *key, GArray *out)
{
  guint tos;
  gboolean marked = wv_trace_table_get_sent_tos (table, path, &tos);
  int sent = (int) (tos >> 2), prev = sent;
  guint prev_ttl = 0, last_quote = 0, remarks = 0;
  WvTraceHop last = { 0 };

  for (guint i = 0; i < wv_trace_table_get_n_ttls (table, path); i++)
    {
      WvTraceHop hop;
      int dscp;

      if (!wv_trace_table_get_hop (table, path, i, &hop) || !hop.has_rx_tos)
        continue;
      dscp = hop.rx_tos >> 2;
      if (dscp != prev)
        {
          WvPathNote note = note_for (WV_PATH_NOTE_REMARKED, key, &hop);

          note.prev_ttl = prev_ttl;
          note.dscp_before = prev;
          note.dscp_after = dscp;
          g_array_append_val (out, note);
          remarks++;
        }
      prev = dscp;
      prev_ttl = hop.ttl;
      last_quote = hop.ttl;
      last = hop;
    }
  /* Unmarked probes that kept CS0 say nothing worth a note. */
  if (last_quote > 0 && remarks == 0 && marked)
    {
      WvPathNote note = note_for (WV_PATH_NOTE_DSCP_KEPT, key, &last);

      note.dscp_before = note.dscp_after = sent;
      g_array_append_val (out, note);
    }
  else if (last_quote == 0 && marked)
    {
      WvPathNote note = note_for (WV_PATH_NOTE_DSCP_UNKNOWN, key, NULL);

      note.dscp_before = note.dscp_after = sent;
      g_array_append_val (out, note);
    }
}

WvPathNotes *
wv_path_notes_compute (WvTraceTable *table)
{
  WvPathNotes *notes = g_new0 (WvPathNotes, 1);
  static const int families[] = { 4, 6 };

  g_return_val_if_fail (table != NULL, notes);

  notes->sets = g_ptr_array_new_with_free_func (set_free);
  notes->notes = g_array_new (FALSE, FALSE, sizeof (WvPathNote));

  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    for (WvDirection d = WV_DIR_C2S; d <= WV_DIR_S2C; d++)
      {
        WvPathSet *set = group_paths (table, families[f], d);

        if (set->groups->len > 0)
          g_ptr_array_add (notes->sets, set);
        else
          set_free (set);
      }

  /* The table is in connection, direction order already. */
  for (guint p = 0; p < wv_trace_table_get_n_paths (table); p++)
    {
      WvTracePathKey key;

      wv_trace_table_get_key (table, p, &key);
      loss_notes (table, p, &key, notes->notes);
      dscp_notes (table, p, &key, notes->notes);
    }
  return notes;
}

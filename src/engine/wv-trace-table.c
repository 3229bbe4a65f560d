/* wv-trace-table.c: traceroute and MTU records gathered per path
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The engine reports every traceroute probe as one hop record (round, TTL,
 * the address that answered or silence) and every MTU result as an mtu or
 * path_mtu record. The CLI and the window show one line per hop, so this
 * table keeps, per connection and direction, what each TTL answered over
 * the rounds.
 * The RTT summaries are the engine's (wv_summary_compute); the table only
 * counts and groups.
 *
 * The hop an mtu record names is taken as the TTL it was measured at: its
 * MTU is the largest packet that reached that hop, which is what the
 * GUI's hop view and the CLI's "mtu" column show.
 */
#define G_LOG_DOMAIN "wv-trace-table"

#include "config.h"

#include <math.h>
#include <string.h>

#include "wv-trace-table.h"

typedef struct {
  char addr[46];
  guint count;
} AddrCount;

typedef struct {
  guint probes;
  guint answers;
  GArray *rtts;                   /* double; NULL until the first answer */
  AddrCount addrs[WV_TRACE_TABLE_MAX_ADDRESSES];
  guint n_addrs;
  gboolean reached;
  gboolean has_mtu;
  guint mtu;
  char mtu_addr[46];
  gboolean has_rx_tos;            /* the newest TOS a quote showed */
  guint8 rx_tos;
} Ttl;

typedef struct {
  WvTracePathKey key;
  GArray *ttls;                   /* Ttl, [ttl - 1] */
  guint reached_ttl;              /* smallest TTL the peer answered, 0 = none */
  guint max_probed_ttl;
  guint rounds;                   /* largest round of the hop records */
  gboolean has_path_mtu;
  guint path_mtu;
  gboolean path_mtu_confirmed;
  gboolean path_mtu_at_least;
  gboolean has_tos;               /* the TOS the trace probes were sent with */
  guint8 tos;
} Path;

struct _WvTraceTable {
  GPtrArray *paths;               /* Path */
  GArray *scratch;                /* double, for wv_summary_compute */
};

static void
ttl_clear (gpointer data)
{
  Ttl *t = data;

  g_clear_pointer (&t->rtts, g_array_unref);
}

static void
path_free (gpointer data)
{
  Path *p = data;

  g_array_unref (p->ttls);
  g_free (p);
}

WvTraceTable *
wv_trace_table_new (void)
{
  WvTraceTable *self = g_new0 (WvTraceTable, 1);

  self->paths = g_ptr_array_new_with_free_func (path_free);
  self->scratch = g_array_new (FALSE, FALSE, sizeof (double));
  return self;
}

void
wv_trace_table_free (WvTraceTable *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->paths);
  g_array_unref (self->scratch);
  g_free (self);
}

int
wv_trace_table_find (WvTraceTable *self,
                     guint         conn,
                     WvDirection   dir)
{
  for (guint i = 0; i < self->paths->len; i++)
    {
      Path *p = g_ptr_array_index (self->paths, i);

      if (p->key.conn == conn && p->key.dir == dir)
        return (int) i;
    }
  return -1;
}

/* Paths are kept in connection order, client-to-server first, whatever
 * order the records come in, so that lists built from the table are
 * stable. */
static Path *
lookup_path (WvTraceTable   *self,
             const WvRecord *r)
{
  int found = wv_trace_table_find (self, r->conn, r->dir);
  Path *p;
  guint pos;

  if (found >= 0)
    return g_ptr_array_index (self->paths, found);
  if (self->paths->len >= WV_TRACE_TABLE_MAX_PATHS)
    return NULL;
  p = g_new0 (Path, 1);
  p->key.conn = r->conn;
  p->key.family = r->family;
  p->key.dir = r->dir;
  p->ttls = g_array_new (FALSE, TRUE, sizeof (Ttl));
  g_array_set_clear_func (p->ttls, ttl_clear);
  for (pos = 0; pos < self->paths->len; pos++)
    {
      Path *q = g_ptr_array_index (self->paths, pos);

      if (q->key.conn > p->key.conn || (q->key.conn == p->key.conn && q->key.dir > p->key.dir))
        break;
    }
  g_ptr_array_insert (self->paths, pos, p);
  return p;
}

static Ttl *
lookup_ttl (Path *p,
            guint ttl)
{
  if (p->ttls->len < ttl)
    g_array_set_size (p->ttls, ttl);
  return &g_array_index (p->ttls, Ttl, ttl - 1);
}

/* Copies an address from a record, which may come from a peer: at most the
 * buffer, and only if it is text. */
static gboolean
copy_address (char        dest[46],
              const char  src[46])
{
  gsize len = strnlen (src, 46);

  if (len == 46 || !g_utf8_validate (src, len, NULL))
    return FALSE;
  memcpy (dest, src, len);
  dest[len] = '\0';
  return TRUE;
}

static gboolean
add_hop (Path                *p,
         const WvHopRecord   *h)
{
  char addr[46];
  Ttl *t;

  if (h->ttl < 1 || h->ttl > WV_TRACE_TABLE_MAX_TTL || !copy_address (addr, h->addr))
    return FALSE;
  t = lookup_ttl (p, h->ttl);
  t->probes++;
  p->max_probed_ttl = MAX (p->max_probed_ttl, h->ttl);
  p->rounds = MAX (p->rounds, h->round);
  if (h->has_tos)
    p->has_tos = TRUE, p->tos = h->tos;
  if (h->has_rx_tos)
    t->has_rx_tos = TRUE, t->rx_tos = h->rx_tos;
  if (addr[0] == '\0' || !(h->rtt_ms >= 0) || !isfinite (h->rtt_ms))
    return TRUE;

  t->answers++;
  if (t->rtts == NULL)
    t->rtts = g_array_new (FALSE, FALSE, sizeof (double));
  if (t->rtts->len < WV_TRACE_TABLE_MAX_ANSWERS)
    g_array_append_val (t->rtts, h->rtt_ms);

  for (guint i = 0; i < t->n_addrs; i++)
    if (strcmp (t->addrs[i].addr, addr) == 0)
      {
        t->addrs[i].count++;
        goto counted;
      }
  if (t->n_addrs < WV_TRACE_TABLE_MAX_ADDRESSES)
    {
      strcpy (t->addrs[t->n_addrs].addr, addr);
      t->addrs[t->n_addrs].count = 1;
      t->n_addrs++;
    }
counted:
  if (h->reached)
    {
      t->reached = TRUE;
      if (p->reached_ttl == 0 || h->ttl < p->reached_ttl)
        p->reached_ttl = h->ttl;
    }
  return TRUE;
}

/**
 * wv_trace_table_add:
 *
 * Takes a hop, mtu or path_mtu record into the table; other record types,
 * bad values (a TTL of 0 or above WV_TRACE_TABLE_MAX_TTL, an address that
 * is not text, a family other than 4 or 6) and records beyond the table's
 * bounds are left out.
 *
 * Returns: %TRUE if the table changed
 */
gboolean
wv_trace_table_add (WvTraceTable   *self,
                    const WvRecord *r)
{
  Path *p;

  g_return_val_if_fail (self != NULL && r != NULL, FALSE);

  if (r->type != WV_RECORD_HOP && r->type != WV_RECORD_MTU && r->type != WV_RECORD_PATH_MTU)
    return FALSE;
  if ((r->family != 4 && r->family != 6) || (r->dir != WV_DIR_C2S && r->dir != WV_DIR_S2C))
    return FALSE;
  if (r->type == WV_RECORD_MTU &&
      (r->mtu.hop < 1 || r->mtu.hop > WV_TRACE_TABLE_MAX_TTL || strnlen (r->mtu.addr, 46) == 46))
    return FALSE;
  if (r->type == WV_RECORD_HOP &&
      (r->hop.ttl < 1 || r->hop.ttl > WV_TRACE_TABLE_MAX_TTL))
    return FALSE;

  p = lookup_path (self, r);
  if (p == NULL)
    return FALSE;

  switch (r->type)
    {
    case WV_RECORD_HOP:
      return add_hop (p, &r->hop);

    case WV_RECORD_MTU:
      {
        char addr[46];
        Ttl *t;

        if (!copy_address (addr, r->mtu.addr))
          return FALSE;
        t = lookup_ttl (p, r->mtu.hop);
        t->has_mtu = TRUE;
        t->mtu = r->mtu.mtu;
        strcpy (t->mtu_addr, addr);
        return TRUE;
      }

    case WV_RECORD_PATH_MTU:
      p->has_path_mtu = TRUE;
      p->path_mtu = r->path_mtu.mtu;
      p->path_mtu_confirmed = r->path_mtu.confirmed;
      p->path_mtu_at_least = r->path_mtu.at_least;
      return TRUE;

    case WV_RECORD_STATS:
    case WV_RECORD_SUMMARY:
    case WV_N_RECORD_TYPES:
    default:
      return FALSE;
    }
}

guint
wv_trace_table_get_n_paths (WvTraceTable *self)
{
  return self->paths->len;
}

void
wv_trace_table_get_key (WvTraceTable   *self,
                        guint           path,
                        WvTracePathKey *out)
{
  g_return_if_fail (path < self->paths->len);

  *out = ((Path *) g_ptr_array_index (self->paths, path))->key;
}

/**
 * wv_trace_table_get_n_hops:
 *
 * Returns: the hops of the traceroute: up to the first TTL at which the
 *   peer answered, or up to the highest TTL probed when it never did
 */
guint
wv_trace_table_get_n_hops (WvTraceTable *self,
                           guint         path)
{
  Path *p;

  g_return_val_if_fail (path < self->paths->len, 0);
  p = g_ptr_array_index (self->paths, path);
  return p->reached_ttl ? p->reached_ttl : p->max_probed_ttl;
}

/**
 * wv_trace_table_get_n_ttls:
 *
 * Returns: every TTL known from hop or mtu records (the MTU search may go
 *   past what the traceroute saw)
 */
guint
wv_trace_table_get_n_ttls (WvTraceTable *self,
                           guint         path)
{
  g_return_val_if_fail (path < self->paths->len, 0);
  return ((Path *) g_ptr_array_index (self->paths, path))->ttls->len;
}

gboolean
wv_trace_table_has_traceroute (WvTraceTable *self,
                               guint         path)
{
  g_return_val_if_fail (path < self->paths->len, FALSE);
  return ((Path *) g_ptr_array_index (self->paths, path))->max_probed_ttl > 0;
}

/**
 * wv_trace_table_get_n_rounds:
 *
 * Returns: how many traceroute rounds the hop records cover: the largest
 *   round number among them (rounds count from 1), 0 without hop records
 */
guint
wv_trace_table_get_n_rounds (WvTraceTable *self,
                             guint         path)
{
  g_return_val_if_fail (path < self->paths->len, 0);
  return ((Path *) g_ptr_array_index (self->paths, path))->rounds;
}

gboolean
wv_trace_table_get_reached (WvTraceTable *self,
                            guint         path)
{
  g_return_val_if_fail (path < self->paths->len, FALSE);
  return ((Path *) g_ptr_array_index (self->paths, path))->reached_ttl > 0;
}

/**
 * wv_trace_table_get_hop:
 * @index: TTL - 1, below wv_trace_table_get_n_ttls()
 * @out: (out): filled in; its strings belong to the table and stay valid
 *   until the next wv_trace_table_add()
 */
gboolean
wv_trace_table_get_hop (WvTraceTable *self,
                        guint         path,
                        guint         index,
                        WvTraceHop   *out)
{
  Path *p;
  Ttl *t;
  guint best = 0;

  g_return_val_if_fail (path < self->paths->len, FALSE);
  p = g_ptr_array_index (self->paths, path);
  if (index >= p->ttls->len)
    return FALSE;
  t = &g_array_index (p->ttls, Ttl, index);

  memset (out, 0, sizeof *out);
  out->ttl = index + 1;
  /* The address that answered most often; the first one on a tie. */
  for (guint i = 1; i < t->n_addrs; i++)
    if (t->addrs[i].count > t->addrs[best].count)
      best = i;
  out->address = t->n_addrs ? t->addrs[best].addr : NULL;
  out->n_addresses = t->n_addrs;
  out->probes = t->probes;
  out->answers = t->answers;
  g_array_set_size (self->scratch, 0);
  if (t->rtts)
    g_array_append_vals (self->scratch, t->rtts->data, t->rtts->len);
  wv_summary_compute ((double *) (void *) self->scratch->data, self->scratch->len, &out->rtt);
  out->loss_pct = t->probes ? 100.0 * (t->probes - t->answers) / t->probes : NAN;
  out->reached = t->reached;
  out->has_mtu = t->has_mtu;
  out->mtu = t->mtu;
  out->mtu_address = t->has_mtu && t->mtu_addr[0] ? t->mtu_addr : NULL;
  out->has_rx_tos = t->has_rx_tos;
  out->rx_tos = t->rx_tos;
  return TRUE;
}

/**
 * wv_trace_table_get_sent_tos:
 * @tos: (out): the TOS byte the trace probes were sent with
 *
 * Returns: %FALSE when they were sent with the system's default TOS
 */
gboolean
wv_trace_table_get_sent_tos (WvTraceTable *self,
                             guint         path,
                             guint        *tos)
{
  Path *p;

  g_return_val_if_fail (path < self->paths->len, FALSE);
  p = g_ptr_array_index (self->paths, path);
  *tos = p->has_tos ? p->tos : 0;
  return p->has_tos;
}

/**
 * wv_trace_table_get_path_mtu:
 * @confirmed: (out) (optional): whether the peer received a probe of that size
 *
 * Returns: the path MTU, 0 if no path_mtu record came or it had none
 */
guint
wv_trace_table_get_path_mtu (WvTraceTable *self,
                             guint         path,
                             gboolean     *confirmed)
{
  Path *p;

  g_return_val_if_fail (path < self->paths->len, 0);
  p = g_ptr_array_index (self->paths, path);
  if (confirmed)
    *confirmed = p->has_path_mtu && p->path_mtu_confirmed;
  return p->has_path_mtu ? p->path_mtu : 0;
}

/**
 * wv_trace_table_get_path_mtu_at_least:
 *
 * Returns: whether the path MTU is only a lower bound: the largest size
 *   tried got through and nothing larger was refused
 */
gboolean
wv_trace_table_get_path_mtu_at_least (WvTraceTable *self,
                                      guint         path)
{
  Path *p;

  g_return_val_if_fail (path < self->paths->len, FALSE);
  p = g_ptr_array_index (self->paths, path);
  return p->has_path_mtu && p->path_mtu_at_least;
}

/* wv-path-notes.h: what the traced paths tell a technician
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * From the traceroute table of a run (wv-trace-table.h): which connections
 * took which path (ECMP), where loss starts and continues to the peer,
 * which loss at a middle hop is only ICMP rate limiting, and where along
 * the path the DSCP marking changed. Structured results, no sentences: the
 * front ends word them (docs/verdict.md lists the rules).
 */
#pragma once

#include <glib.h>

#include "wv-trace-table.h"

G_BEGIN_DECLS

/* One distinct path of a family and direction. */
typedef struct {
  GArray *conns;            /* guint: connection numbers, ascending */
  GPtrArray *hops;          /* char *: address per TTL - 1 (NULL: silent) */
} WvPathGroup;

/* The paths of one family and direction. */
typedef struct {
  int family;
  WvDirection dir;
  GPtrArray *groups;        /* WvPathGroup: most connections first */
  GArray *differing;        /* guint TTLs at which groups answered differently */
} WvPathSet;

typedef enum {
  /* Loss starts at ttl (addr, loss_pct) and every later hop up to the
   * peer lost probes too: the first link with real loss is the one before
   * ttl. */
  WV_PATH_NOTE_LOSS_FROM,
  /* The hop at ttl lost probes (loss_pct) but a later hop (later_ttl) lost
   * none: ICMP rate limiting at that router, not loss on the path. */
  WV_PATH_NOTE_RATE_LIMIT,
  /* The DSCP changed: prev_ttl (0 = as sent) had dscp_before, ttl has
   * dscp_after. */
  WV_PATH_NOTE_REMARKED,
  /* The probes were marked and every quote up to ttl (the last that
   * quoted) showed the DSCP as sent (dscp_before = dscp_after). */
  WV_PATH_NOTE_DSCP_KEPT,
  /* The probes were marked (dscp_before) but no router quoted them. */
  WV_PATH_NOTE_DSCP_UNKNOWN,
} WvPathNoteKind;

typedef struct {
  WvPathNoteKind kind;
  guint conn;
  int family;
  WvDirection dir;
  guint ttl;
  char addr[46];            /* of ttl, "" when unknown */
  double loss_pct;          /* loss notes */
  guint later_ttl;          /* rate limit: the later hop without loss */
  guint prev_ttl;           /* remark */
  int dscp_before;
  int dscp_after;
} WvPathNote;

typedef struct {
  GPtrArray *sets;          /* WvPathSet, IPv4 first, client to server first */
  GArray *notes;            /* WvPathNote, by connection and direction */
} WvPathNotes;

WvPathNotes *wv_path_notes_compute (WvTraceTable *table);
void         wv_path_notes_free    (WvPathNotes  *notes);

/* "A", "B", ... "Z", "AA" ...: the name of the group at @index. */
char        *wv_path_group_name    (guint         index);
/* "connection 8", "connections 0-6", "connections 1, 3-5, 9". */
char        *wv_format_connections (const guint  *conns,
                                    guint         n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvPathNotes, wv_path_notes_free)

G_END_DECLS

/* wv-wire-time.h: two-step wire timestamps of probes and echoes
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Pure GLib. A probe cannot carry the time its datagram leaves the socket,
 * so each end keeps the wire send times the stack reports for its own
 * packets (WvWireTx) and sends them in later packets of the same stream as
 * follow-ups. The receiving end holds each sample until its follow-up comes
 * (WvTwoStep) and then completes it with wire times at both ends; a sample
 * whose follow-up is lost, or whose sender cannot report wire times (an
 * older peer, a browser), falls back to the application's times and says so.
 * docs/statistics.md, "Wire times", has the scheme.
 */
#pragma once

#include <glib.h>

#include "wv-protocol.h"

G_BEGIN_DECLS

/* A sample held for its follow-up. t[] are the times the caller needs to
 * complete it (for a probe: the sender's application send time, the kernel
 * and application receive times; for an echo: t1, t2, t3, t4). */
typedef struct {
  guint32 seq;
  gint64 wire_ns;           /* from the follow-up; 0 = none (yet) */
  gint64 arrival_ns;        /* local receive time, for giving up */
  gint64 t[4];
  gint ttl, tos;
} WvTwoStepSample;

/* How many later sequence numbers may arrive before a sample gives up
 * waiting. Each packet carries the oldest wire times its sender has not
 * sent yet, two while they pile up, else one new and the previous again (so
 * a follow-up survives one lost carrier): this leaves room for a sender
 * whose reports lag a few packets behind. */
#define WV_TWO_STEP_HORIZON 32
/* ... and how long after it arrived (a busy stack sends follow-ups late,
 * in bursts; a lost one holds the samples behind it back this long). */
#define WV_TWO_STEP_HORIZON_NS (2 * G_GINT64_CONSTANT (1000000000))

typedef struct _WvTwoStep WvTwoStep;

/* @wait FALSE: the peer sends no follow-ups; samples are released at once. */
WvTwoStep *wv_two_step_new       (gboolean wait);
void       wv_two_step_free      (WvTwoStep *q);
void       wv_two_step_set_wait  (WvTwoStep *q, gboolean wait);
/* Adds a sample in arrival order; released samples (complete, or given up)
 * are appended to @out (a GArray of WvTwoStepSample), in arrival order. */
void       wv_two_step_add       (WvTwoStep *q, const WvTwoStepSample *s, GArray *out);
/* A follow-up: completes the held sample(s) of @seq, or keeps it for a
 * sample that has not arrived yet (reordering). Duplicates are harmless. */
void       wv_two_step_followup  (WvTwoStep *q, guint32 seq, gint64 wire_ns, GArray *out);
/* Releases everything held (the end of a stream). */
void       wv_two_step_flush     (WvTwoStep *q, GArray *out);
guint      wv_two_step_get_held  (WvTwoStep *q);
/* Arrival time of the oldest sample held, 0 if none: statistics up to just
 * before it are complete. */
gint64     wv_two_step_get_oldest_arrival (WvTwoStep *q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvTwoStep, wv_two_step_free)

/* The wire send times the stack reported for one stream this end sends.
 * Reports come in the main context, packets are written in the scheduler
 * thread: every call takes the object's lock. */
typedef struct _WvWireTx WvWireTx;

WvWireTx *wv_wire_tx_new          (void);
void      wv_wire_tx_free         (WvWireTx *w);
void      wv_wire_tx_note         (WvWireTx *w, guint32 seq, gint64 wire_ns);
/* Up to WV_MAX_FOLLOWUPS reported wire times for the next packet: the
 * oldest not carried yet (two while they pile up), else the newest one
 * again. */
void      wv_wire_tx_fill         (WvWireTx *w, WvPacket *packet);
/* The wire send time of @seq if it was reported recently, else 0. */
gint64    wv_wire_tx_lookup       (WvWireTx *w, guint32 seq);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WvWireTx, wv_wire_tx_free)

/* Probe ids of the probes and echoes a connection sends, for their send
 * reports; they never collide with the path prober's (below 2^57). */
guint64  wv_wire_probe_id       (gboolean echo, guint class_index, guint32 seq);
/* The class index that marks a test probe ack (echo TRUE, seq a counter). */
#define WV_WIRE_ACK_CLASS 0xff
gboolean wv_wire_probe_id_parse (guint64 id, gboolean *echo, guint *class_index, guint32 *seq);

G_END_DECLS

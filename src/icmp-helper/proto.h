/* proto.h: request handling of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The state the protocol acts on (watched ports, counters, what the start-up
 * found) and the function that turns one request line into one reply line.
 * No I/O here: main.c owns the file descriptors, the tests and the fuzzer
 * drive this directly.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmdparse.h"
#include "icmpparse.h"

/* Most watched ports per address family. */
#define WV_ICMP_MAX_WATCH 64
/* Longest reply line including its newline. */
#define WV_ICMP_MAX_REPLY 512

typedef enum {
  WV_ICMP_COUNTER_RX4,
  WV_ICMP_COUNTER_RX6,
  WV_ICMP_COUNTER_UNWATCHED,      /* parsed fine, but no watched source port */
  WV_ICMP_COUNTER_DROPPED,        /* event lost because the client did not read */
  WV_ICMP_COUNTER_RX_ERROR,       /* recvmsg() failed with something else than EAGAIN */
  WV_ICMP_COUNTER_PARSE_BASE,     /* followed by one counter per WvIcmpParseResult */
  WV_ICMP_N_COUNTERS = WV_ICMP_COUNTER_PARSE_BASE + WV_ICMP_PARSE_N_RESULTS
} WvIcmpCounter;

/* Decides whether the invoking user may watch a port; see portowner.h. */
typedef bool (*WvIcmpPortOwnedFunc) (int family, uint16_t port, void *user_data);

typedef struct {
  /* Facts from start-up, reported by "check-support".  An errno value of 0
   * means the raw socket of that family is open. */
  int icmp4_errno;
  int icmp6_errno;
  const char *start;          /* "root", "cap" or "none": privilege held at start */
  unsigned int uid;
  unsigned int gid;
  bool bounding_cleared;
  bool nnp_at_start;          /* no_new_privs was already set by our parent */
  const char *seccomp;        /* "on", "off" or "unsupported" */
  bool kernel_timestamps;
  const char *program_version;

  /* When set, "watch" asks it before accepting a port. */
  WvIcmpPortOwnedFunc port_owned;
  void *port_owned_data;

  uint64_t watched4[65536 / 64];
  uint64_t watched6[65536 / 64];
  unsigned int n_watched4;
  unsigned int n_watched6;

  uint64_t counters[WV_ICMP_N_COUNTERS];
  bool quit;
} WvIcmpState;

void wv_icmp_state_init (WvIcmpState *state);

bool wv_icmp_state_is_watched (const WvIcmpState *state,
                               int                family,
                               uint16_t           port);

/* Handles one request line (as delivered by WvIcmpLineReader; too_long for
 * WV_ICMP_LINE_TOO_LONG).  Writes exactly one reply line, newline included,
 * to out (at least WV_ICMP_MAX_REPLY bytes) and returns its length; returns
 * 0 only for an empty line, which gets no reply. */
size_t wv_icmp_handle_line (WvIcmpState *state,
                            const char  *line,
                            size_t       len,
                            bool         too_long,
                            char        *out,
                            size_t       out_size);

/* Runs a received packet through the parser, counts the outcome and, when it
 * must be reported, formats the event line into out.  Returns the event
 * length or 0 when there is nothing to report.  For family 4, from may be
 * NULL (the offender is read from the packet). */
size_t wv_icmp_handle_packet (WvIcmpState   *state,
                              int            family,
                              const uint8_t *packet,
                              size_t         len,
                              const uint8_t *from,
                              uint64_t       time_ns,
                              bool           kernel_time,
                              unsigned int   ifindex,
                              char          *out,
                              size_t         out_size);

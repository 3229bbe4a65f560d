/* portowner.h: who owns a local UDP port
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The raw ICMP sockets see the errors of every local UDP socket, including
 * other users' (with up to WV_ICMP_MAX_DATA bytes of their payload).  When
 * an unprivileged user runs the helper through its file capability, "watch"
 * therefore only accepts ports that a UDP socket of that same user has
 * bound in the helper's network namespace, as listed by /proc/net/udp and
 * /proc/net/udp6.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Incremental parser of the text of /proc/net/udp or /proc/net/udp6. */
typedef struct {
  char line[512];
  size_t len;
  bool overlong;
  uint16_t port;
  unsigned int uid;
  bool found;
} WvIcmpUdpTableScan;

void wv_icmp_udp_table_scan_init (WvIcmpUdpTableScan *scan,
                                  uint16_t            port,
                                  unsigned int        uid);

/* Feeds a chunk of the table; scan->found becomes true once a line shows a
 * socket bound to the port and owned by the uid.  Call with len 0 at the
 * end to flush a last line without newline. */
void wv_icmp_udp_table_scan_feed (WvIcmpUdpTableScan *scan,
                                  const char         *data,
                                  size_t              len);

/* Reads the tables of the current network namespace.  For family 4 it also
 * looks at udp6, because a dual-stack AF_INET6 socket sends IPv4 datagrams
 * and is only listed there. */
bool wv_icmp_port_owned_by (int          family,
                            uint16_t     port,
                            unsigned int uid);

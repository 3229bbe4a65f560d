/* portowner.c: who owns a local UDP port
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "portowner.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

void
wv_icmp_udp_table_scan_init (WvIcmpUdpTableScan *scan,
                             uint16_t            port,
                             unsigned int        uid)
{
  memset (scan, 0, sizeof *scan);
  scan->port = port;
  scan->uid = uid;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* One table line: "sl: local:PORT remote:PORT st tx:rx tr:when retrnsmt uid ...".
 * The header line and anything unexpected simply do not match. */
static bool
line_matches (const char  *line,
              size_t       len,
              uint16_t     port,
              unsigned int uid)
{
  const char *fields[8];
  size_t flen[8];
  size_t n = 0, i = 0;

  while (n < 8)
    {
      while (i < len && line[i] == ' ')
        i++;
      if (i == len)
        return false;
      fields[n] = line + i;
      while (i < len && line[i] != ' ')
        i++;
      flen[n] = (size_t) (line + i - fields[n]);
      n++;
    }

  /* Local address: hex address, ':', exactly four hex digits of port. */
  {
    const char *local = fields[1];
    size_t llen = flen[1];
    uint32_t value = 0;

    if (llen < 6 || local[llen - 5] != ':')
      return false;
    for (size_t k = llen - 4; k < llen; k++)
      {
        int v = hex_value (local[k]);

        if (v < 0)
          return false;
        value = value * 16 + (uint32_t) v;
      }
    if (value != port)
      return false;
  }

  /* Owner: decimal uid. */
  {
    uint64_t value = 0;

    if (flen[7] == 0 || flen[7] > 10)
      return false;
    for (size_t k = 0; k < flen[7]; k++)
      {
        char c = fields[7][k];

        if (c < '0' || c > '9')
          return false;
        value = value * 10 + (uint64_t) (c - '0');
      }
    return value == uid;
  }
}

static void
end_line (WvIcmpUdpTableScan *scan)
{
  if (!scan->overlong && line_matches (scan->line, scan->len, scan->port, scan->uid))
    scan->found = true;
  scan->len = 0;
  scan->overlong = false;
}

void
wv_icmp_udp_table_scan_feed (WvIcmpUdpTableScan *scan,
                             const char         *data,
                             size_t              len)
{
  if (len == 0)
    {
      if (scan->len > 0)
        end_line (scan);
      return;
    }

  for (size_t i = 0; i < len && !scan->found; i++)
    {
      if (data[i] == '\n')
        end_line (scan);
      else if (scan->len < sizeof scan->line)
        scan->line[scan->len++] = data[i];
      else
        scan->overlong = true;
    }
}

static bool
scan_file (const char  *path,
           uint16_t     port,
           unsigned int uid)
{
  WvIcmpUdpTableScan scan;
  char buf[4096];
  int fd;

  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;

  wv_icmp_udp_table_scan_init (&scan, port, uid);
  while (!scan.found)
    {
      ssize_t n = read (fd, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      wv_icmp_udp_table_scan_feed (&scan, buf, (size_t) n);
    }
  wv_icmp_udp_table_scan_feed (&scan, NULL, 0);
  close (fd);

  return scan.found;
}

bool
wv_icmp_port_owned_by (int          family,
                       uint16_t     port,
                       unsigned int uid)
{
  if (family == 4 && scan_file ("/proc/net/udp", port, uid))
    return true;
  return scan_file ("/proc/net/udp6", port, uid);
}

/* cmdparse.h: request lines of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain C on purpose: the helper holds raw sockets for a moment and must
 * stay small enough to audit, so it links nothing but libc.  The line
 * reader and the parser are pure functions over bytes so that the tests
 * and the libFuzzer target can drive them without any socket.
 */

#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Version of the line protocol (docs/icmp-helper.md).  Bump it whenever a
 * request, a reply or an event changes shape: the client refuses any other. */
#define WV_ICMP_PROTOCOL_VERSION 1

/* Longest request, in bytes, not counting the terminating newline. */
#define WV_ICMP_MAX_LINE 255
/* Longest client token. */
#define WV_ICMP_MAX_TOKEN 32
/* Most arguments after the command word. */
#define WV_ICMP_MAX_ARGS 3
/* Token of asynchronous events; never a valid client token. */
#define WV_ICMP_EVENT_TOKEN "*"
/* Token of replies to lines whose own token could not be read. */
#define WV_ICMP_ANON_TOKEN "!"

typedef enum {
  WV_ICMP_CMD_VERSION,
  WV_ICMP_CMD_CHECK_SUPPORT,
  WV_ICMP_CMD_WATCH,
  WV_ICMP_CMD_UNWATCH,
  WV_ICMP_CMD_STATS,
  WV_ICMP_CMD_QUIT,
} WvIcmpCmdKind;

typedef struct {
  /* The client's token, or WV_ICMP_ANON_TOKEN when the line had none that
   * was valid.  Always NUL-terminated, so it can go straight into a reply. */
  char token[WV_ICMP_MAX_TOKEN + 1];
  WvIcmpCmdKind kind;
  int family;          /* 4 or 6, for watch and unwatch */
  uint16_t port;       /* 1..65535, for watch and unwatch */
} WvIcmpCmd;

/* Parses one request line (without its newline; it need not be
 * NUL-terminated and may contain any byte).  Returns NULL on success, or
 * the static reason word of the error reply.  cmd->token is filled in
 * either case so that the error reply carries the right token. */
const char *wv_icmp_cmd_parse (const char *line, size_t len, WvIcmpCmd *cmd);

/* Extracts just the token of a line that was too long to parse; returns
 * false (and sets WV_ICMP_ANON_TOKEN) when the prefix has no valid token. */
bool wv_icmp_cmd_parse_token (const char *line, size_t len,
                              char token[WV_ICMP_MAX_TOKEN + 1]);

typedef enum {
  WV_ICMP_LINE_NONE,      /* need more bytes */
  WV_ICMP_LINE_OK,        /* reader->line holds a complete line */
  WV_ICMP_LINE_TOO_LONG,  /* a line ended that was longer than the limit;
                           * reader->line holds its first WV_ICMP_MAX_LINE bytes */
} WvIcmpLineStatus;

/* Splits a byte stream into lines of at most WV_ICMP_MAX_LINE bytes without
 * ever losing sync: an overlong line is discarded up to its newline and
 * reported once, when that newline arrives. */
typedef struct {
  char line[WV_ICMP_MAX_LINE + 1];
  size_t len;
  bool overlong;
  bool complete;
} WvIcmpLineReader;

void wv_icmp_line_reader_init (WvIcmpLineReader *reader);

/* Consumes bytes of data up to and including the first newline (or all of
 * them when there is none) and returns how many it consumed.  When it
 * returns with *status other than WV_ICMP_LINE_NONE, the line is available
 * in reader->line / reader->len (NUL-terminated) until the next call. */
size_t wv_icmp_line_reader_feed (WvIcmpLineReader *reader,
                                 const char       *data,
                                 size_t            len,
                                 WvIcmpLineStatus *status);

/* test-icmp-cmdparse.c: request side of wifi-verify-icmp-helper
 *
 * Copyright 2024 The wifi-verify authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Line reader, request parser, request handling (replies, watch limits,
 * ownership check) and the /proc/net/udp scanner, without any process.
 */

#include <string.h>

#include <glib.h>

#include "cmdparse.h"
#include "portowner.h"
#include "proto.h"

static const char *
parse (const char *line,
       WvIcmpCmd  *cmd)
{
  return wv_icmp_cmd_parse (line, strlen (line), cmd);
}

static void
test_parse_valid (void)
{
  WvIcmpCmd cmd;

  g_assert_null (parse ("t1 version", &cmd));
  g_assert_cmpstr (cmd.token, ==, "t1");
  g_assert_cmpint (cmd.kind, ==, WV_ICMP_CMD_VERSION);

  g_assert_null (parse ("a.b_c-D9 check-support", &cmd));
  g_assert_cmpstr (cmd.token, ==, "a.b_c-D9");
  g_assert_cmpint (cmd.kind, ==, WV_ICMP_CMD_CHECK_SUPPORT);

  g_assert_null (parse ("x stats", &cmd));
  g_assert_cmpint (cmd.kind, ==, WV_ICMP_CMD_STATS);
  g_assert_null (parse ("x quit", &cmd));
  g_assert_cmpint (cmd.kind, ==, WV_ICMP_CMD_QUIT);

  g_assert_null (parse ("w watch udp4 1", &cmd));
  g_assert_cmpint (cmd.kind, ==, WV_ICMP_CMD_WATCH);
  g_assert_cmpint (cmd.family, ==, 4);
  g_assert_cmpuint (cmd.port, ==, 1);

  g_assert_null (parse ("w unwatch udp6 65535", &cmd));
  g_assert_cmpint (cmd.kind, ==, WV_ICMP_CMD_UNWATCH);
  g_assert_cmpint (cmd.family, ==, 6);
  g_assert_cmpuint (cmd.port, ==, 65535);

  g_assert_null (parse ("w watch udp4 40000", &cmd));
  g_assert_cmpuint (cmd.port, ==, 40000);

  /* The longest token (32 characters) is fine. */
  g_assert_null (parse ("0123456789abcdef0123456789ABCDEF version", &cmd));
  g_assert_cmpstr (cmd.token, ==, "0123456789abcdef0123456789ABCDEF");
}

static void
test_parse_errors (void)
{
  static const struct {
    const char *line;
    const char *reason;
    const char *token;
  } cases[] = {
    { "t", "missing-command", "t" },
    { "t frobnicate", "unknown-command", "t" },
    { "t Version", "unknown-command", "t" },
    { "t version now", "bad-argument-count", "t" },
    { "t quit a b c", "bad-argument-count", "t" },
    { "t watch udp4 1 2 3", "too-many-arguments", "t" },
    { "t watch udp4", "bad-argument-count", "t" },
    { "t watch", "bad-argument-count", "t" },
    { "t watch udp4 80 81", "bad-argument-count", "t" },
    { "t watch udp5 80", "bad-family", "t" },
    { "t watch UDP4 80", "bad-family", "t" },
    { "t watch tcp4 80", "bad-family", "t" },
    { "t watch udp4 0", "bad-port", "t" },
    { "t watch udp4 65536", "bad-port", "t" },
    { "t watch udp4 99999", "bad-port", "t" },
    { "t watch udp4 123456", "bad-port", "t" },
    { "t watch udp4 080", "bad-port", "t" },
    { "t watch udp4 +80", "bad-port", "t" },
    { "t watch udp4 -1", "bad-port", "t" },
    { "t watch udp4 8o", "bad-port", "t" },
    { "t  version", "bad-syntax", "t" },
    { "t version ", "bad-syntax", "t" },
    { "t watch  udp4 80", "bad-syntax", "t" },
    { "t version\r", "bad-character", "t" },
    { "t\tversion", "bad-token", "!" },
    { "t version\t", "bad-character", "t" },
    { "t v\x7f" "ersion", "bad-character", "t" },
    { "t v\xc3\xa9rsion", "bad-character", "t" },
    { "", "bad-token", "!" },
    { " t version", "bad-token", "!" },
    { "* version", "bad-token", "!" },
    { "! version", "bad-token", "!" },
    { "a/b version", "bad-token", "!" },
    { "0123456789abcdef0123456789ABCDEFx version", "bad-token", "!" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      WvIcmpCmd cmd;
      const char *reason = parse (cases[i].line, &cmd);

      g_test_message ("line %" G_GSIZE_FORMAT ": “%s”", i, cases[i].line);
      g_assert_cmpstr (reason, ==, cases[i].reason);
      g_assert_cmpstr (cmd.token, ==, cases[i].token);
    }
}

static void
test_parse_embedded_nul (void)
{
  static const char line[] = "t ver\0sion";
  WvIcmpCmd cmd;

  g_assert_cmpstr (wv_icmp_cmd_parse (line, sizeof line - 1, &cmd), ==, "bad-character");
  g_assert_cmpstr (cmd.token, ==, "t");
  g_assert_cmpstr (wv_icmp_cmd_parse ("t\0 version", 10, &cmd), ==, "bad-token");
  g_assert_cmpstr (cmd.token, ==, "!");
}

static void
test_line_reader (void)
{
  WvIcmpLineReader reader;
  WvIcmpLineStatus status;
  const char *data = "a version\nb stats\npartial";
  size_t len = strlen (data);
  size_t used;

  wv_icmp_line_reader_init (&reader);

  used = wv_icmp_line_reader_feed (&reader, data, len, &status);
  g_assert_cmpuint (used, ==, 10);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_OK);
  g_assert_cmpstr (reader.line, ==, "a version");
  g_assert_cmpuint (reader.len, ==, 9);

  used += wv_icmp_line_reader_feed (&reader, data + used, len - used, &status);
  g_assert_cmpuint (used, ==, 18);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_OK);
  g_assert_cmpstr (reader.line, ==, "b stats");

  used += wv_icmp_line_reader_feed (&reader, data + used, len - used, &status);
  g_assert_cmpuint (used, ==, len);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_NONE);

  /* The rest of the partial line arrives one byte at a time. */
  g_assert_cmpuint (wv_icmp_line_reader_feed (&reader, " x", 2, &status), ==, 2);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_NONE);
  g_assert_cmpuint (wv_icmp_line_reader_feed (&reader, "\n", 1, &status), ==, 1);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_OK);
  g_assert_cmpstr (reader.line, ==, "partial x");

  /* An empty line is a line. */
  g_assert_cmpuint (wv_icmp_line_reader_feed (&reader, "\nz", 2, &status), ==, 1);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_OK);
  g_assert_cmpuint (reader.len, ==, 0);
}

static void
test_line_reader_limits (void)
{
  WvIcmpLineReader reader;
  WvIcmpLineStatus status;
  char exact[WV_ICMP_MAX_LINE + 1];
  g_autofree char *huge = NULL;
  gsize huge_len = 100000;

  wv_icmp_line_reader_init (&reader);

  /* Exactly WV_ICMP_MAX_LINE (255) bytes: accepted whole. */
  memset (exact, 'x', WV_ICMP_MAX_LINE);
  exact[WV_ICMP_MAX_LINE] = '\n';
  g_assert_cmpuint (wv_icmp_line_reader_feed (&reader, exact, sizeof exact, &status), ==, 256);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_OK);
  g_assert_cmpuint (reader.len, ==, 255);

  /* 256 bytes: too long, reported once at its newline. */
  g_assert_cmpuint (wv_icmp_line_reader_feed (&reader, exact, WV_ICMP_MAX_LINE, &status), ==, 255);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_NONE);
  g_assert_cmpuint (wv_icmp_line_reader_feed (&reader, "y\n", 2, &status), ==, 2);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_TOO_LONG);
  g_assert_cmpuint (reader.len, ==, 255);

  /* 100 000 bytes with the token in front, then a normal line: the reader
   * keeps the token, drops the rest and stays in sync. */
  huge = g_malloc (huge_len + 20);
  memcpy (huge, "big7 watch ", 11);
  memset (huge + 11, 'z', huge_len - 11);
  memcpy (huge + huge_len, "\nq1 version\n", 12);
  g_assert_cmpuint (wv_icmp_line_reader_feed (&reader, huge, huge_len + 12, &status), ==, huge_len + 1);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_TOO_LONG);
  g_assert_true (g_str_has_prefix (reader.line, "big7 watch zzz"));
  g_assert_cmpuint (wv_icmp_line_reader_feed (&reader, huge + huge_len + 1, 11, &status), ==, 11);
  g_assert_cmpint (status, ==, WV_ICMP_LINE_OK);
  g_assert_cmpstr (reader.line, ==, "q1 version");
}

/* ---- request handling --------------------------------------------------- */

typedef struct {
  WvIcmpState state;
  char reply[WV_ICMP_MAX_REPLY];
  guint owner_calls;
} Fixture;

static bool
owned_if_even (int family, uint16_t port, void *user_data)
{
  Fixture *f = user_data;

  f->owner_calls++;
  return port % 2 == 0;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  wv_icmp_state_init (&f->state);
  f->state.icmp4_errno = 0;
  f->state.icmp6_errno = 0;
  f->state.start = "root";
  f->state.uid = 65534;
  f->state.gid = 65534;
  f->state.bounding_cleared = true;
  f->state.seccomp = "on";
  f->state.kernel_timestamps = true;
  f->state.program_version = "1.2.3";
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
}

static const char *
handle (Fixture    *f,
        const char *line)
{
  size_t len = wv_icmp_handle_line (&f->state, line, strlen (line), false,
                                    f->reply, sizeof f->reply);

  g_assert_cmpuint (len, <, sizeof f->reply);
  f->reply[len] = '\0';
  return f->reply;
}

static void
test_handle_basic (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_cmpstr (handle (f, "v1 version"), ==,
                   "v1 ok protocol=1 program=wifi-verify-icmp-helper version=1.2.3\n");
  g_assert_cmpstr (handle (f, "cs check-support"), ==,
                   "cs ok icmp4=open icmp6=open start=root uid=65534 gid=65534 caps=none"
                   " bounding=cleared nnp=yes nnp-at-start=no seccomp=on owner-check=off"
                   " timestamps=kernel\n");

  f->state.icmp4_errno = EPERM;
  f->state.icmp6_errno = EAFNOSUPPORT;
  f->state.start = "none";
  f->state.bounding_cleared = false;
  f->state.nnp_at_start = true;
  f->state.kernel_timestamps = false;
  f->state.port_owned = owned_if_even;
  f->state.port_owned_data = f;
  g_assert_cmpstr (handle (f, "cs2 check-support"), ==,
                   "cs2 ok icmp4=EPERM icmp6=EAFNOSUPPORT start=none uid=65534 gid=65534"
                   " caps=none bounding=kept nnp=yes nnp-at-start=yes seccomp=on"
                   " owner-check=on timestamps=user\n");

  g_assert_cmpstr (handle (f, "s stats"), ==,
                   "s ok rx4=0 rx6=0 reported=0 unwatched=0 malformed=0 bad-checksum=0"
                   " other-type=0 truncated=0 not-udp=0 fragment=0 unparsed=0 dropped=0"
                   " rx-error=0\n");

  g_assert_cmpstr (handle (f, "e1 nope"), ==, "e1 error unknown-command\n");
  g_assert_cmpstr (handle (f, "/ nope"), ==, "! error bad-token\n");
  g_assert_false (f->state.quit);
  g_assert_cmpstr (handle (f, "q quit"), ==, "q ok\n");
  g_assert_true (f->state.quit);
}

static void
test_handle_empty_and_long (Fixture       *f,
                            gconstpointer  data)
{
  char out[WV_ICMP_MAX_REPLY];
  size_t len;

  /* Empty lines get no reply at all. */
  g_assert_cmpuint (wv_icmp_handle_line (&f->state, "", 0, false, out, sizeof out), ==, 0);

  len = wv_icmp_handle_line (&f->state, "tok9 watch udp4", 15, true, out, sizeof out);
  g_assert_cmpstr ((out[len] = '\0', out), ==, "tok9 error line-too-long\n");
  len = wv_icmp_handle_line (&f->state, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 41, true, out, sizeof out);
  g_assert_cmpstr ((out[len] = '\0', out), ==, "! error line-too-long\n");
}

static void
test_handle_watch (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_cmpstr (handle (f, "a watch udp4 5000"), ==, "a ok watched4=1 watched6=0\n");
  g_assert_true (wv_icmp_state_is_watched (&f->state, 4, 5000));
  g_assert_false (wv_icmp_state_is_watched (&f->state, 6, 5000));
  g_assert_false (wv_icmp_state_is_watched (&f->state, 4, 5001));

  /* Watching twice is harmless and does not count twice. */
  g_assert_cmpstr (handle (f, "b watch udp4 5000"), ==, "b ok watched4=1 watched6=0\n");
  g_assert_cmpstr (handle (f, "c watch udp6 5000"), ==, "c ok watched4=1 watched6=1\n");
  g_assert_true (wv_icmp_state_is_watched (&f->state, 6, 5000));

  g_assert_cmpstr (handle (f, "d unwatch udp4 5000"), ==, "d ok watched4=0 watched6=1\n");
  g_assert_false (wv_icmp_state_is_watched (&f->state, 4, 5000));
  g_assert_cmpstr (handle (f, "e unwatch udp4 5000"), ==, "e error not-watched\n");
  g_assert_cmpstr (handle (f, "f unwatch udp6 5000"), ==, "f ok watched4=0 watched6=0\n");

  /* A family without its raw socket cannot be watched. */
  f->state.icmp6_errno = EPERM;
  g_assert_cmpstr (handle (f, "g watch udp6 5000"), ==, "g error no-socket\n");
  g_assert_cmpstr (handle (f, "h watch udp4 5000"), ==, "h ok watched4=1 watched6=0\n");
}

static void
test_handle_watch_limit (Fixture       *f,
                         gconstpointer  data)
{
  for (guint i = 0; i < WV_ICMP_MAX_WATCH; i++)
    {
      g_autofree char *line = g_strdup_printf ("w%u watch udp4 %u", i, 1000 + i);
      g_autofree char *expected = g_strdup_printf ("w%u ok watched4=%u watched6=0\n", i, i + 1);

      g_assert_cmpstr (handle (f, line), ==, expected);
    }
  g_assert_cmpstr (handle (f, "x watch udp4 2000"), ==, "x error too-many-ports\n");
  /* Re-watching a present port at the limit is still fine ... */
  g_assert_cmpstr (handle (f, "y watch udp4 1000"), ==, "y ok watched4=64 watched6=0\n");
  /* ... the other family has its own 64 ... */
  g_assert_cmpstr (handle (f, "z watch udp6 2000"), ==, "z ok watched4=64 watched6=1\n");
  /* ... and freeing one slot makes room again. */
  g_assert_cmpstr (handle (f, "u unwatch udp4 1063"), ==, "u ok watched4=63 watched6=1\n");
  g_assert_cmpstr (handle (f, "x2 watch udp4 2000"), ==, "x2 ok watched4=64 watched6=1\n");
}

static void
test_handle_owner_check (Fixture       *f,
                         gconstpointer  data)
{
  f->state.port_owned = owned_if_even;
  f->state.port_owned_data = f;

  g_assert_cmpstr (handle (f, "a watch udp4 5001"), ==, "a error port-not-owned\n");
  g_assert_cmpuint (f->owner_calls, ==, 1);
  g_assert_cmpstr (handle (f, "b watch udp6 5002"), ==, "b ok watched4=0 watched6=1\n");
  g_assert_cmpuint (f->owner_calls, ==, 2);
  /* Already watched: no second look at /proc. */
  g_assert_cmpstr (handle (f, "c watch udp6 5002"), ==, "c ok watched4=0 watched6=1\n");
  g_assert_cmpuint (f->owner_calls, ==, 2);
  /* Unwatching never needs ownership. */
  g_assert_cmpstr (handle (f, "d unwatch udp6 5002"), ==, "d ok watched4=0 watched6=0\n");
  g_assert_cmpuint (f->owner_calls, ==, 2);
}

/* ---- /proc/net/udp scanner ---------------------------------------------- */

static const char udp4_table[] =
  "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            \n"
  "  270: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000   104        0 17462 2 0000000000000000 0          \n"
  "  513: 0100007F:9C40 00000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 99999 2 0000000000000000 0          \n"
  " 1023: 0200000A:9C41 0300000A:0035 01 00000000:00000000 00:00000000 00000000     0        0 88888 2 0000000000000000 0          \n";

static const char udp6_table[] =
  "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
  "  104: 00000000000000000000000000000000:A411 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000  1000        0 33333 2 0000000000000000 0\n";

static gboolean
scan (const char *table, gsize chunk, guint16 port, guint uid)
{
  WvIcmpUdpTableScan s;
  gsize len = strlen (table);

  wv_icmp_udp_table_scan_init (&s, port, uid);
  for (gsize off = 0; off < len; off += chunk)
    wv_icmp_udp_table_scan_feed (&s, table + off, MIN (chunk, len - off));
  wv_icmp_udp_table_scan_feed (&s, NULL, 0);
  return s.found;
}

static void
test_udp_table (void)
{
  static const gsize chunks[] = { 1, 7, 100, 4096 };

  for (gsize i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      gsize c = chunks[i];

      g_assert_true (scan (udp4_table, c, 0x14e9, 104));     /* 5353, uid 104 */
      g_assert_false (scan (udp4_table, c, 0x14e9, 1000));   /* someone else's */
      g_assert_true (scan (udp4_table, c, 40000, 1000));     /* 0x9C40 */
      g_assert_true (scan (udp4_table, c, 40001, 0));        /* connected socket */
      g_assert_false (scan (udp4_table, c, 40002, 1000));    /* nobody has it */
      g_assert_false (scan (udp4_table, c, 0, 0));           /* the header's "uid" column */
      g_assert_true (scan (udp6_table, c, 0xa411, 1000));
      g_assert_false (scan (udp6_table, c, 0xa411, 100));
    }
}

static void
test_udp_table_odd_input (void)
{
  g_autofree char *overlong = NULL;
  GString *s = g_string_new (NULL);

  /* No final newline. */
  g_assert_true (scan ("  1: 0100007F:0050 00000000:0000 07 0:0 0:0 0 1000 0", 4096, 80, 1000));
  /* Too few fields, junk port, junk uid, uid overflow. */
  g_assert_false (scan ("  1: 0100007F:0050 00000000:0000 07 0:0 0:0 0\n", 4096, 80, 0));
  g_assert_false (scan ("  1: 0100007F:00G0 00000000:0000 07 0:0 0:0 0 1000\n", 4096, 80, 1000));
  g_assert_false (scan ("  1: 0100007F:0050 00000000:0000 07 0:0 0:0 0 10x0\n", 4096, 80, 1000));
  g_assert_false (scan ("  1: 0100007F:0050 00000000:0000 07 0:0 0:0 0 4294968296\n", 4096, 80, 1000));
  g_assert_false (scan ("  1: 0100007F:050 00000000:0000 07 0:0 0:0 0 1000\n", 4096, 80, 1000));

  /* A line longer than the scanner's buffer is skipped whole, not misread. */
  g_string_append (s, "  1: 0100007F:0050 00000000:0000 07 0:0 0:0 0 1000 ");
  for (int i = 0; i < 600; i++)
    g_string_append_c (s, 'x');
  g_string_append (s, "\n  2: 0100007F:0051 00000000:0000 07 0:0 0:0 0 1000\n");
  overlong = g_string_free (s, FALSE);
  g_assert_false (scan (overlong, 4096, 80, 1000));
  g_assert_true (scan (overlong, 13, 81, 1000));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/icmp-helper/cmd/parse-valid", test_parse_valid);
  g_test_add_func ("/icmp-helper/cmd/parse-errors", test_parse_errors);
  g_test_add_func ("/icmp-helper/cmd/parse-embedded-nul", test_parse_embedded_nul);
  g_test_add_func ("/icmp-helper/cmd/line-reader", test_line_reader);
  g_test_add_func ("/icmp-helper/cmd/line-reader-limits", test_line_reader_limits);
  g_test_add ("/icmp-helper/cmd/handle-basic", Fixture, NULL,
              fixture_setup, test_handle_basic, fixture_teardown);
  g_test_add ("/icmp-helper/cmd/handle-empty-and-long", Fixture, NULL,
              fixture_setup, test_handle_empty_and_long, fixture_teardown);
  g_test_add ("/icmp-helper/cmd/handle-watch", Fixture, NULL,
              fixture_setup, test_handle_watch, fixture_teardown);
  g_test_add ("/icmp-helper/cmd/handle-watch-limit", Fixture, NULL,
              fixture_setup, test_handle_watch_limit, fixture_teardown);
  g_test_add ("/icmp-helper/cmd/handle-owner-check", Fixture, NULL,
              fixture_setup, test_handle_owner_check, fixture_teardown);
  g_test_add_func ("/icmp-helper/cmd/udp-table", test_udp_table);
  g_test_add_func ("/icmp-helper/cmd/udp-table-odd-input", test_udp_table_odd_input);

  return g_test_run ();
}

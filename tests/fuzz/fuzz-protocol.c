/* fuzz-protocol.c: libFuzzer target for the wire protocol codec (wv-protocol)
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input goes to both parsers, as a control message and as a
 * probe-channel packet, as a peer could send it on either channel. Besides
 * crashes and sanitizer reports, it checks the codec's promises:
 *
 * - a rejection is a WV_PROTOCOL_ERROR with a known code and a printable
 *   message (the engine logs it), and leaves the output untouched;
 * - an accepted message passes wv_msg_validate(), serialises into valid
 *   UTF-8 within WV_CONTROL_MAX_SIZE, parses back to the very same bytes,
 *   and that text serialises to itself;
 * - an accepted packet is written back by wv_packet_write() with the same
 *   header and parses to the same values.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "wv-protocol.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define CHECK(cond)                                                      \
  do {                                                                   \
    if (!(cond))                                                         \
      {                                                                  \
        fprintf (stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        abort ();                                                        \
      }                                                                  \
  } while (0)

static void
check_error (const GError *error)
{
  CHECK (error != NULL);
  CHECK (error->domain == WV_PROTOCOL_ERROR);
  CHECK (error->code >= WV_PROTOCOL_ERROR_MALFORMED && error->code <= WV_PROTOCOL_ERROR_TOO_LARGE);
  CHECK (error->message != NULL && error->message[0] != '\0');
  CHECK (g_utf8_validate (error->message, -1, NULL));
  for (const char *p = error->message; *p; p = g_utf8_next_char (p))
    CHECK (!g_unichar_iscntrl (g_utf8_get_char (p)));
}

static void
fuzz_message (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  WvMsg msg, back, untouched;

  memset (&msg, 0xa5, sizeof msg);
  memcpy (&untouched, &msg, sizeof msg);
  if (!wv_msg_parse ((const char *) data, size, &msg, &error))
    {
      check_error (error);
      CHECK (memcmp (&msg, &untouched, sizeof msg) == 0);
      return;
    }
  CHECK (error == NULL);
  CHECK ((unsigned) msg.type < WV_N_MSG_TYPES);
  CHECK (wv_msg_validate (&msg, NULL));

  text = wv_msg_serialize (&msg);
  CHECK (text != NULL);
  CHECK (strlen (text) <= WV_CONTROL_MAX_SIZE);
  CHECK (g_utf8_validate (text, -1, NULL));

  memset (&back, 0x5a, sizeof back);
  if (!wv_msg_parse (text, strlen (text), &back, &error))
    {
      fprintf (stderr, "own output rejected: %s\n%s\n", error->message, text);
      abort ();
    }
  /* Byte for byte: this also catches -0.0 against 0.0 and the last bit of
   * a double. */
  if (memcmp (&msg, &back, sizeof msg) != 0)
    {
      fprintf (stderr, "round trip changed the message:\n%s\n", text);
      abort ();
    }
  again = wv_msg_serialize (&back);
  CHECK (strcmp (text, again) == 0);
}

static void
fuzz_packet (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  guint8 buf[WV_PROBE_MAX_SIZE];
  WvPacket p, back, untouched;
  gsize header;

  memset (&p, 0xa5, sizeof p);
  memcpy (&untouched, &p, sizeof p);
  if (!wv_packet_parse (data, size, &p, &error))
    {
      check_error (error);
      CHECK (memcmp (&p, &untouched, sizeof p) == 0);
      return;
    }
  CHECK (p.size == size);
  CHECK (p.class_index <= WV_MAX_CLASSES);
  CHECK (size <= WV_PROBE_MAX_SIZE);

  CHECK (p.n_followups <= WV_MAX_FOLLOWUPS);
  CHECK (wv_packet_write (&p, buf, p.size) == p.size);
  header = p.kind == WV_PACKET_ECHO ? WV_ECHO_SIZE : 16;
  CHECK (memcmp (buf, data, header) == 0);
  /* A follow-up block (docs/protocol.md: marker, count, two reserved bytes,
   * 12 bytes per follow-up) comes back as it was read; the rest of the
   * padding is zero. */
  if (p.n_followups > 0)
    {
      gsize block = 4 + 12 * p.n_followups;

      CHECK (buf[header] == 0x46 && buf[header + 1] == p.n_followups);
      CHECK (memcmp (buf + header + 4, data + header + 4, block - 4) == 0);
      header += block;
    }
  for (gsize i = header; i < p.size; i++)
    CHECK (buf[i] == 0);

  CHECK (wv_packet_parse (buf, p.size, &back, NULL));
  CHECK (back.kind == p.kind);
  CHECK (back.class_index == p.class_index);
  CHECK (back.seq == p.seq);
  CHECK (back.t1 == p.t1);
  CHECK (back.t2 == p.t2);
  CHECK (back.t3 == p.t3);
  CHECK (back.size == p.size);
  CHECK (back.n_followups == p.n_followups);
  for (guint i = 0; i < p.n_followups; i++)
    CHECK (back.followups[i].seq == p.followups[i].seq &&
           back.followups[i].wire_ns == p.followups[i].wire_ns);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_message (data, size);
  fuzz_packet (data, size);
  return 0;
}

/* wv-cli.c: wifi-verify-cli, the headless front end
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-cli"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "wv-gst.h"
#include "wv-cli.h"

static const struct {
  const char *name;
  int (*run) (int argc, char **argv);
  gboolean gst;             /* needs the WebRTC stack */
  const char *help;
} commands[] = {
  { "self-test", wv_cli_self_test, TRUE, "server and client in one process over 127.0.0.1 and ::1" },
  { "run", wv_cli_run, TRUE, "measure the path to a wifi-verify server: run URL" },
  { "serve", wv_cli_serve, TRUE, "run the measuring server" },
  { "status", wv_cli_status, TRUE, "show a server's sessions, ICE pairs and counters: status URL" },
  { "report", wv_cli_report, FALSE, "a saved run (--save), or two compared; --pdf: report FILE [FILE2]" },
  { "demo", wv_cli_demo, TRUE, "send messages with per-packet options over loopback and show what arrived" },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: wifi-verify-cli COMMAND [OPTIONS]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].help);
  fprintf (out, "  %-10s %s\n", "version", "show the version and the WebRTC stack in use");
  fprintf (out, "\nRun 'wifi-verify-cli COMMAND --help' for the options of a command.\n");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  /* Reports need neither GStreamer nor a display. */
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0 && !commands[i].gst)
      return commands[i].run (argc - 1, argv + 1);
  if (!wv_gst_init (NULL, NULL, &error))
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      return 1;
    }
  if (strcmp (argv[1], "version") == 0 || strcmp (argv[1], "--version") == 0)
    {
      g_autofree char *stack = wv_gst_describe_stack ();
      printf ("wifi-verify-cli %s\n%s", PACKAGE_VERSION, stack);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  fprintf (stderr, "wifi-verify-cli: unknown command \"%s\"\n\n", argv[1]);
  usage (stderr);
  return 2;
}

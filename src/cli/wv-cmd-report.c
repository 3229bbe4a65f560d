/* wv-cmd-report.c: "report FILE [FILE2]": a saved run, or two compared
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-cli"

#include "config.h"

#include <stdio.h>

#include "wv-report.h"
#include "wv-run.h"
#include "wv-cli.h"

static WvReport *
load_report (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(WvRun) run = wv_run_load (file, NULL, &error);

  if (run == NULL)
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      return NULL;
    }
  return wv_report_new_from_run (run);
}

int
wv_cli_report (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(WvReport) a = NULL;
  g_autoptr(WvReport) b = NULL;
  g_autofree char *pdf = NULL;
  gboolean force = FALSE;
  GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, "Also write the report as a PDF (one run only)", "OUT" },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, "Overwrite an existing PDF", NULL },
    { NULL }
  };

  ctx = g_option_context_new ("FILE [FILE2] - a saved run, or two compared");
  g_option_context_set_description (ctx,
      "FILE is a run kept with 'run --save' or 'self-test --save' (" WV_RUN_FILE_SUFFIX "), or\n"
      "JSON lines written with --json. With one file: its metadata, verdict,\n"
      "summaries, Wi-Fi link and paths. With two: both side by side (A then B,\n"
      "for instance before and after a fix) and what changed.\n"
      "A file cut short or damaged is read as far as it goes; what could not\n"
      "be read is listed.");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
      return 2;
    }
  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "wifi-verify-cli: report takes one run file, or two to compare\n");
      return 2;
    }
  if (pdf != NULL && argc == 3)
    {
      fprintf (stderr, "wifi-verify-cli: --pdf takes one run, not two\n");
      return 2;
    }
  if (pdf != NULL && !force && g_file_test (pdf, G_FILE_TEST_EXISTS))
    {
      fprintf (stderr, "wifi-verify-cli: Refusing to overwrite the existing file “%s”\n", pdf);
      return 1;
    }

  a = load_report (argv[1]);
  if (a == NULL)
    return 1;
  if (argc == 3)
    {
      b = load_report (argv[2]);
      if (b == NULL)
        return 1;
      wv_report_print_compare (a, argv[1], b, argv[2], stdout);
      return 0;
    }

  wv_report_print (a, argv[1], stdout);
  if (pdf != NULL)
    {
      if (!wv_report_write_pdf (a, argv[1], pdf, &error))
        {
          fprintf (stderr, "wifi-verify-cli: %s\n", error->message);
          return 1;
        }
      printf ("\nreport written to %s\n", pdf);
    }
  return 0;
}

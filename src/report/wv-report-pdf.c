/* wv-report-pdf.c: a run's report as a PDF
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "wv-report"

#include "wv-report.h"

gboolean
wv_report_write_pdf (WvReport *self, const char *name, const char *path, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not yet");
  return FALSE;
}

/* wv-chart-format.h: number formatting for axis labels and tooltips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "wv-chart-types.h"

G_BEGIN_DECLS

/* Largest number of decimals any formatter here prints. */
#define WV_FORMAT_MAX_DECIMALS 6

int   wv_format_decimals_for (double      resolution);
char *wv_format_decimal      (double      value,
                              double      resolution,
                              const char *unit,
                              gpointer    user_data);
char *wv_format_si           (double      value,
                              double      resolution,
                              const char *unit,
                              gpointer    user_data);
char *wv_format_rtt_ms       (double      min_ms,
                              double      avg_ms,
                              double      max_ms);

G_END_DECLS

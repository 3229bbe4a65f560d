/* wv-chart-format.c: number formatting for axis labels and tooltips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include <math.h>
#include <string.h>

#include "wv-chart-format.h"

/**
 * wv_format_decimals_for:
 * @resolution: the smallest step that must stay visible
 *
 * Returns: how many decimals are needed so that two values @resolution
 *   apart print differently (0 .. %WV_FORMAT_MAX_DECIMALS).
 */
int
wv_format_decimals_for (double resolution)
{
  double d;

  if (!isfinite (resolution) || resolution <= 0)
    return 0;

  /* The epsilon keeps exact powers of ten (0.1 may come back from log10 as
   * -0.99999...) from asking for one decimal too many or too few. */
  d = -floor (log10 (resolution) + 1e-9);

  return (int) CLAMP (d, 0, WV_FORMAT_MAX_DECIMALS);
}

/* printf() happily prints "-0.0" for tiny negative values that round to
 * zero; a technician reading the axis should see "0.0". */
static void
strip_negative_zero (char *text)
{
  if (text[0] != '-')
    return;

  for (const char *p = text + 1; *p; p++)
    {
      if (*p >= '1' && *p <= '9')
        return;
    }

  memmove (text, text + 1, strlen (text));
}

static char *
append_unit (char       *text,
             const char *prefix,
             const char *unit)
{
  char *ret;

  if ((unit == NULL || unit[0] == '\0') && (prefix == NULL || prefix[0] == '\0'))
    return text;

  ret = g_strconcat (text, " ", prefix ? prefix : "", unit ? unit : "", NULL);
  g_free (text);

  return ret;
}

/**
 * wv_format_decimal:
 *
 * A #WvValueFormatFunc printing plain decimals ("12.5 ms"). Values beyond
 * what fixed decimals can show sensibly (|v| >= 1e9, or a resolution finer
 * than %WV_FORMAT_MAX_DECIMALS decimals) use scientific notation.
 */
char *
wv_format_decimal (double      value,
                   double      resolution,
                   const char *unit,
                   gpointer    user_data)
{
  char *text;

  if (!isfinite (value))
    return append_unit (g_strdup ("–"), NULL, unit);

  if (fabs (value) >= 1e9 ||
      (isfinite (resolution) && resolution > 0 &&
       resolution < pow (10, -WV_FORMAT_MAX_DECIMALS)))
    text = g_strdup_printf ("%.3g", value);
  else
    text = g_strdup_printf ("%.*f", wv_format_decimals_for (resolution), value);

  strip_negative_zero (text);

  return append_unit (text, NULL, unit);
}

/**
 * wv_format_si:
 *
 * A #WvValueFormatFunc scaling by SI prefixes, for throughput in bit/s and
 * the like: wv_format_si (12.5e6, 1e5, "bit/s", NULL) gives "12.5 Mbit/s",
 * and with a %NULL unit "12.5 M".
 */
char *
wv_format_si (double      value,
              double      resolution,
              const char *unit,
              gpointer    user_data)
{
  static const char *prefixes[] = { "p", "n", "µ", "m", "", "k", "M", "G", "T", "P" };
  const int lowest = -4;
  const int highest = 5;
  double magnitude;
  double factor;
  double scaled;
  int exp3;
  int decimals;
  char *text;

  if (!isfinite (value))
    return append_unit (g_strdup ("–"), NULL, unit);

  if (value == 0)
    return append_unit (g_strdup ("0"), NULL, unit);

  magnitude = fabs (value);
  exp3 = (int) CLAMP (floor (log10 (magnitude) / 3.0), lowest, highest);

  for (;;)
    {
      factor = pow (1000.0, exp3);
      scaled = value / factor;

      if (isfinite (resolution) && resolution > 0)
        decimals = MIN (wv_format_decimals_for (resolution / factor), 3);
      else
        decimals = 2;

      /* 999.96 k printed with one decimal would read "1000.0 k". */
      if (exp3 < highest && fabs (scaled) >= 999.5 &&
          fabs (round (scaled * pow (10, decimals))) >= 1000.0 * pow (10, decimals))
        {
          exp3++;
          continue;
        }

      break;
    }

  text = g_strdup_printf ("%.*f", decimals, scaled);
  strip_negative_zero (text);

  return append_unit (text, prefixes[exp3 - lowest], unit);
}

static void
append_ms (GString *str,
           double   ms,
           int      decimals)
{
  if (isfinite (ms))
    g_string_append_printf (str, "%.*f", decimals, ms);
  else
    g_string_append (str, "?");
}

/**
 * wv_format_rtt_ms:
 *
 * Formats "min / avg / max ms" with as many decimals as the largest value
 * deserves (2 below 10 ms, 1 below 100 ms, none above). Unknown values
 * (NaN) print as "?".
 *
 * Returns: (transfer full) (nullable): the text, or %NULL when all three
 *   values are unknown
 */
char *
wv_format_rtt_ms (double min_ms,
                  double avg_ms,
                  double max_ms)
{
  GString *str;
  double largest = 0;
  int decimals;

  if (!isfinite (min_ms) && !isfinite (avg_ms) && !isfinite (max_ms))
    return NULL;

  if (isfinite (min_ms))
    largest = MAX (largest, fabs (min_ms));
  if (isfinite (avg_ms))
    largest = MAX (largest, fabs (avg_ms));
  if (isfinite (max_ms))
    largest = MAX (largest, fabs (max_ms));

  decimals = largest < 10 ? 2 : largest < 100 ? 1 : 0;

  str = g_string_new (NULL);
  append_ms (str, min_ms, decimals);
  g_string_append (str, " / ");
  append_ms (str, avg_ms, decimals);
  g_string_append (str, " / ");
  append_ms (str, max_ms, decimals);
  g_string_append (str, " ms");

  return g_string_free (str, FALSE);
}

/* wv-chart-colors.c: series colours and status colours for light and dark
 * backgrounds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "wv-charts"

#include "wv-chart-colors.h"

typedef struct
{
  guint32 light;
  guint32 dark;
} ColorPair;

/* Sixteen hues picked to stay apart from each other on one chart. Each has
 * a darker variant for light backgrounds and a lighter one for dark
 * backgrounds so that both reach a similar contrast; the order puts
 * neighbouring indexes (connections 1, 2, 3 ...) far apart in hue. */
static const ColorPair series_colors[WV_CHART_PALETTE_SIZE] = {
  { 0x1c5fd0, 0x62a0ea }, /* blue */
  { 0xd01b24, 0xff6a6a }, /* red */
  { 0x1f9a45, 0x57e389 }, /* green */
  { 0xe66100, 0xffa348 }, /* orange */
  { 0x8338b4, 0xc88bf0 }, /* purple */
  { 0x00858a, 0x4fd6cf }, /* teal */
  { 0xc01c9c, 0xf57ee0 }, /* magenta */
  { 0x86572a, 0xcd9a64 }, /* brown */
  { 0x7a7d00, 0xcfd14a }, /* olive */
  { 0x28318a, 0xa6acff }, /* navy / lavender */
  { 0x8f1d3c, 0xe8708f }, /* maroon / rose */
  { 0x008fd1, 0x5ad6ff }, /* cyan */
  { 0x5c9e00, 0xb5f05a }, /* lime */
  { 0xe05690, 0xffb3d9 }, /* pink */
  { 0x5e5c64, 0xc0bfbc }, /* grey */
  { 0xb58900, 0xf6d32d }, /* gold */
};

static const ColorPair status_colors[] = {
  [WV_CHART_STATUS_UNKNOWN]   = { 0x9a9996, 0x77767b },
  [WV_CHART_STATUS_GOOD]      = { 0x2a9d55, 0x57e389 },
  [WV_CHART_STATUS_WARNING]   = { 0xd68000, 0xf8c44a },
  [WV_CHART_STATUS_BAD]       = { 0xd01b24, 0xff7b63 },
  [WV_CHART_STATUS_HIGHLIGHT] = { 0xc01c9c, 0xf57ee0 },
};

static void
rgb_to_rgba (guint32       rgb,
             WvChartColor *out)
{
  out->red = ((rgb >> 16) & 0xff) / 255.0f;
  out->green = ((rgb >> 8) & 0xff) / 255.0f;
  out->blue = (rgb & 0xff) / 255.0f;
  out->alpha = 1.0f;
}

/**
 * wv_chart_color_series:
 * @index: colour index; wraps around after %WV_CHART_PALETTE_SIZE
 * @dark: %TRUE for the variant meant for dark backgrounds
 * @out: (out): the colour
 */
void
wv_chart_color_series (guint         index,
                       gboolean      dark,
                       WvChartColor *out)
{
  const ColorPair *pair = &series_colors[index % WV_CHART_PALETTE_SIZE];

  g_return_if_fail (out != NULL);

  rgb_to_rgba (dark ? pair->dark : pair->light, out);
}

void
wv_chart_color_status (WvChartStatus  status,
                       gboolean       dark,
                       WvChartColor  *out)
{
  g_return_if_fail (out != NULL);

  if ((guint) status >= G_N_ELEMENTS (status_colors))
    status = WV_CHART_STATUS_UNKNOWN;

  rgb_to_rgba (dark ? status_colors[status].dark : status_colors[status].light, out);
}

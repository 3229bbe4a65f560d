/* wv-charts.h: live chart and traceroute widgets of the wifi-verify GUI
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "wv-chart-types.h"
#include "wv-chart-axis.h"
#include "wv-chart-format.h"
#include "wv-chart-palette.h"
#include "wv-hop-path.h"
#include "wv-hop-view.h"
#include "wv-line-layer.h"
#include "wv-series.h"
#include "wv-series-point.h"
#include "wv-time-chart.h"

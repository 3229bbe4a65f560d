/* wv-cli.h: sub-commands of wifi-verify-cli
 *
 * Copyright 2026 wifi-verify developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

int wv_cli_demo (int argc, char **argv);
int wv_cli_report (int argc, char **argv);
int wv_cli_run (int argc, char **argv);
int wv_cli_self_test (int argc, char **argv);
int wv_cli_serve (int argc, char **argv);
int wv_cli_status (int argc, char **argv);

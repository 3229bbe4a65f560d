#!/usr/bin/env python3
# serve-browser.py: headless Chromium as a client of the app's Serve mode
# (test-gui-serve)
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
#   serve-browser.py URL TIMEOUT_S
#   serve-browser.py --check
#
# Opens the web client's unattended URL (?start=1&...) in headless Chromium
# through chromedriver (tests/browser/wvbrowser.py) and waits until the page
# says it is done. Prints "state: STATE" and the page's status line; exits
# 0 when the page finished, 77 when Chromium, chromedriver or
# python3-selenium is missing, 1 otherwise. --check only says whether they
# are there (0 or 77).

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'browser'))
import wvbrowser as wb  # noqa: E402


def main():
    wb.reexec_with_selenium()
    if not (wb.CHROMIUM and wb.CHROMEDRIVER and wb.selenium_available()):
        print('needs chromium, chromium-driver and python3-selenium (tools/bootstrap.sh installs them)')
        return 77
    if sys.argv[1] == '--check':
        return 0
    url, timeout = sys.argv[1], float(sys.argv[2])
    driver = wb.chromium_driver()
    try:
        driver.get(url)
        state = wb.wait_page(driver, timeout)
        print(f'state: {state}')
        print(f'status: {wb.page_text(driver, "status")}')
        errors = [e['message'] for e in driver.get_log('browser') if e['level'] == 'SEVERE']
        for e in errors[:5]:
            print(f'console: {e}')
    finally:
        driver.quit()
    return 0 if state == 'done' else 1


if __name__ == '__main__':
    sys.exit(main())

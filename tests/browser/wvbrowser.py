# wvbrowser.py: real browsers as the far end of the measuring server
#
# Copyright 2026 wifi-verify developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Helpers of the browser tests: headless Chromium driven through
# chromedriver (Debian's chromium, chromium-driver and python3-selenium),
# headless Firefox started on the page's unattended URL (Debian has no
# geckodriver: the page runs by itself), the server's JSON records, and TAP
# output. Browsers are started with the flags this closed network needs
# (no background networking, no component updates, no sync).

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CHROMIUM = shutil.which('chromium')
CHROMEDRIVER = shutil.which('chromedriver')
FIREFOX = shutil.which('firefox-esr') or shutil.which('firefox')

CHROMIUM_FLAGS = [
    '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-default-apps', '--disable-extensions', '--mute-audio',
    # A headless window may count as hidden: no throttled timers, no
    # lowered priority for the page that timestamps the probes.
    '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    '--disable-backgrounding-occluded-windows',
]

FIREFOX_PREFS = {
    'browser.shell.checkDefaultBrowser': False,
    'browser.startup.homepage_override.mstone': 'ignore',
    'browser.aboutwelcome.enabled': False,
    'datareporting.policy.dataSubmissionEnabled': False,
    'datareporting.healthreport.uploadEnabled': False,
    'toolkit.telemetry.enabled': False,
    'app.update.disabledForTesting': True,
    'app.normandy.enabled': False,
    'extensions.update.enabled': False,
    'network.captive-portal-service.enabled': False,
    'network.connectivity-service.enabled': False,
    'browser.safebrowsing.malware.enabled': False,
    'browser.safebrowsing.phishing.enabled': False,
    'browser.safebrowsing.downloads.enabled': False,
    'services.settings.server': 'http://127.0.0.1:9/',
    'network.dns.disablePrefetch': True,
    'network.prefetch-next': False,
    'dom.push.enabled': False,
    # The page's messages on standard output (the test prints them).
    'devtools.console.stdout.content': True,
}


class Tap:
    """TAP checks that carry on after a failure and print what was measured."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, what):
        self.n += 1
        if not cond:
            self.failed += 1
        print(f"{'ok' if cond else 'not ok'} {self.n} - {what}", flush=True)
        return cond

    def range(self, what, value, lo, hi):
        good = value is not None and lo <= value <= hi
        return self.ok(good, f'{what} = {value} (expected {lo} .. {hi})')

    def note(self, text):
        for line in str(text).splitlines():
            print(f'# {line}', flush=True)

    def skip_all(self, why):
        print(f'1..0 # SKIP {why}', flush=True)
        sys.exit(77)

    def done(self):
        print(f'1..{self.n}', flush=True)
        sys.exit(1 if self.failed else 0)


def selenium_available():
    try:
        import selenium  # noqa: F401
        return True
    except ImportError:
        return False


def reexec_with_selenium():
    """Debian's python3-selenium lives in the system Python; another python3
    first on PATH (pyenv, say) does not see it."""
    if selenium_available() or os.environ.get('WV_REEXEC') or not os.path.exists('/usr/bin/python3'):
        return
    if os.path.realpath(sys.executable) == os.path.realpath('/usr/bin/python3'):
        return
    os.environ['WV_REEXEC'] = '1'
    os.execv('/usr/bin/python3', ['/usr/bin/python3'] + sys.argv)


def summaries_done(records, label, families):
    """Both directions' summaries of every family for the client @label."""
    got = {(r['family'], r['dir']) for r in records
           if r['type'] == 'summary' and r.get('client_label') == label}
    return all((f, d) in got for f in families for d in ('c2s', 's2c'))


def chromium_driver(extra_flags=(), width=1280, height=800):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in CHROMIUM_FLAGS + [f'--window-size={width},{height}'] + list(extra_flags):
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)


def page_state(driver):
    return driver.execute_script('return document.documentElement.dataset.state || ""')


def wait_page(driver, timeout):
    end = time.time() + timeout
    state = ''
    while time.time() < end:
        state = page_state(driver)
        if state in ('done', 'failed'):
            break
        time.sleep(0.5)
    return state


def page_text(driver, element_id):
    return driver.execute_script(f"return document.getElementById('{element_id}').innerText")


def screenshot(driver, path, width, height, mobile, full_page=False):
    """The page at a viewport of width x height CSS pixels."""
    import base64

    driver.execute_cdp_cmd('Emulation.setDeviceMetricsOverride', {
        'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': mobile})
    driver.execute_cdp_cmd('Emulation.setTouchEmulationEnabled', {'enabled': mobile})
    time.sleep(0.5)   # layout, and the charts redraw at the new size
    params = {'format': 'png'}
    if full_page:
        h = driver.execute_script('return document.documentElement.scrollHeight')
        params.update(captureBeyondViewport=True,
                      clip={'x': 0, 'y': 0, 'width': width, 'height': h, 'scale': 1})
    data = driver.execute_cdp_cmd('Page.captureScreenshot', params)['data']
    with open(path, 'wb') as f:
        f.write(base64.b64decode(data))


def firefox_start(url, workdir, netns_exec=()):
    """Firefox on @url with a new profile; returns the Popen (own process group)."""
    profile = tempfile.mkdtemp(prefix='ff-profile-', dir=workdir)
    with open(os.path.join(profile, 'user.js'), 'w') as f:
        for k, v in FIREFOX_PREFS.items():
            f.write(f'user_pref({json.dumps(k)}, {json.dumps(v)});\n')
    log = open(os.path.join(workdir, 'firefox.log'), 'w')
    env = dict(os.environ, HOME=profile, MOZ_CRASHREPORTER_DISABLE='1')
    env.pop('DISPLAY', None)
    return subprocess.Popen(list(netns_exec) + [FIREFOX, '--headless', '--no-remote', '--profile',
                                                profile, url],
                            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def stop_group(proc):
    """Ends a process started with start_new_session, and its children."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def by_label(records, label):
    return [r for r in records if r.get('client_label') == label]


def summary(records, family, direction):
    for r in records:
        if r['type'] == 'summary' and r['family'] == family and r['dir'] == direction:
            return r
    return None



def fetch_json(url):
    """GET a JSON document (certificates not checked: the tests' own), or None.
    A token=T in the URL's query is sent as the server's access token."""
    import ssl
    import urllib.parse
    import urllib.request

    try:
        parts = urllib.parse.urlsplit(url)
        token = urllib.parse.parse_qs(parts.query).get('token', [None])[0]
        req = urllib.request.Request(urllib.parse.urlunsplit(parts._replace(query='')))
        if token:
            req.add_header('Authorization', 'Bearer ' + token)
        ctx = ssl._create_unverified_context() if url.startswith('https:') else None
        with urllib.request.urlopen(req, timeout=5, context=ctx) as r:
            return json.loads(r.read())
    except Exception:
        return None


def read_records(path):
    """The complete lines of a JSON lines file (the server writes as it goes)."""
    out = []
    try:
        with open(path) as f:
            for line in f:
                if line.endswith('\n'):
                    out.append(json.loads(line))
    except FileNotFoundError:
        pass
    return out


def label_of(url):
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(url).query).get('label', [''])[0]

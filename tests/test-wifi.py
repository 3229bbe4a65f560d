#!/usr/bin/env python3
# test-wifi.py WATCH CLI: the Wi-Fi link facts, read through libnm from a
# fake NetworkManager (python3-dbusmock's template) on a private system bus
# (TAP).
#
#   - without NetworkManager, and with one that never answers, the monitor
#     says why within its timeout and does not hang;
#   - an interface that is not Wi-Fi, and a Wi-Fi interface without an
#     access point, are told apart;
#   - a fake Wi-Fi device on "lo" (the interface a loopback self-test uses)
#     gives SSID, BSSID, frequency, band, channel, signal and bit rate at
#     once and every second; a signal change shows in the next readings,
#     a change of access point is a roam;
#   - a self-test saved with --save carries the link in its records, in its
#     metadata, in `report` and in the PDF report (pdftotext).
#
# WATCH is tests/wv-wifi-watch (the engine's monitor alone), CLI is
# wifi-verify-cli.
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

try:
    import dbus
    import dbusmock
    from dbusmock.templates.networkmanager import DeviceState
except ImportError as e:
    print(f"1..0 # SKIP python3-dbusmock is not installed ({e})")
    sys.exit(0)

if shutil.which("dbus-daemon") is None:
    print("1..0 # SKIP dbus-daemon is not installed")
    sys.exit(0)

WATCH, CLI = sys.argv[1], sys.argv[2]
# tests/gui/meson.build adds the GTK app's test-gui-results: the saved run
# reopened in the window shows the signal chart and the roam.
GUI = sys.argv[3] if len(sys.argv) > 3 else None

if "absent unsupported" in subprocess.run([WATCH, "0", "lo"], capture_output=True, text=True).stdout:
    print("1..0 # SKIP built without NetworkManager support (meson -Dwifi)")
    sys.exit(0)
NM = "org.freedesktop.NetworkManager"
WIRELESS = NM + ".Device.Wireless"
AP_IFACE = NM + ".AccessPoint"
BSSID1, BSSID2 = "02:00:00:00:01:00", "02:00:00:00:02:00"

n = 0
failed = False


def ok(cond, what, info=""):
    global n, failed
    n += 1
    print(f"{'ok' if cond else 'not ok'} {n} - {what}")
    if not cond:
        failed = True
        for line in str(info).splitlines()[-30:]:
            print(f"# {line}")
    sys.stdout.flush()
    return cond


def watch(seconds, *ifaces):
    """Runs the monitor; returns (records, ready_ms, absent, detail, first)."""
    r = subprocess.run([WATCH, str(seconds), *ifaces], capture_output=True, text=True,
                       timeout=seconds + 30)
    records, ready, absent, detail, first = [], None, None, "", None
    for line in r.stdout.splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
        elif line.startswith("ready-after-ms "):
            ready = int(line.split()[1])
        elif line.startswith("absent "):
            parts = line.split(" ", 2)
            absent, detail = parts[1], parts[2] if len(parts) > 2 else ""
        elif line.startswith("first "):
            first = line[6:]
    return records, ready, absent, detail, first, r.stdout + r.stderr


class Bus(dbusmock.DBusTestCase):
    pass


Bus.start_system_bus()
mock = None
owner = None
tmp = tempfile.mkdtemp(prefix="wv-wifi-")
try:
    bus = Bus.get_dbus(system_bus=True)

    # 1. No NetworkManager on the bus: told at once.
    records, ready, absent, detail, first, log = watch(1.5, "lo")
    ok(absent == "no-networkmanager" and "not running" in detail and not records,
       "without NetworkManager: no readings, and why", log)
    ok(ready is not None and 0 <= ready < 1500, f"without NetworkManager: known after {ready} ms", log)

    # 2. A NetworkManager that never answers (its process stopped): the monitor
    # gives up after its 3 s timeout instead of waiting for D-Bus's 25 s.
    owner = subprocess.Popen([sys.executable, "-c",
                              "import dbus, sys, time\n"
                              "b = dbus.SystemBus()\n"
                              f"b.request_name('{NM}')\n"
                              "print('owned', flush=True)\n"
                              "time.sleep(120)\n"],
                             stdout=subprocess.PIPE, text=True)
    owned = owner.stdout.readline().strip() == "owned"
    ok(owned, "a stand-in owns the NetworkManager name")
    os.kill(owner.pid, signal.SIGSTOP)
    t0 = time.monotonic()
    records, ready, absent, detail, first, log = watch(4.5, "lo")
    ok(absent == "no-networkmanager" and "did not answer" in detail,
       "a NetworkManager that does not answer: no readings, and why", log)
    ok(ready is not None and 2900 <= ready <= 4000,
       f"a NetworkManager that does not answer: given up after {ready} ms (3 s timeout)", log)
    ok(time.monotonic() - t0 < 10, "the monitor does not hang")
    os.kill(owner.pid, signal.SIGCONT)
    owner.terminate()
    owner.wait()
    time.sleep(0.3)

    # 3. The fake NetworkManager.
    mock, obj = Bus.spawn_server_template("networkmanager", {}, stdout=subprocess.DEVNULL,
                                          system_bus=True)
    nm = dbus.Interface(obj, dbusmock.MOCK_IFACE)
    nm.AddWiFiDevice("wlanidle", "wlan-idle", DeviceState.DISCONNECTED)
    nm.AddEthernetDevice("ethtest", "eth-test", DeviceState.ACTIVATED)

    records, ready, absent, detail, first, log = watch(1.5, "wlan-idle")
    ok(absent == "not-associated" and "wlan-idle" in detail and not records,
       "a Wi-Fi interface without an access point", log)
    records, ready, absent, detail, first, log = watch(1.5, "eth-test", "nosuch0")
    ok(absent == "not-wifi" and "eth-test, nosuch0 are not a Wi-Fi interface" in detail and not records,
       "interfaces that are not Wi-Fi", log)

    dev_path = nm.AddWiFiDevice("wlanlo", "lo", DeviceState.ACTIVATED)
    ap1 = nm.AddAccessPoint(dev_path, "ap1", "lab-net", BSSID1, 2, 2437, 54000, 80, 0)
    ap2 = nm.AddAccessPoint(dev_path, "ap2", "lab-net", BSSID2, 2, 5180, 540000, 65, 0)
    dev = bus.get_object(NM, dev_path)
    dev.AddProperty(WIRELESS, "ActiveAccessPoint", dbus.ObjectPath(ap1), dbus_interface=dbusmock.MOCK_IFACE)
    dev_props = dbus.Interface(dev, dbus.PROPERTIES_IFACE)
    ap1_props = dbus.Interface(bus.get_object(NM, ap1), dbus.PROPERTIES_IFACE)


    def reset():
        ap1_props.Set(AP_IFACE, "Strength", dbus.Byte(80))
        dev_props.Set(WIRELESS, "ActiveAccessPoint", dbus.ObjectPath(ap1))


    def change_later(weaker_at, roam_at):
        """The signal drops to 40 %, then the device roams to the 5 GHz AP."""
        def run():
            t0 = time.monotonic()
            time.sleep(weaker_at)
            ap1_props.Set(AP_IFACE, "Strength", dbus.Byte(40))
            time.sleep(max(0, roam_at - (time.monotonic() - t0)))
            dev_props.Set(WIRELESS, "ActiveAccessPoint", dbus.ObjectPath(ap2))
        t = threading.Thread(target=run)
        t.start()
        return t


    def check_link(records, what, log):
        ok(len(records) >= 4, f"{what}: a reading at the start and every second ({len(records)})", log)
        if not records:
            return
        r0 = records[0]
        ok((r0["iface"], r0["ssid"], r0["bssid"], r0["frequency_mhz"], r0["band"], r0["channel"],
            r0["signal_pct"], r0["bitrate_mbps"], r0["roamed"])
           == ("lo", "lab-net", BSSID1, 2437, "2.4 GHz", 6, 80, 5.4, False),
           f"{what}: the first reading", json.dumps(r0))
        ok(r0["conn"] is None and r0["family"] is None and r0["dir"] is None,
           f"{what}: a host's record, not a connection's", json.dumps(r0))
        weaker = [r for r in records if r["bssid"] == BSSID1 and r["signal_pct"] == 40]
        ok(len(weaker) >= 1, f"{what}: the signal change shows", log)
        roams = [r for r in records if r["roamed"]]
        ok(len(roams) == 1 and (roams[0]["bssid"], roams[0]["frequency_mhz"], roams[0]["band"],
                                roams[0]["channel"], roams[0]["signal_pct"])
           == (BSSID2, 5180, "5 GHz", 36, 65),
           f"{what}: one roam, to the 5 GHz access point", json.dumps(roams))
        ok(all(r["bssid"] == BSSID2 for r in records[records.index(roams[0]):]) if roams else False,
           f"{what}: readings after the roam are of the new access point", log)


    t = change_later(1.6, 2.8)
    records, ready, absent, detail, first, log = watch(5, "lo")
    t.join()
    ok(absent == "none" and first == "lab-net" and ready is not None and ready < 1500,
       f"the Wi-Fi device on lo is read (after {ready} ms)", log)
    check_link(records, "monitor", log)

    # 4. End to end: a self-test over loopback, saved, reported.
    reset()
    time.sleep(0.3)
    run_file = os.path.join(tmp, "wifi.wvrun")
    json_file = os.path.join(tmp, "wifi.jsonl")
    pdf_file = os.path.join(tmp, "wifi.pdf")
    proc = subprocess.Popen([CLI, "self-test", "--streams", "--family", "4", "--duration", "7",
                             "--save", run_file, "--json", json_file, "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # The connection needs a second or two before the link is first read.
    t = change_later(4.0, 6.0)
    out, _ = proc.communicate(timeout=90)
    t.join()
    ok(proc.returncode == 0, "self-test with --save", out)
    wifi = []
    if os.path.exists(json_file):
        with open(json_file) as f:
            wifi = [r for r in map(json.loads, f) if r["type"] == "wifi"]
    check_link(wifi, "self-test", out)

    rep = subprocess.run([CLI, "report", run_file, "--pdf", pdf_file], capture_output=True, text=True)
    text = rep.stdout
    ok(rep.returncode == 0, "report of the saved run", rep.stderr)
    ok(f'Wi-Fi       "lab-net" {BSSID1}, 2.4 GHz channel 6 (2437 MHz), signal 80 %, 5.4 Mbit/s on lo'
       in text, "report: the link in the metadata", text)
    ok(f"roamed at " in text and f"from {BSSID1} to \"lab-net\" {BSSID2}, 5 GHz channel 36" in text,
       "report: the roam", text)
    ok("signal 40-80 %" in text, "report: the signal range", text)
    if shutil.which("pdftotext") and os.path.exists(pdf_file):
        pdf = subprocess.run(["pdftotext", "-layout", pdf_file, "-"], capture_output=True, text=True).stdout
        ok("lab-net" in pdf and BSSID2 in pdf and "Wi-Fi signal" in pdf, "PDF report: the link and its chart", pdf)
    else:
        ok(False, "PDF report written and pdftotext installed (poppler-utils)")
    if GUI and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        n += 1
        print(f"ok {n} # SKIP no display for the GTK app (CI runs it under xvfb-run -a)")
    elif GUI:
        gui = subprocess.run([GUI, "-p", "/gui/results/wifi", "--tap"], capture_output=True, text=True,
                             env=dict(os.environ, WV_WIFI_RUN=run_file), timeout=120)
        ok(gui.returncode == 0 and "# SKIP" not in gui.stdout and " /gui/results/wifi" in gui.stdout,
           "GTK app: the reopened run charts the signal and the roam", gui.stdout + gui.stderr)

finally:
    for p in (mock, owner):
        if p is not None and p.poll() is None:
            os.kill(p.pid, signal.SIGCONT)
            p.terminate()
            p.wait()
    Bus.tearDownClass()
    shutil.rmtree(tmp, ignore_errors=True)
print(f"1..{n}")
sys.exit(1 if failed else 0)

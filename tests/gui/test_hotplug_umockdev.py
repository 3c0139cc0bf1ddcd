"""Hotplug end to end below the decision: umockdev plays the kernel and udev (fake sysfs and
real uevents through libudev), pyudev's monitor is real, and the tray's QSocketNotifier plus
debounce turn a burst of events into one batch per plug and per unplug."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CHILD = """
import os
import gi
gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev
testbed = UMockdev.Testbed.new()
from PySide6.QtCore import QCoreApplication, QTimer
from stagebox.core.hotplug import UdevSoundEvents
from stagebox.gui.hotplug import HotplugWatcher

app = QCoreApplication([])
watcher = HotplugWatcher(UdevSoundEvents(), quiet_ms=150)
batches = []

def settled(batch):
    batches.append(batch)
    print("settled added", sorted(batch.added), "removed", sorted(batch.removed), flush=True)
    if len(batches) == 2:
        app.quit()

watcher.settled.connect(settled)

def plug():
    # a card and its PCM appear (add_device sends "add" for each), then the card says "change"
    card = testbed.add_device("sound", "card1", None, ["id", "US122L"], [])
    testbed.add_device("sound", "pcmC1D0p", card, [], [])
    testbed.uevent(card, "change")
    QTimer.singleShot(600, lambda: testbed.uevent(card, "remove"))

QTimer.singleShot(100, plug)
QTimer.singleShot(8000, app.quit)
app.exec()
print("batches", len(batches), "timer idle", not watcher.quiet.isActive())
"""


def test_udev_burst_becomes_one_batch_per_plug_and_unplug() -> None:
    wrapper = shutil.which("umockdev-wrapper")
    assert wrapper, "umockdev is needed (setup.sh --test installs it)"
    done = subprocess.run(
        [wrapper, sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines == [
        "settled added ['card1'] removed []",
        "settled added [] removed ['card1']",
        "batches 2 timer idle True",
    ], done.stdout + done.stderr


TRAY_CHILD = """
import os
import sys
import gi
gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev
testbed = UMockdev.Testbed.new()
# jackd runs on the real system, not in the fake one (umockdev preloads into children)
os.environ.pop("LD_PRELOAD", None)
from PySide6.QtCore import QTimer
from stagebox.core.detect import detect_live
from stagebox.core.hotplug import Choice, HotplugChoices, UdevSoundEvents
from stagebox.core.jack.profiles import DeviceBinding, Profile, ProfileStore
from stagebox.core.jack.settings import JackSettings
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot
from stagebox.gui.app import application
from stagebox.gui.tray import TrayApp

roots, server = sys.argv[1], sys.argv[2]
paths = UserPaths.from_env()
plugged = SystemRoot.at(f"{roots}/us122l-ich5")
card = next(c for c in detect_live(plugged).cards if c.jack_device == "us-122l")
settings = JackSettings(driver="dummy", server_name=server, realtime=False, rate=48000,
                        period=256, capture_device="us-122l", playback_device="us-122l")
ProfileStore(paths).save(Profile(name="US-122L", settings=settings,
                                 device=DeviceBinding.from_card(card)))
HotplugChoices(paths).set("US-122L", Choice.START)

app = application()
tray = TrayApp(SystemRoot.at(f"{roots}/onboard-only"), paths, events=UdevSoundEvents())
tray.watcher.quiet.setInterval(150)
made = {}

def on_state(state):
    print("state", state, flush=True)
    if state == "running":
        tray.root = SystemRoot.at(f"{roots}/onboard-only")  # the machine without it again
        testbed.uevent(made["card"], "remove")
    elif state in ("failed", "stopped") and tray.model.message:
        print("message", tray.model.message, flush=True)
        app.quit()

def plug():
    tray.root = plugged  # what detection sees from now on
    made["card"] = testbed.add_device("sound", "card1", None, ["id", "US122L"], [])
    testbed.add_device("sound", "pcmC1D0p", made["card"], [], [])

tray.state_changed.connect(on_state)
QTimer.singleShot(100, plug)
QTimer.singleShot(30000, app.quit)
app.exec()
tray.quit()
"""


def test_tray_follows_plug_and_unplug(jack_server_name) -> None:  # type: ignore[no-untyped-def]
    """Plugged (udev) -> detected -> profile remembered as "start" -> real jackd runs;
    unplugged -> JACK stopped cleanly, and the user is told why."""
    from tests.gui.conftest import ROOTS

    done = subprocess.run(
        [
            shutil.which("umockdev-wrapper") or "umockdev-wrapper",
            sys.executable,
            "-c",
            TRAY_CHILD,
            str(ROOTS),
            jack_server_name,
        ],
        capture_output=True,
        text=True,
        timeout=90,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "state starting",
        "state running",
        "state stopped",
        "message us-122l was unplugged, so JACK was stopped cleanly.",
    ], done.stdout + done.stderr

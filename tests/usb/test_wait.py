"""wait_for_card: the udev path under umockdev (real libudev + pyudev, fake devices and
uevents), and the no-udev fallback on a fake sysfs tree that gains the card while we wait."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from stagebox.core.sysroot import SystemRoot
from stagebox.core.usb import card_usb_ids, wait_for_card

from tests.fakeroot import FakeMachine, Pcm

REPO = Path(__file__).resolve().parents[2]

UMOCKDEV_SCRIPT = """
import sys, threading
import gi
gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev

tb = UMockdev.Testbed.new()
tascam = tb.add_device("usb", "1-1", None,
                       ["idVendor", "0644", "idProduct", "8020", "speed", "12"],
                       ["DEVTYPE", "usb_device"])
webcam = tb.add_device("usb", "1-2", None, ["idVendor", "046d", "idProduct", "0804"],
                       ["DEVTYPE", "usb_device"])
case, timeout = sys.argv[1], float(sys.argv[2])
if case == "present":
    tb.add_device("sound", "card1", tascam, ["id", "US122L"], [])
elif case in ("appears", "other"):
    parent = tascam if case == "appears" else webcam
    threading.Timer(0.3, lambda: tb.add_device("sound", "card1", parent, ["id", "X"], [])).start()
from stagebox.core.usb import wait_for_card
print(wait_for_card("0644:8020", timeout, use_udev=True))
"""


def run_under_umockdev(case: str, timeout: float) -> str:
    proc = subprocess.run(
        ["umockdev-wrapper", sys.executable, "-c", UMOCKDEV_SCRIPT, case, str(timeout)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


umockdev = pytest.mark.skipif(
    shutil.which("umockdev-wrapper") is None, reason="umockdev is not installed (setup.sh has it)"
)


@umockdev
def test_udev_add_event_of_the_card_ends_the_wait():
    assert run_under_umockdev("appears", 20) == "True"


@umockdev
def test_udev_card_already_there():
    assert run_under_umockdev("present", 20) == "True"


@umockdev
def test_udev_card_of_another_device_does_not_count_and_the_wait_is_bounded():
    assert run_under_umockdev("other", 1) == "False"


@umockdev
def test_udev_no_event_times_out():
    assert run_under_umockdev("none", 0.5) == "False"


# -- without udev: a fake tree -------------------------------------------------------------


@pytest.fixture
def tascam_machine(tmp_path: Path):
    machine = FakeMachine(tmp_path / "root", kernel="6.1.0-13-amd64")
    uhci = machine.pci_controller("0000:00:1a.0", "uhci", "8086:2937", bus=3)
    device = machine.usb_device(
        uhci, usb_id="0644:8020", port="1", speed="12", drivers=[None, None, None]
    )
    machine.finish()
    return machine, device


def test_fallback_sees_the_card_appear(tascam_machine):
    machine, device = tascam_machine
    root = SystemRoot.at(machine.path)

    def card_arrives() -> None:
        machine.alsa_card(
            1, "US122L", "USB US-122L", "TASCAM US-122L",
            "TASCAM US-122L (644:8020 if 0 at 003/002)", module="snd_usb_us122l", usb=device,
            pcms=[Pcm(0, "x")],
        )  # fmt: skip

    timer = threading.Timer(0.3, card_arrives)
    timer.start()
    try:
        assert wait_for_card("0644:8020", 10, root=root, use_udev=False)
    finally:
        timer.join()
    assert card_usb_ids(root) == {"card1": "0644:8020"}


def test_fallback_gives_up_at_the_deadline(tascam_machine):
    machine, _ = tascam_machine
    started = time.monotonic()
    assert not wait_for_card("0644:8020", 0.4, root=SystemRoot.at(machine.path), use_udev=False)
    assert time.monotonic() - started < 5  # bounded (loose: timing belongs in bench/)


def test_fallback_on_the_checked_in_native_618_tree():
    root = SystemRoot.at(REPO / "tests/fixtures/roots/us144mkii-native-6.18")
    assert card_usb_ids(root) == {"card1": "0644:8020"}
    assert wait_for_card("0644:8020", 0, root=root)

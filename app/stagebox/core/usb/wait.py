"""Wait (bounded) for the sound card of a USB device to appear after the controller switch.

With udev running, a pyudev monitor on the "sound" subsystem is woken by the card's "add"
event: no polling. Without udev (containers, a fake --root tree) it looks at
/sys/class/sound a few times a second until the deadline.
"""

from __future__ import annotations

import logging
import os
import re
import time

from stagebox.core.sysroot import SystemRoot

log = logging.getLogger(__name__)

_CARD = re.compile(r"card[0-9]+")
_FALLBACK_STEP_S = 0.2
_MAX_PARENT_HOPS = 8


def wait_for_card(
    usb_id: str,
    timeout: float,
    *,
    root: SystemRoot | None = None,
    use_udev: bool | None = None,
) -> bool:
    """True as soon as a sound card of USB device ``usb_id`` ("0644:8020") exists.

    False after ``timeout`` seconds without one: then the user should replug the device.
    """
    root = root or SystemRoot()
    if use_udev is None:
        use_udev = root.is_live and os.path.exists("/run/udev/control")
    if use_udev:
        try:
            return _wait_udev(usb_id.lower(), timeout)
        except ImportError:
            log.info("pyudev is not available; looking at /sys/class/sound instead")
    return _wait_sysfs(root, usb_id.lower(), timeout)


# -- with udev ------------------------------------------------------------------------------


def _wait_udev(usb_id: str, timeout: float) -> bool:
    import pyudev

    context = pyudev.Context()
    monitor = pyudev.Monitor.from_netlink(context)
    monitor.filter_by("sound")
    monitor.start()  # before looking at what exists: no card can slip in between
    if any(_udev_usb_id(card) == usb_id for card in context.list_devices(subsystem="sound")):
        return True
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        device = monitor.poll(timeout=left)
        if device is None:
            return False
        if device.action == "add" and _udev_usb_id(device) == usb_id:
            return True
    return False


def _udev_usb_id(device: object) -> str | None:
    """The USB id of the device a sound card belongs to (from its USB ancestor)."""
    if not _CARD.fullmatch(getattr(device, "sys_name", "")):
        return None
    for ancestor in getattr(device, "ancestors", []):
        attributes = ancestor.attributes
        vendor, product = attributes.get("idVendor"), attributes.get("idProduct")
        if vendor and product:
            return f"{vendor.decode().strip()}:{product.decode().strip()}".lower()
    return None


# -- without udev ---------------------------------------------------------------------------


def _wait_sysfs(root: SystemRoot, usb_id: str, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if usb_id in card_usb_ids(root).values():
            return True
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(_FALLBACK_STEP_S, left))


def card_usb_ids(root: SystemRoot) -> dict[str, str]:
    """Sound card name ("card1") -> USB id, for the cards that sit on a USB device."""
    found = {}
    for name in root.listdir("/sys/class/sound"):
        if not _CARD.fullmatch(name):
            continue
        path = root.resolve(f"/sys/class/sound/{name}")
        for _ in range(_MAX_PARENT_HOPS):
            if path is None or path in ("/", "/sys", "/sys/devices"):
                break
            vendor = root.read_attr(f"{path}/idVendor")
            product = root.read_attr(f"{path}/idProduct")
            if vendor and product:
                found[name] = f"{vendor}:{product}".lower()
                break
            path = os.path.dirname(path)
    return found

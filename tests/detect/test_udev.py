"""pyudev names are optional: without a udev database nothing changes and nothing fails."""

from __future__ import annotations

from stagebox.core.facts import MachineFacts, UsbDeviceFacts
from stagebox.core.live import _udev_names


def test_udev_names_without_udev_database_leave_names_unknown() -> None:
    facts = MachineFacts(source="live", usb_devices=[UsbDeviceFacts("0644:8020", port_path="1-1")])
    _udev_names(facts)  # real pyudev over this machine's /sys (no such device here)
    assert facts.usb_devices[0].name is None

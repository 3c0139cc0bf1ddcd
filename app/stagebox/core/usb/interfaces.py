"""USB interface classes of each device, read from sysfs (for the warnings in the plan)."""

from __future__ import annotations

import re

from stagebox.core.facts import MachineFacts
from stagebox.core.sysroot import SystemRoot

_INTERFACE = re.compile(r"(?P<device>[0-9]+-[0-9.]+):[0-9]+\.[0-9]+")


def read_interface_classes(root: SystemRoot, facts: MachineFacts) -> dict[str, set[str]]:
    """USB device name ("1-2") -> its interfaces' bInterfaceClass codes ({"08"} = storage)."""
    wanted = {d.port_path for d in facts.usb_devices or [] if d.port_path}
    classes: dict[str, set[str]] = {}
    for name in root.listdir("/sys/bus/usb/devices"):
        match = _INTERFACE.fullmatch(name)
        if match is None or match["device"] not in wanted:
            continue
        code = root.read_attr(f"/sys/bus/usb/devices/{name}/bInterfaceClass")
        if code:
            classes.setdefault(match["device"], set()).add(code.lower())
    return classes

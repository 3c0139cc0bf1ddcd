"""``lspci``, ``lspci -k``, ``lspci -nn`` and ``lspci -n``: PCI devices, USB host controller
types and the kernel driver bound to each."""

from __future__ import annotations

import re

from stagebox.core.capture.listing import Listing
from stagebox.core.capture.sections import Block
from stagebox.core.facts import HostControllerType, PciDeviceFacts

# "00:1d.7 USB Controller: Intel ... EHCI Controller (rev 02)"   (lspci, lspci -k)
# "00:1d.7 USB controller [0c03]: Intel ... [8086:24dd] (rev 02)" (lspci -nn)
# "00:1d.7 0c03: 8086:24dd (rev 02)"                               (lspci -n)
_SLOT = r"((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])"
_DEVICE = re.compile(rf"^\s*{_SLOT}\s+(.+?)(?:\s\[([0-9a-fA-F]{{4}})\])?:\s+(.*)$")
_NUMERIC = re.compile(rf"^\s*{_SLOT}\s+([0-9a-fA-F]{{4}}):\s+([0-9a-fA-F]{{4}}:[0-9a-fA-F]{{4}})")
_VENDOR_DEVICE = re.compile(r"\[([0-9a-fA-F]{4}:[0-9a-fA-F]{4})\](?:\s*\(rev [^)]*\))?\s*$")
_PROG_IF = re.compile(r"\(prog-if ([0-9a-fA-F]{2})")
_DRIVER_IN_USE = re.compile(r"^\s+Kernel driver in use:\s*(\S+)")
_SUBSYSTEM = re.compile(r"^\s+Subsystem:\s*(\S.*?)\s*$")
_DETAIL = re.compile(r"^\s+\S")

# Keyword -> controller type, first match wins (EHCI before the generic "USB 2.0").
_CONTROLLER_WORDS: list[tuple[re.Pattern[str], HostControllerType]] = [
    (re.compile(r"\bxHCI\b|eXtensible|USB ?3", re.IGNORECASE), HostControllerType.XHCI),
    (re.compile(r"\bEHCI\b|Enhanced Host", re.IGNORECASE), HostControllerType.EHCI),
    (re.compile(r"\bUHCI\b|Universal Host", re.IGNORECASE), HostControllerType.UHCI),
    (re.compile(r"\bOHCI\b|Open Host", re.IGNORECASE), HostControllerType.OHCI),
]
_CLASS_CODES = {
    "0c0300": HostControllerType.UHCI,
    "0c0310": HostControllerType.OHCI,
    "0c0320": HostControllerType.EHCI,
    "0c0330": HostControllerType.XHCI,
}


def full_slot(slot: str) -> str:
    slot = slot.lower()
    return slot if slot.count(":") == 2 else "0000:" + slot


def controller_type(description: str, class_code: str | None) -> HostControllerType | None:
    if class_code in _CLASS_CODES:
        return _CLASS_CODES[class_code]
    if not re.search(r"\bUSB\b", description, re.IGNORECASE) and not (class_code or "").startswith(
        "0c03"
    ):
        return None
    for pattern, kind in _CONTROLLER_WORDS:
        if pattern.search(description):
            return kind
    return None


def _parse_device(text: str) -> PciDeviceFacts | None:
    numeric = _NUMERIC.match(text)
    if numeric:
        slot, klass, vendor_device = numeric.groups()
        return PciDeviceFacts(full_slot(slot), None, vendor_device.lower())
    m = _DEVICE.match(text)
    if not m or len(m.group(2)) > 60:
        return None
    slot, class_name, class_hex, rest = m.groups()
    rest = rest.strip()
    description = f"{class_name}: {rest}"
    vendor_device = _VENDOR_DEVICE.search(rest)
    prog_if = _PROG_IF.search(rest)
    class_code = (class_hex + prog_if.group(1)).lower() if class_hex and prog_if else None
    return PciDeviceFacts(
        slot=full_slot(slot),
        class_code=class_code,
        vendor_device=vendor_device.group(1).lower() if vendor_device else None,
        description=description,
        controller_type=controller_type(description, class_code or class_hex),
    )


def find_lspci_listings(blocks: list[Block]) -> list[Listing[list[PciDeviceFacts]]]:
    listings: list[Listing[list[PciDeviceFacts]]] = []
    for block in blocks:
        # alsa-info's audio-only excerpts are not a full PCI listing, but they name the cards
        excerpt = block.says(r"^!?!?PCI Soundcards|Advanced information")
        current: Listing[list[PciDeviceFacts]] | None = None
        for line in block.lines:
            device = _parse_device(line.text)
            if device:
                if current is None:
                    current = Listing("lspci", line.number, [], title=block.title)
                    if excerpt or block.says(r"\|\s*grep"):
                        current.complete = False
                    if block.says(r"\|\s*grep"):
                        current.notes.append(f"'{block.title}' shows only the matching PCI devices")
                    listings.append(current)
                current.data.append(device)
                continue
            if current is None or not line.text.strip() or line.text.strip() == "--":
                continue
            driver = _DRIVER_IN_USE.match(line.text)
            subsystem = _SUBSYSTEM.match(line.text)
            if driver and current.data:
                current.data[-1].driver = driver.group(1)
            elif subsystem and current.data:
                current.data[-1].subsystem = current.data[-1].subsystem or subsystem.group(1)
            elif not _DETAIL.match(line.text):
                current = None
    return listings

"""Read the facts of a running machine (or of a fake tree) from /proc and /sys.

Every read goes through :class:`~stagebox.core.sysroot.SystemRoot`, so ``--root DIR`` runs
this exact code on a fake tree. Nothing here raises on odd contents: a file that is missing,
unreadable, truncated or garbage leaves its fact ``None`` and adds a line to
``facts.notes`` (``"cannot read /proc/asound/pcm"``), which the detector reports.
The /proc/asound text formats are parsed by :mod:`stagebox.core.procfs`.
"""

from __future__ import annotations

import logging
import re

from stagebox.core import procfs
from stagebox.core.facts import (
    CardFacts,
    HostControllerType,
    MachineFacts,
    PciDeviceFacts,
    SubstreamOwner,
    UsbDeviceFacts,
)
from stagebox.core.sysroot import SystemRoot

log = logging.getLogger(__name__)

#: PCI drivers of USB host controllers (old and new names), for ``facts.hcd_bindings``.
HCD_DRIVERS = ("ehci-pci", "ehci_hcd", "xhci_hcd", "uhci_hcd", "ohci-pci", "ohci_hcd")
#: sysfs ``speed`` (Mbit/s) -> our speed words
USB_SPEEDS = {
    "1.5": "low",
    "12": "full",
    "480": "high",
    "5000": "super",
    "10000": "super_plus",
    "20000": "super_plus",
}
#: PCI class (without prog-if variants) -> host controller type
HCD_CLASSES = {
    "0c0300": HostControllerType.UHCI,
    "0c0310": HostControllerType.OHCI,
    "0c0320": HostControllerType.EHCI,
    "0c0330": HostControllerType.XHCI,
}
UNREADABLE_PREFIX = "cannot read "

_PCI_SLOT = re.compile(r"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$")
_USB_DEVICE_NAME = re.compile(r"^\d+-\d+(?:\.\d+)*$")
_USB_INTERFACE_NAME = re.compile(r"^\d+-\d+(?:\.\d+)*:\d+\.\d+$")
_HEX4 = re.compile(r"^[0-9a-fA-F]{1,4}$")


class _Reader:
    """One pass over a root; remembers which files could not be read."""

    def __init__(self, root: SystemRoot) -> None:
        self.root = root
        self.unreadable: list[str] = []

    def text(self, path: str) -> str | None:
        """File text; None when missing. A file that exists but cannot be read is noted."""
        text = self.root.read_text(path)
        if text is None and self.root.path(path).exists():
            self.unreadable.append(path)
        return text

    def attr(self, path: str) -> str | None:
        return self.root.read_attr(path)


# -- sysfs helpers -----------------------------------------------------------------------


def _controller_of(sys_path: str) -> str | None:
    """The PCI address of the host controller in a resolved device path: the last PCI
    component before the ``usbN`` root hub (``/sys/devices/pci0000:00/0000:00:1a.7/usb1/...``)."""
    slot = None
    for part in sys_path.split("/"):
        if part.startswith("usb") and part[3:].isdigit():
            return slot
        if _PCI_SLOT.match(part):
            slot = part
    return slot


def _driver_name(root: SystemRoot, device_path: str) -> str | None:
    target = root.resolve(f"{device_path}/driver")
    return target.rsplit("/", 1)[-1] if target else None


def _module_of_driver(root: SystemRoot, device_path: str) -> str | None:
    """The kernel module behind a device's driver (``driver/module`` link), underscored."""
    module = root.resolve(f"{device_path}/driver/module")
    if module:
        return module.rsplit("/", 1)[-1]
    driver = _driver_name(root, device_path)
    return procfs.normalize_module(driver) if driver else None


def _usb_id(root: SystemRoot, device_path: str) -> str | None:
    vendor = root.read_attr(f"{device_path}/idVendor")
    product = root.read_attr(f"{device_path}/idProduct")
    if not vendor or not product or not _HEX4.match(vendor) or not _HEX4.match(product):
        return None
    return procfs.normalize_usb_id(vendor, product)


def _int_attr(root: SystemRoot, path: str) -> int | None:
    value = root.read_attr(path)
    return int(value) if value is not None and value.isdigit() else None


def _usb_device(root: SystemRoot, name: str, path: str) -> UsbDeviceFacts | None:
    usb_id = _usb_id(root, path)
    if usb_id is None:
        return None
    drivers = []
    for entry in root.listdir(path):
        if _USB_INTERFACE_NAME.match(entry) and entry.startswith(name + ":"):
            driver = _driver_name(root, f"{path}/{entry}")
            if driver and driver not in drivers:
                drivers.append(driver)
    product = root.read_attr(f"{path}/product")
    manufacturer = root.read_attr(f"{path}/manufacturer")
    label = " ".join(p for p in (manufacturer, product) if p) or None
    return UsbDeviceFacts(
        usb_id=usb_id,
        bus=_int_attr(root, f"{path}/busnum"),
        device=_int_attr(root, f"{path}/devnum"),
        name=label,
        speed=USB_SPEEDS.get(root.read_attr(f"{path}/speed") or ""),
        drivers=drivers,
        controller=_controller_of(path),
        port_path=name,
        serial=root.read_attr(f"{path}/serial"),
    )


def read_usb_devices(root: SystemRoot) -> list[UsbDeviceFacts] | None:
    """All USB devices (not root hubs, not interfaces) from /sys/bus/usb/devices."""
    if not root.is_dir("/sys/bus/usb/devices"):
        return None
    devices = []
    for name in root.listdir("/sys/bus/usb/devices"):
        if not _USB_DEVICE_NAME.match(name):
            continue
        path = root.resolve(f"/sys/bus/usb/devices/{name}")
        if path is None:
            continue  # dead link
        device = _usb_device(root, name, path)
        if device is not None:
            devices.append(device)
    return devices


def read_pci_devices(root: SystemRoot) -> list[PciDeviceFacts] | None:
    if not root.is_dir("/sys/bus/pci/devices"):
        return None
    devices = []
    for slot in root.listdir("/sys/bus/pci/devices"):
        path = root.resolve(f"/sys/bus/pci/devices/{slot}")
        if path is None:
            continue
        klass = (root.read_attr(f"{path}/class") or "").lower().removeprefix("0x") or None
        vendor = (root.read_attr(f"{path}/vendor") or "").lower().removeprefix("0x")
        device = (root.read_attr(f"{path}/device") or "").lower().removeprefix("0x")
        devices.append(
            PciDeviceFacts(
                slot=slot,
                class_code=klass,
                vendor_device=f"{vendor}:{device}" if vendor and device else None,
                driver=_driver_name(root, path),
                controller_type=HCD_CLASSES.get(klass or ""),
            )
        )
    return devices


def read_hcd_bindings(root: SystemRoot) -> dict[str, list[str]] | None:
    """Host controller driver -> PCI addresses bound to it (``/sys/bus/pci/drivers/X/``)."""
    if not root.is_dir("/sys/bus/pci/drivers"):
        return None
    bindings = {}
    for driver in HCD_DRIVERS:
        directory = f"/sys/bus/pci/drivers/{driver}"
        if root.is_dir(directory):
            bindings[driver] = [e for e in root.listdir(directory) if _PCI_SLOT.match(e)]
    return bindings


# -- /proc/asound ------------------------------------------------------------------------------


def _sysfs_card(root: SystemRoot, card: CardFacts) -> None:
    """Fill USB and module facts from /sys/class/sound/cardN/device."""
    device = root.resolve(f"/sys/class/sound/card{card.index}/device")
    if device is None:
        return
    name = device.rsplit("/", 1)[-1]
    if _USB_INTERFACE_NAME.match(name):
        usb_path = device.rsplit("/", 1)[0]
        usb_name = usb_path.rsplit("/", 1)[-1]
        card.usb_id = card.usb_id or _usb_id(root, usb_path)
        card.usb_speed = USB_SPEEDS.get(root.read_attr(f"{usb_path}/speed") or "")
        card.serial = root.read_attr(f"{usb_path}/serial")
        card.usb_port_path = usb_name
        card.controller = _controller_of(usb_path) or card.controller
        bus = _int_attr(root, f"{usb_path}/busnum")
        dev = _int_attr(root, f"{usb_path}/devnum")
        if bus is not None and dev is not None:
            card.usb_busdev = f"{bus:03d}/{dev:03d}"
    if card.module is None:
        card.module = _module_of_driver(root, device)


def _owners(reader: _Reader, card_dir: str) -> list[SubstreamOwner]:
    root = reader.root
    owners = []
    for pcm in root.listdir(card_dir):
        if not re.fullmatch(r"pcm\d+[pc]", pcm):
            continue
        for sub in root.listdir(f"{card_dir}/{pcm}"):
            if not re.fullmatch(r"sub\d+", sub):
                continue
            status = reader.text(f"{card_dir}/{pcm}/{sub}/status")
            pid = procfs.parse_substream_status(status or "")
            if pid is not None:
                comm = root.read_attr(f"/proc/{pid}/comm")
                owners.append(SubstreamOwner(pcm=f"{pcm}/{sub}", pid=pid, process=comm))
    return owners


def _card_details(reader: _Reader, card: CardFacts) -> None:
    root = reader.root
    card_dir = f"/proc/asound/card{card.index}"
    card_id = root.read_attr(f"{card_dir}/id")
    if card_id:
        card.id = card_id
    usbid = root.read_attr(f"{card_dir}/usbid")
    if usbid:
        card.usb_id = procfs.parse_usbid(usbid) or card.usb_id
    usbbus = root.read_attr(f"{card_dir}/usbbus")
    if usbbus and re.fullmatch(r"\d{1,3}/\d{1,3}", usbbus):
        bus, dev = usbbus.split("/")
        card.usb_busdev = f"{int(bus):03d}/{int(dev):03d}"
    entries = root.listdir(card_dir)
    for entry in entries:
        if re.fullmatch(r"stream\d+", entry):
            card.streams.extend(procfs.parse_stream(reader.text(f"{card_dir}/{entry}") or ""))
    if any(re.fullmatch(r"midi\d+", e) for e in entries):
        card.has_midi = True
    card.owners = _owners(reader, card_dir)
    _sysfs_card(root, card)
    if card.pcms:
        for pcm in card.pcms:
            for direction in ("p", "c"):
                info = root.read_text(f"{card_dir}/pcm{pcm.device}{direction}/info") or ""
                found = re.search(r"^subdevices_avail:\s*(\d+)", info, re.MULTILINE)
                if found:
                    avail = int(found.group(1))
                    previous = pcm.subdevices_available
                    pcm.subdevices_available = avail if previous is None else min(previous, avail)


def read_cards(reader: _Reader, facts: MachineFacts) -> list[CardFacts]:
    cards_text = reader.text("/proc/asound/cards")
    if cards_text is None:
        return []
    cards = procfs.parse_cards(cards_text)
    if not cards and cards_text.strip() and "no soundcards" not in cards_text:
        facts.notes.append("/proc/asound/cards holds no card lines that could be read")
    modules_text = reader.text("/proc/asound/modules")
    modules = procfs.parse_modules(modules_text) if modules_text is not None else {}
    pcm_text = reader.text("/proc/asound/pcm")
    devices_text = reader.text("/proc/asound/devices")
    nodes = procfs.parse_devices(devices_text) if devices_text is not None else []
    pcms: dict | None = None
    if pcm_text is not None:
        pcms = procfs.parse_pcm(pcm_text)
    elif devices_text is not None:
        pcms = procfs.pcms_from_devices(nodes)
    hwdep_text = reader.text("/proc/asound/hwdep")
    hwdeps = procfs.parse_hwdep(hwdep_text) if hwdep_text is not None else None
    midi_cards = procfs.cards_with_kind(nodes, "midi") if devices_text is not None else set()
    for card in cards:
        card.module = modules.get(card.index)
        if pcms is not None:
            card.pcms = pcms.get(card.index, [])
        if hwdeps is not None:
            card.hwdeps = hwdeps.get(card.index, [])
        if devices_text is not None:
            card.has_midi = card.index in midi_cards
        _card_details(reader, card)
    return cards


def _kernel_modules(reader: _Reader) -> list[str] | None:
    text = reader.text("/proc/modules")
    if text is None:
        return None
    return [procfs.normalize_module(line.split()[0]) for line in text.splitlines() if line.split()]


def _udev_names(facts: MachineFacts) -> None:
    """Names from the udev hardware database for USB devices without a product string."""
    nameless = [d for d in facts.usb_devices or [] if not d.name]
    if not nameless:
        return
    try:
        import pyudev  # imported here: it costs start-up time and may be missing

        context = pyudev.Context()
        by_name = {
            dev.sys_name: dev for dev in context.list_devices(subsystem="usb", DEVTYPE="usb_device")
        }
        for device in nameless:
            udev = by_name.get(device.port_path or "")
            if udev is not None:
                vendor = udev.properties.get("ID_VENDOR_FROM_DATABASE")
                model = udev.properties.get("ID_MODEL_FROM_DATABASE")
                device.name = " ".join(p for p in (vendor, model) if p) or None
    except Exception as exc:  # no udev, no database, no pyudev: names stay unknown
        log.debug("udev names unavailable: %s", exc)


def read_live_facts(root: SystemRoot) -> MachineFacts:
    """Everything the detector needs from a machine, read through ``root``."""
    facts = MachineFacts(source="live")
    reader = _Reader(root)
    facts.kernel = root.kernel_release()
    facts.alsa_loaded = root.is_dir("/proc/asound")
    if facts.alsa_loaded:
        facts.cards = read_cards(reader, facts)
        version = reader.text("/proc/asound/version")
        facts.alsa_driver_version = procfs.parse_version(version) if version else None
    facts.usb_devices = read_usb_devices(root)
    facts.pci_devices = read_pci_devices(root)
    facts.hcd_bindings = read_hcd_bindings(root)
    facts.modules = _kernel_modules(reader)
    if root.is_live:
        _udev_names(facts)
    facts.notes.extend(UNREADABLE_PREFIX + path for path in reader.unreadable)
    return facts

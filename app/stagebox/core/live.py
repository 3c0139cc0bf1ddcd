"""Read the facts of a running machine (or of a fake tree) from /proc and /sys.

Every read goes through :class:`~stagebox.core.sysroot.SystemRoot`, so ``--root DIR`` runs
this exact code on a fake tree. Nothing here raises on odd contents: a file that is missing,
unreadable, truncated or garbage leaves its fact ``None`` and adds a line to
``facts.notes`` (``"cannot read /proc/asound/pcm"``), which the detector reports.
The /proc/asound text formats are parsed by :mod:`stagebox.core.procfs`.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import stat

from stagebox.core import procfs
from stagebox.core.facts import (
    CardFacts,
    HostControllerType,
    MachineFacts,
    PciDeviceFacts,
    SubstreamOwner,
    UsbDeviceFacts,
)
from stagebox.core.sysroot import MAX_READ_BYTES, SystemRoot

_MAX_LINK_HOPS = 40

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
    """Reads through one :class:`SystemRoot`, resolving each directory only once.

    ``SystemRoot.resolve`` walks every component of a path (one lstat each). sysfs paths
    are ten components deep and a machine has hundreds of attributes, so resolving each
    attribute on its own cost more than the whole 50 ms budget on a 32-card machine. Here a
    path is resolved by resolving its parent (memoised) and then its last component, with the
    same rules as SystemRoot: links are followed inside the root (an absolute target means
    the root's /), ``..`` applies to the resolved parent, at most 40 link hops, and a dead
    link resolves to None. Files are then opened at their resolved place in the tree.
    Files that exist but cannot be read are remembered for ``facts.notes``.
    """

    def __init__(self, root: SystemRoot) -> None:
        self.root = root
        self.base = str(root.root).rstrip("/")
        self.unreadable: list[str] = []
        self._memo: dict[str, str | None] = {"/": "/"}
        self._attrs: dict[str, str | None] = {}

    def _real(self, resolved: str) -> str:
        return self.base + resolved

    def resolve(self, path: str, hops: int = 0) -> str | None:
        path = "/" + path.strip("/")
        if path in self._memo:
            return self._memo[path]
        parent, name = path.rsplit("/", 1)
        resolved_parent = self.resolve(parent or "/", hops)
        result: str | None = None
        if resolved_parent is None:
            pass
        elif name == ".":
            result = resolved_parent
        elif name == "..":
            result = resolved_parent.rsplit("/", 1)[0] or "/"
        else:
            joined = resolved_parent.rstrip("/") + "/" + name
            real = self._real(joined)
            try:
                mode: int | None = os.lstat(real).st_mode
            except OSError:
                mode = None
            if mode is not None and stat.S_ISLNK(mode):
                if hops >= _MAX_LINK_HOPS:
                    return None
                try:
                    target = os.readlink(real)
                except OSError:
                    target = None
                if target is not None:
                    start = "" if target.startswith("/") else resolved_parent.rstrip("/")
                    result = self.resolve(start + "/" + target, hops + 1)
            elif mode is not None:
                result = joined
        self._memo[path] = result
        return result

    def _open(self, path: str) -> int | None:
        """An fd for ``path`` inside the root, or None when it is missing. The parent is
        resolved (memoised); the file itself is opened without following a link, and only a
        link (ELOOP) takes the slow way through :meth:`resolve`."""
        parent, name = ("/" + path.strip("/")).rsplit("/", 1)
        resolved_parent = self.resolve(parent or "/")
        if resolved_parent is None or name in ("", ".", ".."):
            resolved = self.resolve(path)
            real = self._real(resolved) if resolved else None
        else:
            real = self._real(resolved_parent.rstrip("/") + "/" + name)
        if real is None:
            return None
        try:
            return os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
        resolved = self.resolve(path)
        return os.open(self._real(resolved), os.O_RDONLY | os.O_CLOEXEC) if resolved else None

    def text(self, path: str, limit: int = MAX_READ_BYTES, note: bool = True) -> str | None:
        """File text; None when missing. A file that exists but cannot be read (permission,
        not a file, binary) is noted when ``note`` is set."""
        try:
            fd = self._open(path)
            if fd is None:
                return None
            with os.fdopen(fd, "rb") as handle:
                data = handle.read(limit + 1)[:limit]
        except OSError as exc:
            log.debug("cannot read %s: %s", path, exc)
            data = b"\0"
        if b"\0" in data:
            if note:
                self.unreadable.append(path)
            return None
        return data.decode("utf-8", errors="replace")

    def attr(self, path: str) -> str | None:
        """A one-value sysfs/proc attribute, stripped; None when missing, unreadable or empty.
        Read once per pass (cards and USB devices share their sysfs attributes)."""
        if path not in self._attrs:
            text = self.text(path, limit=64 * 1024, note=False)
            self._attrs[path] = (text.strip() or None) if text is not None else None
        return self._attrs[path]

    def listdir(self, path: str) -> list[str]:
        resolved = self.resolve(path)
        if resolved is None:
            return []
        try:
            return sorted(os.listdir(self._real(resolved)))
        except OSError:
            return []

    def is_dir(self, path: str) -> bool:
        resolved = self.resolve(path)
        return resolved is not None and os.path.isdir(self._real(resolved))


# -- sysfs helpers -----------------------------------------------------------------------


def _controller_of(sys_path: str) -> str | None:
    """The PCI address of the host controller in a resolved device path: the last PCI
    component before the ``usbN`` root hub (``/sys/devices/pci0000:00/0000:00:1a.7/usb1/...``)."""
    slot = None
    for part in sys_path.split("/"):
        if part.startswith("usb") and part[3:].isdecimal():
            return slot
        if _PCI_SLOT.match(part):
            slot = part
    return slot


def _driver_name(reader: _Reader, device_path: str) -> str | None:
    target = reader.resolve(f"{device_path}/driver")
    return target.rsplit("/", 1)[-1] if target else None


def _module_of_driver(reader: _Reader, device_path: str) -> str | None:
    """The kernel module behind a device's driver (``driver/module`` link), underscored."""
    module = reader.resolve(f"{device_path}/driver/module")
    if module:
        return module.rsplit("/", 1)[-1]
    driver = _driver_name(reader, device_path)
    return procfs.normalize_module(driver) if driver else None


def _usb_id(reader: _Reader, device_path: str) -> str | None:
    vendor = reader.attr(f"{device_path}/idVendor")
    product = reader.attr(f"{device_path}/idProduct")
    if not vendor or not product or not _HEX4.match(vendor) or not _HEX4.match(product):
        return None
    return procfs.normalize_usb_id(vendor, product)


def _int_attr(reader: _Reader, path: str) -> int | None:
    value = reader.attr(path)
    return int(value) if value is not None and value.isdecimal() else None


def _usb_device(reader: _Reader, name: str, path: str) -> UsbDeviceFacts | None:
    usb_id = _usb_id(reader, path)
    if usb_id is None:
        return None
    drivers = []
    for entry in reader.listdir(path):
        if _USB_INTERFACE_NAME.match(entry) and entry.startswith(name + ":"):
            driver = _driver_name(reader, f"{path}/{entry}")
            if driver and driver not in drivers:
                drivers.append(driver)
    product = reader.attr(f"{path}/product")
    manufacturer = reader.attr(f"{path}/manufacturer")
    label = " ".join(p for p in (manufacturer, product) if p) or None
    return UsbDeviceFacts(
        usb_id=usb_id,
        bus=_int_attr(reader, f"{path}/busnum"),
        device=_int_attr(reader, f"{path}/devnum"),
        name=label,
        speed=USB_SPEEDS.get(reader.attr(f"{path}/speed") or ""),
        drivers=drivers,
        controller=_controller_of(path),
        port_path=name,
        serial=reader.attr(f"{path}/serial"),
    )


def _usb_devices(reader: _Reader) -> list[UsbDeviceFacts] | None:
    """All USB devices (not root hubs, not interfaces) from /sys/bus/usb/devices."""
    if not reader.is_dir("/sys/bus/usb/devices"):
        return None
    devices = []
    for name in reader.listdir("/sys/bus/usb/devices"):
        if not _USB_DEVICE_NAME.match(name):
            continue
        path = reader.resolve(f"/sys/bus/usb/devices/{name}")
        if path is None:
            continue  # dead link
        device = _usb_device(reader, name, path)
        if device is not None:
            devices.append(device)
    return devices


def _pci_devices(reader: _Reader) -> list[PciDeviceFacts] | None:
    if not reader.is_dir("/sys/bus/pci/devices"):
        return None
    devices = []
    for slot in reader.listdir("/sys/bus/pci/devices"):
        path = reader.resolve(f"/sys/bus/pci/devices/{slot}")
        if path is None:
            continue
        klass = (reader.attr(f"{path}/class") or "").lower().removeprefix("0x") or None
        vendor = (reader.attr(f"{path}/vendor") or "").lower().removeprefix("0x")
        device = (reader.attr(f"{path}/device") or "").lower().removeprefix("0x")
        devices.append(
            PciDeviceFacts(
                slot=slot,
                class_code=klass,
                vendor_device=f"{vendor}:{device}" if vendor and device else None,
                driver=_driver_name(reader, path),
                controller_type=HCD_CLASSES.get(klass or ""),
            )
        )
    return devices


def _hcd_bindings(reader: _Reader) -> dict[str, list[str]] | None:
    """Host controller driver -> PCI addresses bound to it (``/sys/bus/pci/drivers/X/``)."""
    if not reader.is_dir("/sys/bus/pci/drivers"):
        return None
    bindings = {}
    for driver in HCD_DRIVERS:
        directory = f"/sys/bus/pci/drivers/{driver}"
        if reader.is_dir(directory):
            bindings[driver] = [e for e in reader.listdir(directory) if _PCI_SLOT.match(e)]
    return bindings


def read_usb_devices(root: SystemRoot) -> list[UsbDeviceFacts] | None:
    """All USB devices (not root hubs, not interfaces) from /sys/bus/usb/devices."""
    return _usb_devices(_Reader(root))


def read_pci_devices(root: SystemRoot) -> list[PciDeviceFacts] | None:
    """PCI functions with class, vendor:device and bound driver from /sys/bus/pci/devices."""
    return _pci_devices(_Reader(root))


def read_hcd_bindings(root: SystemRoot) -> dict[str, list[str]] | None:
    """Host controller driver -> PCI addresses bound to it (``/sys/bus/pci/drivers/X/``)."""
    return _hcd_bindings(_Reader(root))


# -- /proc/asound ------------------------------------------------------------------------------


def _sysfs_card(reader: _Reader, card: CardFacts) -> None:
    """Fill USB and module facts from /sys/class/sound/cardN/device."""
    device = reader.resolve(f"/sys/class/sound/card{card.index}/device")
    if device is None:
        return
    name = device.rsplit("/", 1)[-1]
    if _USB_INTERFACE_NAME.match(name):
        usb_path = device.rsplit("/", 1)[0]
        usb_name = usb_path.rsplit("/", 1)[-1]
        card.usb_id = card.usb_id or _usb_id(reader, usb_path)
        card.usb_speed = USB_SPEEDS.get(reader.attr(f"{usb_path}/speed") or "")
        card.serial = reader.attr(f"{usb_path}/serial")
        card.usb_port_path = usb_name
        card.controller = _controller_of(usb_path) or card.controller
        bus = _int_attr(reader, f"{usb_path}/busnum")
        dev = _int_attr(reader, f"{usb_path}/devnum")
        if bus is not None and dev is not None:
            card.usb_busdev = f"{bus:03d}/{dev:03d}"
    if card.module is None:
        card.module = _module_of_driver(reader, device)


def _owners(reader: _Reader, card_dir: str) -> list[SubstreamOwner]:
    owners = []
    for pcm in reader.listdir(card_dir):
        if not re.fullmatch(r"pcm\d+[pc]", pcm):
            continue
        for sub in reader.listdir(f"{card_dir}/{pcm}"):
            if not re.fullmatch(r"sub\d+", sub):
                continue
            status = reader.text(f"{card_dir}/{pcm}/{sub}/status")
            pid = procfs.parse_substream_status(status or "")
            if pid is not None:
                comm = reader.attr(f"/proc/{pid}/comm")
                owners.append(SubstreamOwner(pcm=f"{pcm}/{sub}", pid=pid, process=comm))
    return owners


def _card_details(reader: _Reader, card: CardFacts) -> None:
    card_dir = f"/proc/asound/card{card.index}"
    card_id = reader.attr(f"{card_dir}/id")
    if card_id:
        card.id = card_id
    usbid = reader.attr(f"{card_dir}/usbid")
    if usbid:
        card.usb_id = procfs.parse_usbid(usbid) or card.usb_id
    usbbus = reader.attr(f"{card_dir}/usbbus")
    if usbbus and re.fullmatch(r"\d{1,3}/\d{1,3}", usbbus):
        bus, dev = usbbus.split("/")
        card.usb_busdev = f"{int(bus):03d}/{int(dev):03d}"
    entries = reader.listdir(card_dir)
    for entry in entries:
        if re.fullmatch(r"stream\d+", entry):
            card.streams.extend(procfs.parse_stream(reader.text(f"{card_dir}/{entry}") or ""))
    if any(re.fullmatch(r"midi\d+", e) for e in entries):
        card.has_midi = True
    card.owners = _owners(reader, card_dir)
    _sysfs_card(reader, card)
    if card.pcms:
        for pcm in card.pcms:
            for direction in ("p", "c"):
                info = reader.text(f"{card_dir}/pcm{pcm.device}{direction}/info") or ""
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
    facts.alsa_loaded = reader.is_dir("/proc/asound")
    if facts.alsa_loaded:
        facts.cards = read_cards(reader, facts)
        version = reader.text("/proc/asound/version")
        facts.alsa_driver_version = procfs.parse_version(version) if version else None
    facts.usb_devices = _usb_devices(reader)
    facts.pci_devices = _pci_devices(reader)
    facts.hcd_bindings = _hcd_bindings(reader)
    facts.modules = _kernel_modules(reader)
    if root.is_live:
        _udev_names(facts)
    facts.notes.extend(UNREADABLE_PREFIX + path for path in reader.unreadable)
    return facts

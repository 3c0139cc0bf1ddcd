"""``lsusb``, ``lsusb -t`` and ``/proc/bus/usb/devices`` (also ``usb-devices``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stagebox.core.capture.listing import Listing, runs
from stagebox.core.capture.sections import Block, Line
from stagebox.core.facts import UsbDeviceFacts
from stagebox.core.procfs import normalize_usb_id

# "Bus 001 Device 003: ID 0644:800e TEAC Corp." - also quoted inline in prose (`...`)
_LSUSB = re.compile(
    r"Bus\s+(\d{1,3})\s+Device\s+(\d{1,3})\s*:\s*ID\s+([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\b(.*)$"
)
# lsusb -t: "/:  Bus 02.Port 1: Dev 1, Class=root_hub, Driver=ehci_hcd/6p, 480M"
_TREE_ROOT = re.compile(
    r"^\s*/:\s*Bus\s+(\d+)\.Port\s+\d+:\s*Dev\s+(\d+),.*?Driver=([\w.-]*)(?:/\d+p)?,\s*([\d.]+)M"
)
# "    |__ Port 4: Dev 3, If 0, Class=Audio, Driver=snd-usb-audio, 480M"
_TREE_NODE = re.compile(
    r"^[\s|]*\|?__\s*Port\s+\d+:\s*Dev\s+(\d+),\s*If\s+\d+,.*?Driver=([\w.()\[\]-]*),\s*([\d.]+)M"
)
#: how lsusb -t says no driver is bound: "Driver=", "(none)", "[none]" (usbutils >= 016)
_NO_DRIVER = ("", "(none)", "[none]")
SPEED_BY_MBIT = {"1.5": "low", "12": "full", "480": "high", "5000": "super", "10000": "super_plus"}
SPEED_BY_MBIT.update({"20000": "super_plus"})


def speed_from_mbit(value: str) -> str | None:
    value = value.strip()
    if value.endswith(".0"):
        value = value[:-2]
    return SPEED_BY_MBIT.get(value)


def _lsusb_member(text: str) -> bool:
    return bool(_LSUSB.search(text))


def _verbose_runs(block: Block) -> list[tuple[list[Line], bool]]:
    """``lsusb -v`` (and alsa-info's "USB Descriptors") put descriptor dumps between the
    ``Bus ... ID`` lines: the whole block is one listing. alsa-info dumps sound devices only."""
    lines = [line for line in block.lines if _LSUSB.search(line.text)]
    return [(lines, block.origin == "alsa-info")] if lines else []


def find_lsusb_listings(blocks: list[Block]) -> list[Listing[list[UsbDeviceFacts]]]:
    listings: list[Listing[list[UsbDeviceFacts]]] = []
    for block in blocks:
        verbose = block.says(r"\blsusb\s+(-\w*\s+)*-\w*v|USB Descriptors")
        found = _verbose_runs(block) if verbose else runs(block.lines, _lsusb_member)
        for lines, cut in found:
            devices = []
            for line in lines:
                m = _LSUSB.search(line.text)
                assert m is not None
                usb_id = normalize_usb_id(m.group(3), m.group(4))
                if usb_id is None:
                    continue
                name = m.group(5).strip().strip("`").strip() or None
                devices.append(UsbDeviceFacts(usb_id, int(m.group(1)), int(m.group(2)), name))
            listings.append(
                Listing("lsusb", lines[0].number, devices, complete=not cut, title=block.title)
            )
    return listings


@dataclass
class TreeNode:
    bus: int | None  # None: a fragment without its root hub line (until a /dev path says it)
    device: int
    speed: str | None
    drivers: list[str] = field(default_factory=list)
    root_driver: str | None = None  # host controller driver of the bus (root hub lines)
    usb_id: str | None = None  # lsusb -tv: "ID 1235:8211 Focusrite-Novation ..."
    name: str | None = None
    port_path: str | None = None  # lsusb -tv: "/sys/bus/usb/devices/1-2  /dev/bus/usb/001/002"


# lsusb -tv (usbutils >= 016) adds, under each node, its id and its sysfs and /dev paths.
_TREE_ID = re.compile(r"^[\s|]*ID ([0-9a-fA-F]{4}):([0-9a-fA-F]{4})\b(.*)$")
_TREE_PATHS = re.compile(
    r"^[\s|]*/sys/bus/usb/devices/(usb\d+|\d+-[\d.]+)\s+(?:/dev/bus/usb/(\d{3})/(\d{3}))?"
)


TreeKey = tuple[int | None, int]


def find_lsusb_trees(blocks: list[Block]) -> list[Listing[dict[TreeKey, TreeNode]]]:
    """lsusb -t: (bus, device) -> speed, interface drivers; root hubs carry the hcd driver.

    A fragment that starts below the root hub line (``|__ Port 4: Dev 5, ...`` copied out of
    a longer tree) is read too: its bus is unknown (None) until lsusb -tv's
    ``/dev/bus/usb/001/005`` line under a node states it."""
    listings: list[Listing[dict[TreeKey, TreeNode]]] = []
    for block in blocks:
        current: Listing[dict[TreeKey, TreeNode]] | None = None
        bus: int | None = None
        node: TreeNode | None = None
        for line in block.lines:
            root = _TREE_ROOT.match(line.text)
            leaf = None if root else _TREE_NODE.match(line.text)
            if (root or leaf) and current is None:
                current = Listing("lsusb_tree", line.number, {}, title=block.title)
                listings.append(current)
            if root and current is not None:
                bus = int(root.group(1))
                node = TreeNode(bus, int(root.group(2)), speed_from_mbit(root.group(4)))
                node.root_driver = root.group(3) or None
                current.data[(bus, node.device)] = node
            elif leaf and current is not None:
                key = (bus, int(leaf.group(1)))
                node = current.data.setdefault(
                    key, TreeNode(bus, key[1], speed_from_mbit(leaf.group(3)))
                )
                driver = leaf.group(2)
                if driver and driver not in _NO_DRIVER and driver not in node.drivers:
                    node.drivers.append(driver)
            elif node is not None and (ids := _TREE_ID.match(line.text)):
                node.usb_id = normalize_usb_id(ids.group(1), ids.group(2))
                node.name = ids.group(3).strip() or None
            elif (
                node is not None
                and current is not None
                and (paths := _TREE_PATHS.match(line.text + " "))
            ):
                if not paths.group(1).startswith("usb"):
                    node.port_path = paths.group(1)
                if bus is None and paths.group(2) and int(paths.group(3)) == node.device:
                    bus = int(paths.group(2))
                    _place_on_bus(current.data, bus)
                    node = current.data[(bus, node.device)]
            elif line.text.strip():
                current, bus, node = None, None, None
    return listings


def _place_on_bus(nodes: dict[TreeKey, TreeNode], bus: int) -> None:
    """A fragment without its root hub line lies under one root hub: once a node's
    ``/dev/bus/usb/BBB/DDD`` line names the bus, every node read so far is on it (a node
    already known under its new key, the same device's other interface, takes its facts)."""
    for key in [k for k in nodes if k[0] is None]:
        node = nodes.pop(key)
        node.bus = bus
        known = nodes.setdefault((bus, node.device), node)
        if known is not node:
            known.drivers += [d for d in node.drivers if d not in known.drivers]
            known.usb_id = known.usb_id or node.usb_id
            known.name = known.name or node.name
            known.port_path = known.port_path or node.port_path


# -- /proc/bus/usb/devices ---------------------------------------------------------------------

_T_LINE = re.compile(r"^\s*T:\s*Bus=\s*(\d+).*?Dev#=\s*(\d+)\s+Spd=\s*([\d.]+)")
_P_LINE = re.compile(r"^\s*P:\s*Vendor=\s*([0-9a-fA-F]{4})\s+ProdID=\s*([0-9a-fA-F]{4})")
_S_LINE = re.compile(r"^\s*S:\s*(Manufacturer|Product|SerialNumber)=(.*)$")
_I_LINE = re.compile(r"^\s*I:\*?\s.*?Driver=(\S+)")
_ANY_LINE = re.compile(r"^\s*[TBDPSCIE]:[*\s]")


def find_usb_devices_files(blocks: list[Block]) -> list[Listing[list[UsbDeviceFacts]]]:
    listings: list[Listing[list[UsbDeviceFacts]]] = []
    for block in blocks:
        for lines, cut in runs(block.lines, lambda t: bool(_ANY_LINE.match(t))):
            if not any(_T_LINE.match(line.text) for line in lines):
                continue
            devices: list[UsbDeviceFacts] = []
            pending: dict[str, object] | None = None
            for line in lines:
                t = _T_LINE.match(line.text)
                if t:
                    _finish(pending, devices)
                    pending = {
                        "bus": int(t.group(1)),
                        "device": int(t.group(2)),
                        "speed": speed_from_mbit(t.group(3)),
                        "drivers": [],
                    }
                    continue
                if pending is None:
                    continue
                _absorb(line.text, pending)
            _finish(pending, devices)
            listings.append(
                Listing(
                    "usb_devices", lines[0].number, devices, complete=not cut, title=block.title
                )
            )
    return listings


def _absorb(text: str, pending: dict[str, object]) -> None:
    p = _P_LINE.match(text)
    if p:
        pending["usb_id"] = normalize_usb_id(p.group(1), p.group(2))
        return
    s = _S_LINE.match(text)
    if s:
        key = {"Product": "name", "SerialNumber": "serial"}.get(s.group(1))
        if key:
            pending[key] = s.group(2).strip() or None
        return
    i = _I_LINE.match(text)
    drivers = pending["drivers"]
    if i and i.group(1) != "(none)" and isinstance(drivers, list) and i.group(1) not in drivers:
        drivers.append(i.group(1))


def _finish(pending: dict[str, object] | None, devices: list[UsbDeviceFacts]) -> None:
    if not pending or not pending.get("usb_id"):
        return
    devices.append(UsbDeviceFacts(**pending))  # type: ignore[arg-type]

"""USB and PCI facts of a paste: which lsusb listing describes the machine, speeds and
controllers from lsusb -t, /proc/bus/usb/devices and dmesg, the link between each card and
its USB device, PCI host controllers and the drivers bound to them."""

from __future__ import annotations

import copy
import re

from stagebox.core.capture import lspci, lsusb, system
from stagebox.core.capture.listing import Listing, choose, repeat_note
from stagebox.core.capture.sections import Block
from stagebox.core.facts import CardFacts, MachineFacts, PciDeviceFacts, UsbDeviceFacts

# -- USB devices ---------------------------------------------------------------------------------------


def apply_usb(facts: MachineFacts, blocks: list[Block]) -> None:
    card_ids = {card.usb_id for card in facts.cards if card.usb_id}
    card_busdevs = {card.usb_busdev for card in facts.cards if card.usb_busdev}

    def agreement(listing: Listing[list[UsbDeviceFacts]]) -> int:
        ids = {d.usb_id for d in listing.data}
        busdevs = {f"{d.bus:03d}/{d.device:03d}" for d in listing.data if d.bus and d.device}
        return len(card_ids & ids) + len(card_busdevs & busdevs)

    found = lsusb.find_lsusb_listings(blocks)
    best = choose(found, agreement)
    facts.notes += repeat_note("lsusb", found, best)
    usb_files = choose(lsusb.find_usb_devices_files(blocks))
    tree = choose(lsusb.find_lsusb_trees(blocks))
    if best is not None:
        facts.usb_devices = copy.deepcopy(best.data)
        if not best.complete:
            facts.notes.append("the lsusb listing is cut: other USB devices may be missing")
    elif usb_files is not None:
        facts.usb_devices = copy.deepcopy(usb_files.data)
    elif tree is not None and any(node.usb_id for node in tree.data.values()):
        facts.usb_devices = [
            UsbDeviceFacts(node.usb_id, node.bus, node.device, node.name)
            for node in tree.data.values()
            if node.usb_id
        ]
    dmesg = system.find_dmesg(blocks)
    facts.probe_failures = dmesg.probe_failures
    for failure in dmesg.probe_failures:
        facts.notes.append(
            f"kernel log: {failure.driver} failed to set up {failure.device} "
            f"(error {failure.error})"
        )
    if facts.usb_devices is None:
        facts.usb_devices = _devices_in_kernel_log(facts, dmesg)
        if facts.usb_devices is None:
            _apply_dmesg_to_cards(facts, dmesg)
            return
    by_busdev = {(d.bus, d.device): d for d in facts.usb_devices}
    if usb_files is not None and best is not None:
        for extra in usb_files.data:
            known = by_busdev.get((extra.bus, extra.device))
            if known is not None and known.usb_id == extra.usb_id:
                known.speed = known.speed or extra.speed
                known.drivers = known.drivers or extra.drivers
                known.serial = known.serial or extra.serial
    # lsusb -t's root hub line names each bus's host controller driver ("Driver=xhci_hcd")
    bus_hcd = {n.bus: n.root_driver for n in (tree.data.values() if tree else []) if n.root_driver}
    for node in tree.data.values() if tree else []:
        device = by_busdev.get((node.bus, node.device))
        if device is not None:
            device.speed = device.speed or node.speed
            device.port_path = device.port_path or node.port_path
            for driver in node.drivers:
                if driver not in device.drivers:
                    device.drivers.append(driver)
    for seen in dmesg.devices.values():
        device = by_busdev.get((seen.bus, seen.address or -1))
        if device is not None and (seen.usb_id is None or seen.usb_id == device.usb_id):
            device.speed = device.speed or seen.speed
            device.port_path = device.port_path or seen.port_path
            device.hcd = device.hcd or seen.hcd
    for device in facts.usb_devices:
        if device.bus is not None:
            device.hcd = device.hcd or bus_hcd.get(device.bus)
            device.controller = device.controller or dmesg.bus_controllers.get(device.bus)
    _link_cards_and_devices(facts)
    _link_by_driver(facts)
    _apply_dmesg_to_cards(facts, dmesg)


def _devices_in_kernel_log(
    facts: MachineFacts, dmesg: system.DmesgFacts
) -> list[UsbDeviceFacts] | None:
    """With no lsusb in the paste, the devices the kernel log announced ("New USB device
    found, idVendor=0644, idProduct=8020"), with their speed and host controller driver
    from "new high-speed USB device number 5 using ehci-pci" (their PCI controller is
    filled in with every other device's). None when it names none."""
    announced = [
        UsbDeviceFacts(
            seen.usb_id, seen.bus, seen.address, seen.name, seen.speed,
            port_path=seen.port_path, hcd=seen.hcd,
        )
        for seen in dmesg.devices.values()
        if seen.usb_id
    ]  # fmt: skip
    if not announced:
        return None
    facts.notes.append(
        "USB devices read from the kernel log (no lsusb in the input): one may have been "
        "unplugged since"
    )
    return announced


def _link_cards_and_devices(facts: MachineFacts) -> None:
    for card in facts.cards:
        device = _device_of_card(card, facts.usb_devices or [])
        if device is None:
            continue
        card.usb_id = card.usb_id or device.usb_id
        card.usb_speed = card.usb_speed or device.speed
        device.speed = device.speed or card.usb_speed
        card.controller = card.controller or device.controller
        device.controller = device.controller or card.controller
        card.usb_port_path = card.usb_port_path or device.port_path


def _device_of_card(card: CardFacts, devices: list[UsbDeviceFacts]) -> UsbDeviceFacts | None:
    """The USB device a card sits on, when the paste makes it certain."""
    if card.usb_busdev:
        bus, _, dev = card.usb_busdev.partition("/")
        for device in devices:
            if (device.bus, device.device) == (int(bus), int(dev)):
                return device
        return None
    if card.usb_id:
        same = [d for d in devices if d.usb_id == card.usb_id]
        if len(same) == 1:  # one device with that id: it is this card's
            return same[0]
        return None
    # "at usb-0000:08:00.1-4, high speed" and lsusb -tv's "/sys/bus/usb/devices/1-4" of a
    # device that snd-usb-audio drives at the same speed: the same port chain behind a
    # controller; only when exactly one device fits
    chain = card.usb_bus_path.rsplit("-", 1)[-1] if card.usb_bus_path else None
    if chain is None or card.driver != "USB-Audio":
        return None
    fits = [d for d in devices if _same_port(card, chain, d)]
    return fits[0] if len(fits) == 1 else None


def _same_port(card: CardFacts, chain: str, device: UsbDeviceFacts) -> bool:
    return bool(
        device.port_path
        and device.port_path.split("-", 1)[-1] == chain
        and any(d.replace("_", "-") == "snd-usb-audio" for d in device.drivers)
        and (None in (device.speed, card.usb_speed) or device.speed == card.usb_speed)
        and device.controller in (None, card.controller)
    )


def _link_by_driver(facts: MachineFacts) -> None:
    """One snd-usb-audio card and one USB device that /proc/bus/usb/devices (or lsusb -t)
    shows bound to snd-usb-audio: they are the same device."""
    devices = [
        d
        for d in facts.usb_devices or []
        if any(driver.replace("_", "-") == "snd-usb-audio" for driver in d.drivers)
    ]
    usb_audio_cards = [c for c in facts.cards if c.driver == "USB-Audio"]
    if len(devices) != 1 or len(usb_audio_cards) != 1:
        return
    card, device = usb_audio_cards[0], devices[0]
    if card.usb_id in (None, device.usb_id):
        card.usb_id = device.usb_id
        card.usb_speed = card.usb_speed or device.speed
        device.controller = device.controller or card.controller
        device.speed = device.speed or card.usb_speed


def _apply_dmesg_to_cards(facts: MachineFacts, dmesg: system.DmesgFacts) -> None:
    """A card whose longname states bus/device ("at 008/008") meets dmesg's "new full speed
    USB device ... address 8" on bus 8: that gives its speed, port and controller."""
    for card in facts.cards:
        if not card.usb_busdev:
            continue
        bus, _, dev = card.usb_busdev.partition("/")
        for seen in dmesg.devices.values():
            if (seen.bus, seen.address) == (int(bus), int(dev)):
                card.usb_speed = card.usb_speed or seen.speed
                card.usb_port_path = card.usb_port_path or seen.port_path
        card.controller = card.controller or dmesg.bus_controllers.get(int(bus))
    for driver, address in dmesg.removed_controllers:
        facts.notes.append(f"dmesg: {driver} released {address} (its USB bus went away)")
    for message in dmesg.messages:
        facts.notes.append(f"dmesg: {message}")


# -- PCI and host controller bindings ------------------------------------------------------------


def apply_pci_and_bindings(facts: MachineFacts, blocks: list[Block]) -> None:
    found = lspci.find_lspci_listings(blocks)
    if found:
        merged: dict[str, PciDeviceFacts] = {}
        for listing in found:
            facts.notes += listing.notes
            for device in listing.data:
                known = merged.get(device.slot)
                if known is None:
                    merged[device.slot] = copy.deepcopy(device)
                    continue
                for name in ("class_code", "vendor_device", "description", "driver"):
                    if getattr(device, name) is not None:
                        setattr(known, name, getattr(device, name))
                # a subsystem in words ("M-Audio Delta 44") over its bare ids ("1412:d633")
                if device.subsystem and not (
                    known.subsystem and re.fullmatch(r"[0-9a-f]{4}:[0-9a-f]{4}", device.subsystem)
                ):
                    known.subsystem = device.subsystem
                known.controller_type = device.controller_type or known.controller_type
        facts.pci_devices = sorted(merged.values(), key=lambda d: d.slot)
    bindings: dict[str, list[str]] = {}
    for device in facts.pci_devices or []:
        if device.controller_type is not None and device.driver:
            bindings.setdefault(device.driver, []).append(device.slot)
    for folder in sorted(system.find_driver_folders(blocks), key=lambda item: item.start):
        data = folder.data
        bindings[data.driver] = [] if data.missing else list(data.addresses)
        if data.missing:
            facts.notes.append(f"/sys/bus/pci/drivers/{data.driver} does not exist: not loaded")
    for unbind in system.find_unbinds(blocks):
        driver, address, action = unbind.data
        if action == "unbind":
            facts.notes.append(
                f"the paste unbinds {address} from {driver}: it was bound to {driver} before"
            )
        else:
            facts.notes.append(f"the paste binds {address} to {driver}")
    if bindings:
        facts.hcd_bindings = bindings

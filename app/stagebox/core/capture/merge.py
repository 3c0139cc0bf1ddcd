"""Combine the listings found in a paste into one :class:`MachineFacts`.

Which listing describes the machine
-----------------------------------
Pastes often show the same command more than once: before and after a fix, two boots, or a
device swapped for another to compare. The rule:

1. ``/proc/asound/cards`` is the anchor. Of several card listings, the **last complete** one
   (every card with its longname line) describes the machine.
2. Every other repeated listing (aplay -l, arecord -l, lsusb, /proc/asound/modules, ...) is
   chosen by agreement with that anchor: the listing that contradicts it least (aplay -l
   naming other card ids at the same index, lsusb missing the USB ids the card longnames
   state) wins; among equally good ones, the **last complete** one. Without an anchor this
   is simply "last complete listing wins".
3. A listing marked as cut (``...``, ``| grep``) is only used when no whole one exists.

So capture 05's lsusb taken with the US-122L plugged in wins over the later one taken with a
UA-20 swapped in (card 2's longname says 0644:800e is on bus 001 device 007), and its last
aplay -l (no UA-20) wins over the earlier one that lists card 1 as ``UA20``.

Nothing is guessed: a field stays None unless a listing states it; "known to be none" (an
empty list) needs a listing that would have shown it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import TypeVar

from stagebox.core.capture import alsainfo, aplay, cards, lspci, lsusb, procfs_lines, system
from stagebox.core.capture.listing import Listing
from stagebox.core.capture.sections import Block
from stagebox.core.facts import (
    CardFacts,
    Direction,
    MachineFacts,
    PciDeviceFacts,
    PcmDevice,
    StreamInfo,
    UsbDeviceFacts,
)

T = TypeVar("T")


def choose(
    listings: Sequence[Listing[T]], score: Callable[[Listing[T]], int] | None = None
) -> Listing[T] | None:
    """The listing that describes the machine: whole ones first, then best agreement with
    the anchor, then the last in the paste."""
    if not listings:
        return None
    pool = [item for item in listings if item.complete] or list(listings)
    return max(pool, key=lambda item: (score(item) if score else 0, item.start))


def _repeat_note(what: str, listings: Sequence[Listing], chosen: Listing | None) -> list[str]:
    if len(listings) < 2 or chosen is None:
        return []
    position = listings.index(chosen) + 1
    return [
        f"{what} appears {len(listings)} times; listing {position} of {len(listings)} "
        "describes the machine (the last whole one that agrees with the card list)"
    ]


def build_facts(blocks: list[Block]) -> MachineFacts:
    facts = MachineFacts(source="capture")
    card_listings = cards.find_card_listings(blocks)
    anchor = choose(card_listings)
    facts.notes += _repeat_note("/proc/asound/cards", card_listings, anchor)
    facts.cards = copy.deepcopy(anchor.data) if anchor else []

    if anchor is None:
        _cards_from_amixer(facts, blocks)
    _apply_aplay(facts, blocks, bool(facts.cards))
    if not facts.cards:
        _cards_from_id_links(facts, blocks)
    _apply_modules(facts, blocks)
    _apply_card_usb_ids(facts, blocks)
    _apply_streams(facts, blocks)
    _apply_proc_devices(facts, blocks)
    _apply_usb(facts, blocks)
    _apply_pci_and_bindings(facts, blocks)
    _apply_system(facts, blocks, card_listings)
    facts.cards.sort(key=lambda card: card.index)
    return facts


# -- aplay -l / arecord -l ---------------------------------------------------------------------


def _agreement(facts: MachineFacts) -> Callable[[Listing[aplay.AplayListing]], int]:
    by_index = {card.index: card.id for card in facts.cards}

    def score(listing: Listing[aplay.AplayListing]) -> int:
        seen = {(e.card, e.card_id) for e in listing.data.entries}
        return sum(1 if by_index.get(index) == card_id else -1 for index, card_id in seen)

    return score


def _apply_aplay(facts: MachineFacts, blocks: list[Block], anchored: bool) -> None:
    found = aplay.find_aplay_listings(blocks)
    undirected = [item for item in found if item.data.direction is None]
    if undirected:
        facts.notes.append(
            f"{len(undirected)} aplay/arecord listing(s) without their PLAYBACK/CAPTURE line "
            "or command: not used"
        )
    chosen: dict[Direction, Listing[aplay.AplayListing]] = {}
    for direction in Direction:
        pool = [item for item in found if item.data.direction is direction]
        best = choose(pool, _agreement(facts) if anchored else None)
        if best is not None:
            chosen[direction] = best
            name = "aplay -l" if direction is Direction.PLAYBACK else "arecord -l"
            facts.notes += _repeat_note(name, pool, best)
    if not chosen:
        return
    if not anchored:  # no /proc/asound/cards: the cards are those aplay/arecord list
        for listing in chosen.values():
            for entry in listing.data.entries:
                if facts.card(entry.card) is None:
                    facts.cards.append(CardFacts(entry.card, entry.card_id, name=entry.card_name))
    by_index = {card.index: card for card in facts.cards}
    contradicted = False
    for direction, listing in chosen.items():
        for entry in listing.data.entries:
            card = by_index.get(entry.card)
            if card is None or card.id != entry.card_id:
                contradicted = True
                facts.notes.append(
                    f"{'aplay' if direction is Direction.PLAYBACK else 'arecord'} -l lists "
                    f"card {entry.card} as '{entry.card_id}', which the card list does not "
                    "show at that index: not used"
                )
                continue
            pcm = PcmDevice(
                entry.device,
                entry.device_name,
                subdevices=entry.subdevices,
                subdevices_available=entry.subdevices_available,
            )
            setattr(pcm, direction.value, True)
            _merge_pcm(card, pcm)
    whole = [chosen.get(d) for d in Direction]
    # "no PCM" needs both whole lists, taken at the moment the card list shows
    if not contradicted and all(item is not None and item.complete for item in whole):
        for card in facts.cards:
            if card.pcms is None:
                card.pcms = []  # both lists are whole and neither shows it: no PCM at all
    elif len(chosen) == 1:
        missing = "arecord -l" if Direction.PLAYBACK in chosen else "aplay -l"
        facts.notes.append(f"no {missing} listing: PCM devices of that direction are unknown")


def _merge_pcm(card: CardFacts, pcm: PcmDevice) -> None:
    if card.pcms is None:
        card.pcms = []
    existing = next((p for p in card.pcms if p.device == pcm.device), None)
    if existing is None:
        card.pcms.append(pcm)
        card.pcms.sort(key=lambda p: p.device)
        return
    existing.playback |= pcm.playback
    existing.capture |= pcm.capture
    existing.name = existing.name or pcm.name
    if pcm.subdevices is not None:
        existing.subdevices = max(existing.subdevices or 0, pcm.subdevices)
    if existing.subdevices_available is None:
        existing.subdevices_available = pcm.subdevices_available


def _cards_from_amixer(facts: MachineFacts, blocks: list[Block]) -> None:
    """No card list pasted: alsa-info's amixer headers still name index, id and longname."""
    for listing in cards.find_amixer_cards(blocks):
        for card in listing.data:
            if facts.card(card.index) is None:
                facts.cards.append(card)
    if facts.cards:
        facts.notes.append("no card list in the paste: cards taken from the amixer section")


def _cards_from_id_links(facts: MachineFacts, blocks: list[Block]) -> None:
    links = choose(procfs_lines.find_card_id_links(blocks))
    if links:
        facts.cards = [CardFacts(index, card_id) for index, card_id in sorted(links.data.items())]


# -- modules, usb ids, streams ----------------------------------------------------------------


def _apply_modules(facts: MachineFacts, blocks: list[Block]) -> None:
    indexes = {card.index for card in facts.cards}
    found = cards.find_module_listings(blocks)
    best = choose(found, lambda item: -len(set(item.data) ^ indexes) if indexes else 0)
    facts.notes += _repeat_note("/proc/asound/modules", found, best)
    for index, module in (best.data if best else {}).items():
        card = facts.card(index)
        if card is None:
            facts.notes.append(f"/proc/asound/modules names card {index} ({module}), not listed")
        else:
            card.module = module
    loaded = choose(cards.find_loaded_alsa_modules(blocks))
    if loaded is None:
        return
    entries = loaded.data
    if entries and all(index is not None for _, index in entries):
        for module, card_index in entries:
            card = facts.card(card_index) if card_index is not None else None
            if card is not None and card.module is None:
                card.module = module
    elif entries and len(entries) == len(facts.cards):
        # alsa-info before 0.4.6x lists /proc/asound/modules' names in card order
        for (module, _), card in zip(
            entries, sorted(facts.cards, key=lambda c: c.index), strict=True
        ):
            card.module = card.module or module
    elif entries:
        facts.notes.append(
            "'Loaded ALSA modules' does not say which card each module drives: "
            + ", ".join(module for module, _ in entries)
        )


def _apply_card_usb_ids(facts: MachineFacts, blocks: list[Block]) -> None:
    for listing in procfs_lines.find_usbids(blocks):
        index, usb_id = listing.data
        card = facts.card(index)
        if card is not None:
            card.usb_id = usb_id
    for mixer in alsainfo.find_usb_mixer_ids(blocks):
        usb_id, longname = mixer.data
        card = _card_by_longname(facts, longname)
        if card is not None and card.usb_id is None:
            card.usb_id = usb_id
        elif card is None:
            facts.notes.append(f"USB mixer usb_id {usb_id} matches no listed card")


def _card_by_longname(facts: MachineFacts, longname: str | None) -> CardFacts | None:
    if not longname:
        return None
    for card in facts.cards:
        # the cards file cuts longnames at 79 characters; stream/mixer headers do not
        if card.longname and (card.longname == longname or longname.startswith(card.longname)):
            return card
    return None


def _apply_streams(facts: MachineFacts, blocks: list[Block]) -> None:
    attached: dict[int, list[StreamInfo]] = {}
    for listing in procfs_lines.find_streams(blocks):
        pasted = listing.data
        card = (
            facts.card(pasted.card_index)
            if pasted.card_index is not None
            else _card_by_longname(facts, pasted.longname)
        )
        if card is None:
            facts.notes.append(
                f"stream information for '{pasted.longname or '?'}' matches no listed card"
            )
            continue
        # a repeated stream file replaces the earlier copy (last one describes the machine)
        attached[card.index] = pasted.streams
    for index, streams in attached.items():
        card = facts.card(index)
        if card is not None:
            card.streams = streams


# -- /proc/asound/devices, pcm, hwdep, /dev/snd ----------------------------------------------


def _apply_proc_devices(facts: MachineFacts, blocks: list[Block]) -> None:
    devices = choose(procfs_lines.find_devices_listings(blocks))
    if devices is not None:
        from stagebox.core import procfs

        pcms = procfs.pcms_from_devices(devices.data)
        midi = procfs.cards_with_kind(devices.data, "midi")
        hwdep = procfs.cards_with_kind(devices.data, "hardware dependent")
        for card in facts.cards:
            for pcm in pcms.get(card.index, []):
                _merge_pcm(card, pcm)
            if devices.complete:
                card.pcms = card.pcms if card.pcms is not None else []
                card.has_midi = card.index in midi
                if card.index not in hwdep and card.hwdeps is None:
                    card.hwdeps = []
    pcm_listing = choose(procfs_lines.find_pcm_listings(blocks))
    if pcm_listing is not None:
        for card in facts.cards:
            for pcm in pcm_listing.data.get(card.index, []):
                _merge_pcm(card, pcm)
            if pcm_listing.complete and card.pcms is None:
                card.pcms = []
    hwdeps = choose(procfs_lines.find_hwdep_listings(blocks))
    if hwdeps is not None:
        for card in facts.cards:
            card.hwdeps = list(hwdeps.data.get(card.index, []))
    dev_snd = choose(procfs_lines.find_dev_snd(blocks))
    if dev_snd is not None:
        _apply_dev_snd(facts, dev_snd.data)


def _apply_dev_snd(facts: MachineFacts, snd: procfs_lines.DevSnd) -> None:
    for card in facts.cards:
        if card.index in snd.by_path and card.controller is None:
            card.controller = snd.by_path[card.index][0]
        if card.index not in snd.controls:
            continue  # this listing does not show the card at all
        for device, directions in snd.pcms.get(card.index, {}).items():
            _merge_pcm(
                card, PcmDevice(device, playback="p" in directions, capture="c" in directions)
            )
        if card.pcms is None:
            card.pcms = []
        if card.hwdeps is None or not card.hwdeps:
            card.hwdeps = list(snd.hwdeps.get(card.index, []))
        if card.has_midi is None:
            card.has_midi = card.index in snd.midis


# -- USB ---------------------------------------------------------------------------------------


def _apply_usb(facts: MachineFacts, blocks: list[Block]) -> None:
    card_ids = {card.usb_id for card in facts.cards if card.usb_id}
    card_busdevs = {card.usb_busdev for card in facts.cards if card.usb_busdev}

    def agreement(listing: Listing[list[UsbDeviceFacts]]) -> int:
        ids = {d.usb_id for d in listing.data}
        busdevs = {f"{d.bus:03d}/{d.device:03d}" for d in listing.data if d.bus and d.device}
        return len(card_ids & ids) + len(card_busdevs & busdevs)

    found = lsusb.find_lsusb_listings(blocks)
    best = choose(found, agreement)
    facts.notes += _repeat_note("lsusb", found, best)
    usb_files = choose(lsusb.find_usb_devices_files(blocks))
    if best is not None:
        facts.usb_devices = copy.deepcopy(best.data)
        if not best.complete:
            facts.notes.append("the lsusb listing is cut: other USB devices may be missing")
    elif usb_files is not None:
        facts.usb_devices = copy.deepcopy(usb_files.data)
    if facts.usb_devices is None:
        _apply_dmesg_to_cards(facts, system.find_dmesg(blocks))
        return
    by_busdev = {(d.bus, d.device): d for d in facts.usb_devices}
    if usb_files is not None and best is not None:
        for extra in usb_files.data:
            known = by_busdev.get((extra.bus, extra.device))
            if known is not None and known.usb_id == extra.usb_id:
                known.speed = known.speed or extra.speed
                known.drivers = known.drivers or extra.drivers
                known.serial = known.serial or extra.serial
    tree = choose(lsusb.find_lsusb_trees(blocks))
    for node in tree.data.values() if tree else []:
        device = by_busdev.get((node.bus, node.device))
        if device is not None:
            device.speed = device.speed or node.speed
            for driver in node.drivers:
                if driver not in device.drivers:
                    device.drivers.append(driver)
    dmesg = system.find_dmesg(blocks)
    for seen in dmesg.devices.values():
        device = by_busdev.get((seen.bus, seen.address or -1))
        if device is not None and (seen.usb_id is None or seen.usb_id == device.usb_id):
            device.speed = device.speed or seen.speed
            device.port_path = device.port_path or seen.port_path
    for device in facts.usb_devices:
        if device.bus is not None and device.controller is None:
            device.controller = dmesg.bus_controllers.get(device.bus)
    _link_cards_and_devices(facts)
    _link_by_driver(facts)
    _apply_dmesg_to_cards(facts, dmesg)


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


def _apply_pci_and_bindings(facts: MachineFacts, blocks: list[Block]) -> None:
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


# -- kernel, modules, ALSA state, config, jack -----------------------------------------------------

_KERNEL_SOURCE_RANK = {"uname": 3, "alsa-info": 3, "dmesg": 2, "bare line": 1}


def _apply_system(
    facts: MachineFacts, blocks: list[Block], card_listings: list[Listing[list[CardFacts]]]
) -> None:
    kernels = system.find_kernel_facts(blocks, facts.notes)
    if kernels:
        best_kernel = max(kernels, key=lambda k: (_KERNEL_SOURCE_RANK[k.data.source], k.start))
        facts.kernel = best_kernel.data.release
    versions = alsainfo.find_driver_versions(blocks) + procfs_lines.find_alsa_versions(blocks)
    if versions:
        facts.alsa_driver_version = max(versions, key=lambda v: v.start).data
        if facts.kernel is None:
            facts.kernel = alsainfo.kernel_from_driver_version(facts.alsa_driver_version)
    lsmods = system.find_lsmod_listings(blocks)
    best = choose(lsmods)
    if best is not None:
        facts.modules = list(best.data)
        if not best.complete:
            facts.notes.append(f"'{best.title}' lists only some of the loaded modules")
    asoundrc = choose(alsainfo.find_asoundrc(blocks))
    if asoundrc is not None:
        facts.user_asoundrc = asoundrc.data
    facts.jack_log = system.find_jack_log(blocks)
    for options in alsainfo.find_modprobe_options(blocks)[-1:]:
        if options.data:
            facts.notes.append("modprobe options: " + "; ".join(options.data))
    for servers in alsainfo.find_sound_servers(blocks)[-1:]:
        running = [s.name for s in servers.data if s.running]
        if running:
            facts.notes.append("sound servers running: " + ", ".join(running))
    for message in system.find_firmware_messages(blocks):
        facts.notes.append(f"firmware loader: {message}")
    missing = system.find_missing_files(blocks)
    for item in missing:
        facts.notes.append(f"the paste says {item.data} does not exist")
    facts.alsa_loaded = _alsa_loaded(facts, blocks, card_listings, missing)


def _alsa_loaded(
    facts: MachineFacts,
    blocks: list[Block],
    card_listings: list[Listing[list[CardFacts]]],
    missing: list[Listing[str]],
) -> bool | None:
    if facts.cards or card_listings or any(card.module for card in facts.cards):
        return True
    if cards.find_module_listings(blocks) or any(
        listing.data for listing in cards.find_loaded_alsa_modules(blocks)
    ):
        return True
    if facts.modules and any(name == "snd" or name.startswith("snd_") for name in facts.modules):
        return True
    if any(item.data.rstrip("/") in ("/proc/asound", "/proc/asound/cards") for item in missing):
        return False
    whole_lsmod = [item for item in system.find_lsmod_listings(blocks) if item.complete]
    if whole_lsmod:
        return False  # a whole module list without any snd module: ALSA is not loaded
    return None

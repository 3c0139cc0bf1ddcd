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
from collections.abc import Callable

from stagebox.core import procfs
from stagebox.core.capture import alsainfo, aplay, cards, codecs, procfs_lines
from stagebox.core.capture.listing import Listing, choose, repeat_note
from stagebox.core.capture.merge_system import apply_system
from stagebox.core.capture.merge_usb import apply_pci_and_bindings, apply_usb
from stagebox.core.capture.sections import Block
from stagebox.core.facts import (
    CardFacts,
    Direction,
    MachineFacts,
    PcmDevice,
    StreamInfo,
)

#: Start of the note saying a paste has no listing of one direction; the detector reads it
#: ("records: unknown" instead of "no") - keep the wording stable.
NO_LISTING_NOTE = {
    Direction.PLAYBACK: "no aplay -l listing",
    Direction.CAPTURE: "no arecord -l listing",
}


def build_facts(blocks: list[Block]) -> MachineFacts:
    facts = MachineFacts(source="capture")
    card_listings = cards.find_card_listings(blocks)
    anchor = choose(card_listings)
    facts.notes += repeat_note("/proc/asound/cards", card_listings, anchor)
    facts.cards = copy.deepcopy(anchor.data) if anchor else []

    if anchor is None:
        _cards_from_amixer(facts, blocks)
    undirected = _apply_aplay(facts, blocks, bool(facts.cards))
    if not facts.cards:
        _cards_from_id_links(facts, blocks)
    _apply_modules(facts, blocks)
    _apply_card_usb_ids(facts, blocks)
    _apply_streams(facts, blocks)
    _apply_proc_devices(facts, blocks)
    chips = cards.find_chip_names(blocks)
    for index, names in codecs.find_codec_chips(blocks, facts.cards, facts.notes).items():
        chips[index] = list(dict.fromkeys([*chips.get(index, []), *names]))
    for index, names in _undirected_pcm_names(facts, undirected).items():
        chips[index] = list(dict.fromkeys([*chips.get(index, []), *names]))
    for index, names in chips.items():
        found = facts.card(index)
        if found is not None:
            found.chip_names = names
    apply_usb(facts, blocks)
    apply_pci_and_bindings(facts, blocks)
    apply_system(facts, blocks, card_listings)
    facts.cards.sort(key=lambda card: card.index)
    return facts


# -- aplay -l / arecord -l ---------------------------------------------------------------------


def _agreement(facts: MachineFacts) -> Callable[[Listing[aplay.AplayListing]], int]:
    by_index = {card.index: card.id for card in facts.cards}

    def score(listing: Listing[aplay.AplayListing]) -> int:
        seen = {(e.card, e.card_id) for e in listing.data.entries}
        return sum(1 if by_index.get(index) == card_id else -1 for index, card_id in seen)

    return score


def _undirected_pcm_names(
    facts: MachineFacts, undirected: list[Listing[aplay.AplayListing]]
) -> dict[int, list[str]]:
    """PCM names of aplay/arecord lines whose direction the paste cut off (``Karte 0:
    Generic [HD-Audio Generic], Gerät 3: ATI HDMI [ATI HDMI]``): they still name the card's
    chips (HDMI or analog), for cards whose index and id the card list confirms."""
    found: dict[int, list[str]] = {}
    for listing in undirected:
        for entry in listing.data.entries:
            card = facts.card(entry.card)
            if card is not None and card.id == entry.card_id and entry.device_name:
                names = found.setdefault(entry.card, [])
                if entry.device_name not in names:
                    names.append(entry.device_name)
    return found


def _apply_aplay(
    facts: MachineFacts, blocks: list[Block], anchored: bool
) -> list[Listing[aplay.AplayListing]]:
    """Apply the chosen aplay/arecord -l listings; returns those without a direction."""
    found = aplay.find_aplay_listings(blocks)
    undirected = [item for item in found if item.data.direction is None]
    if undirected:
        facts.notes.append(
            f"{len(undirected)} aplay/arecord listing(s) without their PLAYBACK/CAPTURE line "
            "or command: only their PCM names are used (as chip names)"
        )
    chosen: dict[Direction, Listing[aplay.AplayListing]] = {}
    for direction in Direction:
        pool = [item for item in found if item.data.direction is direction]
        best = choose(pool, _agreement(facts) if anchored else None)
        if best is not None:
            chosen[direction] = best
            name = "aplay -l" if direction is Direction.PLAYBACK else "arecord -l"
            facts.notes += repeat_note(name, pool, best)
    if not chosen:
        if _apply_device_hints(facts, blocks, set()):
            for direction in Direction:  # hints are no whole listing: absence says nothing
                _unlisted(facts, direction, "PCM devices are unknown")
        return undirected
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
        (listed,) = chosen
        other = Direction.CAPTURE if listed is Direction.PLAYBACK else Direction.PLAYBACK
        _unlisted(facts, other, "PCM devices of that direction are unknown")
    _apply_device_hints(facts, blocks, set(chosen))
    return undirected


def _unlisted(facts: MachineFacts, direction: Direction, why: str) -> None:
    """Record that the paste has no whole listing of ``direction`` (for the detector and
    for people reading the notes)."""
    if direction.value not in facts.unlisted_pcm_directions:
        facts.unlisted_pcm_directions.append(direction.value)
    facts.notes.append(f"{NO_LISTING_NOTE[direction]}: {why}")


def _apply_device_hints(facts: MachineFacts, blocks: list[Block], listed: set[Direction]) -> bool:
    """Without aplay -l (or arecord -l), the ``hw:CARD=<id>,DEV=<n>`` names of aplay -L
    (arecord -L) still say which PCM devices a card has in that direction. Returns whether
    any card got a device from them."""
    by_id = {card.id: card for card in facts.cards}
    used = False
    for listing in aplay.find_device_hints(blocks):
        direction, devices = listing.data
        if direction in listed:
            continue
        for card_id, numbers in devices.items():
            card = by_id.get(card_id)
            if card is None:
                continue
            for number in sorted(numbers):
                pcm = PcmDevice(number)
                setattr(pcm, direction.value, True)
                _merge_pcm(card, pcm)
                used = True
    return used


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
    facts.notes += repeat_note("/proc/asound/modules", found, best)
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
        if card.index in snd.pci_slots and card.pci_slot is None:
            card.pci_slot = snd.pci_slots[card.index]
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

"""``cat /proc/asound/cards`` (also alsa-info "Soundcards recognised by ALSA") and
``cat /proc/asound/modules`` (also alsa-info "Loaded ALSA modules")."""

from __future__ import annotations

import re

from stagebox.core import procfs
from stagebox.core.capture.listing import ELLIPSIS, Listing
from stagebox.core.capture.sections import Block
from stagebox.core.facts import CardFacts

_NO_CARDS = re.compile(r"^\s*-+\s*no soundcards\s*-+\s*$", re.IGNORECASE)


def find_card_listings(blocks: list[Block]) -> list[Listing[list[CardFacts]]]:
    """Every stretch of /proc/asound/cards lines. A card whose longname line is missing
    makes the listing incomplete (cut off, or a copy that lost it)."""
    listings: list[Listing[list[CardFacts]]] = []
    for block in blocks:
        current: Listing[list[CardFacts]] | None = None
        pending: CardFacts | None = None
        squeezed = False
        cut = False
        for line in block.lines:
            text = line.text
            if text.strip() in ELLIPSIS:
                cut = True
                continue
            if _NO_CARDS.match(text):
                listings.append(Listing("cards", line.number, [], title=block.title))
                current = pending = None
                continue
            header = procfs.parse_card_header(text)
            if header:
                if current is None or any(c.index >= header.index for c in current.data):
                    current = Listing("cards", line.number, [], complete=not cut, title=block.title)
                    listings.append(current)
                    cut = False
                current.data.append(header)
                pending, squeezed = header, procfs.header_squeezed(text)
                continue
            if pending is not None and procfs.looks_like_longname(text, pending):
                procfs.apply_longname(pending, text.strip(), squeezed)
                pending = None
                continue
            if text.strip():
                current = pending = None
    for listing in listings:
        if any(card.longname is None for card in listing.data):
            listing.complete = False
    return listings


# -- modules ---------------------------------------------------------------------------------

_PROC_MODULE = re.compile(r"^\s*(\d{1,2})\s+(snd[\w-]*)\s*$")
_ANY_PROC_MODULE = re.compile(r"^\s*(\d{1,2})\s+([A-Za-z][\w-]*)\s*$")
# alsa-info: "snd_usb_audio (card 1)" (newer) or just "snd_usb_us122l" (0.4.x)
_LOADED_MODULE = re.compile(r"^\s*([A-Za-z][\w-]*)(?:\s*\(card\s+(\d+)\))?\s*$")


def find_module_listings(blocks: list[Block]) -> list[Listing[dict[int, str]]]:
    """/proc/asound/modules stretches (card index -> module, underscored)."""
    listings: list[Listing[dict[int, str]]] = []
    for block in blocks:
        said = block.says(r"/proc/asound/modules")
        pattern = _ANY_PROC_MODULE if said else _PROC_MODULE
        current: Listing[dict[int, str]] | None = None
        for line in block.lines:
            m = pattern.match(line.text)
            if not m:
                if line.text.strip():
                    current = None
                continue
            index = int(m.group(1))
            if current is None or index in current.data:
                current = Listing("modules", line.number, {}, title=block.title)
                listings.append(current)
            current.data[index] = procfs.normalize_module(m.group(2))
    return listings


def find_loaded_alsa_modules(blocks: list[Block]) -> list[Listing[list[tuple[str, int | None]]]]:
    """alsa-info "Loaded ALSA modules": (module, card index or None) in listed order."""
    listings: list[Listing[list[tuple[str, int | None]]]] = []
    for block in blocks:
        if block.origin != "alsa-info" or not block.says(r"^Loaded ALSA modules"):
            continue
        entries: list[tuple[str, int | None]] = []
        for line in block.lines:
            m = _LOADED_MODULE.match(line.text)
            if m:
                card = None if m.group(2) is None else int(m.group(2))
                entries.append((procfs.normalize_module(m.group(1)), card))
        start = block.lines[0].number if block.lines else block.number
        listings.append(Listing("loaded_modules", start, entries, title=block.title))
    return listings


# -- alsa-info "Amixer output": "Card hw:1 'US122L'/'TASCAM US-122L (644:800e if 0 at 001/004)'"

_AMIXER_CARD = re.compile(r"^\s*Card hw:(\d{1,2}) '([^']+)'/'(.*)'\s*$")


def find_amixer_cards(blocks: list[Block]) -> list[Listing[list[CardFacts]]]:
    """Cards named by alsa-info's amixer section: index, id and longname (no driver)."""
    found: list[Listing[list[CardFacts]]] = []
    for block in blocks:
        for line in block.lines:
            m = _AMIXER_CARD.match(line.text)
            if m:
                card = CardFacts(int(m.group(1)), m.group(2))
                procfs.apply_longname(card, m.group(3))
                found.append(Listing("amixer_card", line.number, [card]))
    return found


# -- the card's chips: alsa-info amixer "Mixer name", kernel input devices --------------------

_MIXER_NAME = re.compile(r"^\s*Mixer name\s*:\s*'([^']*)'\s*$")
# dmesg: "input: HDA ATI HDMI HDMI/DP,pcm=3 as /devices/pci0000:00/0000:00:01.1/sound/card0/input10"
_INPUT_OF_CARD = re.compile(r"\binput:\s*(.{1,120}?)\s+as\s+/devices/\S*/sound/card(\d{1,2})/input")


def find_chip_names(blocks: list[Block]) -> dict[int, list[str]]:
    """Card index -> the chip names the paste shows for it (in order, without repeats)."""
    found: dict[int, list[str]] = {}
    for block in blocks:
        current: int | None = None
        for line in block.lines:
            text = line.text
            header = _AMIXER_CARD.match(text)
            if header:
                current = int(header.group(1))
                continue
            mixer = _MIXER_NAME.match(text) if current is not None else None
            if mixer and current is not None:
                _add_name(found, current, mixer.group(1))
                current = None
                continue
            if "input:" in text and "/sound/card" in text:
                m = _INPUT_OF_CARD.search(text)
                if m:
                    _add_name(found, int(m.group(2)), m.group(1))
    return found


def _add_name(found: dict[int, list[str]], index: int, name: str) -> None:
    name = name.strip()
    if name and name not in found.setdefault(index, []):
        found[index].append(name)

"""``aplay -l`` / ``arecord -l`` (any locale, e.g. German ``Karte 0: ... Gerät 0:``, Danish
``lydkort 0: ... enhed 0:``).

A listing's direction comes from its ``**** List of PLAYBACK Hardware Devices ****`` line
(the words PLAYBACK/CAPTURE are not translated); when the paste cut that line off, from the
command that produced it (``aplay -l`` -> playback, ``arecord -l`` -> capture, and the typo
``iplay -l`` seen in the wild -> playback).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stagebox.core.capture.listing import ELLIPSIS, Listing
from stagebox.core.capture.sections import Block
from stagebox.core.facts import Direction

# "card 0: Audigy2 [SB Audigy 2 ZS [SB0350]], device 0: emu10k1 [ADC Capture/...]"
# The greedy short name runs to the last "]" that is followed by ", <word> <n>:".
_CARD_LINE = re.compile(
    r"^\s*(?:card|karte|carte|tarjeta|scheda|kaart|karta|kort|lydkort|placa)\s+(\d+)\s*:\s*(\S+)\s*"
    r"\[(.*)\]\s*,\s*[^\W\d][\w-]*\s+(\d+)\s*:(.*)$",
    re.IGNORECASE,
)
_SUBDEVICES = re.compile(r"^\s*[^\W\d][\w-]*(?:\s[\w-]+)?\s*:\s*(\d+)\s*/\s*(\d+)\s*$")
# "Subdevice #0:", "Sub-Gerät #0:", German "Untergeordnetes Gerät '0:", Polish
# "Urządzenie podrzędne #0:"
_SUBDEVICE = re.compile(r"^\s*[^\W\d][\w-]*(?:\s[\w-]+)?\s*[#']\d+\s*:")
_HEADER = re.compile(r"^\s*\*{2,}.*?\b(PLAYBACK|CAPTURE)\b.*$", re.IGNORECASE)
_TOOL_MESSAGE = re.compile(r"^\s*(?:aplay|arecord):\s")
_NO_CARDS = re.compile(r"no soundcards found", re.IGNORECASE)


@dataclass
class AplayEntry:
    card: int
    card_id: str
    card_name: str
    device: int
    device_name: str | None
    subdevices: int | None = None
    subdevices_available: int | None = None


@dataclass
class AplayListing:
    direction: Direction | None
    entries: list[AplayEntry] = field(default_factory=list)
    no_soundcards: bool = False


def _direction_from_title(block: Block) -> Direction | None:
    if block.says(r"\barecord\b"):
        return Direction.CAPTURE
    if block.says(r"\b[ai]play\b"):
        return Direction.PLAYBACK
    return None


def _is_member(text: str) -> bool:
    return bool(
        _CARD_LINE.match(text)
        or _SUBDEVICES.match(text)
        or _SUBDEVICE.match(text)
        or _TOOL_MESSAGE.match(text)
    )


def find_aplay_listings(blocks: list[Block]) -> list[Listing[AplayListing]]:
    listings: list[Listing[AplayListing]] = []
    for block in blocks:
        current: Listing[AplayListing] | None = None
        cut = False
        for line in block.lines:
            text = line.text
            stripped = text.strip()
            header = _HEADER.match(text)
            if header:
                direction = Direction(header.group(1).lower())
                current = Listing("aplay", line.number, AplayListing(direction), title=block.title)
                listings.append(current)
                cut = False
                continue
            if stripped in ELLIPSIS:
                cut = True
                if current is not None:
                    current.complete = False
                continue
            if not stripped:
                continue
            card = _CARD_LINE.match(text)
            if card and current is None:
                data = AplayListing(_direction_from_title(block))
                current = Listing("aplay", line.number, data, complete=not cut, title=block.title)
                listings.append(current)
            if current is None:
                continue
            if card:
                current.data.entries.append(_entry(card))
            elif _SUBDEVICES.match(text) and current.data.entries:
                sub = _SUBDEVICES.match(text)
                assert sub is not None
                last = current.data.entries[-1]
                last.subdevices_available, last.subdevices = int(sub.group(1)), int(sub.group(2))
            elif _TOOL_MESSAGE.match(text):
                current.data.no_soundcards |= bool(_NO_CARDS.search(text))
            elif not _SUBDEVICE.match(text):
                current = None  # something else: this listing has ended
        # an empty alsa-info APLAY/ARECORD section still holds its header: known empty
    return listings


def _entry(m: re.Match[str]) -> AplayEntry:
    index, card_id, card_name, device, device_text = m.groups()
    device_text = device_text.strip()
    # "emu10k1 [ADC Capture/Standard PCM Playback]": the PCM name is in the brackets
    opening = device_text.find("[")
    if device_text.endswith("]") and opening >= 0:
        device_name: str | None = device_text[opening + 1 : -1].strip() or None
    else:
        device_name = device_text or None
    return AplayEntry(int(index), card_id, card_name, int(device), device_name)


# -- aplay -L / arecord -L: "hw:CARD=USB,DEV=0" names one PCM device of that direction -------

_HW_HINT = re.compile(r"^\s*hw:CARD=([^,\s]+),DEV=(\d+)\s*$")


def find_device_hints(blocks: list[Block]) -> list[Listing[tuple[Direction, dict[str, set[int]]]]]:
    """``aplay -L``/``arecord -L``: card id -> PCM devices the ``hw`` hints name. Only read
    when the command is known (the hints do not say their direction)."""
    found: list[Listing[tuple[Direction, dict[str, set[int]]]]] = []
    for block in blocks:
        if block.says(r"\barecord\s+-L\b"):
            direction = Direction.CAPTURE
        elif block.says(r"\baplay\s+-L\b"):
            direction = Direction.PLAYBACK
        else:
            continue
        devices: dict[str, set[int]] = {}
        for line in block.lines:
            m = _HW_HINT.match(line.text)
            if m:
                devices.setdefault(m.group(1), set()).add(int(m.group(2)))
        if devices:
            start = block.lines[0].number if block.lines else block.number
            found.append(Listing("hints", start, (direction, devices), title=block.title))
    return found

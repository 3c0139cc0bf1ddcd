"""HDA codec dumps (``cat /proc/asound/card*/codec#*``, alsa-info "HDA-Intel Codec
information"): the name of each codec ("Codec: Realtek ALC295"), tied to its card where
the paste makes that certain, so the codec says whether a card is analog or HDMI.

Each codec file starts with ``Codec: <name>`` and ``Address: <n>``, but names no card.
alsa-info (and people) print them with ``cat /proc/asound/card*/codec#*``: one after another
in the shell's glob order (``card0/codec#0``, ``card0/codec#2``, ``card1/codec#0``, ...,
``card10`` before ``card2``). A dump is tied to its card:

1. by a command that names one file (``cat /proc/asound/card1/codec#0``);
2. by the codec slots the paste names elsewhere: alsa-info's "Sysfs Files"
   (``/sys/class/sound/hwC1D0/...``) and the kernel log (``snd_hda_codec_realtek
   hdaudioC1D0: ...``); when there are as many slots as dumps and every address agrees,
   the n-th dump in glob order is the n-th slot;
3. by the HDA cards of the card list (when every card's driver is known): codec addresses of one card rise, so an address that
   does not rise starts the next card; when that gives as many groups as there are HDA
   cards (each has at least one codec), the groups are those cards in glob order.

Otherwise the names are left out (a note says so): a wrong card would decide its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stagebox.core.capture.sections import Block
from stagebox.core.facts import CardFacts

_CODEC = re.compile(r"^\s*Codec:\s+(\S.{0,100}?)\s*$")
_ADDRESS = re.compile(r"^\s*Address:\s*(\d{1,2})\s*$")
_ONE_FILE = re.compile(r"/proc/asound/card(\d{1,2})/codec#(\d{1,2})")
# "/sys/class/sound/hwC1D0/init_pin_configs:", dmesg "snd_hda_codec_realtek hdaudioC1D0: ..."
_SLOT = re.compile(r"(?:/sys/class/sound/hwC|\bhdaudioC)(\d{1,2})D(\d{1,2})\b")
#: card drivers (the /proc/asound/cards text before " - ") and modules with codec#N files
_HDA_DRIVERS = ("HDA-Intel",)
_HDA_MODULES = ("snd_hda_intel",)


@dataclass
class _Dump:
    name: str
    address: int | None = None
    card: int | None = None  # stated by the command that printed it


def find_codec_chips(
    blocks: list[Block], cards: list[CardFacts], notes: list[str]
) -> dict[int, list[str]]:
    """Card index -> codec names, for the dumps whose card is certain (see module doc)."""
    dumps: list[_Dump] = []
    slots: set[tuple[int, int]] = set()
    for block in blocks:
        named = _ONE_FILE.search(block.title)
        for line in block.lines:
            slots.update((int(c), int(a)) for c, a in _SLOT.findall(line.text))
            codec = _CODEC.match(line.text)
            if codec:
                card = int(named.group(1)) if named and "*" not in block.title else None
                dumps.append(_Dump(codec.group(1), card=card))
            elif dumps and dumps[-1].address is None and (address := _ADDRESS.match(line.text)):
                dumps[-1].address = int(address.group(1))
    found: dict[int, list[str]] = {}
    for dump in dumps:
        if dump.card is not None:
            found.setdefault(dump.card, []).append(dump.name)
    sequence = [d for d in dumps if d.card is None]
    if not sequence:
        return found
    owners = _by_slots(sequence, slots) or _by_cards(sequence, cards)
    if owners is None:
        notes.append(
            f"{len(sequence)} HDA codec(s) ({', '.join(d.name for d in sequence)}) not tied "
            "to a card: the paste does not show which card each belongs to"
        )
        return found
    for dump, card in zip(sequence, owners, strict=True):
        found.setdefault(card, []).append(dump.name)
    return found


def _glob_order(card: int, address: int = 0) -> str:
    return f"card{card}/codec#{address}"


def _by_slots(sequence: list[_Dump], slots: set[tuple[int, int]]) -> list[int] | None:
    ordered = sorted(slots, key=lambda slot: _glob_order(*slot))
    if len(ordered) != len(sequence):
        return None
    if any(d.address not in (None, a) for d, (_, a) in zip(sequence, ordered, strict=True)):
        return None
    return [card for card, _ in ordered]


def _by_cards(sequence: list[_Dump], cards: list[CardFacts]) -> list[int] | None:
    hda = sorted(
        (c.index for c in cards if c.driver in _HDA_DRIVERS or c.module in _HDA_MODULES),
        key=_glob_order,
    )
    if any(c.driver is None and c.module is None for c in cards):
        return None  # a card of unknown driver may be an HDA card too
    if len(hda) == 1:
        return [hda[0]] * len(sequence)
    if not hda or any(d.address is None for d in sequence):
        return None
    groups: list[int] = []
    previous: int | None = None
    for dump in sequence:
        if previous is None or dump.address is None or dump.address <= previous:
            groups.append(0)
        groups[-1] += 1
        previous = dump.address
    if len(groups) != len(hda):
        return None
    return [card for card, size in zip(hda, groups, strict=True) for _ in range(size)]

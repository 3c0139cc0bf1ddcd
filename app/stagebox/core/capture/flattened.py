"""Undo a paste whose line breaks were lost (web forms that join lines with spaces).

Seen in the wild: a whole alsa-info report on one line, ``... !!Soundcards recognised by
ALSA !!-----------------------------   0 [Intel          ]: HDA-Intel - HDA Intel
HDA Intel at 0x6a080000 irq 28   !!PCI Soundcards ...``. alsa-info's ``!!`` section marks
and the shape of /proc/asound/cards still show where the breaks were, so those lines are
split back, and so are the lines of aplay -l/arecord -l, lspci and the /dev/snd listing
inside those sections; everything else in such a line stays as it is.
"""

from __future__ import annotations

import re

# Every pattern starts at the beginning of a whitespace run (no backtracking inside runs).
_BEFORE_SECTION = re.compile(r"(?<!\s)\s++(?=!!)")
_RULE_THEN_TEXT = re.compile(r"^(!![-#]{3,}+)\s++(\S.*)$")
_BEFORE_CARD = re.compile(r"(?<!\s)\s{2,}+(?=\d{1,2} ?\[[^\]]{1,40}\]\s?:)")
_LONGNAME_GAP = re.compile(r"(?<!\s)\s{10,}+")
_CARD_HEAD = re.compile(r"^\s*\d{1,2}\s*\[[^\]]*\]\s*:")
# Inside a flattened section: where the lines of aplay -l/arecord -l, lspci (and its
# Subsystem line) and the /dev/snd listing began (alsa-info's Aplay/Arecord output,
# PCI Soundcards and PCI ids, ALSA Device nodes).
_BEFORE_LINE = re.compile(
    r"(?<!\s)\s++(?=(?:APLAY|ARECORD)(?:\s|$)|\*{4} List of |card \d{1,2}: \S|Subdevices: \d"
    r"|Subdevice #\d|[0-9a-f]{2}:[0-9a-f]{2}\.\d [0-9A-Z]|Subsystem: [0-9a-f]{4}:"
    r"|[bcl-][rwxsStT-]{9}[+.@]?\s+\d|d[rwxsStT-]{9}[+.@]?\s+\d|/dev/snd/by-\w+:|total \d+\s)"
)
#: Lines that are indented under the line before them in the command's own output.
_INDENTED = re.compile(r"^(?:Subdevices?\b|Subsystem:)")
#: The longname's indentation in /proc/asound/cards ("%2i [%-15s]: " is 22 characters).
_LONGNAME_INDENT = " " * 22


# "... Imation Corp. Bus 002 Device 010: ID 0644:800e TEAC Corp." (two lsusb lines joined)
_BEFORE_LSUSB = re.compile(
    r"(?<=\S)\s++(?=Bus \d{3} Device \d{3}: ID [0-9a-fA-F]{4}:[0-9a-fA-F]{4})"
)


def split_joined(line: str) -> list[str]:
    """One line that forum software made of two: a card line and its longname, or two
    lsusb lines."""
    if _CARD_HEAD.match(line):
        return _split_card(line)
    if "Bus " in line and "Device " in line:
        return _BEFORE_LSUSB.split(line)
    return [line]


def is_flattened(line: str) -> bool:
    """More than one alsa-info section mark on one line: the line breaks were lost."""
    return len(_BEFORE_SECTION.findall(line)) >= 2


def unflatten(line: str) -> list[str]:
    lines: list[str] = []
    for piece in _BEFORE_SECTION.split(line):
        rule = _RULE_THEN_TEXT.match(piece)
        if rule:
            lines.append(rule.group(1))
            piece = rule.group(2)
        for chunk in _BEFORE_CARD.split(piece):
            for part in _split_card(chunk):
                if _CARD_HEAD.match(part):
                    lines.append(part)
                    continue
                lines.extend(
                    "  " + text if _INDENTED.match(text) else text
                    for text in _BEFORE_LINE.split(part)
                )
    return lines


def _split_card(chunk: str) -> list[str]:
    """``0 [Intel ]: HDA-Intel - HDA Intel<many spaces>HDA Intel at ...`` -> two lines."""
    head = _CARD_HEAD.match(chunk)
    if not head:
        return [chunk]
    dash = chunk.find(" - ", head.end())  # the gap comes after "driver - shortname"
    gap = _LONGNAME_GAP.search(chunk, dash) if dash >= 0 else None
    if gap is None:
        return [chunk]
    return [chunk[: gap.start()], _LONGNAME_INDENT + chunk[gap.end() :].strip()]

"""Undo line numbers that a pastebin or ``cat -n`` put in front of every line.

Seen in the wild: ``     1	**** List of PLAYBACK Hardware Devices ****`` (``cat -n``),
``1. card 0: Intel [HDA Intel], device 0: ...`` (pastebin "copy with line numbers"),
``01: Bus 001 Device 002: ID 8087:0024 ...``. Without this, no card line parses.

The numbers are removed only when they are clearly a numbering of the paste: they count
1, 2, 3, ... line by line from where they start, and they cover (nearly) every line from
there on. Listings whose own lines start with numbers never look like that: card lines of
``/proc/asound/cards`` count 0, 1, ... every other line, ``/proc/asound/devices`` numbers
jump; and a ``/proc/asound/devices`` listing that happens to count 1, 2, 3 is left alone
because what would remain is its ``[ 0- 0]: digital audio playback`` shape.
"""

from __future__ import annotations

import re

# "     1\ttext" (cat -n), "  1  text", "1. text", "01: text", "1) text", "1 | text"; the
# number may stand alone on a numbered empty line.
_NUMBER = re.compile(r"^[ \t]{0,8}(\d{1,6})(?:\t|[.:)|](?:[ \t]|$)|[ ]{1,2}|$)")
_MIN_LINES = 4
_COVERAGE = 0.9  # of the lines from the first numbered one on
_PROC_DEVICES_REST = re.compile(r"^\s*(?:\[\s*\d+(?:-\s*\d+)?\]\s*:|:\s)")


def strip_line_numbers(lines: list[str]) -> list[str]:
    """``lines`` without their 1..N numbering, or unchanged when they are not numbered."""
    start = next((i for i, line in enumerate(lines) if _number(line) == 1), None)
    if start is None:
        return lines
    numbered: dict[int, str] = {}
    expected = 1
    for i in range(start, len(lines)):
        found = _NUMBER.match(lines[i])
        if found and int(found.group(1)) == expected:
            numbered[i] = lines[i][found.end() :]
            expected += 1
        elif found and expected > 1 and int(found.group(1)) == expected + 1:
            # one line lost its number (a blank line the site did not number): count on
            numbered[i] = lines[i][found.end() :]
            expected += 2
    tail = [line for line in lines[start:] if line.strip()]
    if len(numbered) < _MIN_LINES or len(numbered) < _COVERAGE * len(tail):
        return lines
    rests = [rest for rest in numbered.values() if rest.strip()]
    if rests and sum(bool(_PROC_DEVICES_REST.match(r)) for r in rests) > len(rests) / 2:
        return lines
    return [numbered.get(i, line) for i, line in enumerate(lines)]


def _number(line: str) -> int | None:
    found = _NUMBER.match(line)
    return int(found.group(1)) if found else None

"""Read what people paste into forums and bug reports into :class:`MachineFacts`.

``parse_capture(text)`` accepts alsa-info.sh output (any version) or any mix of
``/proc/asound/*``, ``aplay -l``/``arecord -l`` (any locale), ``aplay -L``, ``lsusb``,
``lsusb -t``, ``lspci`` (``-k``, ``-nn``), ``/proc/bus/usb/devices``, ``lsmod``, dmesg lines,
``ls`` of sysfs driver folders, ``/dev/snd`` listings and jackd logs, with the usual copy
noise (mail quoting, markdown fences and indentation, shell prompts, lost indentation).
It never raises: whatever could not be used is said in ``facts.notes``.

A Stagebox report carries its facts as JSON (section ``!!Stagebox machine facts (JSON)``);
that block is read back exactly when present and intact.
"""

from __future__ import annotations

import logging
import re

from stagebox.core.capture.merge import build_facts
from stagebox.core.capture.reading import MAX_CAPTURE_BYTES, read_capture_file
from stagebox.core.capture.sections import clean_lines, split_blocks
from stagebox.core.facts import FACTS_SECTION_TITLE, MachineFacts, facts_from_json

__all__ = ["MAX_CAPTURE_BYTES", "parse_capture", "read_capture_file"]

log = logging.getLogger(__name__)


def parse_capture(text: str) -> MachineFacts:
    """The machine facts a pasted report states (source "capture"); never raises."""
    notes: list[str] = []
    try:
        embedded = _embedded_facts(text, notes)
        if embedded is not None:
            return embedded
        facts = build_facts(split_blocks(text))
    except Exception as exc:  # a parser bug must not cost the user the whole paste
        log.exception("capture parser failed")
        facts = MachineFacts(source="capture")
        notes.append(f"the paste could not be read ({type(exc).__name__}: {exc})")
    facts.notes[:0] = notes
    facts.notes = _bounded(facts.notes)
    return facts


_MAX_NOTES = 40
_MAX_NOTE_CHARS = 300


def _bounded(notes: list[str]) -> list[str]:
    """Notes are for people: a hostile or huge paste must not make them endless."""
    unique = list(dict.fromkeys(notes))
    cut = [n if len(n) <= _MAX_NOTE_CHARS else n[: _MAX_NOTE_CHARS - 3] + "..." for n in unique]
    if len(cut) > _MAX_NOTES:
        cut = cut[: _MAX_NOTES - 1] + [f"... and {len(cut) - _MAX_NOTES + 1} more notes"]
    return cut


_SECTION = re.compile(r"^!!\s*" + re.escape(FACTS_SECTION_TITLE) + r"\s*$")


def _embedded_facts(text: str, notes: list[str]) -> MachineFacts | None:
    if FACTS_SECTION_TITLE not in text:
        return None
    lines = clean_lines(text) if "--startcollapse--" not in text else _unquoted(text)
    start = next((i for i, line in enumerate(lines) if _SECTION.match(line.strip())), None)
    if start is None:
        return None
    body: list[str] = []
    inside = False
    for line in lines[start + 1 :]:
        stripped = line.strip()
        if stripped == "--startcollapse--":
            inside = True
            continue
        if stripped == "--endcollapse--" or (not inside and stripped.startswith("!!") and body):
            break
        if inside or (stripped and not stripped.startswith("!!")):
            body.append(line)
    try:
        facts = facts_from_json("\n".join(body))
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        notes.append(
            f"the '{FACTS_SECTION_TITLE}' section is damaged ({type(exc).__name__}); "
            "read the rest of the report instead"
        )
        return None
    facts.source = "capture"
    return facts


def _unquoted(text: str) -> list[str]:
    """Lines without mail quoting, keeping the collapse markers (clean_lines drops them)."""
    quote = re.compile(r"^(?:[ \t]*>)+[ \t]?")
    return [quote.sub("", line) for line in text.replace("\r", "").split("\n")]

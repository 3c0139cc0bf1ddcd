"""Readable, stable names for what Stagebox creates (usb_stream PCM names)."""

from __future__ import annotations

import re

_VENDORS = ("tascam", "teac")


def pcm_name_for_model(model: str | None, card_id: str, taken: set[str] | None = None) -> str:
    """``Tascam US-144MKII`` -> ``us-144mkii``; a second identical card gets ``us-144mkii-2``.

    Falls back to the card id (``US122L`` -> ``us122l``) when the model is unknown. The name
    holds only [a-z0-9-]: no blanks, since jack2 splits ~/.jackdrc on whitespace.
    """
    words = (model or card_id).split()
    if len(words) > 1 and words[0].lower() in _VENDORS:
        words = words[1:]
    base = re.sub(r"[^a-z0-9]+", "-", " ".join(words).lower()).strip("-") or "usb-stream"
    taken = taken or set()
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    return name

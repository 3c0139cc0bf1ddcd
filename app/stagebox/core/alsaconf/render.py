"""The text of one usb_stream device: ``pcm.<name>`` (type usb_stream) + ``ctl.<name>`` (hw).

Field order matters: the usb_stream plugin checks fields in file order and stops at the
first failure, and without the card plugged in the ``card`` lookup always fails. Writing
``card`` last means that "card not found" proves every other field was accepted.
"""

from __future__ import annotations

from dataclasses import dataclass

from stagebox.core.errors import InputError
from stagebox.core.knowledge import JackLimits, load_knowledge
from stagebox.core.model import Access, Card

_INDENT = "\t"


@dataclass(frozen=True)
class DeviceSpec:
    name: str  # the PCM/CTL name JACK uses, e.g. "us-122l"
    card_value: str  # what goes in `card "..."`: the id, or the number as a string (fallback)
    description: str  # shown by `aplay -L`
    hint: bool  # write a hint block (plugin >= 1.2.6 only)
    rate: int | None = None
    period_size: int | None = None


def render_device(spec: DeviceSpec) -> list[str]:
    lines = [f"pcm.{spec.name} {{", f"{_INDENT}type usb_stream"]
    if spec.hint:
        lines += [
            f"{_INDENT}hint {{",
            f"{_INDENT * 2}show on",
            f'{_INDENT * 2}description "{_quote_safe(spec.description)}"',
            f"{_INDENT}}}",
        ]
    if spec.rate is not None:
        lines.append(f"{_INDENT}rate {spec.rate}")
    if spec.period_size is not None:
        lines.append(f"{_INDENT}period_size {spec.period_size}")
    lines += [
        f'{_INDENT}card "{_quote_safe(spec.card_value)}"',  # last: see the module doc
        "}",
        f"ctl.{spec.name} {{",
        f"{_INDENT}type hw",
        f'{_INDENT}card "{_quote_safe(spec.card_value)}"',
        "}",
    ]
    return lines


def _quote_safe(text: str) -> str:
    return "".join(ch for ch in text if ch not in '"\\\r\n')


def check_stream_settings(card: Card, rate: int | None, period_size: int | None) -> list[str]:
    """Refuse a rate/period the usb_stream kernel interface rejects; notes for the plan.

    The limits are data in the knowledge base (``[family.jack]`` of the usb_stream family).
    """
    limits = _limits_for(card)
    notes: list[str] = []
    if limits is None:
        if rate is not None or period_size is not None:
            notes.append("the limits of this device are not known; the values are not checked")
        return notes
    high_speed = card.usb_speed in ("high", "super", "super_plus")
    speed_known = card.usb_speed is not None
    if rate is not None:
        allowed = [
            r
            for r in limits.rates
            if high_speed or not speed_known or r not in limits.high_speed_only_rates
        ]
        if rate not in allowed:
            why = (
                f" ({', '.join(map(str, limits.high_speed_only_rates))} only at USB high speed)"
                if rate in limits.high_speed_only_rates
                else ""
            )
            raise InputError(
                f"--rate {rate}: this device runs at {', '.join(map(str, allowed))} Hz only{why}",
                f"use --rate {min(allowed, key=lambda r: abs(r - rate))}",
            )
        if rate in limits.high_speed_only_rates and not speed_known:
            notes.append(f"{rate} Hz works only when the device runs at USB high speed")
    if period_size is not None:
        lowest = _min_period(limits, rate, high_speed or not speed_known)
        highest = limits.max_period
        if period_size < lowest or (highest is not None and period_size > highest):
            nearest = max(lowest, min(period_size, highest or period_size))
            speed = "" if high_speed or not speed_known else " at USB full speed"
            raise InputError(
                f"--period-size {period_size}: this device needs {lowest} to "
                f"{highest} frames{speed}" + (f" at {rate} Hz" if rate else ""),
                f"use --period-size {nearest}",
            )
    return notes


def _min_period(limits: JackLimits, rate: int | None, high_speed: bool) -> int:
    """Fewest frames per period; with no fixed rate, the lowest any rate allows."""
    table = limits.min_period
    if not table:
        return 1
    base = table.get(rate, 1) if rate is not None else min(table.values())
    return base if high_speed else base * limits.full_speed_period_factor


def _limits_for(card: Card) -> JackLimits | None:
    kb = load_knowledge()
    family = kb.family(card.family) or kb.match_usb(card.usb_id)
    if family is None and card.access is Access.USB_STREAM:
        family = next((f for f in kb.families if f.access is Access.USB_STREAM), None)
    return family.jack if family is not None else None

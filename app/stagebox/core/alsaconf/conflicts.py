"""Find what in the user's (and the system's) ALSA config clashes with, or shadows, ours.

Works on the tree alsa-lib itself built from the file (``libasound.parse``), not on regular
expressions, so odd spacing, comments, ``pcm.x.type hw`` one-liners and ``<include>``d
files are seen exactly as every ALSA program sees them. Line numbers for messages are
looked up in the text afterwards (best effort: a definition from an included file has none).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from stagebox.core.model import Severity


@dataclass(frozen=True)
class Conflict:
    code: str
    severity: Severity
    message: str  # plain words: what was found and what it means
    fix: str | None = None
    source: str = "~/.asoundrc"  # the file it is in
    line: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "fix": self.fix,
            "source": self.source,
            "line": self.line,
        }


@dataclass(frozen=True)
class CardRef:
    """What ``card`` of a definition resolves to, as far as the file alone tells."""

    value: str | None  # "1", "US122L"; None when it comes from elsewhere (a function)
    by_number: bool


def definitions(tree: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """The top-level ``pcm.*`` or ``ctl.*`` compounds of a parsed config."""
    section = tree.get(kind)
    if not isinstance(section, dict):
        return {}
    return {name: body for name, body in section.items() if isinstance(body, dict)}


def defined_names(tree: dict[str, Any]) -> set[str]:
    return set(definitions(tree, "pcm")) | set(definitions(tree, "ctl"))


def card_ref(body: dict[str, Any]) -> CardRef | None:
    """``card 1``, ``card "1"``, ``card "US122L"`` or ``card $CARD`` with an @args default."""
    if "card" not in body:
        return None
    value = body["card"]
    if isinstance(value, str) and value.startswith("$"):
        arg = body.get("@args", {})
        spec = arg.get(value[1:]) if isinstance(arg, dict) else None
        value = spec.get("default") if isinstance(spec, dict) else None
    if isinstance(value, int):
        return CardRef(str(value), by_number=True)
    if isinstance(value, str):
        return CardRef(value, by_number=value.strip().lstrip("-").isdecimal())
    return CardRef(None, by_number=False)


def find_line(text: str, kind: str, name: str) -> int | None:
    """The line where ``kind.name`` (``pcm.!usb_stream``, ``usb_stream {`` in ``pcm {``) starts."""
    pattern = re.compile(
        rf"(?<![^\s;]){kind}\.[!?]?{re.escape(name)}(?![\w-])|^[ \t]*[!?]?{re.escape(name)}\s*\{{",
        re.M,
    )
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else None


def find_conflicts(
    tree: dict[str, Any], text: str, source: str, card_ids: dict[int, str]
) -> list[Conflict]:
    """Everything in one parsed file that the user should know about before we add ours.

    ``card_ids`` maps the card numbers detected now to their ids, so a definition by number
    can be told "today that is US122L".
    """
    found: list[Conflict] = []
    pcms, ctls = definitions(tree, "pcm"), definitions(tree, "ctl")
    for name, body in pcms.items():
        if body.get("type") != "usb_stream":
            continue
        line = find_line(text, "pcm", name)
        ref = card_ref(body)
        generic = ref is not None and ref.value is None  # e.g. alsa-plugins' own usbstream
        if ref is not None and ref.by_number:
            found.append(_by_number(name, ref, source, line, card_ids))
        if name not in ctls and not generic:
            found.append(_without_ctl(name, source, line))
    for kind in ("pcm", "ctl"):
        if "default" in definitions(tree, kind):
            found.append(_default_override(kind, source, find_line(text, kind, "default")))
    return found


def _by_number(
    name: str, ref: CardRef, source: str, line: int | None, card_ids: dict[int, str]
) -> Conflict:
    today = ""
    if ref.value is not None and ref.value.isdecimal() and int(ref.value) in card_ids:
        today = f" (today that is {card_ids[int(ref.value)]})"
    return Conflict(
        code="usb_stream_by_number",
        severity=Severity.WARNING,
        message=(
            f"'pcm.{name}' in {source} points at card number {ref.value}{today}. Card numbers "
            "change when devices are plugged in a different order or another USB audio "
            "device is added, and then it opens the wrong card or none."
        ),
        fix=(
            "Stagebox leaves it as it is and adds its own device that names the card by its "
            f"id; use that one in JACK. Remove 'pcm.{name}' from {source} yourself if nothing "
            "else uses it."
        ),
        source=source,
        line=line,
    )


def _without_ctl(name: str, source: str, line: int | None) -> Conflict:
    return Conflict(
        code="usb_stream_without_ctl",
        severity=Severity.WARNING,
        message=(
            f"'pcm.{name}' in {source} has no 'ctl.{name}' next to it. jackd opens a control "
            f"device of the same name too, so JACK on '{name}' stops with "
            f'"Invalid CTL {name}".'
        ),
        fix="use the device Stagebox writes (it comes with its ctl twin)",
        source=source,
        line=line,
    )


def _default_override(kind: str, source: str, line: int | None) -> Conflict:
    what = "sound device" if kind == "pcm" else "mixer (control) device"
    return Conflict(
        code=f"{kind}_default_override",
        severity=Severity.INFO,
        message=(
            f"{source} sets the default {what} ('{kind}.!default'). Programs that play to "
            '"default" go there; JACK is not affected, it opens Stagebox\'s device by name.'
        ),
        fix=None,
        source=source,
        line=line,
    )

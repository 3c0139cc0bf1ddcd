"""The first-run wizard's decisions, without Qt: which devices to offer, which fixes a
machine needs and in what order. The wizard pages only display what this module returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stagebox.core.model import (
    Card,
    DetectionResult,
    Finding,
    Kind,
    UsbAudioWithoutCard,
    usable_for_jack,
)

if TYPE_CHECKING:  # the wizard's first window imports this module: keep it light
    from stagebox.core.facts import MachineFacts
    from stagebox.core.journal import Journal
    from stagebox.core.paths import UserPaths


@dataclass
class Overview:
    """The detection result grouped the way the Detect page shows it."""

    interfaces: list[Card] = field(default_factory=list)  # offered as the main interface
    cardless: list[UsbAudioWithoutCard] = field(default_factory=list)
    others: list[Card] = field(default_factory=list)  # onboard, HDMI, webcam, MIDI-only...
    findings: list[Finding] = field(default_factory=list)

    @property
    def fallbacks(self) -> list[Card]:
        """Other cards JACK could still run on when the user asks for it: built-in sound,
        certain ones first (``others`` is in JACK's order), then a card that may be built-in
        sound or HDMI (the scan cannot tell which)."""
        return [c for c in self.others if c.kind is Kind.ONBOARD and usable_for_jack(c)]

    @property
    def offer_fallback(self) -> bool:
        """Offer the onboard sound only when no interface is there at all: an interface
        without a card yet is to be fixed, not replaced."""
        usable = any(usable_for_jack(c) for c in self.interfaces)
        return not usable and not self.cardless and bool(self.fallbacks)


def overview(result: DetectionResult) -> Overview:
    """The cards in JACK's order (``DetectionResult.jack_order``): the recommended interface
    first, the same choice as ``stagebox detect`` and ``stagebox jack``."""
    ranked = result.ranked()
    return Overview(
        interfaces=[c for c in ranked if c.kind is Kind.INTERFACE],
        cardless=list(result.usb_audio_without_card),
        others=[c for c in ranked if c.kind is not Kind.INTERFACE],
        findings=list(result.findings),
    )


def default_device(result: DetectionResult) -> Card | None:
    """The interface to pre-select: the one detection recommends (else the first JACK can
    open, for a result without a recommendation, e.g. read from an older JSON)."""
    return result.recommended_card() or next(
        (c for c in overview(result).interfaces if usable_for_jack(c)), None
    )


def display_name(card: Card) -> str:
    return card.model or card.name or card.id


# -- the Fix page -----------------------------------------------------------------------------
class StepKind(StrEnum):
    USB_UNBIND = "usb_unbind"  # let a high-speed-refused device come back at full speed
    ALSA_CONFIG = "alsa_config"  # the usb_stream PCM in ~/.asoundrc
    MANUAL = "manual"  # firmware tools, kernel modules, realtime rights: the user runs it


@dataclass
class FixStep:
    """One change the machine needs: what, why, the exact change, and how to do/undo it."""

    kind: StepKind
    what: str
    why: str
    change: str  # a unified diff, the exact command, or the text to run by hand
    apply: Callable[[Journal], object] | None = None  # None: the user does it by hand
    undo: Callable[[Journal], object] | None = None
    blocked: str | None = None  # why it cannot be done here (then apply is not offered)
    applied: bool = False


#: Findings whose fix is something the user must run (Stagebox never does it silently).
MANUAL_FINDINGS = (
    "firmware_required",
    "native_driver_not_loaded",
    "driver_not_bound",
    "device_busy",
)
#: Checks (core.checks ids) about realtime rights; a problem there becomes a manual step.
REALTIME_CHECK_PREFIXES = ("limits.", "user.")


def fix_steps(
    result: DetectionResult,
    paths: UserPaths,
    *,
    facts: MachineFacts | None = None,
    checks: list[Any] | None = None,
) -> list[FixStep]:
    """The changes this machine needs, in the order to do them: first the USB controller
    (without it there is no card at all), then the ALSA config, then what the user runs."""
    steps: list[FixStep] = []
    if facts is not None:
        steps += _usb_steps(result, facts)
    steps += _alsa_steps(result, paths)
    steps += _manual_steps(result, checks or [])
    return steps


def needs_replug(result: DetectionResult) -> bool:
    """A device is plugged in without a sound card: after a fix it must be replugged."""
    return bool(result.usb_audio_without_card)


def _usb_steps(result: DetectionResult, facts: MachineFacts) -> list[FixStep]:
    from stagebox.core.usb import plan_usb, rebind, unbind

    plan = plan_usb(result, facts)
    if not plan.needed:
        return []
    blocked = None
    if not plan.can_unbind:
        blocked = " ".join([plan.impossible_reason or "", *plan.alternatives]).strip()
    return [
        FixStep(
            kind=StepKind.USB_UNBIND,
            what=_first(plan.explanation, "Let the interface run at USB 1.1 full speed"),
            why=" ".join(plan.explanation[1:]),
            change=plan.command or "",
            apply=None if blocked else (lambda journal: unbind(plan, journal)),
            undo=None if blocked else (lambda journal: rebind(journal)),
            blocked=blocked or None,
        )
    ]


def _alsa_steps(result: DetectionResult, paths: UserPaths) -> list[FixStep]:
    from stagebox.core import alsaconf

    plan = alsaconf.plan_alsa(result, paths)
    if not plan.changes_needed and not plan.blocked_reason:
        return []
    conflicts = [f"{c.message} ({c.fix})" for c in plan.conflicts]
    return [
        FixStep(
            kind=StepKind.ALSA_CONFIG,
            what=f"Add the usb_stream device to {_tilde(paths.asoundrc, paths)}",
            why=" ".join([*plan.explanation, *conflicts]),
            change=plan.diff,
            apply=None
            if plan.blocked_reason
            else (lambda journal: alsaconf.apply_alsa(plan, journal)),
            undo=None if plan.blocked_reason else (lambda journal: alsaconf.undo_alsa(journal)),
            blocked=plan.blocked_reason,
        )
    ]


def _manual_steps(result: DetectionResult, checks: list[Any]) -> list[FixStep]:
    steps = [
        FixStep(kind=StepKind.MANUAL, what=f.message, why="", change=f.fix or "")
        for f in result.findings
        if f.code in MANUAL_FINDINGS and f.fix
    ]
    for check in checks:
        realtime = str(check.id).startswith(REALTIME_CHECK_PREFIXES)
        if realtime and check.status == "problem" and check.fix:
            steps.append(
                FixStep(
                    kind=StepKind.MANUAL,
                    what=check.title,
                    why=f"{check.reading}. {check.why}".strip(". "),
                    change=check.fix,
                )
            )
    return steps


def _first(lines: list[str], default: str) -> str:
    return lines[0] if lines else default


def _tilde(path: Path, paths: UserPaths) -> str:
    """``~/.asoundrc`` rather than the full home path: what users see in guides."""
    try:
        return "~/" + str(path.relative_to(paths.home))
    except ValueError:
        return str(path)

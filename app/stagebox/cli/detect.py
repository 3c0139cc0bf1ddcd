"""``stagebox detect``: which audio interfaces are there, what each needs, what is wrong."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import TextIO

from stagebox.cli.context import Context
from stagebox.core.errors import ExitCode, InputError, StageboxError
from stagebox.core.model import (
    USB_SPEED_TEXT,
    Access,
    Card,
    DetectionResult,
    Finding,
    Kind,
    Severity,
)

log = logging.getLogger(__name__)

_KIND_TEXT = {
    Kind.INTERFACE: "audio interface",
    Kind.ONBOARD: "built-in sound",
    Kind.HDMI: "HDMI/DisplayPort output of the graphics chip",
    Kind.MIDI_ONLY: "MIDI device (no audio)",
    Kind.WEBCAM_OR_HEADSET: "webcam microphone or headset",
    Kind.OTHER: "other sound device",
}
_SEVERITY_TEXT = {Severity.ERROR: "PROBLEM", Severity.WARNING: "WARNING", Severity.INFO: "NOTE"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "detect",
        help="list sound cards and audio interfaces, what each needs, and what is wrong",
        description=(
            "Find the audio interfaces of this machine (or of a pasted report) and say how "
            "JACK should open each one and what has to be fixed first."
        ),
    )
    parser.add_argument(
        "--capture",
        metavar="FILE",
        help="read a pasted report (alsa-info.sh output, /proc/asound/cards, aplay -l, lsusb, ...)",
    )
    parser.add_argument("--json", action="store_true", help="print the stable JSON contract")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.detect import detect_capture, detect_live
    from stagebox.core.knowledge import KnowledgeError

    if args.capture and getattr(args, "root", None):
        raise InputError("--capture and --root both name a machine", "give only one of them")
    try:
        result = detect_capture(Path(args.capture)) if args.capture else detect_live(ctx.root)
    except StageboxError:
        raise
    except KnowledgeError as exc:
        raise StageboxError(
            f"the device knowledge base is broken: {exc}", "reinstall stagebox"
        ) from exc
    except (OSError, ValueError, UnicodeError) as exc:  # odd /proc or /sys we did not foresee
        log.debug("detect failed", exc_info=True)
        raise InputError(
            f"cannot read the machine's sound information ({type(exc).__name__}: {exc})",
            "run again with -v and report the output",
        ) from exc
    except Exception as exc:  # a detector bug must not end in a traceback
        log.debug("detect failed", exc_info=True)
        raise StageboxError(
            f"detection failed ({type(exc).__name__}: {exc})",
            "run again with -v and report the output",
        ) from exc
    if args.json:
        ctx.out.write(result.to_json() + "\n")
    else:
        write_text(result, ctx.out, source=args.capture or str(ctx.root.root))
    return int(ExitCode.OK)


# -- text output -------------------------------------------------------------------------------


def write_text(result: DetectionResult, out: TextIO, *, source: str) -> None:
    alsa = {"loaded": "loaded", "not_loaded": "NOT loaded", "unknown": "unknown"}[result.alsa.value]
    where = "report " + source if result.source == "capture" else "this machine"
    if result.source != "capture" and source != "/":
        where = f"machine tree {source}"
    out.write(f"Sound hardware of {where}\n")
    out.write(f"  Linux kernel: {result.kernel or 'unknown'}    ALSA drivers: {alsa}\n\n")
    if not result.cards and result.alsa.value == "unknown":
        out.write(
            "No sound cards in the input (it holds no /proc/asound/cards and no aplay -l "
            "listing with a card).\n\n"
        )
    elif not result.cards:
        out.write("No sound cards.\n\n")
    for card in result.cards:
        _write_card(card, result.findings_for(card.index), out)
    if result.usb_audio_without_card:
        out.write("Audio interfaces connected by USB but without a sound card:\n")
        for item in result.usb_audio_without_card:
            where = _usb_where(item.speed, item.controller)
            out.write(f"  {item.model or 'unknown model'} (USB {item.usb_id}){where}\n")
            out.write(f"    why: {item.reason}\n")
        out.write("\n")
    general = [f for f in result.findings if f.card is None]
    if general:
        out.write("What to do:\n" if any(f.fix for f in general) else "Notes:\n")
        for finding in general:
            _write_finding(finding, out, indent="  ")
        out.write("\n")
    best = result.recommended_card()
    if best is not None and result.recommended is not None:
        out.write(f"JACK should use: {best.jack_device}  (card {best.index}, {_name(best)})\n")
        out.write(f"  why: {result.recommended.reason}\n")


def _name(card: Card) -> str:
    return card.model or card.name or card.id


def _usb_where(speed: str | None, controller: str | None) -> str:
    parts = []
    if speed:
        parts.append(USB_SPEED_TEXT.get(speed, speed))
    if controller:
        parts.append(f"controller {controller}")
    return f", {', '.join(parts)}" if parts else ""


def _yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


def _write_card(card: Card, findings: list[Finding], out: TextIO) -> None:
    out.write(f"Card {card.index} [{card.id}]: {_name(card)}\n")
    if card.kind is Kind.INTERFACE and card.playback is True and card.capture is False:
        role = "JACK can use it for playback, not for recording"
    elif card.kind is Kind.INTERFACE:
        role = "a recording interface"
    else:
        role = "not a recording interface"
    out.write(f"  what it is:   {card.description or _KIND_TEXT[card.kind]} ({role})\n")
    driver = card.module or card.driver or "not known"
    usb = f", USB {card.usb_id}" if card.usb_id else ""
    pci = f", PCI {card.pci_slot}" if card.pci_slot else ""
    out.write(f"  driver:       {driver}{usb}{pci}{_usb_where(card.usb_speed, card.controller)}\n")
    out.write(f"  plays:        {_yes_no(card.playback)}    records: {_yes_no(card.capture)}\n")
    if card.access is Access.USB_STREAM:
        how = f"{card.jack_device}  (through the usb_stream ALSA plugin, 2 periods)"
    elif card.access is Access.HW:
        how = f"{card.jack_device}"
    else:
        how = "cannot open it for audio"
    out.write(f"  JACK opens:   {how}\n")
    for finding in findings:
        _write_finding(finding, out, indent="  ")
    out.write("\n")


def _write_finding(finding: Finding, out: TextIO, *, indent: str) -> None:
    out.write(f"{indent}{_SEVERITY_TEXT[finding.severity]}: {finding.message}\n")
    if finding.fix:
        out.write(f"{indent}  fix: {finding.fix}\n")

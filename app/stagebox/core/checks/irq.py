"""Interrupt sharing: the interface's controller should not share its IRQ with other devices."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stagebox.core.checks.base import CheckContext, CheckResult, Status

#: Handlers that carry audio: sound drivers and the USB host controllers.
_AUDIO_HANDLER = re.compile(r"^(snd_|audiodsp|[eoux]hci[_-]hcd)")


@dataclass(frozen=True)
class IrqLine:
    number: int
    handlers: tuple[str, ...]  # "ehci_hcd:usb1", "snd_hda_intel:card0", "eth0"


def parse_interrupts(text: str) -> list[IrqLine]:
    """The numbered lines of /proc/interrupts with their handler names."""
    lines = text.splitlines()
    if not lines:
        return []
    cpus = len(lines[0].split())
    parsed: list[IrqLine] = []
    for line in lines[1:]:
        head, sep, rest = line.partition(":")
        if not sep or not head.strip().isdecimal():
            continue
        words = rest.split()
        description = " ".join(words[cpus:])
        parts = [p.strip() for p in description.split(",") if p.strip()]
        if not parts:
            continue
        handlers = [parts[0].split()[-1], *parts[1:]] if parts[0].split() else parts[1:]
        parsed.append(IrqLine(int(head), tuple(handlers)))
    return parsed


def _controller_irqs(ctx: CheckContext) -> dict[int, str]:
    """IRQ number -> the interface it serves, for USB interfaces with a known controller."""
    irqs: dict[int, str] = {}
    if ctx.result is None:
        return irqs
    for card in ctx.result.interfaces():
        if not card.controller:
            continue
        base = f"/sys/bus/pci/devices/{card.controller}"
        numbers = [n for n in ctx.root.listdir(f"{base}/msi_irqs") if n.isdecimal()]
        legacy = ctx.root.read_attr(f"{base}/irq")
        if not numbers and legacy and legacy.isdecimal():
            numbers = [legacy]
        for number in numbers:
            irqs[int(number)] = f"{card.model or card.id} (controller {card.controller})"
    return irqs


def check_irq_sharing(ctx: CheckContext) -> CheckResult:
    why = (
        "When the audio interface's controller shares an interrupt with another device, "
        "every interrupt of that device delays the audio one."
    )
    title = "Interrupt (IRQ) sharing"
    text = ctx.root.read_text("/proc/interrupts")
    if text is None:
        return CheckResult(
            "irq.sharing", title, Status.NOT_APPLICABLE, "/proc/interrupts is not readable", why
        )
    lines = parse_interrupts(text)
    interface_irqs = _controller_irqs(ctx)
    shared = [
        line
        for line in lines
        if len(line.handlers) > 1 and any(_AUDIO_HANDLER.match(h) for h in line.handlers)
    ]
    if interface_irqs:
        shared = [line for line in shared if line.number in interface_irqs]
        scope = "the interface's USB controller"
    else:
        scope = "sound devices and USB controllers"
    if not shared:
        if interface_irqs:
            used = ", ".join(f"IRQ {n}: {who}" for n, who in sorted(interface_irqs.items()))
            reading = f"not shared ({used})"
        else:
            reading = f"no IRQ of {scope} is shared with another device"
        return CheckResult("irq.sharing", title, Status.OK, reading, why)
    reading = "; ".join(f"IRQ {line.number}: {', '.join(line.handlers)}" for line in shared)
    return CheckResult(
        "irq.sharing",
        title,
        Status.WARNING,
        reading,
        why,
        "plug the interface into a USB port of another controller (`lsusb -t` shows which "
        "ports share a bus), or unload the driver of the other device while recording",
    )

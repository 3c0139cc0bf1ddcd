"""The processor: frequency governor, simultaneous multithreading, speculation mitigations."""

from __future__ import annotations

import re
from collections import Counter

from stagebox.core.checks.base import CheckContext, CheckResult, Status

_CPU_DIR = re.compile(r"^cpu\d+$")


def check_governor(ctx: CheckContext) -> CheckResult:
    why = (
        "A CPU that lowers its clock to save power needs time to speed up again, and an audio "
        "period that arrives meanwhile is late (xrun)."
    )
    title = "CPU frequency governor"
    governors: dict[str, str] = {}
    for name in ctx.root.listdir("/sys/devices/system/cpu"):
        if _CPU_DIR.match(name):
            value = ctx.root.read_attr(f"/sys/devices/system/cpu/{name}/cpufreq/scaling_governor")
            if value:
                governors[name] = value
    if not governors:
        return CheckResult(
            "cpu.governor",
            title,
            Status.NOT_APPLICABLE,
            "no CPU exposes frequency scaling (fixed clock or virtual machine)",
            why,
        )
    counts = Counter(governors.values())
    reading = ", ".join(
        f"{gov} on {n} CPU{'s' if n > 1 else ''}" for gov, n in sorted(counts.items())
    )
    if set(counts) == {"performance"}:
        return CheckResult("cpu.governor", title, Status.OK, reading, why)
    return CheckResult(
        "cpu.governor",
        title,
        Status.WARNING,
        reading,
        why,
        "echo performance | sudo tee /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor"
        "   (until the next restart)",
        needs_root=True,
    )


def check_smt(ctx: CheckContext) -> CheckResult:
    why = (
        "With simultaneous multithreading two threads share one core, so the audio thread can "
        "be slowed by whatever runs on its sibling."
    )
    title = "Simultaneous multithreading (SMT)"
    active = ctx.root.read_attr("/sys/devices/system/cpu/smt/active")
    control = ctx.root.read_attr("/sys/devices/system/cpu/smt/control")
    if active is None:
        return CheckResult(
            "cpu.smt", title, Status.NOT_APPLICABLE, "the kernel does not report SMT", why
        )
    if active == "0":
        reading = "off" + (f" (control: {control})" if control else "")
        return CheckResult("cpu.smt", title, Status.OK, reading, why)
    return CheckResult(
        "cpu.smt",
        title,
        Status.WARNING,
        "on" + (f" (control: {control})" if control else ""),
        why,
        "echo off | sudo tee /sys/devices/system/cpu/smt/control   (until the next restart; "
        "only if you still get dropouts at small buffer sizes)",
        needs_root=True,
    )


def check_mitigations(ctx: CheckContext) -> CheckResult:
    why = (
        "Spectre/Meltdown mitigations add work to every system call and interrupt, which "
        "costs headroom at small buffer sizes; turning them off is a security trade-off."
    )
    title = "CPU vulnerability mitigations"
    setting = ctx.cmdline_value("mitigations")
    states = _vulnerabilities(ctx)
    mitigated = sorted(name for name, text in states.items() if text.startswith("Mitigation"))
    if setting == "off":
        return CheckResult(
            "cpu.mitigations", title, Status.OK, "mitigations=off on the kernel command line", why
        )
    if not states:
        reading = "no vulnerability list in /sys/devices/system/cpu/vulnerabilities"
        return CheckResult("cpu.mitigations", title, Status.NOT_APPLICABLE, reading, why)
    if not mitigated:
        reading = f"none of {len(states)} known CPU vulnerabilities needs a mitigation here"
        return CheckResult("cpu.mitigations", title, Status.OK, reading, why)
    reading = f"{len(mitigated)} of {len(states)} mitigated: {', '.join(mitigated)}"
    if setting:
        reading += f" (mitigations={setting})"
    return CheckResult(
        "cpu.mitigations",
        title,
        Status.WARNING,
        reading,
        why,
        "only on a computer used for audio and not for web browsing: add mitigations=off to "
        'GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, then "sudo update-grub" and restart',
        needs_root=True,
    )


def _vulnerabilities(ctx: CheckContext) -> dict[str, str]:
    base = "/sys/devices/system/cpu/vulnerabilities"
    states: dict[str, str] = {}
    for name in ctx.root.listdir(base):
        text = ctx.root.read_attr(f"{base}/{name}")
        if text:
            states[name] = text
    return states

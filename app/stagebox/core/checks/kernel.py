"""The kernel's scheduling: preemption model, high-resolution timers, tickless operation."""

from __future__ import annotations

import re

from stagebox.core.checks.base import CheckContext, CheckResult, Status

GRUB_FIX = (
    "add {words} to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, "
    'then "sudo update-grub" and restart'
)
_MODES_OK = ("full", "lazy")


def preemption_mode(ctx: CheckContext) -> tuple[str | None, str]:
    """(mode, where it was read): mode is rt | full | lazy | voluntary | none | None."""
    config = ctx.kernel_config
    if ctx.root.read_attr("/sys/kernel/realtime") == "1":
        return "rt", "/sys/kernel/realtime"
    if config.enabled("CONFIG_PREEMPT_RT") or config.enabled("CONFIG_PREEMPT_RT_FULL"):
        return "rt", config.source or "kernel config"
    debug = ctx.root.read_attr("/sys/kernel/debug/sched/preempt")
    found = re.search(r"\((\w+)\)", debug or "")
    if found:
        return found.group(1), "/sys/kernel/debug/sched/preempt"
    dynamic = config.enabled("CONFIG_PREEMPT_DYNAMIC")
    asked = ctx.cmdline_value("preempt")
    if asked and (dynamic or config.source is None):
        return asked, "preempt= on /proc/cmdline"
    for option, mode in (
        ("CONFIG_PREEMPT", "full"),
        ("CONFIG_PREEMPT_LAZY", "lazy"),
        ("CONFIG_PREEMPT_VOLUNTARY", "voluntary"),
        ("CONFIG_PREEMPT_NONE", "none"),
    ):
        if config.enabled(option):
            return mode, f"{option} in {config.source}"
    return None, "no kernel config, /sys/kernel/realtime or preempt= to read"


def check_preemption(ctx: CheckContext) -> CheckResult:
    why = (
        "A kernel that can interrupt itself at any point (full preemption or PREEMPT_RT) "
        "lets the audio thread run the moment its period is due."
    )
    title = "Kernel preemption model"
    mode, where = preemption_mode(ctx)
    threaded = ctx.cmdline_has("threadirqs") or mode == "rt"
    irq_note = ", interrupts in threads (threadirqs)" if threaded else ""
    if mode is None:
        return CheckResult("kernel.preempt", title, Status.NOT_APPLICABLE, where, why)
    reading = ("realtime kernel (PREEMPT_RT)" if mode == "rt" else f"preempt={mode}") + (
        f"{irq_note} (from {where})"
    )
    if mode == "rt" or mode in _MODES_OK:
        return CheckResult("kernel.preempt", title, Status.OK, reading, why)
    if ctx.kernel_config.enabled("CONFIG_PREEMPT_DYNAMIC") or ctx.kernel_config.source is None:
        fix = GRUB_FIX.format(words="preempt=full threadirqs")
    else:
        fix = (
            "install your distribution's realtime or low-latency kernel "
            "(Debian: sudo apt install linux-image-rt-amd64; Ubuntu: sudo apt install "
            "linux-lowlatency) and restart"
        )
    return CheckResult("kernel.preempt", title, Status.WARNING, reading, why, fix, needs_root=True)


def check_high_res_timers(ctx: CheckContext) -> CheckResult:
    why = "Without high-resolution timers the kernel wakes programs only on its coarse tick, which makes MIDI and audio timing jitter."
    title = "High-resolution timers"
    config = ctx.kernel_config
    if config.enabled("CONFIG_HIGH_RES_TIMERS"):
        return CheckResult(
            "kernel.hrtimers", title, Status.OK, f"CONFIG_HIGH_RES_TIMERS=y ({config.source})", why
        )
    timer_list = ctx.root.read_text("/proc/timer_list", limit=256 * 1024)
    resolution = re.search(r"\.resolution:\s*(\d+)\s*nsecs", timer_list or "")
    if resolution:
        nsecs = int(resolution.group(1))
        status = Status.OK if nsecs <= 1000 else Status.WARNING
        return CheckResult(
            "kernel.hrtimers",
            title,
            status,
            f"timer resolution {nsecs} ns (/proc/timer_list)",
            why,
            None
            if status is Status.OK
            else "use your distribution's standard kernel (it has them)",
        )
    if config.source is None:
        return CheckResult(
            "kernel.hrtimers",
            title,
            Status.NOT_APPLICABLE,
            "neither the kernel config nor /proc/timer_list is readable",
            why,
        )
    return CheckResult(
        "kernel.hrtimers",
        title,
        Status.WARNING,
        f"CONFIG_HIGH_RES_TIMERS is not set ({config.source})",
        why,
        "use your distribution's standard or low-latency kernel (it has them)",
    )


def check_tickless(ctx: CheckContext) -> CheckResult:
    why = "A tickless kernel stops the periodic timer interrupt on idle CPUs, so fewer interruptions reach the audio thread."
    title = "Tickless kernel"
    config = ctx.kernel_config
    options = [
        name
        for name in ("CONFIG_NO_HZ_FULL", "CONFIG_NO_HZ_IDLE", "CONFIG_NO_HZ")
        if config.enabled(name)
    ]
    nohz_full = ctx.root.read_attr("/sys/devices/system/cpu/nohz_full")
    if options or (nohz_full and nohz_full != "(null)"):
        reading = ", ".join(f"{o}=y" for o in options) or f"nohz_full CPUs {nohz_full}"
        return CheckResult("kernel.tickless", title, Status.OK, reading, why)
    if config.source is None:
        return CheckResult(
            "kernel.tickless",
            title,
            Status.NOT_APPLICABLE,
            "the kernel config is not readable",
            why,
        )
    return CheckResult(
        "kernel.tickless",
        title,
        Status.WARNING,
        f"no CONFIG_NO_HZ option set ({config.source})",
        why,
        "use your distribution's standard or low-latency kernel (they are tickless)",
    )

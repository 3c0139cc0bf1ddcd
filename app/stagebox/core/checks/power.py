"""Power management: may JACK hold the CPUs out of deep sleep through /dev/cpu_dma_latency?"""

from __future__ import annotations

import os
import stat

from stagebox.core.checks.base import CheckContext, CheckResult, Status

UDEV_RULE_FILE = "/etc/udev/rules.d/99-cpu-dma-latency.rules"
UDEV_RULE = 'DEVPATH=="/devices/virtual/misc/cpu_dma_latency", GROUP="audio", MODE="0660"'


def check_cpu_dma_latency(ctx: CheckContext) -> CheckResult:
    why = (
        "A program that writes 0 to /dev/cpu_dma_latency keeps the CPUs out of deep sleep "
        "states, whose slow wake-up can make an audio period late."
    )
    title = "CPU sleep-state control (/dev/cpu_dma_latency)"
    real = ctx.root.resolve("/dev/cpu_dma_latency")
    if real is None:
        return CheckResult(
            "power.cpu_dma_latency",
            title,
            Status.NOT_APPLICABLE,
            "/dev/cpu_dma_latency does not exist (kernel without PM QoS)",
            why,
        )
    info = os.stat(ctx.root.path(real))
    mode = stat.S_IMODE(info.st_mode)
    reading = f"mode {mode:04o}, owner uid {info.st_uid}, group gid {info.st_gid}"
    if _writable(ctx, info.st_uid, info.st_gid, mode):
        return CheckResult("power.cpu_dma_latency", title, Status.OK, reading + ": writable", why)
    return CheckResult(
        "power.cpu_dma_latency",
        title,
        Status.WARNING,
        reading + ": not writable by you",
        why,
        f"echo '{UDEV_RULE}' | sudo tee {UDEV_RULE_FILE} && sudo udevadm trigger "
        "--subsystem-match=misc",
        needs_root=True,
    )


def _writable(ctx: CheckContext, owner: int, group: int, mode: int) -> bool:
    """Writable for the checked user, judged from the mode bits (root may write anything).

    The user and groups are the injected process facts, not this process's, so a fake tree
    gives the same answer whoever runs the tests.
    """
    process = ctx.process
    if process.uid == 0:
        return True
    if owner == process.uid:
        return bool(mode & stat.S_IWUSR)
    if group in process.gids:
        return bool(mode & stat.S_IWGRP)
    return bool(mode & stat.S_IWOTH)

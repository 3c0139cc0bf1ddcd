"""Run every check, in the order a musician should read them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from stagebox.core.checks import cpu, device, irq, kernel, limits, packages, power, storage, user
from stagebox.core.checks.base import CheckContext, CheckResult, ProcessFacts, Status
from stagebox.core.sysroot import SystemRoot

if TYPE_CHECKING:
    from stagebox.core.knowledge import KnowledgeBase
    from stagebox.core.model import DetectionResult
    from stagebox.core.paths import UserPaths

log = logging.getLogger(__name__)

Check = Callable[[CheckContext], CheckResult]

#: rtcqs's checks first (user, limits, CPU, kernel, memory, disks, IRQs, power), then what
#: only Stagebox knows about the connected interface.
ALL_CHECKS: tuple[Check, ...] = (
    user.check_root_user,
    user.check_audio_group,
    limits.check_rtprio,
    limits.check_memlock,
    cpu.check_governor,
    cpu.check_smt,
    kernel.check_preemption,
    kernel.check_high_res_timers,
    kernel.check_tickless,
    cpu.check_mitigations,
    storage.check_swappiness,
    storage.check_filesystems,
    irq.check_irq_sharing,
    power.check_cpu_dma_latency,
    packages.check_jackd,
    packages.check_alsa_plugins,
    device.check_usb_stream_plugin,
    device.check_mixer_rate,
    device.check_driver_history,
    device.check_firmware_tools,
)


def run_checks(
    root: SystemRoot,
    result: DetectionResult | None = None,
    *,
    uid: int | None = None,
    groups: list[int] | tuple[int, ...] | None = None,
    rtprio: tuple[int, int] | None = None,
    memlock: tuple[int, int] | None = None,
    paths: UserPaths | None = None,
    kb: KnowledgeBase | None = None,
) -> list[CheckResult]:
    """Every check's result. Reads only; nothing on the machine is changed.

    ``result`` is the detection result the interface checks use (``None``: they report
    "not applicable"). ``uid``, ``groups``, ``rtprio`` and ``memlock`` (as ``(soft, hard)``)
    default to this process's own; ``paths`` lets the checks read ``~/.jackdrc``.
    """
    ctx = CheckContext(
        root=root,
        process=ProcessFacts.current(uid=uid, groups=groups, rtprio=rtprio, memlock=memlock),
        result=result,
        paths=paths,
        _kb=kb,
    )
    return [_run_one(check, ctx) for check in ALL_CHECKS]


def _run_one(check: Check, ctx: CheckContext) -> CheckResult:
    try:
        return check(ctx)
    except (OSError, ValueError, KeyError, IndexError) as exc:
        # Odd machine data must not take the other checks down; say what could not be read.
        log.warning("check %s could not run: %s", check.__name__, exc)
        log.debug("details", exc_info=True)
        name = check.__name__.removeprefix("check_").replace("_", " ")
        return CheckResult(
            f"error.{check.__name__.removeprefix('check_')}",
            name.capitalize(),
            Status.NOT_APPLICABLE,
            f"could not be read: {exc}",
            "This check could not run on this machine.",
        )

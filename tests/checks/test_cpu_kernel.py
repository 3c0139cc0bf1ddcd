"""CPU governor, SMT, mitigations, preemption, high-resolution timers, tickless."""

from __future__ import annotations

import gzip

from stagebox.core.checks.base import Status
from stagebox.core.checks.cpu import check_governor, check_mitigations, check_smt
from stagebox.core.checks.kernel import (
    check_high_res_timers,
    check_preemption,
    check_tickless,
)

from tests.checks.tree import Tree, assert_status

RELEASE = "6.1.0-13-amd64"
CPUFREQ = "/sys/devices/system/cpu/cpu{}/cpufreq/scaling_governor"


def _kernel(tree: Tree, config: str, cmdline: str = "BOOT_IMAGE=/vmlinuz ro quiet") -> None:
    tree.write("/proc/sys/kernel/osrelease", RELEASE + "\n")
    tree.write(f"/boot/config-{RELEASE}", config)
    tree.write("/proc/cmdline", cmdline + "\n")


def test_governor_performance_ok_powersave_warns(tree: Tree) -> None:
    for cpu in range(4):
        tree.write(CPUFREQ.format(cpu), "performance\n")
    assert_status(check_governor(tree.context()), Status.OK)
    tree.write(CPUFREQ.format(2), "powersave\n")
    result = assert_status(check_governor(tree.context()), Status.WARNING)
    assert result.reading == "performance on 3 CPUs, powersave on 1 CPU"
    assert result.fix and "scaling_governor" in result.fix and result.needs_root


def test_governor_without_cpufreq_is_not_applicable(tree: Tree) -> None:
    tree.write("/sys/devices/system/cpu/cpu0/online", "1\n")
    assert_status(check_governor(tree.context()), Status.NOT_APPLICABLE)


def test_smt(tree: Tree) -> None:
    assert_status(check_smt(tree.context()), Status.NOT_APPLICABLE)
    tree.write("/sys/devices/system/cpu/smt/active", "0\n")
    assert_status(check_smt(tree.context()), Status.OK)
    tree.write("/sys/devices/system/cpu/smt/active", "1\n")
    tree.write("/sys/devices/system/cpu/smt/control", "on\n")
    result = assert_status(check_smt(tree.context()), Status.WARNING)
    assert "smt/control" in (result.fix or "")


def test_mitigations(tree: Tree) -> None:
    vulns = "/sys/devices/system/cpu/vulnerabilities/"
    tree.write(vulns + "meltdown", "Not affected\n")
    tree.write(vulns + "spectre_v2", "Mitigation: Retpolines; STIBP: disabled\n")
    tree.write("/proc/cmdline", "ro quiet\n")
    result = assert_status(check_mitigations(tree.context()), Status.WARNING)
    assert result.reading == "1 of 2 mitigated: spectre_v2"
    assert "mitigations=off" in (result.fix or "")
    tree.write("/proc/cmdline", "ro quiet mitigations=off\n")
    assert_status(check_mitigations(tree.context()), Status.OK)


def test_mitigations_all_not_affected(tree: Tree) -> None:
    tree.write("/sys/devices/system/cpu/vulnerabilities/meltdown", "Not affected\n")
    tree.write("/proc/cmdline", "ro\n")
    assert_status(check_mitigations(tree.context()), Status.OK)


def test_preempt_voluntary_dynamic_kernel_suggests_cmdline(tree: Tree) -> None:
    _kernel(tree, "CONFIG_PREEMPT_VOLUNTARY=y\nCONFIG_PREEMPT_DYNAMIC=y\n")
    result = assert_status(check_preemption(tree.context()), Status.WARNING)
    assert "preempt=voluntary" in result.reading
    assert "preempt=full threadirqs" in (result.fix or "")


def test_preempt_full_on_cmdline_with_threadirqs(tree: Tree) -> None:
    _kernel(
        tree,
        "CONFIG_PREEMPT_VOLUNTARY=y\nCONFIG_PREEMPT_DYNAMIC=y\n",
        "ro quiet preempt=full threadirqs",
    )
    result = assert_status(check_preemption(tree.context()), Status.OK)
    assert "preempt=full" in result.reading and "threadirqs" in result.reading


def test_preempt_cmdline_ignored_without_dynamic_preemption(tree: Tree) -> None:
    _kernel(tree, "CONFIG_PREEMPT_NONE=y\n# CONFIG_PREEMPT_DYNAMIC is not set\n", "preempt=full")
    result = assert_status(check_preemption(tree.context()), Status.WARNING)
    assert "linux-image-rt" in (result.fix or "")


def test_preempt_rt_from_sysfs_and_gzipped_config(tree: Tree) -> None:
    tree.write("/sys/kernel/realtime", "1\n")
    assert "PREEMPT_RT" in assert_status(check_preemption(tree.context()), Status.OK).reading
    other = Tree(tree.path.parent / "other")
    (other.path / "proc").mkdir(parents=True)
    (other.path / "proc" / "config.gz").write_bytes(gzip.compress(b"CONFIG_PREEMPT_RT=y\n"))
    result = assert_status(check_preemption(other.context()), Status.OK)
    assert "/proc/config.gz" in result.reading


def test_preempt_from_debugfs(tree: Tree) -> None:
    tree.write("/sys/kernel/debug/sched/preempt", "none voluntary (full) lazy\n")
    assert "debug" in assert_status(check_preemption(tree.context()), Status.OK).reading
    tree.write("/sys/kernel/debug/sched/preempt", "none (voluntary) full\n")
    assert_status(check_preemption(tree.context()), Status.WARNING)


def test_preempt_unknown_without_any_source(tree: Tree) -> None:
    assert_status(check_preemption(tree.context()), Status.NOT_APPLICABLE)


def test_high_res_timers(tree: Tree) -> None:
    _kernel(tree, "CONFIG_HIGH_RES_TIMERS=y\n")
    assert_status(check_high_res_timers(tree.context()), Status.OK)
    _kernel(tree, "# CONFIG_HIGH_RES_TIMERS is not set\n")
    assert_status(check_high_res_timers(tree.context()), Status.WARNING)


def test_high_res_timers_from_timer_list(tree: Tree) -> None:
    tree.write("/proc/timer_list", "cpu: 0\n clock 0:\n  .base: 0\n  .resolution: 1 nsecs\n")
    assert "1 ns" in assert_status(check_high_res_timers(tree.context()), Status.OK).reading
    tree.write("/proc/timer_list", "  .resolution: 4000000 nsecs\n")
    assert_status(check_high_res_timers(tree.context()), Status.WARNING)


def test_tickless(tree: Tree) -> None:
    _kernel(tree, "CONFIG_NO_HZ_IDLE=y\nCONFIG_NO_HZ=y\n")
    assert_status(check_tickless(tree.context()), Status.OK)
    _kernel(tree, "CONFIG_HZ_PERIODIC=y\n# CONFIG_NO_HZ is not set\n")
    assert_status(check_tickless(tree.context()), Status.WARNING)

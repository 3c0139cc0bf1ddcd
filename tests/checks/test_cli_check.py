"""``stagebox check``: the whole list on this machine and on fake trees, text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stagebox.core.checks import ALL_CHECKS, Status, format_checks, run_checks
from stagebox.core.sysroot import SystemRoot

from tests.checks.tree import Tree

STATUSES = {s.value for s in Status}


def test_every_check_runs_on_this_machine_without_error() -> None:
    results = run_checks(SystemRoot())
    assert len(results) == len(ALL_CHECKS)
    assert len({r.id for r in results}) == len(results)
    assert not [r for r in results if r.id.startswith("error.")]
    for result in results:
        assert result.status in Status and result.reading and result.why


def test_an_empty_tree_gives_not_applicable_not_crashes(tree: Tree) -> None:
    results = run_checks(tree.root, uid=1000, groups=[1000], rtprio=(0, 0), memlock=(0, 0))
    assert not [r for r in results if r.id.startswith("error.")]
    by_id = {r.id: r for r in results}
    assert by_id["cpu.governor"].status is Status.NOT_APPLICABLE
    assert by_id["limits.rtprio"].status is Status.PROBLEM
    assert by_id["packages.jackd"].status is Status.NOT_APPLICABLE  # cannot look for it


def test_check_json_shape(run_cli, tree: Tree) -> None:
    (tree.path / "usr/bin").mkdir(parents=True)  # programs can be looked for; jackd is absent
    tree.write("/proc/sys/kernel/osrelease", "6.1.0-13-amd64\n")
    tree.write("/proc/cmdline", "ro quiet\n")
    result = run_cli("check", "--json", "--root", str(tree.path))
    data = json.loads(result.out)
    assert data["schema"] == 1
    assert set(data["summary"]) == STATUSES
    assert sum(data["summary"].values()) == len(data["checks"]) == len(ALL_CHECKS)
    for item in data["checks"]:
        assert set(item) == {"id", "title", "status", "reading", "why", "fix", "needs_root"}
        assert item["status"] in STATUSES
        assert isinstance(item["needs_root"], bool)
    # jackd is not in the empty tree: a problem, so exit status 1
    assert data["summary"]["problem"] >= 1 and result.code == 1


def test_check_exit_zero_without_problems(run_cli, tree: Tree, monkeypatch) -> None:
    tree.write("/usr/bin/jackd", "")
    tree.write("/proc/cmdline", "ro\n")
    # the process facts the CLI uses are this process's: make them root's, whose realtime
    # limits are not a problem, so nothing in this tree is one
    monkeypatch.setattr("os.getuid", lambda: 0)
    result = run_cli("--root", str(tree.path), "check")
    assert "Problems:" not in result.out
    assert result.code == 0


def test_check_text_is_grouped_problems_first(run_cli, tree: Tree) -> None:
    (tree.path / "usr/bin").mkdir(parents=True)  # no jackd in it: a problem
    tree.write("/proc/swaps", "Filename Type Size Used Priority\n/swap file 1 0 -2\n")
    tree.write("/proc/sys/vm/swappiness", "60\n")
    tree.write("/sys/devices/system/cpu/smt/active", "0\n")
    result = run_cli("check", "--root", str(tree.path))
    out = result.out
    assert out.index("Problems:") < out.index("Warnings:") < out.index("OK (")
    assert "found: swappiness 60, 1 swap area in use" in out
    assert "fix:   echo 'vm.swappiness = 10' | sudo tee" in out
    assert out.rstrip().endswith("Nothing was changed.")


def test_check_changes_nothing(run_cli, tree: Tree, isolated_home: Path) -> None:
    tree.write("/proc/cmdline", "ro\n")
    before = sorted(p for p in tree.path.rglob("*"))
    home_before = sorted(p for p in isolated_home.rglob("*"))
    run_cli("check", "--root", str(tree.path))
    assert sorted(p for p in tree.path.rglob("*")) == before
    assert sorted(p for p in isolated_home.rglob("*")) == home_before


def test_check_bad_root_is_input_error(run_cli, tmp_path: Path) -> None:
    result = run_cli("check", "--root", str(tmp_path / "missing"))
    assert result.code == 2
    assert "not a directory" in result.err


def test_format_checks_never_wraps_a_fix() -> None:
    results = run_checks(SystemRoot(), uid=1000, groups=[1000], rtprio=(0, 0), memlock=(0, 0))
    text = format_checks(results)
    for result in results:
        if result.fix and result.status in (Status.PROBLEM, Status.WARNING):
            assert result.fix in text


ROOTS = Path(__file__).resolve().parent.parent / "fixtures" / "roots"


@pytest.mark.parametrize(
    ("name", "check_id", "status"),
    [
        ("us144mkii-ehci-nocard", "device.kernel_driver", "warning"),
        ("us144mkii-native-6.18", "device.kernel_driver", "ok"),
        ("us122l-ich5", "device.usb_stream_plugin", "warning"),  # no package db: cannot tell
        ("scarlett-18i20-xhci", "device.mixer_rate", "ok"),
        ("hdsp-multiface-nofw", "device.firmware_tools", "not_applicable"),  # no /usr/bin
        ("onboard-only", "device.kernel_driver", "not_applicable"),
        ("c400-implicit-fb", "device.usb_stream_plugin", "not_applicable"),
        ("us144-uhci-after-unbind", "device.usb_stream_plugin", "warning"),
        ("us144mkii-xhci-only", "device.kernel_driver", "warning"),
    ],
)
def test_check_on_the_fake_machines(run_cli, name: str, check_id: str, status: str) -> None:
    result = run_cli("check", "--json", "--root", str(ROOTS / name))
    data = json.loads(result.out)
    by_id = {c["id"]: c for c in data["checks"]}
    assert not [i for i in by_id if i.startswith("error.")]
    assert by_id[check_id]["status"] == status, by_id[check_id]
    assert result.code == (1 if data["summary"]["problem"] else 0)


def test_a_check_that_cannot_read_its_data_does_not_stop_the_others(tree: Tree) -> None:
    # /proc/mounts as a directory: reading it fails; the file-system check reports "not
    # readable" and every other check still runs
    (tree.path / "proc/mounts").mkdir(parents=True)
    (tree.path / "proc/interrupts").mkdir(parents=True)
    results = run_checks(tree.root, uid=1000, groups=[1000], rtprio=(0, 0), memlock=(0, 0))
    assert len(results) == len(ALL_CHECKS)
    by_id = {r.id: r for r in results}
    assert by_id["storage.filesystems"].status is Status.NOT_APPLICABLE
    assert by_id["irq.sharing"].status is Status.NOT_APPLICABLE

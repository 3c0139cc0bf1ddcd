"""`stagebox usb status|unbind|rebind` on the checked-in fake machines (--root)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import stagebox.cli.usb as cli_usb
from stagebox.core.journal import Journal
from stagebox.core.paths import UserPaths

from tests.usb.runner import EHCI, DirectRunner, needs_root

ROOTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "roots"
EHCI_NOCARD = str(ROOTS / "us144mkii-ehci-nocard")
XHCI_ONLY = str(ROOTS / "us144mkii-xhci-only")
NATIVE = str(ROOTS / "us144mkii-native-6.18")


def test_status_on_ehci_shows_device_controller_and_the_exact_command(run_cli):
    result = run_cli("--root", EHCI_NOCARD, "usb", "status")
    assert result.code == 0, result.err
    out = result.out
    assert "Device:      Tascam US-144MKII (0644:8020) on USB port 1-1, USB 2.0 high speed" in out
    assert "Controller:  0000:00:1a.7 (EHCI)" in out
    assert "USB 1.1:     0000:00:1a.0 takes the ports over" in out
    assert "Needed:      yes" in out
    assert "Nothing else is plugged into this controller's ports." in out
    assert "pkexec /usr/libexec/stagebox/stagebox-ehci-helper unbind-ehci 0000:00:1a.7" in out


def test_status_on_xhci_only_says_it_cannot_work_and_what_does(run_cli):
    result = run_cli("usb", "status", "--root", XHCI_ONLY)
    assert result.code == 0
    assert "Controller:  0000:00:14.0 (XHCI)" in result.out
    assert "Cannot be done here:" in result.out
    assert "no USB 2.0 (EHCI) controller at all, so unbinding cannot work" in result.out
    assert "Linux 6.18 or newer" in result.out
    assert "USB 2.0 hub does NOT help" in result.out
    assert "PCIe or ExpressCard" in result.out
    assert "pkexec" not in result.out


def test_status_on_618_says_not_needed(run_cli):
    result = run_cli("--root", NATIVE, "usb", "status")
    assert result.code == 0
    assert "Needed:      no" in result.out
    assert "snd_usb_us144mkii drives it at USB 2.0 speed" in result.out


def test_status_json(run_cli):
    result = run_cli("--root", EHCI_NOCARD, "usb", "status", "--json")
    data = json.loads(result.out)
    assert data["needed"] is True and data["can_unbind"] is True
    assert data["controller"] == EHCI and data["companions"] == ["0000:00:1a.0"]
    assert data["command"].endswith("unbind-ehci 0000:00:1a.7")


def test_unbind_without_a_terminal_or_yes_is_refused(run_cli):
    result = run_cli("--root", EHCI_NOCARD, "usb", "unbind")
    assert result.code == 2
    assert "no terminal to ask for confirmation" in result.err
    assert "--yes" in result.err
    assert "unbind-ehci 0000:00:1a.7" in result.out  # shown before refusing
    assert Journal(UserPaths.from_env()).active("usb") == []


def test_unbind_on_a_fake_root_never_runs_anything(run_cli):
    result = run_cli("--root", EHCI_NOCARD, "usb", "unbind", "--yes")
    assert result.code == 1
    assert "is not this machine, so nothing was switched" in result.err
    assert Journal(UserPaths.from_env()).active("usb") == []


def test_unbind_on_xhci_only_is_refused_with_the_reason(run_cli):
    result = run_cli("--root", XHCI_ONLY, "usb", "unbind", "--yes")
    assert result.code == 1
    assert "Cannot be done here" in result.out


def test_unbind_when_not_needed(run_cli):
    result = run_cli("--root", NATIVE, "usb", "unbind", "--yes")
    assert result.code == 0
    assert "Nothing to switch." in result.out


def test_bad_wait_is_bad_input(run_cli):
    assert run_cli("--root", EHCI_NOCARD, "usb", "unbind", "--wait", "-1").code == 2


@pytest.mark.parametrize("verb", ["rebind", "undo"])
def test_rebind_with_nothing_to_undo(run_cli, verb):
    result = run_cli("usb", verb, "--yes")
    assert result.code == 0
    assert "nothing to undo" in result.out


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> DirectRunner:
    """A copy of the EHCI machine whose sysfs the real helper (run directly) writes into."""
    root = tmp_path / "machine"
    shutil.copytree(EHCI_NOCARD, root, symlinks=True)
    runner = DirectRunner(root)
    monkeypatch.setattr(cli_usb, "make_runner", lambda ctx: runner)
    return runner


@needs_root
def test_unbind_then_rebind_through_the_real_helper(run_cli, machine):
    root = str(machine.root)
    result = run_cli("--root", root, "usb", "unbind", "--yes", "--wait", "0.2")
    assert result.code == 0, result.err
    assert (machine.root / "sys/bus/pci/drivers/ehci-pci/unbind").read_text() == EHCI
    assert "Done: switched off the USB 2.0 controller 0000:00:1a.7" in result.out
    assert "Now unplug the Tascam US-144MKII" in result.out
    assert "No sound card for it after 0.2 s" in result.out  # nobody replugged the fake one

    status = run_cli("--root", root, "usb", "status")
    assert "Stagebox switched off the USB 2.0 controller 0000:00:1a.7" in status.out

    journal_hint = run_cli("journal", "--undo", status.out.split("journal entry ")[1][:12])
    assert "stagebox usb undo" in journal_hint.err  # and that command exists:

    machine.kernel_unbinds()
    result = run_cli("--root", root, "usb", "undo", "--yes")
    assert result.code == 0, result.err
    assert "switches the USB 2.0 controller 0000:00:1a.7 back on" in result.out
    assert "Done: switched the USB 2.0 controller 0000:00:1a.7 back on" in result.out
    assert (machine.root / "sys/bus/pci/drivers/ehci-pci/bind").read_text() == EHCI
    assert Journal(UserPaths.from_env()).active("usb") == []

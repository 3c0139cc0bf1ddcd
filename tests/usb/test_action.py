"""unbind/rebind: the flow runs the REAL helper (directly as root, on a copy of the fake
machine us144mkii-ehci-nocard) and records the change in the journal; rebind undoes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from stagebox.core.errors import StageboxError
from stagebox.core.facts import MachineFacts, PciDeviceFacts, UsbDeviceFacts
from stagebox.core.journal import Journal
from stagebox.core.model import AlsaState, DetectionResult
from stagebox.core.paths import UserPaths
from stagebox.core.usb import HELPER_PATH, CommandResult, last_unbind, plan_usb, rebind, unbind

from tests.usb.runner import EHCI, DirectRunner, needs_root

ROOTS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "roots"


def ehci_plan():
    facts = MachineFacts(
        source="live",
        kernel="6.1.0-13-amd64",
        usb_devices=[UsbDeviceFacts("0644:8020", controller=EHCI, port_path="1-1", speed="high")],
        pci_devices=[
            PciDeviceFacts("0000:00:1a.0", class_code="0c0300", driver="uhci_hcd"),
            PciDeviceFacts(EHCI, class_code="0c0320", driver="ehci-pci"),
        ],
    )
    return plan_usb(DetectionResult(AlsaState.LOADED, facts.kernel), facts)


@pytest.fixture
def machine(tmp_path: Path) -> Path:
    """A private copy of the fake machine's tree (the helper writes into it)."""
    root = tmp_path / "machine"
    shutil.copytree(ROOTS / "us144mkii-ehci-nocard", root, symlinks=True)
    return root


@pytest.fixture
def journal() -> Journal:
    return Journal(UserPaths.from_env())


@needs_root
def test_unbind_runs_the_helper_and_records_the_undo(machine, journal):
    runner = DirectRunner(machine)
    entry = unbind(ehci_plan(), journal, runner=runner)
    assert runner.calls == [["pkexec", HELPER_PATH, "unbind-ehci", EHCI]]
    assert (machine / "sys/bus/pci/drivers/ehci-pci/unbind").read_text() == EHCI
    assert entry.feature == "usb" and entry.kind == "action"
    assert entry.undo == {"verb": "rebind-ehci", "address": EHCI, "usb_id": "0644:8020"}
    assert "switched off the USB 2.0 controller 0000:00:1a.7" in entry.summary
    assert last_unbind(journal) == entry


@needs_root
def test_rebind_undoes_the_last_unbind(machine, journal):
    runner = DirectRunner(machine)
    first = unbind(ehci_plan(), journal, runner=runner)
    runner.kernel_unbinds()
    undone = rebind(journal, runner=runner)
    assert runner.calls[-1] == ["pkexec", HELPER_PATH, "rebind-ehci", EHCI]
    assert (machine / "sys/bus/pci/drivers/ehci-pci/bind").read_text() == EHCI
    assert undone.reverts == first.id
    assert last_unbind(journal) is None
    with pytest.raises(StageboxError, match="nothing to undo"):
        rebind(journal, runner=runner)


@needs_root
def test_rebind_after_a_restart_only_closes_the_entry(machine, journal):
    runner = DirectRunner(machine)
    unbind(ehci_plan(), journal, runner=runner)
    # no kernel_unbinds(): the controller is bound again, as after a reboot
    undone = rebind(journal, runner=runner)
    assert "already on again" in undone.summary
    assert (machine / "sys/bus/pci/drivers/ehci-pci/bind").read_text() == ""
    assert last_unbind(journal) is None


@needs_root
def test_helper_refusal_is_reported_and_nothing_recorded(machine, journal):
    runner = DirectRunner(machine)
    # The plan names a controller the machine does not have as EHCI (it is the UHCI).
    plan = ehci_plan()
    plan.controller = "0000:00:1a.0"
    with pytest.raises(StageboxError) as failed:
        unbind(plan, journal, runner=runner)
    assert "the helper refused (exit 5)" in failed.value.message
    assert "USB 1.1 (UHCI)" in failed.value.message
    assert journal.active("usb") == []


def test_impossible_plan_is_never_run(journal):
    plan = ehci_plan()
    plan.impossible_reason = "no EHCI here"
    calls = []
    with pytest.raises(StageboxError, match="no EHCI here"):
        unbind(plan, journal, runner=lambda argv: calls.append(argv))  # type: ignore[arg-type,func-returns-value]
    assert calls == []


@pytest.mark.parametrize(
    ("code", "words"), [(126, "cancelled in the password dialog"), (127, "not authorized")]
)
def test_pkexec_outcomes_are_explained(journal, code, words):
    with pytest.raises(StageboxError, match=words):
        unbind(ehci_plan(), journal, runner=lambda argv: CommandResult(code, "", ""))
    assert journal.active("usb") == []

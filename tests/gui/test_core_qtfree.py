"""The core never needs Qt, and the Qt-free pieces the GUI relies on behave."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
import stagebox.core
from stagebox.core import autostart
from stagebox.core.hotplug import (
    Action,
    Choice,
    EventBatch,
    HotplugChoices,
    SoundEvent,
    decide,
)
from stagebox.core.journal import Journal
from stagebox.core.model import Access, AlsaState, Card, DetectionResult, Kind
from stagebox.core.paths import UserPaths
from stagebox.core.tray_state import STOPPED_ELSEWHERE, TrayModel, TrayState

REPO = Path(__file__).resolve().parents[2]


def core_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(stagebox.core.__path__, "stagebox.core."))


def test_every_core_module_imports_with_pyside6_blocked() -> None:
    modules = core_modules()
    assert "stagebox.core.wizard_flow" in modules and "stagebox.core.autostart" in modules
    script = (
        "import sys, importlib\n"
        "sys.modules['PySide6'] = None\n"  # any `import PySide6...` now raises ImportError
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules if sys.modules[m])\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok")


def test_blocking_pyside6_really_blocks_it() -> None:
    script = "import sys; sys.modules['PySide6'] = None\nimport stagebox.gui.texts\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode != 0 and "PySide6" in done.stderr


# -- autostart -----------------------------------------------------------------------------
def test_autostart_enable_disable_through_the_journal() -> None:
    paths = UserPaths.from_env()
    journal = Journal(paths)
    assert not autostart.is_enabled(paths)
    entry = autostart.enable(paths, journal, command="/usr/bin/stagebox")
    assert entry is not None and entry.feature == "autostart"
    path = paths.autostart_dir / "stagebox-tray.desktop"
    assert path.read_text().count("Exec=/usr/bin/stagebox tray") == 1
    assert autostart.is_enabled(paths)
    assert autostart.enable(paths, journal, command="/usr/bin/stagebox") is None  # no-op
    removed = autostart.disable(paths, journal)
    assert removed is not None and not path.exists() and not autostart.is_enabled(paths)
    journal.undo_file(removed)  # the journal brings the entry back
    assert autostart.is_enabled(paths)


def test_autostart_leaves_a_hand_made_entry_alone() -> None:
    paths = UserPaths.from_env()
    path = autostart.entry_path(paths)
    path.parent.mkdir(parents=True)
    path.write_text("[Desktop Entry]\nType=Application\nName=mine\nExec=stagebox tray\n")
    assert autostart.disable(paths, Journal(paths)) is None
    assert path.exists()


def test_autostart_entry_matches_the_packaged_template() -> None:
    template = (REPO / "packaging" / "stagebox-tray.desktop").read_text()
    assert autostart.entry_text("stagebox") == template


# -- hotplug decisions ---------------------------------------------------------------------
def card(index: int, jack_device: str, kind: Kind = Kind.INTERFACE) -> Card:
    return Card(
        index,
        f"C{index}",
        "drv",
        "n",
        "ln",
        "mod",
        None,
        "M",
        kind,
        Access.HW,
        True,
        True,
        jack_device,
    )


def result(*cards: Card) -> DetectionResult:
    return DetectionResult(alsa=AlsaState.LOADED, kernel="6.1", cards=list(cards))


def test_batch_keeps_only_card_events_and_coalesces() -> None:
    batch = EventBatch()
    udev_burst = [("add", "card1"), ("add", "pcmC1D0p"), ("add", "controlC1"), ("change", "card1")]
    relevant = [batch.add(SoundEvent(a, n)) for a, n in udev_burst]
    assert relevant == [True, False, False, True]
    assert batch.added == {"card1"} and not batch.removed
    batch.add(SoundEvent("remove", "card1"))
    assert batch.removed == {"card1"} and not batch.added
    assert not batch.add(SoundEvent("bind", "card1"))


def plugged() -> EventBatch:
    batch = EventBatch()
    batch.add(SoundEvent("add", "card1"))
    return batch


@pytest.mark.parametrize(
    ("choice", "action"),
    [(Choice.ASK, Action.OFFER_START), (Choice.START, Action.START), (Choice.NEVER, Action.NONE)],
)
def test_plugged_device_with_a_profile_follows_the_users_choice(
    choice: Choice, action: Action
) -> None:
    decision = decide(
        plugged(),
        result(card(1, "hw:US122L")),
        running_device=None,
        matched_profile="US-122L",
        matched_device="hw:US122L",
        choice=choice,
    )
    assert decision.action is action


def test_unplugged_while_running_stops() -> None:
    batch = EventBatch()
    batch.add(SoundEvent("remove", "card1"))
    decision = decide(
        batch,
        result(card(0, "hw:Intel", Kind.ONBOARD)),
        running_device="us-122l",
        matched_profile=None,
        matched_device=None,
        choice=Choice.ASK,
    )
    assert decision.action is Action.STOP_UNPLUGGED and decision.device == "us-122l"


def test_unrelated_plug_while_running_does_nothing() -> None:
    decision = decide(
        plugged(),
        result(card(1, "us-122l"), card(2, "hw:Webcam", Kind.WEBCAM_OR_HEADSET)),
        running_device="us-122l",
        matched_profile="US-122L",
        matched_device="us-122l",
        choice=Choice.START,
    )
    assert decision.action is Action.NONE


def test_no_profile_means_no_action() -> None:
    decision = decide(
        plugged(),
        result(card(1, "hw:X")),
        running_device=None,
        matched_profile=None,
        matched_device=None,
        choice=Choice.START,
    )
    assert decision.action is Action.NONE


def test_choices_are_remembered_per_profile() -> None:
    paths = UserPaths.from_env()
    HotplugChoices(paths).set("US-122L", Choice.START)
    fresh = HotplugChoices(paths)
    assert fresh.get("US-122L") is Choice.START
    assert fresh.get("Scarlett") is Choice.ASK
    (paths.config_dir / "hotplug.json").write_text("not json")
    assert HotplugChoices(paths).get("US-122L") is Choice.ASK


# -- tray state machine --------------------------------------------------------------------
def test_tray_model_runs_through_its_states() -> None:
    m = TrayModel()
    m.start_requested("hw:US122L")
    assert m.state is TrayState.STARTING
    m.started(rate=48000, period=256, periods=2, latency_ms=10.7)
    assert m.state is TrayState.RUNNING and m.running
    m.xrun()
    m.xrun()
    assert m.state is TrayState.XRUNS and m.xruns == 2
    m.server_gone("JACK server has been closed")
    assert m.state is TrayState.FAILED and m.message == "JACK server has been closed"
    m.start_requested("hw:US122L")
    assert m.xruns == 0 and m.message is None
    m.started(rate=48000, period=256, periods=2, latency_ms=10.7)
    m.stop_requested()
    m.server_gone("JACK server has been closed")  # our own stop: not a failure
    assert m.state is TrayState.STOPPED


def test_tray_model_follows_a_server_started_elsewhere() -> None:
    m = TrayModel()
    m.found_running(device="hw:USB", rate=48000, period=128, periods=2, latency_ms=5.3)
    assert m.state is TrayState.RUNNING and m.can_stop  # `stagebox jack start`: Stagebox's
    m.server_gone(None)  # stopped on request (`stagebox jack stop`): no failure
    assert m.state is TrayState.STOPPED and m.message == STOPPED_ELSEWHERE
    m.found_running(
        device=None, rate=48000, period=128, periods=2, latency_ms=5.3, started_elsewhere="jackdbus"
    )
    assert m.running and not m.can_stop  # QjackCtl's server: the tray never stops it
    m.server_gone("JACK server has been closed")
    assert m.state is TrayState.FAILED
    m.start_requested("hw:USB")
    assert m.started_elsewhere == ""


def test_start_failure_is_kept_with_its_reason() -> None:
    m = TrayModel()
    m.start_requested(None)
    m.start_failed("jackd is not installed")
    assert m.state is TrayState.FAILED and m.message == "jackd is not installed"
    m.xrun()  # an xrun from nowhere does not change a failed state
    assert m.state is TrayState.FAILED and m.xruns == 0


def test_active_profile_is_remembered() -> None:
    from stagebox.core.tray_state import ActiveProfile

    paths = UserPaths.from_env()
    assert ActiveProfile(paths).get() is None
    ActiveProfile(paths).set("Tascam US-122L")
    assert ActiveProfile(paths).get() == "Tascam US-122L"
    (paths.config_dir / "tray.json").write_text("[1, 2]")
    assert ActiveProfile(paths).get() is None


def test_fix_steps_order_and_manual_steps() -> None:
    """USB first (no card without it), ALSA next, then what the user must run: firmware
    tools, a busy device, realtime rights (from core.checks)."""
    from stagebox.core.checks.base import CheckResult, Status
    from stagebox.core.model import Finding, Severity
    from stagebox.core.sysroot import SystemRoot
    from stagebox.core.wizard_flow import StepKind, fix_steps
    from stagebox.gui.wizard.window import scan_machine

    from tests.gui.conftest import ROOTS

    scan = scan_machine(SystemRoot.at(ROOTS / "hdsp-multiface-nofw"))
    rtprio = CheckResult(
        id="limits.rtprio",
        title="Realtime priority is not allowed",
        status=Status.PROBLEM,
        reading="RLIMIT_RTPRIO is 0",
        why="JACK needs realtime priority",
        fix="sudo usermod -aG audio $USER",
    )
    ok_check = CheckResult(
        id="limits.memlock",
        title="Memory lock",
        status=Status.OK,
        reading="unlimited",
        why="",
        fix=None,
    )
    steps = fix_steps(
        scan.result, UserPaths.from_env(), facts=scan.facts, checks=[rtprio, ok_check]
    )
    assert [s.kind for s in steps] == [StepKind.MANUAL, StepKind.MANUAL]
    firmware, realtime = steps
    assert "hdsploader" in firmware.change and firmware.apply is None
    assert realtime.change == "sudo usermod -aG audio $USER" and "RLIMIT_RTPRIO" in realtime.why
    busy = Finding("device_busy", Severity.WARNING, 1, "held by pulseaudio", "Stop pulseaudio")
    scan.result.findings.append(busy)
    steps = fix_steps(scan.result, UserPaths.from_env(), facts=scan.facts, checks=[])
    assert steps[-1].change == "Stop pulseaudio"

    nocard = scan_machine(SystemRoot.at(ROOTS / "us144mkii-ehci-nocard"))
    (usb,) = fix_steps(nocard.result, UserPaths.from_env(), facts=nocard.facts, checks=[])
    assert usb.kind is StepKind.USB_UNBIND and usb.apply is not None
    assert usb.change.endswith("unbind-ehci 0000:00:1a.7")
    xhci = scan_machine(SystemRoot.at(ROOTS / "us144mkii-xhci-only"))
    (blocked,) = fix_steps(xhci.result, UserPaths.from_env(), facts=xhci.facts, checks=[])
    assert blocked.apply is None and blocked.blocked and "xHCI" in blocked.blocked

"""The tray: fallback window offscreen (no system tray there), real jackd start/stop/kill,
profile switching, and the hotplug path from a file descriptor to a decision."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit, QPushButton, QSystemTrayIcon
from stagebox.core.hotplug import Action, Choice, EventBatch, HotplugChoices, SoundEvent
from stagebox.core.jack.control import JackController
from stagebox.core.jack.profiles import DeviceBinding, Profile, ProfileStore
from stagebox.core.jack.settings import JackSettings
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot
from stagebox.core.tray_state import TrayState
from stagebox.gui.hotplug import HotplugWatcher
from stagebox.gui.tray import TrayApp

from tests.gui.conftest import ROOTS


def dummy_profile(name: str, server: str, device: str = "us-122l", card=None) -> Profile:  # type: ignore[no-untyped-def]
    """A profile for this sound-less machine: JACK's dummy driver under a unique name."""
    settings = JackSettings(
        driver="dummy",
        server_name=server,
        realtime=False,
        rate=48000,
        period=256,
        device=device,
    )
    binding = DeviceBinding.from_card(card) if card is not None else None
    profile = Profile(name=name, settings=settings, device=binding)
    ProfileStore(UserPaths.from_env()).save(profile)
    return profile


@pytest.fixture
def tray(qtbot):  # type: ignore[no-untyped-def]
    made: list[TrayApp] = []

    def make(root: str = "us122l-ich5", **kwargs) -> TrayApp:  # type: ignore[no-untyped-def]
        app = TrayApp(SystemRoot.at(ROOTS / root), UserPaths.from_env(), **kwargs)
        made.append(app)
        if app.window is not None:
            qtbot.addWidget(app.window)
        return app

    yield make
    for app in made:
        app._close_watch()


def test_offscreen_has_no_tray_so_a_window_with_the_same_controls_appears(tray) -> None:  # type: ignore[no-untyped-def]
    assert not QSystemTrayIcon.isSystemTrayAvailable()
    app = tray()
    assert app.tray is None and app.window is not None
    app.show()
    labels = [b.text().replace("&", "") for b in app.window.findChildren(QPushButton)]
    assert labels[:3] == ["Start JACK", "Stop JACK", "Restart JACK"]
    assert "no system tray" in app.window.findChildren(type(app.window.state_text))[0].text()
    assert not app.start_action.isEnabled()  # no profile yet
    assert "open the wizard" in app.profile_menu.title()


def test_start_stop_and_a_killed_server(tray, qtbot, jack_server_name) -> None:  # type: ignore[no-untyped-def]
    dummy_profile("Dummy", jack_server_name)
    app = tray()
    states: list[str] = []
    app.state_changed.connect(states.append)
    assert app.active == "Dummy" and app.start_action.isEnabled()
    app.start_action.trigger()
    assert app.model.state is TrayState.STARTING
    qtbot.waitUntil(lambda: app.model.state is not TrayState.STARTING, timeout=20_000)
    assert app.model.state is TrayState.RUNNING, app.model.message
    text = app.window.state_text.text()
    assert "48000 Hz" in text and "256 frames" in text and "10.7 ms" in text
    assert app.stop_action.isEnabled() and not app.start_action.isEnabled()

    app.stop_action.trigger()
    qtbot.waitUntil(lambda: app.model.state is TrayState.STOPPED, timeout=10_000)
    assert JackController(UserPaths.from_env()).record(jack_server_name) is None

    app.start_action.trigger()
    qtbot.waitUntil(lambda: app.model.state is TrayState.RUNNING, timeout=20_000)
    record = JackController(UserPaths.from_env()).record(jack_server_name)
    os.kill(record.pid, signal.SIGKILL)  # the server dies under us
    qtbot.waitUntil(lambda: app.model.state is TrayState.FAILED, timeout=10_000)
    assert "closed" in (app.model.message or "")
    assert "stopped unexpectedly" in app.window.state_text.text()
    assert states[:3] == ["starting", "running", "stopped"]


def test_profile_switch_restarts_with_the_new_profile(tray, qtbot, jack_server_name) -> None:  # type: ignore[no-untyped-def]
    dummy_profile("A", jack_server_name)
    other = dummy_profile("B", jack_server_name)
    other.settings.period = 512
    ProfileStore(UserPaths.from_env()).save(other)
    app = tray()
    assert [a.text() for a in app.profile_group.actions()] == ["A", "B"]
    app.start()
    qtbot.waitUntil(lambda: app.model.state is TrayState.RUNNING, timeout=20_000)
    app.profile_group.actions()[1].trigger()
    assert app.active == "B"
    assert tray().active == "B"  # remembered for the next login
    qtbot.waitUntil(
        lambda: app.model.state is TrayState.RUNNING and app.model.period == 512, timeout=20_000
    )
    app.stop()
    qtbot.waitUntil(lambda: app.model.state is TrayState.STOPPED, timeout=10_000)


# -- hotplug -------------------------------------------------------------------------------------
class PipeEvents:
    """udev's role played by a real pipe: one "action sys_name" per line."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)

    def fileno(self) -> int:
        return self.read_fd

    def send(self, *lines: str) -> None:
        os.write(self.write_fd, "".join(f"{line}\n" for line in lines).encode())

    def read_events(self) -> list[SoundEvent]:
        data = b""
        while True:
            try:
                chunk = os.read(self.read_fd, 4096)
            except BlockingIOError:
                break
            if not chunk:
                break
            data += chunk
        return [SoundEvent(*line.split()) for line in data.decode().splitlines()]


def test_watcher_debounces_a_burst_into_one_batch(qtbot) -> None:  # type: ignore[no-untyped-def]
    events = PipeEvents()
    watcher = HotplugWatcher(events, quiet_ms=80)
    batches: list[EventBatch] = []
    watcher.settled.connect(batches.append)
    assert not watcher.quiet.isActive()  # idle: no timer until udev speaks
    events.send("add card1", "add controlC1", "add pcmC1D0p")
    qtbot.waitUntil(lambda: watcher.quiet.isActive(), timeout=2_000)
    events.send("change card1", "add pcmC1D0c")
    with qtbot.waitSignal(watcher.settled, timeout=2_000):
        pass
    assert len(batches) == 1 and batches[0].added == {"card1"}
    assert not watcher.quiet.isActive()
    events.send("add pcmC2D0p")  # parts of a card only: nothing to decide
    qtbot.wait(200)
    assert len(batches) == 1 and not watcher.quiet.isActive()


def test_plugged_interface_with_profile_starts_or_offers(tray, qtbot, jack_server_name) -> None:  # type: ignore[no-untyped-def]
    from stagebox.core.detect import detect_live

    plugged_in = detect_live(SystemRoot.at(ROOTS / "us122l-ich5"))
    us122l = next(c for c in plugged_in.cards if c.jack_device == "us-122l")
    dummy_profile("US-122L", jack_server_name, device="us-122l", card=us122l)
    app = tray()
    batch = EventBatch()
    batch.add(SoundEvent("add", "card1"))

    decision = app.act_on(batch, plugged_in)  # default: ask
    assert decision.action is Action.OFFER_START
    box = app.offer_box
    box.checkBox().setChecked(True)
    box.button(QMessageBox.StandardButton.Yes).click()
    assert HotplugChoices(UserPaths.from_env()).get("US-122L") is Choice.START
    qtbot.waitUntil(lambda: app.model.state is TrayState.RUNNING, timeout=20_000)

    unplugged = detect_live(SystemRoot.at(ROOTS / "onboard-only"))
    gone = EventBatch()
    gone.add(SoundEvent("remove", "card1"))
    assert app.act_on(gone, unplugged).action is Action.STOP_UNPLUGGED
    qtbot.waitUntil(lambda: app.model.state is TrayState.STOPPED, timeout=10_000)
    assert "unplugged" in app.window.state_text.text()

    decision = app.act_on(batch, plugged_in)  # remembered: start without asking
    assert decision.action is Action.START
    qtbot.waitUntil(lambda: app.model.state is TrayState.RUNNING, timeout=20_000)
    app.stop()
    qtbot.waitUntil(lambda: app.model.state is TrayState.STOPPED, timeout=10_000)


def jack_answers(server: str) -> bool:
    done = subprocess.run(["jack_lsp", "-s", server], capture_output=True, text=True)
    return done.returncode == 0 and "system:playback_1" in done.stdout


def test_sigterm_stops_the_supervised_jackd(qtbot, jack_server_name) -> None:  # type: ignore[no-untyped-def]
    """Logout sends SIGTERM: the tray quits and takes its jackd with it."""
    dummy_profile("Dummy", jack_server_name)
    tray = subprocess.Popen(
        [sys.executable, "-m", "stagebox", "tray", "--start", "--no-hotplug"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        qtbot.waitUntil(lambda: jack_answers(jack_server_name), timeout=20_000)
        tray.send_signal(signal.SIGTERM)
        assert tray.wait(15) == 0
    finally:
        if tray.poll() is None:
            tray.kill()
    assert not jack_answers(jack_server_name)
    assert JackController(UserPaths.from_env()).record(jack_server_name) is None
    assert "no system tray" in tray.stderr.read()


def test_show_log_shows_the_jackd_log(tray, qtbot, jack_server_name) -> None:  # type: ignore[no-untyped-def]
    dummy_profile("Dummy", jack_server_name)
    app = tray()
    assert app.jack_log_text() == ""  # never started: no log yet
    app.start()
    qtbot.waitUntil(lambda: app.model.state is TrayState.RUNNING, timeout=20_000)
    app.log_action.trigger()
    text = app.log_dialog.findChild(QPlainTextEdit).toPlainText()
    assert f"-n{jack_server_name}" in text and "jackdmp" in text
    app.stop()
    qtbot.waitUntil(lambda: app.model.state is TrayState.STOPPED, timeout=10_000)


def test_a_server_started_and_stopped_from_the_command_line_is_followed(
    tray, qtbot, jack_server_name
) -> None:  # type: ignore[no-untyped-def]
    """`stagebox jack start` while the tray runs: the tray hears of it (inotify on the
    records, no polling), shows it running and can stop it; `stagebox jack stop` from the
    command line is a stop, not a failure."""
    dummy_profile("Dummy", jack_server_name)
    app = tray()
    qtbot.waitUntil(lambda: not app._looking, timeout=10_000)
    assert app.model.state is TrayState.STOPPED
    jack = [sys.executable, "-m", "stagebox", "jack"]
    options = ["--driver", "dummy", "--rate", "48000", "--period", "256", "--no-realtime"]
    # its own process, so the tray sees the record appear before jackd answers
    cli = subprocess.Popen([*jack, "start", *options, "--server-name", jack_server_name])
    qtbot.waitUntil(lambda: app.model.state is TrayState.RUNNING, timeout=20_000)
    assert cli.wait(20) == 0
    assert "256 frames" in app.window.state_text.text()
    assert app.stop_action.isEnabled() and not app.start_action.isEnabled()

    app.quit()  # the tray only followed it: quitting leaves the musician's JACK running
    assert JackController(UserPaths.from_env()).status(jack_server_name).running
    app = tray()
    qtbot.waitUntil(lambda: app.model.state is TrayState.RUNNING, timeout=20_000)

    assert subprocess.run([*jack, "stop", "--server-name", jack_server_name]).returncode == 0
    qtbot.waitUntil(lambda: app.model.state is not TrayState.RUNNING, timeout=10_000)
    assert app.model.state is TrayState.STOPPED, app.model.message
    assert "stopped outside the tray" in app.window.state_text.text()
    assert app.start_action.isEnabled()


def test_a_server_running_before_the_tray_is_shown_and_someone_elses_is_never_stopped(
    tray, qtbot, jack_server_name, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """A jackd started by another program (QjackCtl, a script) before the tray: shown as
    running, with Stop and Restart disabled, since Stagebox never stops what it did not start."""
    from stagebox.core.jack.client import wait_until_ready

    dummy_profile("Dummy", jack_server_name)
    with open(tmp_path / "jackd.log", "w") as log:
        jackd = subprocess.Popen(
            ["jackd", "-n", jack_server_name, "-r", "-d", "dummy", "-r", "44100", "-p", "128"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert wait_until_ready(jack_server_name, jackd, timeout=10) is not None
        app = tray()
        qtbot.waitUntil(lambda: app.model.state is TrayState.RUNNING, timeout=20_000)
        text = app.window.state_text.text()
        assert "44100 Hz" in text and "Started outside Stagebox (jackd)" in text
        assert not app.stop_action.isEnabled() and not app.restart_action.isEnabled()
        jackd.terminate()
        qtbot.waitUntil(lambda: app.model.state is TrayState.STOPPED, timeout=10_000)
    finally:
        if jackd.poll() is None:
            jackd.kill()
        jackd.wait(5)

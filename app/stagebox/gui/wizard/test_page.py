"""Page 4: start JACK with the chosen settings, show it running (rate, period, latency,
xruns), play a short test tone, stop. Finish saves the profile and offers the tray at login."""

from __future__ import annotations

import logging
import re
from typing import Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QPushButton

from stagebox.core import autostart
from stagebox.core.jack.settings import latency_ms
from stagebox.core.tray_state import ActiveProfile, TrayModel, TrayState
from stagebox.gui import texts
from stagebox.gui.jack_signals import JackSignals
from stagebox.gui.tasks import run_task
from stagebox.gui.texts import t
from stagebox.gui.wizard.base import Page, wrapped
from stagebox.gui.wizard.fix_page import reason_of

log = logging.getLogger(__name__)
TONE_SECONDS = 2.0


def profile_name_for(model: str | None, fallback: str) -> str:
    """A profile name from the model ("US-122L"), with characters profiles refuse removed."""
    name = re.sub(r"[^\w .+@()-]", "", model or "").strip()
    return (name or fallback)[:64]


class TestPage(Page):
    def __init__(self) -> None:
        super().__init__(t(texts.TEST_TITLE), t(texts.TEST_SUBTITLE))
        self.model = TrayModel()
        self.signals = JackSignals()
        self.signals.xrun.connect(self._xrun)
        self.signals.server_gone.connect(self._server_gone)
        self.watch: Any = None
        self.controller: Any = None
        self.command = wrapped(selectable=True)
        self.body.addWidget(self.command)
        row = QHBoxLayout()
        self.start_button = QPushButton(t(texts.TEST_START))
        self.stop_button = QPushButton(t(texts.TEST_STOP))
        self.tone_button = QPushButton(t(texts.TEST_TONE))
        for button in (self.start_button, self.stop_button, self.tone_button):
            row.addWidget(button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.state_label = wrapped(bold=True)
        self.tone_label = wrapped()
        self.body.addWidget(self.state_label)
        self.body.addWidget(self.tone_label)
        self.autostart = QCheckBox(t(texts.TEST_AUTOSTART))
        self.autostart_note = wrapped()
        self.finish_hint = wrapped()
        for widget in (self.autostart, self.autostart_note, self.finish_hint):
            self.body.addWidget(widget)
        self.start_button.clicked.connect(self.start_jack)
        self.stop_button.clicked.connect(self.stop_jack)
        self.tone_button.clicked.connect(self.play_tone)

    # -- page life -----------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 (Qt name)
        paths = self.setup.paths
        self.autostart.setChecked(autostart.is_enabled(paths))
        mine = autostart.entry_path(paths).exists() and autostart.MANAGED_KEY not in _read(
            autostart.entry_path(paths)
        )
        self.autostart_note.setText(t(texts.TEST_AUTOSTART_MINE) if mine else "")
        self.autostart_note.setVisible(mine)
        self.finish_hint.setText(t(texts.TEST_FINISH_HINT, name=self.profile_name()))
        self.finish_hint.setVisible(self.setup.device is not None)
        if self.setup.device is None:
            self.command.setText(self.no_device_text())
        else:
            self.command.setText(t(texts.TEST_COMMAND, line=self.setup.settings.to_line()))
        self._show()

    def isComplete(self) -> bool:  # noqa: N802 (Qt name): Finish saves a profile for a device
        return self.wizard() is not None and self.setup.device is not None

    def cleanupPage(self) -> None:  # noqa: N802 (Qt name): going Back stops the test server
        self.stop_jack_now()

    def profile_name(self) -> str:
        card = self.setup.device
        return profile_name_for(card.model if card else None, card.id if card else "default")

    # -- JACK ----------------------------------------------------------------------------
    def _controller(self) -> Any:
        if self.controller is None:
            from stagebox.core.jack.control import JackController

            self.controller = JackController(self.setup.paths)
        return self.controller

    def start_jack(self) -> None:
        settings = self.setup.settings
        controller = self._controller()
        watch = self.signals.watch(settings.server_name or None)
        self.model.start_requested(self.setup.device.jack_device if self.setup.device else None)
        self._show()

        def start() -> Any:
            status = controller.start(settings)
            watch.start()
            return status

        run_task(start, lambda status: self._started(status, watch), self._start_failed)

    def _started(self, status: Any, watch: Any) -> None:
        self.watch = watch
        settings = self.setup.settings
        self.model.started(
            rate=getattr(status, "rate", None) or watch.samplerate,
            period=getattr(status, "period", None) or watch.blocksize,
            periods=settings.periods,
            latency_ms=getattr(status, "latency_ms", None) or latency_ms(settings),
        )
        self._show()

    def _start_failed(self, exc: BaseException) -> None:
        self.model.start_failed(reason_of(exc))
        self._show()

    def _xrun(self) -> None:
        self.model.xrun()
        self._show()

    def _server_gone(self, reason: str) -> None:
        self.model.server_gone(reason)
        if self.watch is not None:
            self.watch.stop()
            self.watch = None
        self._show()

    def stop_jack(self) -> None:
        if not self.model.running:
            return
        self.model.stop_requested()
        self._stop_watch()
        server = self.setup.settings.server_name or None
        controller = self._controller()
        self.stop_button.setEnabled(False)
        run_task(
            lambda: controller.stop(server),
            lambda _v: self._stopped(),
            lambda exc: self._stopped(reason_of(exc)),
        )

    def stop_jack_now(self) -> None:
        """Stop synchronously (Back, Finish, closing the window): nothing may outlive it."""
        self._stop_watch()
        if self.model.running or self.model.state is TrayState.STARTING:
            self.model.stop_requested()
            try:
                self._controller().stop(self.setup.settings.server_name or None)
            except Exception:
                log.warning("stopping the test JACK server failed", exc_info=True)
            self._stopped()

    def _stop_watch(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None

    def _stopped(self, message: str | None = None) -> None:
        self.model.stopped(message)
        self._show()

    def play_tone(self) -> None:
        from stagebox.core.test_tone import play_test_tone

        server = self.setup.settings.server_name or None
        self.tone_button.setEnabled(False)
        self.tone_label.setText(t(texts.WORKING))

        def done(ports: object) -> None:
            self.tone_button.setEnabled(self.model.running)
            names = ", ".join(ports) if isinstance(ports, list) else ""
            self.tone_label.setText(
                t(texts.TEST_TONE_PLAYED, ports=names) if names else t(texts.TEST_TONE_NO_PORTS)
            )

        def failed(exc: BaseException) -> None:
            self.tone_button.setEnabled(self.model.running)
            self.tone_label.setText(t(texts.FAILED, reason=reason_of(exc)))

        run_task(lambda: play_test_tone(server, TONE_SECONDS), done, failed)

    def _show(self) -> None:
        m = self.model
        if m.state is TrayState.STARTING:
            text = t(texts.TEST_STATE_STARTING)
        elif m.running:
            text = t(
                texts.TEST_STATE_RUNNING,
                rate=m.rate,
                period=m.period,
                latency=m.latency_ms or 0.0,
                xruns=m.xruns,
            )
        elif m.state is TrayState.FAILED:
            text = t(texts.TEST_STATE_FAILED, reason=m.message or "")
        else:
            text = t(texts.TEST_STATE_STOPPED)
        self.state_label.setText(text)
        has_device = self.wizard() is not None and self.setup.device is not None
        self.start_button.setEnabled(
            has_device and m.state in (TrayState.STOPPED, TrayState.FAILED)
        )
        self.stop_button.setEnabled(m.running)
        self.tone_button.setEnabled(m.running)

    # -- Finish --------------------------------------------------------------------------
    def finish(self) -> None:
        """Save the settings as a profile bound to the device; set up the tray at login."""
        from stagebox.core.jack.profiles import DeviceBinding, Profile, ProfileStore

        self.stop_jack_now()
        paths = self.setup.paths
        card = self.setup.device
        profile = Profile(
            name=self.profile_name(),
            settings=self.setup.settings,
            device=DeviceBinding.from_card(card) if card else None,
        )
        ProfileStore(paths).save(profile)
        ActiveProfile(paths).set(profile.name)  # the tray starts what was just tested
        if self.autostart.isChecked():
            autostart.enable(paths, self.setup.journal)
        else:
            autostart.disable(paths, self.setup.journal)


def _read(path: Any) -> str:
    try:
        return str(path.read_text(encoding="utf-8"))
    except OSError:
        return ""

"""``stagebox tray``: a tray icon (or, without a system tray, a small window) that starts,
stops and restarts JACK with a saved profile, follows the interface when it is plugged in or
out, and shows JACK's state. Idle means idle: no timer runs unless udev just sent events."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSystemTrayIcon,
    QVBoxLayout,
)

from stagebox.core import hotplug
from stagebox.core.hotplug import Action, Choice, EventBatch, HotplugChoices
from stagebox.core.jack.settings import latency_ms
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot
from stagebox.core.tray_state import ActiveProfile, TrayModel, TrayState
from stagebox.gui import texts
from stagebox.gui.icons import icon
from stagebox.gui.jack_signals import JackSignals
from stagebox.gui.tasks import run_task
from stagebox.gui.texts import t
from stagebox.gui.tray_view import STATE_ICON, FallbackWindow, describe
from stagebox.gui.wizard.fix_page import reason_of

log = logging.getLogger(__name__)

#: how soon a server that another `stagebox jack start` is still starting is looked at again
STARTING_RELOOK_MS = 200


class TrayApp(QObject):
    state_changed = Signal(str)

    def __init__(
        self,
        root: SystemRoot,
        paths: UserPaths,
        *,
        controller: Any = None,
        use_tray: bool | None = None,
        events: hotplug.UdevSoundEvents | Any = None,
    ) -> None:
        super().__init__()
        from PySide6.QtCore import QThreadPool

        from stagebox.core.jack.profiles import ProfileStore

        # Idle worker threads wait without a timeout: no wake-up every 30 s to expire.
        QThreadPool.globalInstance().setExpiryTimeout(-1)
        self.root, self.paths = root, paths
        self.model = TrayModel()
        self.profiles = ProfileStore(paths)
        self.choices = HotplugChoices(paths)
        self.remembered = ActiveProfile(paths)
        self.active: str | None = self.remembered.get()
        self.running_settings: Any = None
        self.server_record: Any = None  # the record of the followed server, for why it ended
        self.adopted = False  # the followed server was started elsewhere: Quit leaves it running
        self._looking = False  # a look for a server started elsewhere is in flight
        self._look_again = False  # the records changed during that look: look once more
        self.starting: tuple[Any, Any] | None = None  # (settings, watch) of a start in flight
        self._controller = controller
        self.watch: Any = None
        self.signals = JackSignals()
        self.signals.xrun.connect(self._xrun)
        self.signals.server_gone.connect(self._server_gone)
        self.wizard: Any = None
        self._shown_state: str | None = None
        self._build_menu()
        if use_tray is None:
            use_tray = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        self.window: FallbackWindow | None = None
        if use_tray:
            self.tray = QSystemTrayIcon(icon("tray-stopped"), self)
            self.tray.setContextMenu(self.menu)
            self.tray.activated.connect(self._tray_clicked)
        else:
            self.window = FallbackWindow(self)
        self.watcher: Any = None
        if events is not None:
            from stagebox.gui.hotplug import HotplugWatcher

            self.watcher = HotplugWatcher(events)
            self.watcher.settled.connect(self.hotplug_settled)
        self.reload_profiles()
        self.refresh()
        self._follow_records()
        self.look_for_server()

    # -- building ------------------------------------------------------------------------
    def _build_menu(self) -> None:
        self.menu = QMenu()
        self.state_action = self.menu.addAction("")
        self.state_action.setEnabled(False)
        self.menu.addSeparator()
        self.start_action = self.menu.addAction(t(texts.TRAY_START), self.start)
        self.stop_action = self.menu.addAction(t(texts.TRAY_STOP), self.stop)
        self.restart_action = self.menu.addAction(t(texts.TRAY_RESTART), self.restart)
        self.menu.addSeparator()
        self.profile_menu = self.menu.addMenu("")
        self.profile_group = QActionGroup(self)
        self.profile_group.setExclusive(True)
        self.menu.addSeparator()
        self.wizard_action = self.menu.addAction(t(texts.TRAY_WIZARD), self.open_wizard)
        self.log_action = self.menu.addAction(t(texts.TRAY_LOG), self.show_log)
        self.menu.addSeparator()
        self.quit_action = self.menu.addAction(t(texts.TRAY_QUIT), self.quit)

    def show(self) -> None:
        if self.tray is not None:
            self.tray.show()
        elif self.window is not None:
            self.window.show()

    @property
    def controller(self) -> Any:
        if self._controller is None:
            from stagebox.core.jack.control import JackController

            self._controller = JackController(self.paths)
        return self._controller

    # -- profiles ------------------------------------------------------------------------
    def reload_profiles(self) -> None:
        names = [p.name for p in self.profiles.list()]
        if self.active not in names:
            self.active = names[0] if names else None
        for action in self.profile_group.actions():
            self.profile_group.removeAction(action)
        self.profile_menu.clear()
        for name in names:
            action = QAction(name, self.profile_menu, checkable=True)
            action.setChecked(name == self.active)
            action.triggered.connect(lambda _=False, n=name: self.choose_profile(n))
            self.profile_group.addAction(action)
            self.profile_menu.addAction(action)
        if self.window is not None:
            self.window.profiles.clear()
            for name in names:
                self.window.profiles.addItem(name, name)
            if self.active:
                self.window.profiles.setCurrentIndex(names.index(self.active))
        self.refresh()

    def choose_profile(self, name: str) -> None:
        self.active = name
        self.remembered.set(name)
        self.reload_profiles()
        if self.model.running:
            self.restart()

    # -- JACK ----------------------------------------------------------------------------
    def start(self) -> None:
        if self.active is None or self.model.state is TrayState.STARTING or self.model.running:
            return
        settings = self.profiles.get(self.active).settings
        device = settings.device or settings.playback_device or settings.capture_device
        self.model.start_requested(device or None)
        self.refresh()
        controller = self.controller
        watch = self.signals.watch(settings.server_name or None)
        self.starting = (settings, watch)  # known to quit() while the start is in flight

        def start() -> Any:
            status = controller.start(settings)
            watch.start()
            return status, controller.record(settings.server_name or None)

        run_task(start, lambda result: self._started(*result, settings, watch), self._start_failed)

    def _started(self, status: Any, record: Any, settings: Any, watch: Any) -> None:
        self.starting = None
        self.watch = watch
        self.running_settings = settings
        self.server_record = record
        self.adopted = False
        self.model.started(
            rate=getattr(status, "rate", None) or watch.samplerate,
            period=getattr(status, "period", None) or watch.blocksize,
            periods=settings.periods or 2,
            latency_ms=getattr(status, "latency_ms", None) or latency_ms(settings),
        )
        self.refresh()

    def _start_failed(self, exc: BaseException) -> None:
        self.starting = None
        self.model.start_failed(reason_of(exc))
        self.refresh()
        self.notify(describe(self.model), warning=True)

    def stop(self, message: str | None = None, then: Any = None) -> None:
        if not self.model.running:
            return
        self.model.stop_requested()
        self._close_watch()
        server = self.running_settings.server_name or None if self.running_settings else None
        controller = self.controller

        def stopped(_value: object = None, error: BaseException | None = None) -> None:
            self.model.stopped(message if error is None else reason_of(error))
            self.running_settings = None
            self.refresh()
            if then is not None:
                then()

        run_task(lambda: controller.stop(server), stopped, lambda exc: stopped(error=exc))

    def restart(self) -> None:
        if self.model.running:
            self.stop(then=self.start)
        else:
            self.start()

    def _close_watch(self) -> None:
        if self.watch is not None:
            self.watch.stop()
            self.watch = None

    def _xrun(self) -> None:
        self.model.xrun()
        self.refresh()

    def _server_gone(self, reason: str) -> None:
        self._close_watch()
        record, controller = self.server_record, self.controller
        if self.model.expects_end or record is None:
            self._gone(None)  # our own stop, or its owner (QjackCtl, PipeWire...) stopped it
            return
        run_task(
            lambda: controller.why_it_ended(record, reason),
            self._gone,
            lambda _exc: self._gone(reason),
        )

    def _gone(self, failure: str | None) -> None:
        """The followed server has ended: stopped on request (None) or failed."""
        expected = self.model.state is TrayState.STOPPED
        self.model.server_gone(failure)
        self.running_settings = self.server_record = None
        self.refresh()
        if not expected and self.model.state is TrayState.FAILED:
            self.notify(describe(self.model), warning=True)

    # -- a server started elsewhere --------------------------------------------------------
    def _follow_records(self) -> None:
        """Hear of servers `stagebox jack start` or the wizard start or stop while the tray
        runs: inotify on the records' folder, so nothing wakes up while nothing changes."""
        from PySide6.QtCore import QFileSystemWatcher

        folder = self.controller.record_path(None).parent
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            log.warning("cannot watch %s for JACK servers started elsewhere", folder)
            return
        self.records_watcher = QFileSystemWatcher([str(folder)], self)
        self.records_watcher.directoryChanged.connect(lambda _path: self.look_for_server())

    def look_for_server(self) -> None:
        """Follow the active profile's server when something else started it. The look is
        short (no waiting, no JACK client while the tray might stop a server): a start
        elsewhere still in progress is looked at again shortly, while it lasts."""
        if self._looking:
            # a record written (temp file, then rename) while the look reads: not missed
            self._look_again = True
            return
        if self.active is None or self.starting is not None:
            return
        if self.model.running or self.model.state is TrayState.STARTING:
            return
        name = self.profiles.get(self.active).settings.server_name or None
        controller = self.controller

        def look() -> Any:
            return controller.started_elsewhere(name)

        def done(found: Any = None) -> None:
            self._looking = False
            if self._look_again:
                self._look_again = False
                self.look_for_server()
            elif found == "starting":
                QTimer.singleShot(STARTING_RELOOK_MS, self.look_for_server)
            elif found is not None:
                self._follow(name, *found)

        def failed(exc: BaseException) -> None:
            log.warning("looking for a running JACK server failed: %s", exc)
            done(None)

        self._looking = True
        run_task(look, done, failed)

    def _follow(self, name: str | None, status: Any, record: Any) -> None:
        """Open the watch on the server found running, unless the tray started one since."""
        if self.model.running or self.starting is not None or self._looking:
            return
        watch = self.signals.watch(name)
        self._looking = True  # no second look or watch while this one connects

        def attached(_value: object = None) -> None:
            self._looking = False
            self._found(status, record, watch)

        def failed(exc: BaseException) -> None:
            self._looking = False
            log.warning("following the running JACK server failed: %s", exc)

        run_task(watch.start, attached, failed)

    def _found(self, status: Any, record: Any, watch: Any) -> None:
        if self.model.running or self.starting is not None:
            watch.stop()  # the tray started one meanwhile
            return
        settings = status.settings
        self.watch, self.server_record, self.running_settings = watch, record, settings
        self.adopted = True
        self.model.found_running(
            device=_device(settings) if settings is not None else None,
            rate=status.rate,
            period=status.period,
            periods=status.periods or (settings.periods if settings else None),
            latency_ms=status.latency_ms,
            started_elsewhere="" if status.started_by_stagebox else status.server_kind or "?",
        )
        self.refresh()

    # -- hotplug -------------------------------------------------------------------------
    def hotplug_settled(self, batch: EventBatch) -> None:
        from stagebox.core.detect import detect_live

        root = self.root
        run_task(lambda: detect_live(root), lambda result: self.act_on(batch, result))

    def act_on(self, batch: EventBatch, result: Any) -> hotplug.Decision:
        matched = self.profiles.match(result)
        matched_settings = matched.settings if matched else None
        running = self.running_settings
        decision = hotplug.decide(
            batch,
            result,
            running_device=_device(running) if running is not None and self.model.running else None,
            matched_profile=matched.name if matched else None,
            matched_device=_device(matched_settings) if matched_settings else None,
            choice=self.choices.get(matched.name) if matched else Choice.ASK,
        )
        if decision.action is Action.STOP_UNPLUGGED:
            self.stop(message=t(texts.TRAY_UNPLUGGED, device=decision.device))
            self.notify(t(texts.TRAY_UNPLUGGED, device=decision.device))
        elif decision.action is Action.START and decision.profile:
            self.choose_profile(decision.profile)
            self.notify(
                t(texts.TRAY_AUTO_STARTED, device=decision.device, profile=decision.profile)
            )
            self.start()
        elif decision.action is Action.OFFER_START and decision.profile:
            self.offer_start(decision.profile, decision.device or "")
        return decision

    def offer_start(self, profile: str, device: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            t(texts.TRAY_OFFER_TITLE),
            t(texts.TRAY_OFFER, profile=profile, device=device),
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        always = QCheckBox(t(texts.TRAY_OFFER_ALWAYS))
        box.setCheckBox(always)
        self.offer_box = box

        def answered(button: int) -> None:
            yes = box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes
            if always.isChecked():
                self.choices.set(profile, Choice.START if yes else Choice.NEVER)
            if yes:
                self.choose_profile(profile)
                self.start()

        box.finished.connect(answered)
        box.open()

    # -- the rest of the menu ------------------------------------------------------------
    def open_wizard(self) -> None:
        from stagebox.gui.wizard.window import SetupWizard

        self.wizard = SetupWizard(self.root, self.paths)
        self.wizard.finished.connect(lambda _r: self.reload_profiles())
        self.wizard.show()
        self.wizard.start_when_shown()

    def jack_log_text(self) -> str:
        """The log of the server of the running (else the active) profile."""
        settings = self.running_settings
        if settings is None and self.active is not None:
            settings = self.profiles.get(self.active).settings
        path = self.controller.log_path(settings.server_name if settings else None)
        try:
            return str(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return ""

    def show_log(self) -> None:
        dialog = QDialog()
        dialog.setWindowTitle(t(texts.TRAY_LOG_TITLE))
        view = QPlainTextEdit(self.jack_log_text() or t(texts.TRAY_LOG_EMPTY))
        view.setReadOnly(True)
        QVBoxLayout(dialog).addWidget(view)
        dialog.resize(700, 400)
        self.log_dialog = dialog
        dialog.show()

    def quit(self) -> None:
        """Leave nothing behind: a start in flight finishes first, then its jackd stops. A
        server the tray only followed (`stagebox jack start`, the wizard) keeps running."""
        from PySide6.QtCore import QThreadPool
        from PySide6.QtWidgets import QApplication

        QThreadPool.globalInstance().waitForDone(30_000)
        settings = None if self.adopted else self.running_settings
        if self.starting is not None:
            settings, pending_watch = self.starting
            pending_watch.stop()
        self._close_watch()
        if settings is not None:
            try:
                self.controller.stop(settings.server_name or None)
            except Exception:
                log.warning("stopping JACK on quit failed", exc_info=True)
        if self.tray is not None:
            self.tray.hide()
        QApplication.quit()

    def _tray_clicked(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:  # left click: the same menu
            from PySide6.QtGui import QCursor

            self.menu.popup(QCursor.pos())

    def notify(self, message: str, warning: bool = False) -> None:
        self.last_notice = message
        if self.tray is not None:
            kind = (
                QSystemTrayIcon.MessageIcon.Warning
                if warning
                else QSystemTrayIcon.MessageIcon.Information
            )
            self.tray.showMessage(t(texts.APP_NAME), message, kind)
        self.refresh()

    # -- drawing -------------------------------------------------------------------------
    def refresh(self) -> None:
        state = self.model.state
        text = describe(self.model)
        has_profile = self.active is not None
        self.state_action.setText(text.splitlines()[0])
        self.start_action.setEnabled(has_profile and state in (TrayState.STOPPED, TrayState.FAILED))
        self.stop_action.setEnabled(self.model.can_stop)
        self.restart_action.setEnabled(has_profile and self.model.can_stop)
        self.profile_menu.setTitle(
            t(texts.TRAY_PRESET, name=self.active) if has_profile else t(texts.TRAY_NO_PRESET)
        )
        self.profile_menu.setEnabled(has_profile)
        if self.tray is not None:
            self.tray.setIcon(icon(STATE_ICON[state]))
            self.tray.setToolTip(text)
        if self.window is not None:
            self.window.state_icon.setPixmap(icon(STATE_ICON[state]).pixmap(32, 32))
            notice = getattr(self, "last_notice", "")
            self.window.state_text.setText(
                text + (f"\n{notice}" if notice and notice not in text else "")
            )
        if state.value != self._shown_state:
            self._shown_state = state.value
            self.state_changed.emit(state.value)


def _device(settings: Any) -> str | None:
    return settings.device or settings.playback_device or settings.capture_device or None

"""Page 2: each change the machine needs — what, why, the exact change — made only on the
user's click (on a worker thread: pkexec may wait for a password) and undoable here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from stagebox.core import wizard_flow
from stagebox.core.errors import StageboxError
from stagebox.core.wizard_flow import FixStep
from stagebox.gui import texts
from stagebox.gui.tasks import run_task
from stagebox.gui.texts import t
from stagebox.gui.wizard.base import Page, clear_layout, code_view, wrapped

if TYPE_CHECKING:
    from stagebox.core.journal import Journal

REPLUG_TIMEOUT_S = 60


def reason_of(exc: BaseException) -> str:
    if isinstance(exc, StageboxError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class StepBox(QGroupBox):
    """One fix step with its Apply / Undo buttons."""

    def __init__(self, step: FixStep, page: FixPage) -> None:
        super().__init__()  # no title: a group box title never wraps, "what" can be long
        self.step, self.page = step, page
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped(step.what, bold=True))
        if step.why:
            layout.addWidget(wrapped(t(texts.FIX_WHY, why=step.why)))
        if step.change:
            layout.addWidget(wrapped(t(texts.FIX_CHANGE if step.apply else texts.FIX_BY_HAND)))
            layout.addWidget(code_view(step.change))
        row = QHBoxLayout()
        self.apply_button = QPushButton(t(texts.APPLY))
        self.undo_button = QPushButton(t(texts.UNDO))
        self.copy_button = QPushButton(t(texts.FIX_COPY))
        self.status = wrapped()
        for button in (self.apply_button, self.undo_button, self.copy_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.apply_button.clicked.connect(self._apply)
        self.undo_button.clicked.connect(self._undo)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(step.change))
        if step.blocked:
            self.status.setText(t(texts.FIX_BLOCKED, reason=step.blocked))
        elif step.apply is None:
            self.status.setText(t(texts.FIX_MANUAL))
        self._refresh()

    def _refresh(self, busy: bool = False) -> None:
        can_apply = self.step.apply is not None and not self.step.blocked
        self.apply_button.setVisible(can_apply and not self.step.applied)
        self.undo_button.setVisible(can_apply and self.step.applied)
        self.copy_button.setVisible(self.step.apply is None and bool(self.step.change))
        self.apply_button.setEnabled(not busy)
        self.undo_button.setEnabled(not busy)

    def _run(
        self, action: Callable[[Journal], object], applied_after: bool, done_text: str
    ) -> None:
        self.status.setText(t(texts.WORKING))
        self._refresh(busy=True)
        journal = self.page.setup.journal

        def done(_value: object) -> None:
            self.step.applied = applied_after
            self.status.setText(t(done_text))
            self._refresh()
            self.page.step_changed(self.step)

        def failed(exc: BaseException) -> None:
            self.status.setText(t(texts.FAILED, reason=reason_of(exc)))
            self._refresh()

        run_task(lambda: action(journal), done, failed)

    def _apply(self) -> None:
        if self.step.apply is not None:
            self._run(self.step.apply, True, texts.APPLIED)

    def _undo(self) -> None:
        if self.step.undo is not None:
            self._run(self.step.undo, False, texts.UNDONE)


class FixPage(Page):
    def __init__(self) -> None:
        super().__init__(t(texts.FIX_TITLE), t(texts.FIX_SUBTITLE))
        self.steps_layout = QVBoxLayout()
        self.body.addLayout(self.steps_layout)
        self.boxes: list[StepBox] = []
        self.replug = QWidget()
        replug_layout = QVBoxLayout(self.replug)
        replug_layout.setContentsMargins(0, 0, 0, 0)
        replug_layout.addWidget(wrapped(t(texts.FIX_REPLUG_HINT)))
        row = QHBoxLayout()
        self.replug_button = QPushButton(t(texts.FIX_REPLUG))
        self.replug_button.clicked.connect(self.wait_for_replug)
        row.addWidget(self.replug_button)
        row.addStretch(1)
        replug_layout.addLayout(row)
        self.replug_status = wrapped()
        replug_layout.addWidget(self.replug_status)
        self.body.addWidget(self.replug)
        self.need_device = wrapped(t(texts.FIX_NEED_DEVICE))
        self.body.addWidget(self.need_device)

    def initializePage(self) -> None:  # noqa: N802 (Qt name)
        self.show_steps(self.setup.fix_steps())

    def show_steps(self, steps: list[FixStep]) -> None:
        clear_layout(self.steps_layout)
        self.boxes = [StepBox(step, self) for step in steps]
        if not self.boxes and self.setup.device is not None:
            self.steps_layout.addWidget(wrapped(t(texts.FIX_NOTHING)))
        for box in self.boxes:
            self.steps_layout.addWidget(box)
        result = self.setup.result
        cardless = result is not None and wizard_flow.needs_replug(result)
        self.replug.setVisible(cardless)
        self.need_device.setText(self.no_device_text())
        self.need_device.setVisible(self.setup.device is None)
        self.completeChanged.emit()

    def step_changed(self, step: FixStep) -> None:
        self.completeChanged.emit()

    def wait_for_replug(self) -> None:
        result = self.setup.result
        if result is None or not result.usb_audio_without_card:
            return
        usb_id = result.usb_audio_without_card[0].usb_id
        self.replug_button.setEnabled(False)
        self.replug_status.setText(t(texts.FIX_REPLUG_WAITING, seconds=REPLUG_TIMEOUT_S))
        waiter = self.setup.wait_for_card

        def done(came_back: object) -> None:
            self.replug_button.setEnabled(True)
            if not came_back:
                self.replug_status.setText(t(texts.FIX_REPLUG_TIMEOUT))
                return
            self.replug_status.setText(t(texts.FIX_REPLUG_SEEN))
            self.setup.start_detection(then=self.initializePage)

        def failed(exc: BaseException) -> None:
            self.replug_button.setEnabled(True)
            self.replug_status.setText(t(texts.FAILED, reason=reason_of(exc)))

        run_task(lambda: waiter(usb_id, REPLUG_TIMEOUT_S), done, failed)

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        return self.wizard() is not None and self.setup.device is not None

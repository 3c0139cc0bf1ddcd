"""What the tray shows: the icon per state, the tooltip text, and the small window used
when the desktop has no system tray (the same controls as the tray menu)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from stagebox.core.tray_state import STOPPED_ELSEWHERE, TrayModel, TrayState
from stagebox.gui import texts
from stagebox.gui.icons import icon
from stagebox.gui.texts import t

if TYPE_CHECKING:
    from stagebox.gui.tray import TrayApp

STATE_ICON = {
    TrayState.STOPPED: "tray-stopped",
    TrayState.STARTING: "tray-starting",
    TrayState.RUNNING: "tray-running",
    TrayState.XRUNS: "tray-xruns",
    TrayState.FAILED: "tray-failed",
}


def describe(model: TrayModel) -> str:
    """The tooltip / status text for the model's state."""
    values = {
        "device": model.device or "?",
        "rate": model.rate or 0,
        "period": model.period or 0,
        "periods": model.periods or 0,
        "latency": model.latency_ms or 0.0,
        "xruns": model.xruns,
        "reason": model.message or "",
    }
    source = {
        TrayState.STOPPED: texts.TRAY_STATE_STOPPED,
        TrayState.STARTING: texts.TRAY_STATE_STARTING,
        TrayState.RUNNING: texts.TRAY_STATE_RUNNING,
        TrayState.XRUNS: texts.TRAY_STATE_XRUNS,
        TrayState.FAILED: texts.TRAY_STATE_FAILED,
    }[model.state]
    text = t(source, **values)
    if model.running and model.started_elsewhere:
        text += "\n" + t(texts.TRAY_STARTED_ELSEWHERE, kind=model.started_elsewhere)
    if model.message and model.state is TrayState.STOPPED:
        text += "\n" + (
            t(texts.TRAY_STOPPED_ELSEWHERE) if model.message == STOPPED_ELSEWHERE else model.message
        )
    return text


class FallbackWindow(QWidget):
    """The same controls as the tray menu, for desktops without a system tray."""

    def __init__(self, tray: TrayApp) -> None:
        super().__init__()
        self.setWindowTitle(t(texts.APP_NAME))
        self.setWindowIcon(icon("stagebox"))
        layout = QVBoxLayout(self)
        note = QLabel(t(texts.TRAY_NO_TRAY))
        note.setWordWrap(True)
        layout.addWidget(note)
        row = QHBoxLayout()
        self.state_icon = QLabel()
        self.state_text = QLabel()
        self.state_text.setWordWrap(True)
        row.addWidget(self.state_icon, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.state_text, 1)
        layout.addLayout(row)
        self.profiles = QComboBox()
        layout.addWidget(self.profiles)
        buttons = QHBoxLayout()
        for action in (tray.start_action, tray.stop_action, tray.restart_action):
            button = QPushButton(action.text())
            button.clicked.connect(action.trigger)
            action.enabledChanged.connect(button.setEnabled)
            button.setEnabled(action.isEnabled())
            buttons.addWidget(button)
        layout.addLayout(buttons)
        more = QHBoxLayout()
        for action in (tray.wizard_action, tray.log_action, tray.quit_action):
            button = QPushButton(action.text())
            button.clicked.connect(action.trigger)
            more.addWidget(button)
        layout.addLayout(more)
        self.profiles.activated.connect(
            lambda i: tray.choose_profile(str(self.profiles.itemData(i)))
        )

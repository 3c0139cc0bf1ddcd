"""What every wizard page shares: a scrolling body (so pages reflow at 800x600 and at 2x
scale) and small widget helpers.

The first window must paint fast, and PySide6 builds its huge ``Qt`` namespace (~50 ms) on
first access: modules on the first-paint path reach it as ``QtCore.Qt`` at call time, only
in code that runs after the first paint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6 import QtCore
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from stagebox.gui import texts
from stagebox.gui.texts import t

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit

    from stagebox.gui.wizard.window import SetupWizard


class Page(QWizardPage):
    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        self.body = QVBoxLayout()  # pages add their widgets here, packed at the top
        inner_layout.addLayout(self.body)
        inner_layout.addStretch(1)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    @property
    def setup(self) -> SetupWizard:
        return cast("SetupWizard", self.wizard())

    def no_device_text(self) -> str:
        """Why there is no device for JACK: one waiting for its fix, or none chosen."""
        result = self.setup.result
        waiting = result is not None and bool(result.usb_audio_without_card)
        return t(texts.FIX_NEED_DEVICE if waiting else texts.FIX_NO_DEVICE)


def wrapped(text: str = "", *, bold: bool = False, selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    if selectable:  # so findings and errors can be copied into a forum post
        label.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def heading(text: str) -> QLabel:
    label = wrapped(text, bold=True)
    label.setContentsMargins(0, 8, 0, 0)
    return label


def code_view(text: str, max_lines: int = 14) -> QPlainTextEdit:
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QPlainTextEdit  # only the Fix page (after the first paint)

    view = QPlainTextEdit(text)
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    lines = min(max(text.count("\n") + 1, 2), max_lines)
    height = view.fontMetrics().lineSpacing() * lines + 2 * view.frameWidth() + 12
    view.setFixedHeight(height)
    view.setTabChangesFocus(True)  # keyboard users must be able to leave it with Tab
    return view


def clear_layout(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(cast(QVBoxLayout, item.layout()))

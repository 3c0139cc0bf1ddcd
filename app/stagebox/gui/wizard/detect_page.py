"""Page 1: what is plugged in. Interfaces first (one to choose), cards that are not
interfaces apart, findings in plain words. Detection runs after the window is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from stagebox.gui import texts
from stagebox.gui.icons import icon
from stagebox.gui.texts import t
from stagebox.gui.wizard.base import Page, clear_layout, heading, wrapped

if TYPE_CHECKING:  # these load with the first result, after the first paint
    from types import ModuleType

    from PySide6.QtWidgets import QListWidget, QListWidgetItem

    from stagebox.core.model import Card, DetectionResult

# Keyed by the model's StrEnum values (core.model.Kind / Severity compare equal to them).
KIND_TEXT = {
    "interface": texts.KIND_INTERFACE,
    "onboard": texts.KIND_ONBOARD,
    "hdmi": texts.KIND_HDMI,
    "midi_only": texts.KIND_MIDI_ONLY,
    "webcam_or_headset": texts.KIND_WEBCAM,
    "other": texts.KIND_OTHER,
}
SEVERITY_MARK = {"info": "ℹ", "warning": "⚠", "error": "✖"}


def _flow() -> ModuleType:
    """core.wizard_flow (and the model under it), loaded once there is a result to show."""
    from stagebox.core import wizard_flow

    return wizard_flow


def kind_text(card: Card) -> str:
    """The card's kind in words; a kind the scan cannot be sure of says so."""
    kinds = [t(KIND_TEXT[k]) for k in [card.kind, *card.kind_alternatives]]
    if len(kinds) == 1:
        return kinds[0]
    return t(texts.KIND_UNCERTAIN, kinds=t(texts.KIND_OR).join(kinds))


def card_line(card: Card) -> str:
    model = _flow().display_name(card) or t(texts.UNKNOWN_MODEL)
    if card.jack_device:
        return t(
            texts.CARD_LINE, model=model, index=card.index, id=card.id, device=card.jack_device
        )
    return t(texts.CARD_LINE_NO_DEVICE, model=model, index=card.index, id=card.id)


class DetectPage(Page):
    def __init__(self) -> None:
        super().__init__(t(texts.DETECT_TITLE), t(texts.DETECT_SUBTITLE))
        self.error: str | None = None  # why the last scan failed
        self._list: QListWidget | None = None
        self.busy_label = wrapped(t(texts.DETECT_BUSY))
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.body.addWidget(self.busy_label)
        self.body.addWidget(self.busy_bar)

        self.interfaces_heading = heading(t(texts.DETECT_INTERFACES))
        self.interfaces = QVBoxLayout()  # the list is made with the first result (startup)
        self.why = wrapped("")  # why the pre-selected interface is JACK's choice
        self.no_interface = wrapped(t(texts.DETECT_NO_INTERFACE))
        self.use_onboard = QCheckBox(t(texts.DETECT_USE_ONBOARD))
        self.use_onboard.toggled.connect(self._onboard_toggled)
        self.body.addWidget(self.interfaces_heading)
        self.body.addLayout(self.interfaces)
        self.body.addWidget(self.why)
        self.body.addWidget(self.no_interface)
        self.dynamic = QVBoxLayout()  # rebuilt on every scan: cardless, others, findings
        self.body.addLayout(self.dynamic)
        self.body.addWidget(self.use_onboard)
        row = QHBoxLayout()
        self.rescan = QPushButton(t(texts.DETECT_RESCAN))
        self.rescan.clicked.connect(lambda: self.setup.start_detection())
        row.addWidget(self.rescan)
        row.addStretch(1)
        self.body.addLayout(row)
        self.show_busy(True)

    # -- called by the wizard ----------------------------------------------------------
    def show_busy(self, busy: bool) -> None:
        self.busy_label.setVisible(busy)
        self.busy_bar.setVisible(busy)
        self.rescan.setEnabled(not busy)
        self.interfaces_heading.setVisible(not busy)
        if self._list is not None:
            self._list.setVisible(not busy)
        self.no_interface.setVisible(False)
        self.why.setVisible(False)
        self.use_onboard.setVisible(False)
        if busy:
            clear_layout(self.dynamic)
        self.completeChanged.emit()

    def show_error(self, reason: str) -> None:
        self.error = reason
        self.show_busy(False)
        self.dynamic.addWidget(wrapped(t(texts.DETECT_FAILED, reason=reason)))

    def show_result(self, result: DetectionResult) -> None:
        self.show_busy(False)
        view = _flow().overview(result)
        self._fill_interfaces(view.interfaces)
        self.no_interface.setVisible(not view.interfaces and not view.cardless)
        self.use_onboard.setVisible(view.offer_fallback)
        if view.offer_fallback and not view.fallbacks[0].kind_certain:
            fallback = view.fallbacks[0]
            self.use_onboard.setText(
                t(texts.DETECT_USE_UNCERTAIN, index=fallback.index, id=fallback.id)
            )
        else:
            self.use_onboard.setText(t(texts.DETECT_USE_ONBOARD))
        if result.recommended is not None:
            self.why.setText(t(texts.DETECT_WHY, reason=result.recommended.reason))
        self.why.setVisible(result.recommended is not None)
        if view.cardless:
            self.dynamic.addWidget(heading(t(texts.DETECT_CARDLESS)))
            for device in view.cardless:
                self.dynamic.addWidget(
                    wrapped(
                        t(
                            texts.CARDLESS_LINE,
                            model=device.model or t(texts.UNKNOWN_MODEL),
                            usb_id=device.usb_id,
                            reason=device.reason,
                        )
                    )
                )
        if view.others:
            self.dynamic.addWidget(heading(t(texts.DETECT_OTHERS)))
            for card in view.others:
                name = _flow().display_name(card)
                line = t(texts.OTHER_LINE, name=name, kind=kind_text(card))
                self.dynamic.addWidget(wrapped(f"• {line}"))
        self.dynamic.addWidget(heading(t(texts.DETECT_FINDINGS)))
        if not view.findings:
            self.dynamic.addWidget(wrapped(t(texts.DETECT_NOTHING_NOTICED)))
        for finding in view.findings:
            text = f"{SEVERITY_MARK[finding.severity]} {finding.message}"
            if finding.fix:
                text += "\n    " + t(texts.FIX_HINT, fix=finding.fix)
            self.dynamic.addWidget(wrapped(text, selectable=True))
        self.completeChanged.emit()

    @property
    def interface_list(self) -> QListWidget:
        if self._list is None:
            from PySide6.QtWidgets import QAbstractItemView, QListWidget

            self._list = QListWidget()
            self._list.setIconSize(QSize(32, 32))
            self._list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            self._list.currentItemChanged.connect(self._choice_changed)
            self.interfaces.addWidget(self._list)
        return self._list

    def _fill_interfaces(self, cards: list[Card]) -> None:
        from PySide6.QtWidgets import QListWidgetItem

        self.interface_list.blockSignals(True)
        self.interface_list.clear()
        chosen = self.setup.device
        for card in cards:
            item = QListWidgetItem(icon("device-interface"), card_line(card))
            item.setData(QtCore.Qt.ItemDataRole.UserRole, card.index)
            if not _flow().usable_for_jack(card):
                item.setFlags(item.flags() & ~QtCore.Qt.ItemFlag.ItemIsSelectable)
            self.interface_list.addItem(item)
            if chosen is not None and card.index == chosen.index:
                self.interface_list.setCurrentItem(item)
        self.interface_list.blockSignals(False)
        # exactly as tall as its rows (no empty strip under a single interface)
        rows = max(len(cards), 1)
        row = max(self.interface_list.sizeHintForRow(0), 36)
        self.interface_list.setFixedHeight(rows * row + 2 * self.interface_list.frameWidth())
        self.interfaces_heading.setVisible(bool(cards))
        self.interface_list.setVisible(bool(cards))

    def _choice_changed(self, item: QListWidgetItem | None) -> None:
        result = self.setup.result
        if item is None or result is None:
            return
        self.setup.device = result.card(int(item.data(QtCore.Qt.ItemDataRole.UserRole)))
        self.completeChanged.emit()

    def _onboard_toggled(self, on: bool) -> None:
        result = self.setup.result
        fallbacks = _flow().overview(result).fallbacks if result else []
        self.setup.device = fallbacks[0] if on and fallbacks else None
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        result = self.setup.result if self.wizard() else None
        if result is None:
            return False
        return self.setup.device is not None or bool(result.usb_audio_without_card)

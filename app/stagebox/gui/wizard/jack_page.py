"""Page 3: JACK settings pre-filled for the chosen device; the latency follows every change;
advanced settings folded away; settings found from QjackCtl or ~/.jackdrc offered."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from stagebox.core.jack import defaults as jack_defaults
from stagebox.core.jack import sources
from stagebox.core.jack.settings import JackSettings, latency_ms
from stagebox.core.knowledge import load_knowledge
from stagebox.gui import texts
from stagebox.gui.texts import t
from stagebox.gui.wizard.base import Page, clear_layout, heading, wrapped

STANDARD_RATES = (44100, 48000, 88200, 96000, 176400, 192000)
PERIOD_SIZES = tuple(2**n for n in range(4, 13))  # 16 .. 4096 frames
DRIVERS = ("alsa", "dummy")


class JackPage(Page):
    def __init__(self) -> None:
        super().__init__(t(texts.JACK_TITLE), t(texts.JACK_SUBTITLE))
        self.no_device = wrapped(t(texts.FIX_NEED_DEVICE), bold=True)
        self.body.addWidget(self.no_device)
        # Everything below is hidden while there is no device to set up.
        self.settings_box = QWidget()
        page_body, self.body = self.body, QVBoxLayout(self.settings_box)
        self.body.setContentsMargins(0, 0, 0, 0)
        page_body.addWidget(self.settings_box)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.device_label = wrapped()
        self.rate = QComboBox()
        self.period = QComboBox()
        self.periods = QSpinBox()
        self.periods.setRange(2, 8)
        form.addRow(t(texts.JACK_DEVICE), self.device_label)
        form.addRow(t(texts.JACK_RATE), self.rate)
        form.addRow(t(texts.JACK_PERIOD), self.period)
        form.addRow(t(texts.JACK_PERIODS), self.periods)
        _set_buddies(form, (self.rate, self.period, self.periods))
        self.body.addLayout(form)
        self.latency = wrapped(bold=True)
        self.latency_how = wrapped()
        self.problems = wrapped()
        self.problems.setStyleSheet("color: #a33;")
        for widget in (self.latency, self.latency_how, self.problems):
            self.body.addWidget(widget)

        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText(t(texts.JACK_ADVANCED))
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.toggled.connect(self._fold)
        self.body.addWidget(self.advanced_toggle)
        self.advanced = QWidget()
        adv = QFormLayout(self.advanced)
        adv.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.driver = QComboBox()
        self.driver.addItems(DRIVERS)
        self.realtime = QCheckBox(t(texts.JACK_REALTIME))
        self.priority = QSpinBox()
        self.priority.setRange(0, 95)
        self.priority.setSpecialValueText(t(texts.JACK_PRIORITY_DEFAULT))
        self.server_name = QLineEdit()
        adv.addRow(t(texts.JACK_DRIVER), self.driver)
        adv.addRow(self.realtime)
        adv.addRow(t(texts.JACK_PRIORITY), self.priority)
        adv.addRow(t(texts.JACK_SERVER_NAME), self.server_name)
        _set_buddies(adv, (self.driver, self.priority, self.server_name))
        self.command = wrapped()
        adv.addRow(self.command)
        self.advanced.setVisible(False)
        self.body.addWidget(self.advanced)

        self.imports = QVBoxLayout()
        self.body.addLayout(self.imports)
        self.imported = wrapped()
        self.body.addWidget(self.imported)

        self.rate.currentIndexChanged.connect(self._changed)
        self.period.currentIndexChanged.connect(self._changed)
        self.periods.valueChanged.connect(self._changed)
        self.driver.currentIndexChanged.connect(self._changed)
        self.realtime.toggled.connect(self._changed)
        self.priority.valueChanged.connect(self._changed)
        self.server_name.textChanged.connect(self._changed)
        self._loading = False

    # -- filling -------------------------------------------------------------------------
    def initializePage(self) -> None:  # noqa: N802 (Qt name)
        card = self.setup.device
        kb = load_knowledge()
        if self.setup.settings is None or self._device_of(self.setup.settings) != (
            card.jack_device if card else None
        ):
            self.setup.settings = (
                jack_defaults.defaults_for_card(card, kb) if card else JackSettings()
            )
        limits = jack_defaults.limits_for(card, kb)
        rates = jack_defaults.allowed_rates(limits, card) if limits else []
        self._fill_choices(rates or list(STANDARD_RATES), limits.periods if limits else None)
        self.show_settings(self.setup.settings)
        self.no_device.setText(self.no_device_text())
        self.no_device.setVisible(card is None)
        self.settings_box.setVisible(card is not None)
        self.completeChanged.emit()
        self._offer_imports()

    @staticmethod
    def _device_of(settings: JackSettings) -> str | None:
        return settings.device or settings.playback_device or settings.capture_device or None

    def _fill_choices(self, rates: list[int], exact_periods: int | None) -> None:
        self._loading = True
        self.rate.clear()
        for rate in rates:
            self.rate.addItem(f"{rate} Hz", rate)
        self.period.clear()
        for size in PERIOD_SIZES:
            self.period.addItem(str(size), size)
        self.periods.setEnabled(exact_periods is None)
        self._loading = False

    def show_settings(self, settings: JackSettings) -> None:
        self._loading = True
        self.device_label.setText(self._device_of(settings) or "—")
        _select(self.rate, settings.rate)
        _select(self.period, settings.period)
        self.periods.setValue(settings.periods or 2)
        _select(self.driver, settings.driver)
        self.realtime.setChecked(settings.realtime)
        self.priority.setValue(settings.priority)
        self.server_name.setText(settings.server_name)
        self._loading = False
        self._changed()

    def _offer_imports(self) -> None:
        clear_layout(self.imports)
        found: list[tuple[str, JackSettings]] = []
        try:
            presets = sources.read_qjackctl(self.setup.paths.qjackctl_conf)
            found += [
                (t(texts.JACK_IMPORT_QJACKCTL, name=n), s) for n, s in presets.presets.items()
            ]
            jackdrc = sources.read_jackdrc(self.setup.paths)
            if jackdrc is not None:
                found.append((t(texts.JACK_IMPORT_JACKDRC), jackdrc))
        except Exception as exc:  # a broken foreign file must not stop the wizard
            self.imports.addWidget(wrapped(t(texts.FAILED, reason=str(exc))))
        if not found:
            return
        self.imports.addWidget(heading(t(texts.JACK_IMPORT_FOUND)))
        for label, settings in found:
            row = QHBoxLayout()
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, s=settings: self.import_settings(s))
            row.addWidget(button)
            row.addStretch(1)
            self.imports.addLayout(row)

    def import_settings(self, found: JackSettings) -> None:
        """Take timing and server options from ``found``; keep the detected device."""
        current = self.setup.settings
        merged = found.with_changes(
            driver=current.driver,
            device=current.device,
            capture_device=current.capture_device,
            playback_device=current.playback_device,
        )
        if not self.periods.isEnabled():
            merged.periods = current.periods  # the driver needs an exact count
        self.show_settings(merged)
        self.imported.setText(t(texts.JACK_IMPORTED, line=found.to_line()))

    # -- reacting ------------------------------------------------------------------------
    def _fold(self, open_: bool) -> None:
        self.advanced.setVisible(open_)
        self.advanced_toggle.setArrowType(
            Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow
        )

    def _changed(self, *_args: object) -> None:
        if self._loading or self.setup.settings is None:
            return
        settings: JackSettings = self.setup.settings.with_changes(
            rate=int(self.rate.currentData() or 0),
            period=int(self.period.currentData() or 0),
            periods=self.periods.value(),
            driver=self.driver.currentText(),
            realtime=self.realtime.isChecked(),
            priority=self.priority.value(),
            server_name=self.server_name.text().strip(),
        )
        self.setup.settings = settings
        self.latency.setText(t(texts.JACK_LATENCY, ms=latency_ms(settings)))
        self.latency_how.setText(
            t(
                texts.JACK_LATENCY_HOW,
                periods=settings.periods,
                period=settings.period,
                rate=settings.rate,
            )
        )
        problems = jack_defaults.validate_settings(settings, self.setup.device, load_knowledge())
        self.problems.setText("\n".join(t(texts.JACK_PROBLEM, reason=str(p)) for p in problems))
        self.problems.setVisible(bool(problems))
        self.command.setText(t(texts.JACK_COMMAND, line=settings.to_line()))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt name)
        if self.wizard() is None:
            return False
        return self.setup.settings is not None and self.setup.device is not None


def _select(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index < 0:
        index = combo.findText(str(value))
    if index < 0 and isinstance(value, int) and value > 0:
        combo.addItem(str(value), value)  # an imported value outside the usual list
        index = combo.count() - 1
    if index >= 0:
        combo.setCurrentIndex(index)


def _set_buddies(form: QFormLayout, fields: tuple[QWidget, ...]) -> None:
    """Let each label's &-mnemonic (Alt+letter) jump to its field."""
    for field in fields:
        label = form.labelForField(field)
        if isinstance(label, QLabel):
            label.setBuddy(field)

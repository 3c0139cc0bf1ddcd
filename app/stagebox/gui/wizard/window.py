"""The wizard window: holds the session (what was detected, the chosen device, the JACK
settings) and runs the slow core calls on worker threads. Built and shown before anything
is detected, so the window appears as fast as Qt allows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtWidgets import QWizard

from stagebox.gui import texts
from stagebox.gui.icons import icon
from stagebox.gui.tasks import run_task
from stagebox.gui.texts import t
from stagebox.gui.wizard.detect_page import DetectPage

if TYPE_CHECKING:  # imported for real after the first paint
    from stagebox.core import wizard_flow
    from stagebox.core.facts import MachineFacts
    from stagebox.core.journal import Journal
    from stagebox.core.model import Card, DetectionResult
    from stagebox.core.paths import UserPaths
    from stagebox.core.sysroot import SystemRoot

log = logging.getLogger(__name__)


@dataclass
class Scan:
    """One look at the machine: raw facts, what they mean, and the system checks."""

    facts: MachineFacts | None
    result: DetectionResult
    checks: list[Any]


def scan_machine(root: SystemRoot) -> Scan:
    """Detection and checks for ``root`` (runs on a worker thread)."""
    from stagebox.core.checks import run_checks
    from stagebox.core.detect import detect_facts
    from stagebox.core.live import read_live_facts

    facts = read_live_facts(root)
    result = detect_facts(facts)
    try:
        checks = list(run_checks(root, result))
    except Exception:  # the checks only add advice; the wizard works without them
        log.warning("system checks failed", exc_info=True)
        checks = []
    return Scan(facts, result, checks)


class SetupWizard(QWizard):
    DETECT, FIX, JACK, TEST = range(4)

    def __init__(
        self,
        root: SystemRoot,
        paths: UserPaths | None = None,
        *,
        scanner: Callable[[SystemRoot], Scan] = scan_machine,
        wait_for_card: Callable[[str, float], bool] | None = None,
    ) -> None:
        super().__init__()
        self.root = root
        self._paths = paths  # None: from HOME/XDG, looked up after the first paint
        self.scanner = scanner
        self.wait_for_card = wait_for_card or self._wait_for_card_by_udev
        self.scan: Scan | None = None
        self.device: Card | None = None
        self.settings: Any = None  # JackSettings once the JACK page has been shown
        self.setWindowTitle(t(texts.WIZARD_TITLE))
        self.setWindowIcon(icon("stagebox"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        # Until the other pages exist (right after the first paint) the first page must
        # not pretend to be the last one. (Set before any page: then it costs no relayout.)
        self.setOption(QWizard.WizardOption.HaveNextButtonOnLastPage, True)
        self.detect_page = DetectPage()
        self.setPage(self.DETECT, self.detect_page)
        self.setMinimumSize(QSize(560, 420))
        self.resize(800, 600)
        self._paint_hook: QObject | None = None

    def build_remaining_pages(self) -> None:
        """Fix, JACK settings and Test pages: built after the first paint, once."""
        if self.page(self.TEST) is not None:
            return
        from stagebox.gui.wizard.fix_page import FixPage
        from stagebox.gui.wizard.jack_page import JackPage
        from stagebox.gui.wizard.test_page import TestPage

        self.fix_page = FixPage()
        self.jack_page = JackPage()
        self.test_page = TestPage()
        self.setPage(self.FIX, self.fix_page)
        self.setPage(self.JACK, self.jack_page)
        self.setPage(self.TEST, self.test_page)
        self.setOption(QWizard.WizardOption.HaveNextButtonOnLastPage, False)
        self.restart()  # QWizard re-decides Next vs Finish only when a page is entered

    def _wait_for_card_by_udev(self, usb_id: str, timeout: float) -> bool:
        """True once the device has a sound card again (udev on a live machine)."""
        from stagebox.core.usb import wait_for_card

        return bool(wait_for_card(usb_id, timeout, root=self.root))

    @property
    def paths(self) -> UserPaths:
        if self._paths is None:
            from stagebox.core.paths import UserPaths

            self._paths = UserPaths.from_env()
        return self._paths

    @property
    def journal(self) -> Journal:
        from stagebox.core.journal import Journal

        return Journal(self.paths)

    @property
    def result(self) -> DetectionResult | None:
        return self.scan.result if self.scan else None

    # -- detection (off the UI thread) ---------------------------------------------------
    def start_detection(self, then: Callable[[], None] | None = None) -> None:
        self.build_remaining_pages()
        self.detect_page.show_busy(True)
        run_task(
            lambda: self.scanner(self.root),
            lambda scan: self._scanned(scan, then),
            self._scan_failed,
        )

    def _scanned(self, scan: Scan, then: Callable[[], None] | None) -> None:
        self.build_remaining_pages()
        self.scan = scan
        previous = self.device
        self.device = None
        if previous is not None:  # keep the user's choice across rescans when still there
            self.device = next(
                (c for c in scan.result.cards if c.jack_device == previous.jack_device), None
            )
        if self.device is None:
            from stagebox.core.wizard_flow import default_device

            self.device = default_device(scan.result)
        self.detect_page.show_result(scan.result)
        if then is not None:
            then()

    def _scan_failed(self, exc: BaseException) -> None:
        from stagebox.gui.wizard.fix_page import reason_of

        self.detect_page.show_error(reason_of(exc))

    def start_when_shown(self) -> None:
        """Show first, then build the other pages and detect: the first paint waits for
        neither /proc and /sys nor the JACK and knowledge-base modules."""
        self._paint_hook = _AfterFirstPaint(self, self.start_detection)
        self.installEventFilter(self._paint_hook)

    # -- the Fix page's plan --------------------------------------------------------------
    def fix_steps(self) -> list[wizard_flow.FixStep]:
        from stagebox.core import wizard_flow

        if self.scan is None:
            return []
        try:
            return wizard_flow.fix_steps(
                self.scan.result, self.paths, facts=self.scan.facts, checks=self.scan.checks
            )
        except Exception as exc:  # shown on the page instead of crashing the wizard
            from stagebox.gui.wizard.fix_page import reason_of

            log.warning("could not plan the fixes", exc_info=True)
            return [
                wizard_flow.FixStep(
                    kind=wizard_flow.StepKind.MANUAL,
                    what=t(texts.FAILED, reason=reason_of(exc)),
                    why="",
                    change="",
                )
            ]

    # -- finishing -----------------------------------------------------------------------
    def accept(self) -> None:
        self.test_page.finish()
        super().accept()

    def reject(self) -> None:
        if self.page(self.TEST) is not None:
            self.test_page.stop_jack_now()  # never leave a test server behind
        super().reject()


class _AfterFirstPaint(QObject):
    """Runs ``then`` once, in the event loop turn after the window's first paint."""

    def __init__(self, window: QWizard, then: Callable[[], None]) -> None:
        super().__init__(window)
        self.window, self.then = window, then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.Paint:
            self.window.removeEventFilter(self)
            QTimer.singleShot(0, self.then)
        return False

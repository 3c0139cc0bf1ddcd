"""``stagebox wizard --screenshots DIR``: every wizard page and the tray menu as PNG files,
for the machine at hand (or ``--root``). Detection runs synchronously here: the pictures
show the finished pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from stagebox.core.errors import StageboxError
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot
from stagebox.gui.app import application

PAGE_FILES = ("1-detect.png", "2-fix.png", "3-jack-settings.png", "4-test.png")


def _settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def _wait(ms: int) -> None:
    """Let the event loop run for ``ms`` (the window system needs a moment)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _save(widget: QWidget, path: Path) -> Path:
    _settle()
    if not widget.grab().save(str(path)):
        raise StageboxError(f"could not write {path}", "check that the directory is writable")
    return path


def save_wizard_pages(root: SystemRoot, paths: UserPaths, out: Path) -> list[Path]:
    from stagebox.gui.wizard.window import SetupWizard

    wizard = SetupWizard(root, paths)
    wizard.show()
    wizard._scanned(wizard.scanner(root), None)
    saved = []
    wizard.restart()
    for index, name in enumerate(PAGE_FILES):
        if index:
            wizard.next()  # also past pages whose Next is disabled (e.g. no card yet)
        if index == wizard.JACK:
            wizard.jack_page.advanced_toggle.setChecked(True)  # show the folded part too
        saved.append(_save(wizard, out / name))
    wizard.close()
    return saved


def save_tray(root: SystemRoot, paths: UserPaths, out: Path) -> list[Path]:
    from stagebox.gui.tray import TrayApp

    tray = TrayApp(root, paths, use_tray=True)
    menu = tray.menu
    menu.adjustSize()
    saved = [_save(menu, out / "5-tray-menu.png")]
    fallback = TrayApp(root, paths, use_tray=False)
    assert fallback.window is not None
    fallback.window.show()
    saved.append(_save(fallback.window, out / "6-tray-window.png"))
    fallback.window.close()
    if tray.tray is not None:
        if QSystemTrayIcon.isSystemTrayAvailable():  # a real tray host (e.g. trayer on Xvfb)
            saved.append(_save_tray_on_desktop(tray, out / "7-tray-on-desktop.png"))
        tray.tray.hide()
    return saved


def _save_tray_on_desktop(tray: Any, path: Path) -> Path:
    """The icon in the panel with its menu open, as the screen shows it."""
    from PySide6.QtGui import QGuiApplication

    assert tray.tray is not None
    tray.tray.show()
    for _ in range(30):  # the tray host embeds the icon asynchronously
        if not tray.tray.geometry().isEmpty():
            break
        _wait(100)
    _wait(500)  # geometry is known a moment before the icon is drawn
    tray.menu.popup(tray.tray.geometry().bottomLeft())
    _wait(800)
    area = tray.tray.geometry().united(tray.menu.geometry()).adjusted(-40, 0, 0, 40)
    screen = QGuiApplication.primaryScreen()
    area = area.intersected(screen.geometry())
    shot = screen.grabWindow(0, area.x(), area.y(), area.width(), area.height())
    tray.menu.hide()
    if not shot.save(str(path)):
        raise StageboxError(f"could not write {path}", "check that the directory is writable")
    return path


def save_all(root: SystemRoot, paths: UserPaths, out: Path) -> list[Path]:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StageboxError(f"cannot create {out}: {exc.strerror}") from exc
    application()
    return save_wizard_pages(root, paths, out) + save_tray(root, paths, out)

"""The desktop launcher (``stagebox-gui``): bad input is one clear line, and the first
window is built without the modules that only later pages need."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.gui.conftest import ROOTS


def test_launcher_bad_root_is_one_clear_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [sys.executable, "-m", "stagebox.gui.launch", "--root", str(tmp_path / "missing")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 2
    assert done.stderr.startswith("stagebox: --root") and "Traceback" not in done.stderr


def test_first_window_does_not_load_later_pages() -> None:
    script = f"""
import sys
from stagebox.core.sysroot import SystemRoot
from stagebox.gui.app import application
from stagebox.gui.wizard.window import SetupWizard
app = application()
wizard = SetupWizard(SystemRoot.at({str(ROOTS / "us122l-ich5")!r}))
wizard.show()
early = sorted(m for m in sys.modules if m.startswith(("stagebox.core.jack.defaults",
    "stagebox.core.knowledge", "stagebox.core.journal", "stagebox.gui.wizard.jack_page",
    "stagebox.core.detect", "stagebox.core.wizard_flow", "jack", "pyudev")))
print("early", early)
wizard.start_detection()
print("later", "stagebox.gui.wizard.jack_page" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    assert "early []" in done.stdout and "later True" in done.stdout


def headless_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    return env


def test_no_display_is_one_clear_line_not_a_qt_abort() -> None:
    for argv in (
        ["-m", "stagebox", "wizard"],
        ["-m", "stagebox", "tray"],
        ["-m", "stagebox.gui.launch"],
    ):
        done = subprocess.run(
            [sys.executable, *argv], capture_output=True, text=True, env=headless_env(), timeout=60
        )
        assert done.returncode == 1, (argv, done.stderr)
        assert done.stderr.startswith("stagebox: there is no desktop display here")
        assert "Traceback" not in done.stderr and "Aborted" not in done.stderr


def test_screenshots_need_no_display(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stagebox",
            "wizard",
            "--screenshots",
            str(tmp_path),
            "--root",
            str(ROOTS / "onboard-only"),
        ],
        capture_output=True,
        text=True,
        env=headless_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # Qt's offscreen notes go to the debug log, not to the user
    assert len(list(tmp_path.glob("*.png"))) == 6


def test_every_text_goes_through_qt_translation(qapp) -> None:  # type: ignore[no-untyped-def]
    """A translator installed in the application changes what the wizard shows."""
    from PySide6.QtCore import QTranslator
    from stagebox.core.sysroot import SystemRoot
    from stagebox.gui.wizard.window import SetupWizard

    class Shouting(QTranslator):
        def translate(self, context, source, disambiguation=None, n=-1):  # type: ignore[no-untyped-def]
            return source.upper() if context == "Stagebox" else None

    shouting = Shouting()
    qapp.installTranslator(shouting)
    try:
        wizard = SetupWizard(SystemRoot.at(ROOTS / "onboard-only"))
        assert wizard.windowTitle() == "STAGEBOX — SET UP YOUR AUDIO INTERFACE"
        assert wizard.detect_page.title() == "YOUR AUDIO INTERFACE"
        assert wizard.detect_page.rescan.text() == "&SCAN AGAIN"
    finally:
        qapp.removeTranslator(shouting)


def test_stagebox_wizard_takes_the_launchers_fast_path(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`stagebox wizard` (and bare `stagebox` on a desktop) start Qt through the launcher,
    not through the whole command line; --screenshots and --help stay with the CLI."""
    import stagebox.gui.launch
    from stagebox.cli import main

    calls: list[list[str]] = []
    monkeypatch.setattr(stagebox.gui.launch, "main", lambda argv: calls.append(argv) or 7)
    monkeypatch.setenv("DISPLAY", ":99")
    root = str(ROOTS / "onboard-only")
    assert main(["--root", root, "wizard"]) == 7
    assert main(["-v", "wizard", "--root", root]) == 7
    assert main(["--root", root]) == 7  # no command on a desktop: the wizard
    assert calls == [["--root", root, "wizard"], ["-v", "wizard", "--root", root], ["--root", root]]
    monkeypatch.delenv("DISPLAY")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["--root", root, "detect"]) == 0 and len(calls) == 3

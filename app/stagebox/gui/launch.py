"""The desktop launcher's fast path to the wizard (``stagebox-gui``, the menu entry).

``stagebox wizard`` goes through the whole command line (every command's parser) before Qt
starts; a click in the application menu should not pay for that. This entry point reads only
``--root`` and ``-v``, shows the wizard's first page, and loads the rest after the first paint.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from stagebox.core.errors import StageboxError


def require_qt(*, headless_ok: bool = False) -> None:
    """PySide6 and a display, or one clear line (Qt itself would abort with a core dump)."""
    try:
        import PySide6.QtWidgets  # noqa: F401
    except ImportError as exc:
        raise StageboxError(
            "the wizard and the tray need PySide6, which is not installed",
            "pip install 'stagebox[gui]' (or PySide6-Essentials); the command line works without it",
        ) from exc
    has_display = any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY"))
    if has_display or os.environ.get("QT_QPA_PLATFORM"):
        return
    if headless_ok:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # pictures need no screen
        return
    raise StageboxError(
        "there is no desktop display here (DISPLAY and WAYLAND_DISPLAY are not set)",
        "run it in your desktop session; without one use the command line (stagebox detect, "
        "stagebox alsa, stagebox jack) or `stagebox wizard --screenshots DIR`",
    )


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="stagebox-gui",
        description="The Stagebox first-run wizard (same as `stagebox wizard`).",
    )
    parser.add_argument("--root", metavar="DIR", help="a fake machine tree instead of /")
    parser.add_argument("-v", "--verbose", action="count", default=0)
    parser.add_argument("wizard", nargs="?", choices=["wizard"], help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="stagebox: %(levelname)s: %(message)s",
    )
    from stagebox.core.sysroot import SystemRoot

    try:
        require_qt()
        root = SystemRoot.at(args.root)
        from stagebox.gui.app import application, on_termination, report_first_paint_if_asked
        from stagebox.gui.wizard.window import SetupWizard

        app = application()
        wizard = SetupWizard(root)  # the user's paths are read after the first paint
        report_first_paint_if_asked(wizard)
        on_termination(wizard, wizard.reject)  # stops a test JACK server before leaving
        wizard.show()
        wizard.start_when_shown()
        return 0 if app.exec() == 0 else 1
    except StageboxError as exc:
        print(f"stagebox: {exc.message}", file=sys.stderr)
        if exc.fix:
            print(f"  fix: {exc.fix}", file=sys.stderr)
        return int(exc.exit_code)


if __name__ == "__main__":
    raise SystemExit(main())

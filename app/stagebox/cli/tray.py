"""``stagebox tray``: the JACK tray icon (a small window when the desktop has no tray)."""

from __future__ import annotations

import argparse
import logging

from stagebox.cli.context import Context
from stagebox.gui.launch import require_qt

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "tray",
        help="tray icon: start/stop JACK, switch profiles, follow the interface when plugged",
        description=(
            "A tray icon that starts, stops and restarts JACK with a saved profile and reacts "
            "when the interface is plugged in or out. Without a system tray: a small window."
        ),
    )
    parser.add_argument(
        "--no-hotplug", action="store_true", help="do not watch udev for plugged interfaces"
    )
    parser.add_argument(
        "--start", action="store_true", help="start JACK with the active profile right away"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    require_qt()
    from stagebox.gui.app import application, on_termination, report_first_paint_if_asked
    from stagebox.gui.tray import TrayApp

    app = application()
    events = None
    if not args.no_hotplug:
        from stagebox.core.hotplug import UdevSoundEvents

        try:
            events = UdevSoundEvents()
        except Exception as exc:  # no udev (containers): the tray still works by hand
            log.warning("hotplug is off: cannot watch udev (%s)", exc)
    tray = TrayApp(ctx.root, ctx.paths, events=events)
    if tray.tray is not None:
        app.setQuitOnLastWindowClosed(False)  # the wizard or log closing must not quit it
    else:
        print("stagebox: no system tray on this desktop, showing a small window", file=ctx.err)
        report_first_paint_if_asked(tray.window)
    on_termination(tray, tray.quit)  # logout or kill: stop the supervised jackd first
    tray.show()
    if args.start:
        tray.start()
    return 0 if app.exec() == 0 else 1

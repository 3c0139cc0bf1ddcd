"""``stagebox wizard``: the first-run wizard (also bare ``stagebox`` on a desktop).

``--screenshots DIR`` renders every page (and the tray menu) for this machine (or
``--root``) to PNG files and exits: for the README and for reviewing the GUI headless.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stagebox.cli.context import Context
from stagebox.gui.launch import require_qt


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "wizard",
        help="first-run wizard: detect, fix, choose JACK settings, test (needs a desktop)",
        description="The first-run wizard. Every change is shown first and made on your click.",
    )
    parser.add_argument(
        "--screenshots",
        metavar="DIR",
        type=Path,
        help="save one PNG per wizard page and of the tray menu into DIR, then exit",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    require_qt(headless_ok=args.screenshots is not None)
    if args.screenshots is not None:
        from stagebox.gui.screenshots import save_all

        for path in save_all(ctx.root, ctx.paths, args.screenshots):
            print(path, file=ctx.out)
        return 0
    from stagebox.gui.app import application, on_termination, report_first_paint_if_asked
    from stagebox.gui.wizard.window import SetupWizard

    app = application()
    wizard = SetupWizard(ctx.root)  # the user's paths are read after the first paint
    report_first_paint_if_asked(wizard)
    on_termination(wizard, wizard.reject)  # stops a test JACK server before leaving
    wizard.show()
    wizard.start_when_shown()
    return 0 if app.exec() == 0 else 1

"""The ``stagebox`` command line: one binary, one module per command, over the same core
the GUI uses.

Each command module in :data:`COMMANDS` exposes ``register(subparsers)``, which adds its
parser and sets ``func`` to a ``run(args, ctx) -> int``. Modules import heavy libraries
(jack, PySide6, pyudev) inside ``run`` so that ``stagebox detect`` starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from stagebox import __version__
from stagebox.core.errors import ExitCode, StageboxError

#: Command modules, in the order ``stagebox --help`` lists them.
COMMANDS = ("detect", "alsa", "jack", "usb", "check", "report", "wizard", "tray", "journal")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The full parser, or with ``only`` just that command's (start-up speed: the other
    command modules are not imported)."""
    parser = argparse.ArgumentParser(
        prog="stagebox",
        description=(
            "Set up a Linux audio interface for JACK: detect it, write the ALSA config it "
            "needs, start JACK on it. Every change is shown first and can be undone. "
            "With no command: the first-run wizard on a desktop, `detect` otherwise."
        ),
    )
    parser.add_argument("--version", action="version", version=f"stagebox {__version__}")
    parser.add_argument(
        "--root",
        metavar="DIR",
        help="read /proc, /sys and /etc under DIR instead of / (a fake machine for tests)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(f"stagebox.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"stagebox.cli.{name}":
                raise
            continue  # that feature is not in this build
        module.register(sub)
    _accept_root_everywhere(parser)
    return parser


def _accept_root_everywhere(parser: argparse.ArgumentParser) -> None:
    """Let ``--root DIR`` stand after any (sub)command too: ``stagebox detect --root DIR``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                if not any("--root" in a.option_strings for a in subparser._actions):
                    subparser.add_argument(
                        "--root",
                        metavar="DIR",
                        default=argparse.SUPPRESS,
                        help="read /proc, /sys and /etc under DIR instead of /",
                    )
                _accept_root_everywhere(subparser)


def _first_word(argv: Sequence[str]) -> str | None:
    """The first word of ``argv`` after the global options (the command, if it is one)."""
    words = list(argv)
    while words:
        word = words.pop(0)
        if word == "--root":
            words = words[1:]
        elif not (word.startswith("--root=") or word in ("-v", "-vv", "--verbose")):
            return word
    return None


def _command_in(argv: Sequence[str]) -> str | None:
    """The command word of ``argv`` (after global options), None when there is none."""
    word = _first_word(argv)
    return word if word in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if _plain_wizard(words):
        # the wizard's own fast entry (the menu's stagebox-gui): Qt starts without the
        # command-line machinery, so `stagebox wizard` paints as fast as the menu entry
        from stagebox.gui.launch import main as wizard_main

        return wizard_main(words)
    from stagebox.cli.context import Context

    parser = build_parser(_command_in(words))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="stagebox: %(levelname)s: %(message)s",
    )
    if args.command is None:
        args = parser.parse_args([*(argv or sys.argv[1:]), _default_command()])
    try:
        ctx = Context.from_args(args)
        code = int(args.func(args, ctx))
    except StageboxError as exc:
        print(f"stagebox: {exc.message}", file=sys.stderr)
        if exc.fix:
            print(f"  fix: {exc.fix}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return int(ExitCode.OK)
    if argv is None and getattr(args, "quick_exit", False):
        _exit_without_teardown(code)
    return code


def _exit_without_teardown(code: int) -> None:
    """End the process now, skipping the interpreter's teardown (~12 ms with libjack and the
    JACK modules loaded: `jack start` is timed against jackd started directly).

    Only for commands that leave nothing to finish (the jackd started runs in its own
    session), and only in the real process: ``main([...])`` from tests returns as usual.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that went away: no matter
            stream.flush()
    if "logging" in sys.modules:
        logging.shutdown()
    os._exit(code)


def _plain_wizard(words: list[str]) -> bool:
    """``stagebox wizard`` (or bare ``stagebox`` on a desktop) with nothing but ``--root``
    and ``-v``: what the launcher's small parser takes."""
    first = _first_word(words)
    if (first if first is not None else _default_command()) != "wizard":
        return False
    return not any(
        w in ("-h", "--help", "--version") or w.startswith("--screenshots") for w in words
    )


def _default_command() -> str:
    has_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return "wizard" if has_display else "detect"


def gui_main() -> int:
    """Entry point of the ``stagebox-gui`` launcher: the wizard."""
    return main([*sys.argv[1:], "wizard"])

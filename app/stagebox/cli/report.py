"""``stagebox report``: one paste-ready text file for a forum post or a bug report."""

from __future__ import annotations

import argparse
from pathlib import Path

from stagebox.cli.context import Context


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report",
        help="write one text file to paste into a forum or bug report (never uploaded)",
        description=(
            "Write one text file with everything helpers ask for: distribution, kernel, ALSA "
            "cards and modules, Stagebox's detection result and checks, the JACK command "
            "line and last log, ~/.asoundrc and ~/.jackdrc, package versions, and the machine "
            "facts that `stagebox detect --capture FILE` reads back. The file is only written "
            "here; Stagebox never uploads it. Home paths, user and host names and USB serial "
            "numbers are replaced by placeholders unless you pass --no-redact."
        ),
    )
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write the report to FILE (default: print it)"
    )
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="keep home paths, user and host names and serial numbers in the report",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.atomic import atomic_write
    from stagebox.core.errors import InputError
    from stagebox.core.report import build_report

    output = Path(args.output).expanduser() if args.output else None
    if output is not None and output.is_dir():
        raise InputError(f"--output {args.output} is a directory", "give a file name")
    text = build_report(ctx.root, ctx.paths, redact=not args.no_redact)
    if output is None:
        print(text, end="", file=ctx.out)
        return 0
    # private by default: even a redacted report says a lot about the machine
    written = atomic_write(output, text.encode("utf-8"), default_mode=0o600)
    redacted = "not redacted" if args.no_redact else "redacted"
    print(
        f"Wrote {written} ({len(text.splitlines())} lines, {redacted}). Nothing was uploaded: "
        "attach or paste the file yourself.",
        file=ctx.err,
    )
    return 0

"""``stagebox journal``: what Stagebox changed on this machine, and undo by entry id."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict

from stagebox.cli.context import Context
from stagebox.core.errors import InputError, StageboxError


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("journal", help="list every change Stagebox made (and undo files)")
    parser.add_argument("--json", action="store_true", help="machine-readable list")
    parser.add_argument("--all", action="store_true", help="include changes already undone")
    parser.add_argument("--undo", metavar="ID", help="restore the file changed by entry ID")
    parser.add_argument("--force", action="store_true", help="with --undo: even if edited since")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    journal = ctx.journal
    if args.undo:
        entry = next((e for e in journal.active() if e.id == args.undo), None)
        if entry is None:
            raise InputError(f"no active journal entry {args.undo}", "see `stagebox journal`")
        if entry.kind != "file":
            raise StageboxError(
                f"entry {entry.id} is a {entry.feature} action, not a file",
                f"undo it with its own command (e.g. `stagebox {entry.feature} undo`)",
            )
        done = journal.undo_file(entry, force=args.force)
        print(done.summary, file=ctx.out)
        return 0
    entries = journal.entries() if args.all else journal.active()
    if args.json:
        print(json.dumps([asdict(e) for e in entries], indent=2), file=ctx.out)
        return 0
    if not entries:
        print("Stagebox has not changed anything on this machine.", file=ctx.out)
        return 0
    for e in entries:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.time))
        print(f"{e.id}  {when}  [{e.feature}] {e.summary}", file=ctx.out)
    return 0

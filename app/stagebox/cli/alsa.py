"""``stagebox alsa plan|apply|undo|check``: the usb_stream block in ~/.asoundrc."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from stagebox.cli.context import Context
from stagebox.core.errors import InputError, StageboxError
from stagebox.core.model import DetectionResult, Severity

if TYPE_CHECKING:
    from stagebox.core.alsaconf import AlsaPlan

_SEVERITY_WORD = {Severity.ERROR: "problem", Severity.WARNING: "warning", Severity.INFO: "note"}


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "alsa",
        help="write, check or undo the ALSA config a usb_stream interface needs",
        description=(
            "Tascam US-122L/US-144/US-122MKII/US-144MKII cards (snd-usb-us122l) need a "
            "usb_stream device in ~/.asoundrc before JACK can use them. Stagebox writes it in "
            "a marked block, keeps the rest of the file byte for byte, and can undo it."
        ),
    )
    actions = parser.add_subparsers(dest="alsa_action", metavar="ACTION", required=True)
    plan = actions.add_parser("plan", help="show the exact change and why (changes nothing)")
    _detection_args(plan)
    plan.add_argument("--json", action="store_true", help="machine-readable plan")
    plan.set_defaults(func=run_plan)
    apply = actions.add_parser("apply", help="make the change shown by `plan` (asks first)")
    _detection_args(apply)
    apply.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    apply.set_defaults(func=run_apply)
    undo = actions.add_parser("undo", help="put ~/.asoundrc back as it was before Stagebox")
    undo.add_argument("--force", action="store_true", help="even if you edited it since")
    undo.set_defaults(func=run_undo)
    check = actions.add_parser("check", help="check Stagebox's devices with the real alsa-lib")
    check.set_defaults(func=run_check)


def _detection_args(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--capture", metavar="FILE", help="use the machine in a pasted report")
    source.add_argument(
        "--detection-json",
        metavar="FILE",
        help="use a saved `stagebox detect --json` result",
    )
    parser.add_argument("--rate", type=int, help="fix the sample rate (Hz) in the config")
    parser.add_argument("--period-size", type=int, help="fix the period (frames) in the config")


def _detect(args: argparse.Namespace, ctx: Context) -> DetectionResult:
    if args.detection_json:
        return _load_detection_json(Path(args.detection_json))
    try:
        from stagebox.core.detect import detect_capture, detect_live
    except ImportError as exc:
        raise StageboxError(
            "card detection is not part of this build",
            "pass a saved result with --detection-json FILE",
        ) from exc
    if args.capture:
        return detect_capture(Path(args.capture))
    return detect_live(ctx.root)


def _load_detection_json(path: Path) -> DetectionResult:
    try:
        return DetectionResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise InputError(
            f"--detection-json {path}: {exc.strerror}", "give an existing file"
        ) from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"--detection-json {path}: not a `stagebox detect --json` result ({exc})",
            "create one with: stagebox detect --json > FILE",
        ) from exc


def _plan(args: argparse.Namespace, ctx: Context) -> AlsaPlan:
    from stagebox.core.alsaconf import plan_alsa

    for option, value in (("--rate", args.rate), ("--period-size", args.period_size)):
        if value is not None and value <= 0:
            raise InputError(f"{option} {value}: must be a positive number")
    result = _detect(args, ctx)
    return plan_alsa(result, ctx.paths, rate=args.rate, period_size=args.period_size, root=ctx.root)


def run_plan(args: argparse.Namespace, ctx: Context) -> int:
    plan = _plan(args, ctx)
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False), file=ctx.out)
    else:
        print_plan(plan, ctx)
    return 1 if plan.blocked_reason else 0


def print_plan(plan: AlsaPlan, ctx: Context) -> None:
    out = ctx.out
    print(f"ALSA config for JACK: {plan.path}", file=out)
    for line in plan.explanation:
        print(f"  * {line}", file=out)
    shown = [c for c in plan.conflicts if c.message != plan.blocked_reason]  # said below
    if shown:
        print("\nFound in your ALSA config:", file=out)
        for conflict in shown:
            where = f" ({conflict.source}, line {conflict.line})" if conflict.line else ""
            print(f"  {_SEVERITY_WORD[conflict.severity]}{where}: {conflict.message}", file=out)
            if conflict.fix:
                print(f"    what to do: {conflict.fix}", file=out)
    if plan.blocked_reason:
        print(f"\nNothing can be written: {plan.blocked_reason}", file=out)
        if plan.blocked_fix:
            print(f"  fix: {plan.blocked_fix}", file=out)
        return
    if plan.changes_needed:
        print("\nThe exact change:", file=out)
        print(plan.diff, file=out)


def run_apply(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.alsaconf import apply_alsa

    plan = _plan(args, ctx)
    print_plan(plan, ctx)
    if plan.blocked_reason:
        return 1
    if not plan.changes_needed:
        print("\nNothing to write.", file=ctx.out)
        return 0
    if not args.yes and not _confirmed(ctx):
        print("Nothing was written.", file=ctx.out)
        return 1
    entry = apply_alsa(plan, ctx.journal)
    print(f"\nWritten: {plan.path}", file=ctx.out)
    if entry is not None and entry.backup:
        print(f"Backup of the old file: {entry.backup}", file=ctx.out)
    for check in plan.validations.values():
        print(f"alsa-lib check: {check.message}", file=ctx.out)
    print("To put the old file back: stagebox alsa undo", file=ctx.out)
    return 0


def _confirmed(ctx: Context) -> bool:
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        raise InputError(
            "not writing ~/.asoundrc: there is no terminal to ask for confirmation",
            "read the plan above and pass --yes to apply it",
        )
    print("\nWrite this change? [y/N] ", end="", file=ctx.out, flush=True)
    try:
        answer = stdin.readline()
    except (OSError, KeyboardInterrupt):
        return False
    return answer.strip().lower() in ("y", "yes")


def run_undo(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.alsaconf import undo_alsa

    done = undo_alsa(ctx.journal, force=args.force)
    print(done.summary, file=ctx.out)
    return 0


def run_check(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.alsaconf.checkrun import check_current

    report = check_current(ctx.paths)
    for line in report.lines:
        print(line, file=ctx.out)
    return 0 if report.ok else 1

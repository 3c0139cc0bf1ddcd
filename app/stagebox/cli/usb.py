"""``stagebox usb status|unbind|rebind``: the USB 2.0 controller switch for the US-144 family."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import TYPE_CHECKING

from stagebox.cli.context import Context
from stagebox.core.errors import InputError, StageboxError
from stagebox.core.model import USB_SPEED_TEXT

if TYPE_CHECKING:
    from stagebox.core.facts import MachineFacts
    from stagebox.core.usb import Runner, UsbPlan

DEFAULT_WAIT_S = 30.0


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "usb",
        help="switch the USB 2.0 controller off for a Tascam US-144/US-144MKII (and back on)",
        description=(
            "Before Linux 6.18 the US-144MKII, and on every kernel the US-144, work only at "
            "USB 1.1 speed. On a USB 2.0 port Stagebox can switch the USB 2.0 (EHCI) "
            "controller off through a small root helper (polkit asks for the password), so "
            "the port falls back to USB 1.1. Shown first, recorded, undone by `rebind`."
        ),
    )
    actions = parser.add_subparsers(dest="usb_action", metavar="ACTION", required=True)
    status = actions.add_parser("status", help="the device, its port, and what a switch would do")
    status.add_argument("--json", action="store_true", help="machine-readable plan")
    status.set_defaults(func=run_status)
    unbind = actions.add_parser("unbind", help="switch the USB 2.0 controller off (asks first)")
    unbind.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    unbind.add_argument(
        "--wait",
        type=float,
        default=DEFAULT_WAIT_S,
        metavar="SECONDS",
        help=f"how long to wait for the sound card afterwards (default {DEFAULT_WAIT_S:g})",
    )
    unbind.set_defaults(func=run_unbind)
    # "undo" too: `stagebox journal --undo ID` points every action to `stagebox FEATURE undo`.
    rebind = actions.add_parser(
        "rebind", aliases=["undo"], help="switch it back on (undo `unbind`)"
    )
    rebind.add_argument("--yes", action="store_true", help="do not ask (needed without a terminal)")
    rebind.set_defaults(func=run_rebind)


# -- building the plan ----------------------------------------------------------------------


def _facts(ctx: Context) -> MachineFacts:
    from stagebox.core.live import read_live_facts

    return read_live_facts(ctx.root)


def _plan(ctx: Context) -> UsbPlan:
    from stagebox.core.detect import detect_facts
    from stagebox.core.usb import plan_usb, read_interface_classes

    facts = _facts(ctx)
    result = detect_facts(facts)
    return plan_usb(result, facts, interface_classes=read_interface_classes(ctx.root, facts))


def make_runner(ctx: Context) -> Runner:
    """pkexec on this machine; on a fake --root tree nothing may run (it is not this machine)."""
    from stagebox.core.usb import run_command

    if ctx.root.is_live:
        return run_command

    def refuse(argv: object) -> object:
        raise StageboxError(
            f"--root {ctx.root.root} is not this machine, so nothing was switched",
            "run it without --root on the machine itself",
        )

    return refuse  # type: ignore[return-value]


# -- status ---------------------------------------------------------------------------------


def print_plan(plan: UsbPlan, ctx: Context) -> None:
    out = ctx.out
    if plan.usb_id is None:
        for line in plan.explanation:
            print(line, file=out)
        return
    speed = USB_SPEED_TEXT.get(plan.speed or "", plan.speed or "speed unknown")
    print(
        f"Device:      {plan.model} ({plan.usb_id}) on USB port {plan.port_path}, {speed}", file=out
    )
    kind = plan.controller_type.value.upper() if plan.controller_type else "type unknown"
    print(f"Controller:  {plan.port_controller or 'unknown'} ({kind})", file=out)
    if plan.companions:
        print(f"USB 1.1:     {', '.join(plan.companions)} takes the ports over", file=out)
    print(f"Needed:      {'yes' if plan.needed else 'no'}", file=out)
    for line in plan.explanation:
        print(f"  * {line}", file=out)
    if plan.affected_devices:
        print("Also on this controller:", file=out)
        for affected in plan.affected_devices:
            print(f"  - {affected.port_path}: {affected.warning}", file=out)
    if plan.impossible_reason:
        print(f"\nCannot be done here: {plan.impossible_reason}", file=out)
        print("What works instead:", file=out)
        for alternative in plan.alternatives:
            print(f"  - {alternative}", file=out)
    elif plan.command:
        print(f"\nThe change (runs as root after polkit asks): {plan.command}", file=out)
        print("Undo: stagebox usb rebind (a restart undoes it too)", file=out)


def _print_journal(ctx: Context) -> None:
    from stagebox.core.usb import last_unbind

    entry = last_unbind(ctx.journal)
    if entry is not None:
        print(f"\nStagebox {entry.summary} (journal entry {entry.id}).", file=ctx.out)


def run_status(args: argparse.Namespace, ctx: Context) -> int:
    plan = _plan(ctx)
    if args.json:
        data = asdict(plan)
        data["command"] = plan.command
        data["can_unbind"] = plan.can_unbind
        print(json.dumps(data, indent=2, ensure_ascii=False), file=ctx.out)
        return 0
    print_plan(plan, ctx)
    _print_journal(ctx)
    return 0


# -- unbind / rebind ------------------------------------------------------------------------


def run_unbind(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.usb import unbind, wait_for_card

    if args.wait < 0:
        raise InputError(f"--wait {args.wait:g}: must be 0 or more seconds")
    plan = _plan(ctx)
    print_plan(plan, ctx)
    if not plan.needed:
        print("\nNothing to switch.", file=ctx.out)
        return 0
    if not plan.can_unbind:
        return 1
    if not args.yes and not _confirmed(ctx, "Switch this USB controller off now?"):
        print("Nothing was changed.", file=ctx.out)
        return 1
    entry = unbind(plan, ctx.journal, runner=make_runner(ctx))
    print(f"\nDone: {entry.summary}.", file=ctx.out)
    print(f"Now unplug the {plan.model}, wait two seconds and plug it in again.", file=ctx.out)
    if plan.usb_id and wait_for_card(plan.usb_id, args.wait, root=ctx.root):
        print("Its sound card is there. Next: stagebox alsa plan", file=ctx.out)
    else:
        print(
            f"No sound card for it after {args.wait:g} s: unplug it, plug it into the same "
            "port again, then run `stagebox detect`.",
            file=ctx.out,
        )
    return 0


def run_rebind(args: argparse.Namespace, ctx: Context) -> int:
    from stagebox.core.usb import last_unbind, rebind

    entry = last_unbind(ctx.journal)
    if entry is None:
        print("Stagebox has not switched off any USB controller: nothing to undo.", file=ctx.out)
        return 0
    address = entry.undo.get("address")
    print(
        f"This switches the USB 2.0 controller {address} back on (undoes: {entry.summary}).",
        file=ctx.out,
    )
    print(
        "Devices on its ports reconnect at USB 2.0 speed; a US-144 there loses its card.",
        file=ctx.out,
    )
    if not args.yes and not _confirmed(ctx, "Switch it back on now?"):
        print("Nothing was changed.", file=ctx.out)
        return 1
    done = rebind(ctx.journal, runner=make_runner(ctx))
    print(f"Done: {done.summary}.", file=ctx.out)
    return 0


def _confirmed(ctx: Context, question: str) -> bool:
    stdin = sys.stdin
    if stdin is None or not stdin.isatty():
        raise InputError(
            "not switching the USB controller: there is no terminal to ask for confirmation",
            "read the plan above and pass --yes to go ahead",
        )
    print(f"\n{question} [y/N] ", end="", file=ctx.out, flush=True)
    return stdin.readline().strip().lower() in ("y", "yes")

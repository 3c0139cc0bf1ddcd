"""Run the root helper through pkexec and record the change in the journal (undo: rebind).

The runner is injectable: the GUI and CLI use :func:`run_command` (real pkexec); the tests
run the real helper directly as root on a fake sysfs.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from stagebox.core.errors import StageboxError
from stagebox.core.journal import Entry, Journal
from stagebox.core.usb.plan import HELPER_PATH, UsbPlan

log = logging.getLogger(__name__)

FEATURE = "usb"
UNDO_VERB = "rebind-ehci"


@dataclass
class CommandResult:
    returncode: int
    stdout: str
    stderr: str


Runner = Callable[[Sequence[str]], CommandResult]

#: pkexec's own exit codes, and the helper's (polkit/stagebox-ehci-helper, class Exit).
_PKEXEC_DISMISSED = 126
_PKEXEC_NOT_AUTHORIZED = 127
_HELPER_ALREADY_BOUND = 7


def run_command(argv: Sequence[str]) -> CommandResult:
    """Run ``pkexec HELPER ...``; polkit's agent asks for the password (up to 5 minutes)."""
    try:
        proc = subprocess.run(list(argv), capture_output=True, text=True, timeout=300)
    except FileNotFoundError as exc:
        raise StageboxError(
            f"{argv[0]} is not installed", "install the pkexec package (polkit)"
        ) from exc
    except subprocess.TimeoutExpired as exc:
        raise StageboxError("the password dialog was not answered within 5 minutes") from exc
    return CommandResult(proc.returncode, proc.stdout, proc.stderr)


def helper_argv(verb: str, address: str) -> list[str]:
    return ["pkexec", HELPER_PATH, verb, address]


def _check(result: CommandResult, what: str) -> None:
    if result.returncode == 0:
        return
    if result.returncode == _PKEXEC_DISMISSED:
        raise StageboxError(f"{what}: cancelled in the password dialog; nothing was changed")
    if result.returncode == _PKEXEC_NOT_AUTHORIZED:
        raise StageboxError(
            f"{what}: not authorized by polkit; nothing was changed",
            "run it from your desktop session (polkit asks for an administrator password "
            "there), and check that the Stagebox package installed "
            "org.stagebox.ehci.policy",
        )
    detail = (result.stderr or result.stdout).strip().splitlines()
    raise StageboxError(
        f"{what}: the helper refused (exit {result.returncode})"
        + (f": {detail[-1]}" if detail else "")
    )


def unbind(plan: UsbPlan, journal: Journal, runner: Runner = run_command) -> Entry:
    """Switch off the plan's EHCI controller through the helper; returns the journal entry."""
    if not plan.can_unbind or plan.controller is None:
        raise StageboxError(
            plan.impossible_reason or "no USB controller needs switching off",
            "; ".join(plan.alternatives) or None,
        )
    address = plan.controller
    result = runner(helper_argv("unbind-ehci", address))
    _check(result, f"switching off USB controller {address}")
    log.info("unbind-ehci %s: %s", address, result.stdout.strip())
    return journal.record_action(
        feature=FEATURE,
        summary=(
            f"switched off the USB 2.0 controller {address} so the {plan.model or plan.usb_id} "
            "runs at USB 1.1 (undo: stagebox usb rebind)"
        ),
        undo={"verb": UNDO_VERB, "address": address, "usb_id": plan.usb_id},
    )


def last_unbind(journal: Journal) -> Entry | None:
    """The newest unbind not yet undone."""
    entries = [e for e in journal.active(FEATURE) if e.undo.get("verb") == UNDO_VERB]
    return entries[-1] if entries else None


def rebind(journal: Journal, runner: Runner = run_command) -> Entry:
    """Undo the last unbind: switch that controller back on. Returns the "undone" entry."""
    entry = last_unbind(journal)
    if entry is None:
        raise StageboxError(
            "Stagebox has not switched off any USB controller, so there is nothing to undo"
        )
    address = str(entry.undo.get("address", ""))
    result = runner(helper_argv(UNDO_VERB, address))
    if result.returncode == _HELPER_ALREADY_BOUND:  # e.g. after a reboot: already back on
        return journal.mark_undone(
            entry, f"USB 2.0 controller {address} was already on again (after a restart?)"
        )
    _check(result, f"switching USB controller {address} back on")
    return journal.mark_undone(entry, f"switched the USB 2.0 controller {address} back on")

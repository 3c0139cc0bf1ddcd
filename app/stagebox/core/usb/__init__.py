"""USB controller switch for the Tascam US-144 family: decide, unbind/rebind, wait for the card.

See ``plan.py`` for when and why, ``action.py`` for the root helper call and the journal,
``wait.py`` for the card coming back. Qt-free.
"""

from stagebox.core.usb.action import CommandResult, Runner, last_unbind, rebind, run_command, unbind
from stagebox.core.usb.interfaces import read_interface_classes
from stagebox.core.usb.plan import HELPER_PATH, Affect, AffectedDevice, UsbPlan, plan_usb
from stagebox.core.usb.wait import card_usb_ids, wait_for_card

__all__ = [
    "HELPER_PATH",
    "Affect",
    "AffectedDevice",
    "CommandResult",
    "Runner",
    "UsbPlan",
    "card_usb_ids",
    "last_unbind",
    "plan_usb",
    "read_interface_classes",
    "rebind",
    "run_command",
    "unbind",
    "wait_for_card",
]

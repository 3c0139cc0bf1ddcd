"""Decide whether a USB 2.0 (EHCI) controller must be switched off, which one, and what else
that affects. Pure: facts in, plan out (the unbind itself is in ``action.py``).

Background (shared/docs/driver-facts.md §1): snd-usb-us122l refuses the US-144 (every kernel)
and the US-144MKII (before Linux 6.18) at USB high speed ("disable ehci-hcd to run US-144").
Unbinding the EHCI controller hands its ports to the USB 1.1 companion controller
(UHCI/OHCI) that shares its PCI slot, where the device runs at full speed and is accepted.
An xHCI controller has no companion, so on xHCI ports this cannot work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from stagebox.core.facts import HostControllerType, MachineFacts, PciDeviceFacts, UsbDeviceFacts
from stagebox.core.knowledge import Family, KnowledgeBase, load_knowledge
from stagebox.core.model import DetectionResult

#: Where the Debian package installs the root helper (the polkit action's exec.path).
HELPER_PATH = "/usr/libexec/stagebox/stagebox-ehci-helper"

_PCI_CLASS_TYPES = {
    "0c0320": HostControllerType.EHCI,
    "0c0300": HostControllerType.UHCI,
    "0c0310": HostControllerType.OHCI,
    "0c0330": HostControllerType.XHCI,
}
_EHCI_DRIVERS = ("ehci-pci", "ehci_hcd")
_HIGH_SPEED = ("high", "480")
_FULL_OR_LOW = ("full", "low", "12", "1.5")
#: USB interface classes and drivers that make a device worth a warning.
_DISK_DRIVERS = ("usb-storage", "uas")
_INPUT_DRIVERS = ("usbhid",)
_DISK_CLASS = "08"
_HID_CLASS = "03"
_HUB_CLASS = "09"


class Affect(StrEnum):
    DISK = "disk"
    INPUT = "input"
    HUB = "hub"
    OTHER = "other"


@dataclass
class AffectedDevice:
    usb_id: str
    name: str | None
    port_path: str | None
    affect: Affect
    warning: str


@dataclass
class UsbPlan:
    needed: bool  # a device that needs USB 1.1 is on a high-speed port (or lacks its card)
    explanation: list[str] = field(default_factory=list)
    usb_id: str | None = None
    model: str | None = None
    speed: str | None = None
    port_path: str | None = None
    controller: str | None = None  # PCI address of the EHCI controller to switch off
    port_controller: str | None = None  # PCI address of the controller serving the port
    controller_type: HostControllerType | None = None  # of the controller serving the port
    companions: list[str] = field(default_factory=list)  # UHCI/OHCI that take the ports over
    affected_devices: list[AffectedDevice] = field(default_factory=list)
    impossible_reason: str | None = None
    alternatives: list[str] = field(default_factory=list)

    @property
    def can_unbind(self) -> bool:
        return self.needed and self.impossible_reason is None and self.controller is not None

    @property
    def command(self) -> str | None:
        """The exact command Stagebox runs (shown to the user before it runs)."""
        if not self.can_unbind:
            return None
        return f"pkexec {HELPER_PATH} unbind-ehci {self.controller}"


def plan_usb(
    result: DetectionResult,
    facts: MachineFacts,
    *,
    kb: KnowledgeBase | None = None,
    interface_classes: dict[str, set[str]] | None = None,
) -> UsbPlan:
    """The plan for the first device that needs full speed (see module doc).

    ``interface_classes`` (USB device name -> its interface class codes, e.g. {"1-2": {"08"}})
    sharpens the warnings about a USB disk or keyboard; without it the bound drivers are used.
    """
    kb = kb or load_knowledge()
    kernel = result.kernel or facts.kernel
    if facts.usb_devices is None:
        return UsbPlan(False, ["The USB devices of this machine are not known from this input."])
    found = _find_device(kb, facts.usb_devices, kernel)
    if found is None:
        return _not_needed(kb, facts, kernel)
    device, family = found
    plan = _device_plan(device, family, facts)
    # The detection result's cards, else the raw ones (a result made without live facts).
    cards = [(c.index, c.id, c.usb_id) for c in result.cards] or [
        (c.index, c.id, c.usb_id) for c in facts.cards
    ]
    card = next((c for c in cards if c[2] == device.usb_id), None)
    if card is not None:
        plan.explanation.append(
            f"The {plan.model} already works as sound card {card[0]} [{card[1]}]"
            + (" at USB 1.1 full speed" if device.speed in _FULL_OR_LOW else "")
            + "; nothing needs switching."
        )
        return plan
    if device.speed in _FULL_OR_LOW:
        plan.explanation.append(
            f"The {plan.model} already runs at USB 1.1 full speed, but has no sound card yet: "
            "unplug it and plug it in again; if it still does not appear, check that the "
            "snd-usb-us122l module is available (`modprobe snd-usb-us122l`)."
        )
        return plan
    plan.needed = True
    plan.explanation.append(
        f"The {plan.model} ({device.usb_id}) is plugged into a USB 2.0 high-speed port, and "
        f"the Linux {kernel or ''} driver snd-usb-us122l only accepts it at USB 1.1 full "
        "speed, so there is no sound card for it."
    )
    _choose_controller(plan, facts, device, family)
    if plan.can_unbind:
        _list_affected(plan, facts.usb_devices, device, interface_classes or {})
    return plan


# -- finding the device ---------------------------------------------------------------------


def _find_device(
    kb: KnowledgeBase, devices: list[UsbDeviceFacts], kernel: str | None
) -> tuple[UsbDeviceFacts, Family] | None:
    for device in devices:
        family = kb.match_usb(device.usb_id)
        # None = the kernel is unknown: assume the refusal (the older, common case).
        if family is not None and family.refused_at_high_speed(device.usb_id, kernel) is not False:
            return device, family
    return None


def _device_plan(device: UsbDeviceFacts, family: Family, facts: MachineFacts) -> UsbPlan:
    return UsbPlan(
        needed=False,
        usb_id=device.usb_id,
        model=family.model_for(device.usb_id) or device.name,
        speed=device.speed,
        port_path=device.port_path,
        port_controller=device.controller,
        controller_type=_controller_type(facts.pci_devices, device.controller),
    )


def _not_needed(kb: KnowledgeBase, facts: MachineFacts, kernel: str | None) -> UsbPlan:
    for device in facts.usb_devices or []:
        family = kb.match_usb(device.usb_id)
        if family is not None and device.usb_id in family.needs_full_speed:
            plan = _device_plan(device, family, facts)
            module = family.native_driver_module or "the newer driver"
            plan.explanation.append(
                f"The {plan.model} needs no controller switch on Linux {kernel}: {module} "
                "drives it at USB 2.0 speed."
            )
            return plan
    return UsbPlan(
        False,
        ["No Tascam US-144 or US-144MKII is plugged in, so no USB controller needs switching."],
    )


# -- the controller -------------------------------------------------------------------------


def _pci(facts: MachineFacts, slot: str | None) -> PciDeviceFacts | None:
    if slot is None or facts.pci_devices is None:
        return None
    return next((p for p in facts.pci_devices if p.slot == slot), None)


def _type_of(pci: PciDeviceFacts) -> HostControllerType | None:
    if pci.controller_type is not None:
        return pci.controller_type
    code = (pci.class_code or "").lower().removeprefix("0x")
    return _PCI_CLASS_TYPES.get(code)


def _controller_type(
    pci_devices: list[PciDeviceFacts] | None, slot: str | None
) -> HostControllerType | None:
    if slot is None or pci_devices is None:
        return None
    pci = next((p for p in pci_devices if p.slot == slot), None)
    return _type_of(pci) if pci else None


def _companions(facts: MachineFacts, ehci_slot: str) -> list[str]:
    """UHCI/OHCI functions in the same PCI slot (bus:device) as the EHCI controller.

    On chipsets with companions (Intel ICH, AMD SB, VIA, NEC) the USB 1.1 functions share the
    EHCI's bus and device number (00:1d.0-2 with 00:1d.7). Intel chipsets from 2011 on have
    none: their EHCI routes full-speed devices through a hub built into it.
    """
    slot = ehci_slot.rsplit(".", 1)[0]
    return [
        p.slot
        for p in facts.pci_devices or []
        if p.slot.rsplit(".", 1)[0] == slot
        and _type_of(p) in (HostControllerType.UHCI, HostControllerType.OHCI)
    ]


def _ehci_elsewhere(facts: MachineFacts, but: str | None) -> list[str]:
    return [
        p.slot
        for p in facts.pci_devices or []
        if _type_of(p) is HostControllerType.EHCI and p.slot != but and _companions(facts, p.slot)
    ]


def _choose_controller(
    plan: UsbPlan, facts: MachineFacts, device: UsbDeviceFacts, family: Family
) -> None:
    pci = _pci(facts, device.controller)
    kind = _type_of(pci) if pci else None
    if kind is HostControllerType.EHCI and pci is not None:
        plan.companions = _companions(facts, pci.slot)
        if pci.driver not in _EHCI_DRIVERS and pci.driver is not None:
            plan.impossible_reason = (
                f"The USB 2.0 controller {pci.slot} is driven by {pci.driver}, not ehci-pci; "
                "Stagebox only switches the standard EHCI driver."
            )
        elif not plan.companions:
            plan.impossible_reason = (
                f"The USB 2.0 controller {pci.slot} has no USB 1.1 companion controller "
                "(newer Intel chipsets route slow devices through a hub inside it), so "
                "switching it off would only cut its ports off."
            )
        else:
            plan.controller = pci.slot
            plan.explanation.append(
                f"Switching off the USB 2.0 (EHCI) controller {pci.slot} hands its ports to "
                f"the USB 1.1 controller {', '.join(plan.companions)}; after you unplug and "
                "replug it, the interface runs at full speed and gets its sound card."
            )
        if plan.impossible_reason:
            plan.alternatives = _alternatives(plan, family)
        return
    if kind is HostControllerType.XHCI:
        others = _ehci_elsewhere(facts, None)
        where = (
            f"This port is on the USB 3 (xHCI) controller {device.controller}. xHCI serves USB "
            "1.1, 2.0 and 3 devices itself and has no USB 1.1 companion to hand the port to"
        )
        if others:
            plan.impossible_reason = (
                f"{where}, so switching controllers cannot help on this port. This machine "
                f"also has a USB 2.0 controller ({', '.join(others)}): try the other USB ports "
                "(often the black, not the blue ones) and run this again."
            )
        else:
            plan.impossible_reason = (
                f"{where}, and this machine has no USB 2.0 (EHCI) controller at all, so "
                "unbinding cannot work here."
            )
        plan.alternatives = _alternatives(plan, family)
        return
    plan.impossible_reason = (
        "Stagebox cannot tell which USB controller serves the port "
        f"({'no controller in the input' if device.controller is None else device.controller})."
    )
    plan.alternatives = _alternatives(plan, family)


def _alternatives(plan: UsbPlan, family: Family) -> list[str]:
    module = family.native_driver_module or "snd_usb_us144mkii"
    since = family.native_driver_kernel or "6.18"
    alternatives = [
        f"Linux {since} or newer: its {module.replace('_', '-')} driver runs the "
        f"{plan.model} at USB 2.0 speed as an ordinary sound card, no controller switch needed"
        + (
            " (the US-144 is also claimed by snd-usb-us122l there: blacklist that module)."
            if plan.usb_id == "0644:800f"
            else "."
        ),
        "A USB 2.0 hub does NOT help: the device still talks USB 2.0 high speed through it.",
        "A PCIe or ExpressCard USB 2.0 card whose chip has USB 1.1 companions (NEC/Renesas "
        "uPD720101, VIA VT6212) does: plug the interface into it and run this again.",
    ]
    return alternatives


# -- what else is on that controller --------------------------------------------------------


def _list_affected(
    plan: UsbPlan,
    devices: list[UsbDeviceFacts],
    target: UsbDeviceFacts,
    classes: dict[str, set[str]],
) -> None:
    for device in devices:
        if device is target or device.controller != plan.controller:
            continue
        if device.usb_id.startswith("1d6b:"):  # the controller's own root hub
            continue
        plan.affected_devices.append(_affected(device, classes.get(device.port_path or "", set())))
    if plan.affected_devices:
        plan.explanation.append(
            "Everything else on this controller disconnects for a moment and comes back at "
            "USB 1.1 speed: " + "; ".join(a.warning for a in plan.affected_devices)
        )
    else:
        plan.explanation.append("Nothing else is plugged into this controller's ports.")


def _affected(device: UsbDeviceFacts, classes: set[str]) -> AffectedDevice:
    name = device.name or device.usb_id
    drivers = set(device.drivers)
    if classes & {_DISK_CLASS} or drivers & set(_DISK_DRIVERS):
        return AffectedDevice(
            device.usb_id,
            device.name,
            device.port_path,
            Affect.DISK,
            f"USB disk {name}: it is cut off at once; unmount (eject) it first or files being "
            "written are lost, and it comes back very slow (USB 1.1)",
        )
    if classes & {_HID_CLASS} or drivers & set(_INPUT_DRIVERS):
        return AffectedDevice(
            device.usb_id,
            device.name,
            device.port_path,
            Affect.INPUT,
            f"mouse/keyboard {name}: it stops for a few seconds, then works again",
        )
    if classes & {_HUB_CLASS} or "hub" in drivers:
        return AffectedDevice(
            device.usb_id,
            device.name,
            device.port_path,
            Affect.HUB,
            f"USB hub {name}: everything behind it drops to USB 1.1 too",
        )
    return AffectedDevice(
        device.usb_id,
        device.name,
        device.port_path,
        Affect.OTHER,
        f"{name}: reconnects at USB 1.1 speed (a webcam may stop working)",
    )

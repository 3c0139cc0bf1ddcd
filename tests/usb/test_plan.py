"""plan_usb: when the EHCI switch is needed, which controller, what else it hits, and why not.

Facts here mirror the fake machines in tests/fixtures/roots (capture 26, capture 03,
driver-facts §1 and §2); the CLI tests run the same cases from the trees themselves.
"""

from __future__ import annotations

from stagebox.core.facts import MachineFacts, PciDeviceFacts, UsbDeviceFacts
from stagebox.core.model import Access, AlsaState, Card, DetectionResult, Kind
from stagebox.core.usb import Affect, plan_usb

US144MKII = "0644:8020"
US144 = "0644:800f"
US122L = "0644:800e"


def pci(slot: str, class_code: str, driver: str | None) -> PciDeviceFacts:
    return PciDeviceFacts(slot=slot, class_code=class_code, driver=driver)


ICH9 = [
    pci("0000:00:1a.0", "0c0300", "uhci_hcd"),
    pci("0000:00:1a.7", "0c0320", "ehci-pci"),
    pci("0000:00:1b.0", "040300", "snd_hda_intel"),
]
XHCI_ONLY = [pci("0000:00:14.0", "0c0330", "xhci_hcd"), pci("0000:00:1b.0", "040300", None)]


def usb(usb_id: str, controller: str, port: str, speed: str = "high", **kw) -> UsbDeviceFacts:
    return UsbDeviceFacts(usb_id=usb_id, controller=controller, port_path=port, speed=speed, **kw)


def machine(kernel: str, pcis, devices) -> tuple[DetectionResult, MachineFacts]:
    facts = MachineFacts(source="live", kernel=kernel, usb_devices=devices, pci_devices=pcis)
    return DetectionResult(alsa=AlsaState.LOADED, kernel=kernel), facts


def test_us144mkii_on_ehci_without_card_needs_the_switch():
    result, facts = machine("6.1.0-13-amd64", ICH9, [usb(US144MKII, "0000:00:1a.7", "1-1")])
    plan = plan_usb(result, facts)
    assert plan.needed and plan.can_unbind
    assert plan.controller == "0000:00:1a.7"
    assert plan.companions == ["0000:00:1a.0"]
    assert plan.model == "Tascam US-144MKII"
    assert plan.command == (
        "pkexec /usr/libexec/stagebox/stagebox-ehci-helper unbind-ehci 0000:00:1a.7"
    )
    assert "USB 2.0 high-speed port" in plan.explanation[0]
    assert "Nothing else is plugged" in plan.explanation[-1]
    assert plan.impossible_reason is None


def test_us144_needs_it_on_every_kernel():
    result, facts = machine("6.18.0-1-amd64", ICH9, [usb(US144, "0000:00:1a.7", "1-1")])
    plan = plan_usb(result, facts)
    assert plan.needed and plan.controller == "0000:00:1a.7"


def test_us144mkii_on_618_does_not_need_it():
    result, facts = machine("6.18.0-1-amd64", ICH9, [usb(US144MKII, "0000:00:1a.7", "1-1")])
    plan = plan_usb(result, facts)
    assert not plan.needed and plan.command is None
    assert "snd_usb_us144mkii" in plan.explanation[0]


def test_us122l_is_not_refused_at_high_speed():
    result, facts = machine("6.1.0-13-amd64", ICH9, [usb(US122L, "0000:00:1a.7", "1-1")])
    assert not plan_usb(result, facts).needed


def test_unknown_kernel_assumes_the_refusal():
    result, facts = machine(None, ICH9, [usb(US144MKII, "0000:00:1a.7", "1-1")])
    assert plan_usb(result, facts).needed


def test_already_at_full_speed_with_card_is_done():
    """Capture 03: US-144 on uhci_hcd bus 8 after the unbind, card 1 US122L."""
    result, facts = machine(
        "2.6.31-20-generic",
        [pci("0000:00:1d.0", "0c0300", "uhci_hcd"), pci("0000:00:1d.7", "0c0320", None)],
        [usb(US144, "0000:00:1d.2", "8-2", speed="full")],
    )
    result.cards.append(
        Card(1, "US122L", "USB US-122L", "TASCAM US-122L", None, "snd_usb_us122l", US144,
             "Tascam US-144", Kind.INTERFACE, Access.USB_STREAM, True, True, "usb_stream")
    )  # fmt: skip
    plan = plan_usb(result, facts)
    assert not plan.needed
    assert "already works as sound card 1 [US122L] at USB 1.1 full speed" in plan.explanation[0]


def test_full_speed_without_card_says_replug_not_unbind():
    result, facts = machine("6.1", ICH9, [usb(US144, "0000:00:1a.0", "3-1", speed="full")])
    plan = plan_usb(result, facts)
    assert not plan.needed
    assert "unplug it and plug it in again" in plan.explanation[0]


def test_xhci_only_is_impossible_with_alternatives():
    result, facts = machine("6.1.0-13-amd64", XHCI_ONLY, [usb(US144MKII, "0000:00:14.0", "1-1")])
    plan = plan_usb(result, facts)
    assert plan.needed and not plan.can_unbind and plan.command is None
    assert plan.controller is None
    assert "no USB 2.0 (EHCI) controller at all" in plan.impossible_reason
    text = " ".join(plan.alternatives)
    assert "Linux 6.18 or newer" in text and "snd-usb-us144mkii" in text
    assert "USB 2.0 hub does NOT help" in text
    assert "PCIe or ExpressCard USB 2.0 card" in text


def test_xhci_port_on_a_machine_that_also_has_ehci_points_to_other_ports():
    pcis = [*ICH9, pci("0000:00:14.0", "0c0330", "xhci_hcd")]
    result, facts = machine("6.1", pcis, [usb(US144MKII, "0000:00:14.0", "1-1")])
    plan = plan_usb(result, facts)
    assert not plan.can_unbind
    assert "try the other USB ports" in plan.impossible_reason
    assert "0000:00:1a.7" in plan.impossible_reason


def test_ehci_without_companion_is_impossible():
    pcis = [pci("0000:00:1d.0", "0c0320", "ehci-pci")]  # Intel 6-series: rate-matching hub
    result, facts = machine("6.1", pcis, [usb(US144MKII, "0000:00:1d.0", "2-1.1")])
    plan = plan_usb(result, facts)
    assert not plan.can_unbind
    assert "no USB 1.1 companion" in plan.impossible_reason


def test_us144_plan_mentions_blacklisting_the_old_driver():
    result, facts = machine("6.1", XHCI_ONLY, [usb(US144, "0000:00:14.0", "1-1")])
    assert "blacklist" in plan_usb(result, facts).alternatives[0]


def test_other_devices_on_the_controller_are_listed_with_warnings():
    devices = [
        usb("1d6b:0002", "0000:00:1a.7", "usb1", name="EHCI Host Controller", drivers=["hub"]),
        usb(US144MKII, "0000:00:1a.7", "1-1"),
        usb("0781:5567", "0000:00:1a.7", "1-2", name="Cruzer Blade", drivers=["usb-storage"]),
        usb("046d:c077", "0000:00:1a.7", "1-3", name="M105 Mouse", drivers=["usbhid"]),
        usb("05e3:0610", "0000:00:1a.7", "1-4", name="USB2.0 Hub", drivers=["hub"]),
        usb("04f2:b071", "0000:00:1a.7", "1-5", name="CNF7129", drivers=["uvcvideo"]),
        usb("1234:5678", "0000:00:1a.7", "1-6", name="Odd disk", drivers=[]),
        usb("8087:0024", "0000:00:1d.7", "2-1", name="other bus", drivers=["hub"]),
    ]
    result, facts = machine("6.1", ICH9, devices)
    plan = plan_usb(result, facts, interface_classes={"1-6": {"08"}})
    kinds = {a.port_path: a.affect for a in plan.affected_devices}
    assert kinds == {
        "1-2": Affect.DISK,
        "1-3": Affect.INPUT,
        "1-4": Affect.HUB,
        "1-5": Affect.OTHER,
        "1-6": Affect.DISK,  # known from its interface class although no driver is bound
    }
    assert "unmount (eject) it first" in plan.explanation[-1]
    assert "mouse/keyboard M105 Mouse" in plan.explanation[-1]


def test_unknown_usb_devices_cannot_be_planned():
    result, facts = machine("6.1", ICH9, None)
    plan = plan_usb(result, facts)
    assert not plan.needed
    assert "not known" in plan.explanation[0]


def test_no_tascam_plugged_in():
    result, facts = machine("6.1", ICH9, [usb("046d:c077", "0000:00:1a.7", "1-3")])
    plan = plan_usb(result, facts)
    assert not plan.needed
    assert "No Tascam US-144" in plan.explanation[0]

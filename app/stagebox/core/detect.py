"""Turn machine facts into a :class:`~stagebox.core.model.DetectionResult`.

The same classifier runs on a live machine (:func:`detect_live`), on a pasted report
(:func:`detect_capture`) and on any :class:`MachineFacts` (:func:`detect_facts`). What a
device *is* and what it needs comes from the knowledge base (``resources/devices.toml``);
the words of every finding come from ``resources/findings.toml``. This module only decides
which facts apply: it never guesses (``None`` stays "unknown").
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from stagebox.core.facts import (
    CardFacts,
    Direction,
    HostControllerType,
    MachineFacts,
    PciDeviceFacts,
    UsbDeviceFacts,
)
from stagebox.core.knowledge import Family, KnowledgeBase, Match, PciDriver, load_knowledge
from stagebox.core.model import (
    KIND_WORDS,
    USB_SPEED_TEXT,
    Access,
    AlsaState,
    Card,
    DetectionResult,
    Finding,
    Kind,
    UsbAudioWithoutCard,
)
from stagebox.core.naming import pcm_name_for_model
from stagebox.core.ranking import jack_order, recommend
from stagebox.core.sysroot import SystemRoot

#: USB vendor of root hubs ("Linux Foundation"): never a device of interest
ROOT_HUB_VENDOR = "1d6b"
UNREADABLE_PREFIX = "cannot read "  # as written by live.py
_USB_DEVICE_IN_NAME = re.compile(r"USB Device 0x([0-9a-f]{1,4}):0x([0-9a-f]{1,4})", re.I)


class _Fields(dict[str, object]):
    """Template fields; a field the input cannot tell reads 'unknown', never a KeyError."""

    def __missing__(self, key: str) -> str:
        return "unknown"


@dataclass
class _Context:
    facts: MachineFacts
    kb: KnowledgeBase
    findings: list[Finding] = field(default_factory=list)
    linked_usb: set[int] = field(default_factory=set)  # id() of usb devices that have a card
    #: the input's PCI devices that a known sound driver drives (see _pci_cards)
    pci_cards: list[_PciCard] | None = None

    def add(
        self, name: str, card: int | None = None, usb_id: str | None = None, **fields: Any
    ) -> None:
        """Add the finding whose text findings.toml calls ``name``."""
        text = self.kb.finding(name)
        code = text.code
        about = usb_id if card is None else None
        if any(f.code == code and f.card == card and f.usb_id == about for f in self.findings):
            return
        values = _Fields({k: v for k, v in fields.items() if v is not None})
        values.setdefault("card", card)
        values.setdefault("usb_id", usb_id)
        self.findings.append(
            Finding(
                code=code,
                severity=text.severity,
                card=card,
                message=text.message.format_map(values),
                fix=text.fix.format_map(values) if text.fix else None,
                usb_id=about,
            )
        )


# -- facts about one card --------------------------------------------------------------------


def _on_usb(card: CardFacts) -> bool:
    module = card.module or ""
    return bool(
        card.usb_id
        or card.usb_bus_path
        or card.usb_busdev
        or card.usb_port_path
        or module.startswith("snd_usb")
        or module in ("snd_ua101", "snd_usb_us122l", "snd_usb_usx2y")
        or (card.driver or "") in ("USB-Audio", "USB US-122L", "us144mkii")
        or " at usb-" in (card.longname or "")
        # snd-usb-audio names its PCM "USB Audio"
        or any(p.name == "USB Audio" for p in card.pcms or [])
    )


def _usb_id_from_names(card: CardFacts) -> str | None:
    """``USB Device 0x46d:0x804`` (snd-usb-audio's name for a device without strings)."""
    for text in (card.longname, card.name):
        found = _USB_DEVICE_IN_NAME.search(text or "")
        if found:
            return f"{int(found.group(1), 16):04x}:{int(found.group(2), 16):04x}"
    return None


def _linked_device(card: CardFacts, usb_devices: list[UsbDeviceFacts]) -> UsbDeviceFacts | None:
    """The USB device behind a card, by bus/device number, port path or a unique USB id."""
    for device in usb_devices:
        if (
            card.usb_busdev
            and device.bus is not None
            and device.device is not None
            and card.usb_busdev == f"{device.bus:03d}/{device.device:03d}"
        ):
            return device
        if card.usb_port_path and card.usb_port_path == device.port_path:
            return device
    if card.usb_id:
        same = [d for d in usb_devices if d.usb_id == card.usb_id]
        return same[0] if len(same) == 1 else None
    # a paste without ids: the card's short name as a word of exactly one lsusb name
    # ("H4" in "ZOOM Corporation H4 Digital Recorder")
    if card.name and len(card.name) >= 2:
        word = re.compile(r"(?<![\w-])" + re.escape(card.name) + r"(?![\w-])")
        named = [d for d in usb_devices if d.name and word.search(d.name)]
        return named[0] if len(named) == 1 else None
    return None


def _device_of_family(
    ctx: _Context, family: Family, usb_devices: list[UsbDeviceFacts]
) -> UsbDeviceFacts | None:
    """A paste that lists a card without its USB id and lsusb without card numbers: the one
    USB device whose id the card's family knows is that card's device."""
    known = set(family.models)
    candidates = [d for d in usb_devices if d.usb_id in known and id(d) not in ctx.linked_usb]
    return candidates[0] if len(candidates) == 1 else None


def _names(card: CardFacts, device: UsbDeviceFacts | None) -> list[str]:
    return [n for n in (card.name, card.longname, device.name if device else None) if n]


def _matches(
    match: Match,
    card: CardFacts,
    device: UsbDeviceFacts | None,
    on_usb: bool,
    others: tuple[CardFacts, ...] = (),
    capture_unlisted: bool = True,
) -> bool:
    usb_id = card.usb_id
    vendor = usb_id.split(":")[0] if usb_id else None
    pcms = card.pcms
    checks = [
        not match.usb_ids or usb_id in match.usb_ids,
        not match.usb_vendors or vendor in match.usb_vendors,
        not match.modules or card.module in match.modules,
        not match.drivers or card.driver in match.drivers,
        not match.card_ids or card.id in match.card_ids,
        match.on_usb is None or match.on_usb == on_usb,
        match.pcms_known is None or match.pcms_known == (pcms is not None),
        match.has_pcm is None or (pcms is not None and bool(pcms) == match.has_pcm),
        match.has_midi is None or card.has_midi == match.has_midi,
    ]
    if not all(checks):
        return False
    if match.name_regex and not any(re.search(match.name_regex, n) for n in _names(card, device)):
        return False
    chips = card.chip_names
    if match.chips_known is not None and match.chips_known != bool(chips):
        return False
    if match.chip_regex and not (chips and all(re.search(match.chip_regex, n) for n in chips)):
        return False
    if match.beside_regex and not any(
        re.search(match.beside_regex, o.name or "") for o in others if o.index != card.index
    ):
        return False
    if match.pcm_names_regex:
        names = [p.name or "" for p in pcms or []]
        if not names or not all(re.search(match.pcm_names_regex, n) for n in names):
            return False
    if match.capture_only is not None:
        if not pcms:
            return False
        capture_only = not any(p.playback for p in pcms) and any(p.capture for p in pcms)
        if capture_only != match.capture_only:
            return False
    if match.playback_only is not None:
        # "no capture" needs a whole capture listing (arecord -l, /proc/asound/devices)
        if not pcms or capture_unlisted:
            return False
        playback_only = any(p.playback for p in pcms) and not any(p.capture for p in pcms)
        if playback_only != match.playback_only:
            return False
    return True


def family_for_card(
    kb: KnowledgeBase,
    card: CardFacts,
    device: UsbDeviceFacts | None = None,
    others: tuple[CardFacts, ...] = (),
    capture_unlisted: bool = True,
) -> Family | None:
    """The first family (in knowledge-base order) whose ids or match rules fit the card;
    ``others`` are the machine's other cards (for ``beside_regex``); ``capture_unlisted``:
    the input has no whole capture listing, so a card without capture PCMs may record."""
    on_usb = _on_usb(card)
    for family in kb.families:
        if card.usb_id and card.usb_id in family.models:
            return family
        if any(_matches(m, card, device, on_usb, others, capture_unlisted) for m in family.matches):
            return family
    return None


def _model(kb: KnowledgeBase, family: Family | None, card: CardFacts) -> str | None:
    if card.usb_id:
        for candidate in [family, *kb.families]:
            if candidate and card.usb_id in candidate.models:
                return candidate.models[card.usb_id]
    if family is not None and not family.model_from_name:
        return None
    longname = card.longname or ""
    if " at usb-" in longname:  # snd-usb-audio: "<manufacturer> <product> at usb-..."
        # TI pads its strings: "Burr-Brown from TI               USB Audio CODEC  at usb-"
        return " ".join(longname.split(" at usb-")[0].split()) or card.name
    return card.name


def _firmware_missing(family: Family | None, card: CardFacts) -> bool:
    pattern = family.firmware.missing_when_longname if family and family.firmware else None
    return bool(pattern and card.longname and re.search(pattern, card.longname))


def _directions(
    card: CardFacts, access: Access, unlisted: set[str]
) -> tuple[bool | None, bool | None]:
    if access is Access.USB_STREAM:
        return True, True  # the usb_stream PCM is always duplex
    if card.pcms is not None:
        playback = any(p.playback for p in card.pcms)
        capture = any(p.capture for p in card.pcms)
        return (
            None if not playback and "playback" in unlisted else playback,
            None if not capture and "capture" in unlisted else capture,
        )
    if card.streams:
        directions = {s.direction.value for s in card.streams}
        return "playback" in directions, "capture" in directions
    return None, None


def _classify(ctx: _Context, card: CardFacts, taken: set[str]) -> Card:
    usb_devices = [d for d in ctx.facts.usb_devices or [] if d.usb_id[:4] != ROOT_HUB_VENDOR]
    card = replace(
        card,
        usb_id=card.usb_id or _usb_id_from_names(card),
        # no module list: the driver field names its module where one module alone sets it
        module=card.module or ctx.kb.module_of_card_driver(card.driver),
    )
    device = _linked_device(card, usb_devices) if _on_usb(card) else None
    if device is not None:
        ctx.linked_usb.add(id(device))
        card = replace(card, usb_id=card.usb_id or device.usb_id)
    others = tuple(ctx.facts.cards)
    unlisted = "capture" in ctx.facts.unlisted_pcm_directions
    family = family_for_card(ctx.kb, card, device, others, unlisted)
    # a family with USB models is a USB family, even when the paste shows no USB facts
    if device is None and card.usb_id is None and family and (family.models or _on_usb(card)):
        device = _device_of_family(ctx, family, usb_devices)
        if device is not None:
            ctx.linked_usb.add(id(device))
            card = replace(card, usb_id=device.usb_id)
            family = family_for_card(ctx.kb, card, device, others, unlisted)
    kind = family.kind if family else Kind.OTHER
    access = family.access if family else Access.HW
    if _firmware_missing(family, card) or (access is Access.HW and card.pcms == []):
        access = Access.NONE
    model = _model(ctx.kb, family, card)
    jack_device = None
    if access is Access.HW:
        jack_device = f"hw:{card.id}"
    elif access is Access.USB_STREAM:
        jack_device = pcm_name_for_model(model, card.id, taken)
        taken.add(jack_device)
    playback, capture = _directions(card, access, set(ctx.facts.unlisted_pcm_directions))
    return Card(
        index=card.index,
        id=card.id,
        driver=card.driver,
        name=card.name,
        longname=card.longname,
        module=card.module,
        usb_id=card.usb_id,
        model=model,
        kind=kind,
        access=access,
        playback=playback,
        capture=capture,
        jack_device=jack_device,
        family=family.key if family else None,
        usb_speed=card.usb_speed or (device.speed if device else None),
        controller=card.controller or (device.controller if device else None),
        usb_port_path=card.usb_port_path or (device.port_path if device else None),
        serial=card.serial or (device.serial if device else None),
        description=family.description if family else None,
        kind_alternatives=list(family.kind_alternatives) if family else [],
        capture_channels=_channels(card, Direction.CAPTURE),
        playback_channels=_channels(card, Direction.PLAYBACK),
        pci_slot=None
        if device is not None or _on_usb(card)
        else card.pci_slot or _pci_slot(ctx, card, family),
    )


# -- PCI sound cards -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _PciCard:
    device: PciDeviceFacts
    driver: PciDriver
    family: Family

    @property
    def name(self) -> str:
        """What lspci calls it: the board's name where the subsystem gives one, and the chip."""
        chip = re.sub(
            r"\s*\(rev [^)]*\)\s*$", "", (self.device.description or "").split(": ", 1)[-1]
        )
        board = self.device.subsystem
        if board and re.fullmatch(r"[0-9a-fA-F]{4}:[0-9a-fA-F]{4}", board):
            board = None
        if board and chip:  # "VIA Technologies Inc. M-Audio Delta ..." under a VIA chip
            board_words, chip_words = board.split(), chip.split()
            same = 0
            while same < min(len(board_words), len(chip_words)) - 1 and (
                board_words[same] == chip_words[same]
            ):
                same += 1
            board = " ".join(board_words[same:])
        ids = self.device.vendor_device
        words = ", ".join(p for p in (chip or None, f"PCI id {ids}" if ids else None) if p)
        if board:
            return f"{board} ({words})" if words else board
        return words or f"PCI device {self.device.slot}"


def _pci_cards(ctx: _Context) -> list[_PciCard]:
    """The PCI devices of the input that a known sound driver drives (lspci, alsa-info);
    worked out once per detection (every card and two findings ask)."""
    if ctx.pci_cards is None:
        ctx.pci_cards = _find_pci_cards(ctx)
    return ctx.pci_cards


def _find_pci_cards(ctx: _Context) -> list[_PciCard]:
    found = []
    for device in ctx.facts.pci_devices or []:
        texts = [t for t in (device.description, device.subsystem) if t]
        driver = ctx.kb.pci_driver(device.vendor_device, texts, device.driver)
        family = ctx.kb.family_of_module(driver.module) if driver else None
        if driver is not None and family is not None:
            found.append(_PciCard(device, driver, family))
    return found


def _drives(card: CardFacts | Card, family_key: str | None, pci: _PciCard) -> bool:
    """The card is the one the PCI device's driver set up (by module, else by family)."""
    if card.module:
        return card.module == pci.driver.module
    return family_key is not None and family_key == pci.family.key


def _pci_slot(ctx: _Context, card: CardFacts, family: Family | None) -> str | None:
    key = family.key if family else None
    devices = [p for p in _pci_cards(ctx) if _drives(card, key, p)]
    if len(devices) != 1:
        return None
    rivals = [
        c
        for c in ctx.facts.cards
        if not _on_usb(c)
        and _drives(c, (family_for_card(ctx.kb, c) or family or devices[0].family).key, devices[0])
    ]
    return devices[0].device.slot if len(rivals) == 1 else None


def _channels(card: CardFacts, direction: Direction) -> int | None:
    counts = [n for s in card.streams if s.direction is direction for n in s.channels]
    return max(counts) if counts else None


# -- findings about one card -------------------------------------------------------------------


def _card_findings(ctx: _Context, facts: CardFacts, card: Card) -> None:
    family = ctx.kb.family(card.family)
    fields: dict[str, Any] = {
        "card_id": card.id,
        "model": card.model or card.name or card.id,
        "usb_id": card.usb_id,
        "pcm": card.jack_device,
        "jack_device": card.jack_device,
        "speed": card.usb_speed,
        "controller": card.controller,
        "kernel": ctx.facts.kernel,
        "module": card.module,
    }
    if family is not None:
        for code in family.findings:
            ctx.add(code, card.index, **fields)
        if family.xhci_findings and card.controller:
            kind, _ = _controller_type(ctx.facts, card.controller)
            for code in family.xhci_findings if kind is HostControllerType.XHCI else []:
                ctx.add(code, card.index, **fields)
        if family.mixer_tool and card.kind is Kind.INTERFACE:
            ctx.add("mixer_tool", card.index, tool=family.mixer_tool, **fields)
        if _firmware_missing(family, facts) and family.firmware:
            ctx.add("firmware_required", card.index, **family.firmware.finding_fields(), **fields)
        _speed_findings(ctx, family, card, fields)
    if family and family.access is Access.HW and card.kind is Kind.INTERFACE and facts.pcms == []:
        ctx.add("card_without_pcm", card.index, **fields)
    if any(s.implicit_feedback for s in facts.streams):
        ctx.add("implicit_feedback", card.index, **fields)
    if not facts.owners and card.kind is Kind.INTERFACE:
        busy = [p for p in facts.pcms or [] if p.subdevices and p.subdevices_available == 0]
        if busy:
            ctx.add("pcm_in_use", card.index, pcm_path=busy[0].device, **fields)
    for owner in facts.owners:
        ctx.add(
            "device_busy",
            card.index,
            process=owner.process or f"process {owner.pid}",
            pid=owner.pid,
            pcm_path=owner.pcm,
            **fields,
        )


def _speed_findings(ctx: _Context, family: Family, card: Card, fields: dict[str, Any]) -> None:
    limits = family.jack
    if limits and limits.full_speed_period_factor > 1 and card.usb_speed == "full":
        base = limits.min_period.get(44100)
        if base:
            min_period = base * limits.full_speed_period_factor
            ctx.add("full_speed_limits", card.index, min_period=min_period, **fields)
    _native_driver_hint(ctx, family, card.usb_id, card.index, card.model, card.module)


def _native_driver_hint(
    ctx: _Context,
    family: Family,
    usb_id: str | None,
    card: int | None,
    model: str | None,
    module: str | None,
) -> None:
    """newer_driver_available when the kernel is known to be older than the native driver."""
    native = family.has_native_driver(usb_id, ctx.facts.kernel)
    if (
        native is False
        and family.native_driver_kernel
        and usb_id in family.native_driver_ids
        and module != family.native_driver_module
    ):
        ctx.add(
            "newer_driver_available",
            card,
            usb_id=usb_id,
            model=model,
            kernel=ctx.facts.kernel,
            native_kernel=family.native_driver_kernel,
            native_module=_dashed(family.native_driver_module),
        )


def _dashed(module: str | None) -> str | None:
    return module.replace("_", "-") if module else None


# -- USB devices without a card ----------------------------------------------------------------


def _controller_type(
    facts: MachineFacts, slot: str | None
) -> tuple[HostControllerType | None, str | None]:
    """The type of a host controller and the driver bound to it (for the unbind path)."""
    if slot is None:
        return None, None
    for pci in facts.pci_devices or []:
        if pci.slot == slot:
            return pci.controller_type, pci.driver
    for driver, slots in (facts.hcd_bindings or {}).items():
        if slot in slots:
            return _hcd_type(driver), driver
    return None, None


def _hcd_type(driver: str) -> HostControllerType | None:
    """``ehci-pci``, ``ehci_hcd`` -> EHCI; ``xhci_hcd`` -> xHCI (the driver names its kind)."""
    return next((t for t in HostControllerType if driver.startswith(t.value)), None)


def _has_card(ctx: _Context, device: UsbDeviceFacts, family: Family, cards: list[Card]) -> bool:
    if id(device) in ctx.linked_usb:
        return True
    # a paste may not say which card is which device: a card of the same family without a
    # USB id, or with this id, stands for it
    return any(c.family == family.key and c.usb_id in (None, device.usb_id) for c in cards)


#: What a probe's errno says, in plain words (the kernel's include/uapi/asm-generic/errno*.h)
_PROBE_ERRORS = {
    2: "a file it needs, often firmware, is missing",
    5: "a transfer to the device failed",
    12: "the kernel had no memory for it",
    16: "the device or something it needs is in use",
    22: "the driver or the device refused a value it was given",
    32: "the device refused a USB request",
    71: "a USB transfer to the device failed",
    110: "the device did not answer in time",
}


def _probe_error(error: int) -> str:
    """``-22`` -> ``error -22, EINVAL (Invalid argument): the driver or ... given``."""
    number = abs(error)
    name = errno.errorcode.get(number)
    words = f"error {error}" + (f", {name} ({os.strerror(number)})" if name else "")
    plain = _PROBE_ERRORS.get(number)
    return f"{words}: {plain}" if plain else words


def _probe_failures(ctx: _Context, cards: list[Card]) -> tuple[list[UsbAudioWithoutCard], set[str]]:
    """A known interface whose driver the kernel log shows failing to set it up ("probe of
    1-6:1.1 failed with error -22"): the device is there, its driver made no card. Returns
    the devices without card it explains and the USB port paths it told about."""
    missing: list[UsbAudioWithoutCard] = []
    told: set[str] = set()
    for failure in ctx.facts.probe_failures:
        if -failure.error in (errno.ENODEV, errno.ENXIO):
            continue  # the driver declined the device (US-144 at high speed): told elsewhere
        port = failure.usb_port_path
        device = next(
            (d for d in ctx.facts.usb_devices or [] if port and d.port_path == port), None
        )
        family = ctx.kb.match_usb(device.usb_id) if device else None
        module = failure.driver.replace("-", "_")
        family = family or ctx.kb.family_of_module(module)
        if family is None or family.kind is not Kind.INTERFACE:
            continue
        usb_id = device.usb_id if device else None
        if any(c.family == family.key and c.usb_id in (None, usb_id) for c in cards):
            continue  # a card of it is shown: a later probe made it
        model = family.models.get(usb_id or "") or (device.name if device else None)
        where = f" (USB {usb_id})" if usb_id else ""
        if port:
            where += f" at USB port {port}"
        detail = f"; before that it says '{failure.detail}'" if failure.detail else ""
        ctx.add(
            "driver_not_bound_probe",
            None,
            usb_id=usb_id,
            model=model or f"{family.title.split(' (')[0]} (the log does not show which model)",
            where=where,
            dashed=failure.driver,
            logged_line=failure.line
            or f"{failure.driver}: probe of {failure.device} failed with error {failure.error}",
            error=_probe_error(failure.error),
            detail=detail,
        )
        if port:
            told.add(port)
        if device is not None:
            reason = (
                f"its driver {failure.driver} failed to set it up ({_probe_error(failure.error)})"
            )
            missing.append(_without(device, family, model, reason))
    return missing, told


def _usb_without_card(ctx: _Context, cards: list[Card]) -> list[UsbAudioWithoutCard]:
    missing, told = _probe_failures(ctx, cards)
    # a paste with lsusb but no card list says nothing about which devices have a card
    cards_known = ctx.facts.alsa_loaded is not None or bool(cards)
    for device in ctx.facts.usb_devices or []:
        family = ctx.kb.match_usb(device.usb_id)
        if family is None or device.usb_id[:4] == ROOT_HUB_VENDOR:
            continue
        if device.port_path in told:
            continue  # its failed probe is the reason already
        if "usb-storage" in device.drivers and device.usb_id.startswith("1235:"):
            ctx.add("scarlett_msd_mode", None, usb_id=device.usb_id)
        if family.kind is Kind.OTHER:
            for code in family.findings:
                ctx.add(code, None, usb_id=device.usb_id, model=family.models.get(device.usb_id))
            continue
        if family.kind is not Kind.INTERFACE:
            continue
        if not cards_known:
            _card_not_shown(ctx, family, device)
            continue
        if _has_card(ctx, device, family, cards):
            continue
        entry = _explain_missing(ctx, family, device)
        if entry is not None:
            missing.append(entry)
    return missing


def _card_not_shown(ctx: _Context, family: Family, device: UsbDeviceFacts) -> None:
    """A known interface in a paste without card list (a kernel log, lsusb alone)."""
    model = family.models.get(device.usb_id)
    if model is None:
        return  # a vendor-wide rule only: we cannot tell it is an audio device
    parts = [USB_SPEED_TEXT[device.speed]] if device.speed in USB_SPEED_TEXT else []
    if device.hcd or device.controller:
        parts.append(f"on {device.controller or device.hcd}")
    where = f" ({', '.join(parts)})" if parts else ""
    ctx.add("interface_card_not_shown", None, usb_id=device.usb_id, model=model, where=where)


def _explain_missing(
    ctx: _Context, family: Family, device: UsbDeviceFacts
) -> UsbAudioWithoutCard | None:
    usb_id = device.usb_id
    firmware = family.firmware
    model = family.models.get(usb_id)
    if firmware and usb_id in firmware.cold_ids:
        warm = firmware.cold_ids[usb_id]
        model = family.models.get(warm)
        ctx.add("firmware_required", None, usb_id=usb_id, model=model, **firmware.finding_fields())
        reason = f"firmware not loaded yet (the id changes to {warm} after the upload)"
        return _without(device, family, model, reason)
    if usb_id not in family.models:
        return None  # a vendor-wide rule only: we cannot tell it is an audio device
    model = model or device.name
    fields = {"usb_id": usb_id, "model": model, "kernel": ctx.facts.kernel}
    refused = family.refused_at_high_speed(usb_id, ctx.facts.kernel)
    native = family.has_native_driver(usb_id, ctx.facts.kernel)
    bus = _bus_of(ctx.facts, device) if device.speed is None else None
    if refused is not False and (device.speed == "high" or bus) and native is not True:
        controller_type, driver = _controller_type(ctx.facts, device.controller)
        if controller_type is None and device.hcd:  # only the kernel log's "using xhci_hcd"
            controller_type, driver = _hcd_type(device.hcd), device.hcd
        if bus is not None:
            _speed_inferred(ctx, bus, controller_type, fields)
        if controller_type is HostControllerType.XHCI:
            controller = device.controller or "its PCI address is not known"
            ctx.add("xhci_only", None, controller=controller, **fields)
            reason = "refused at USB high speed, and its port is on a USB 3 (xHCI) controller"
        else:
            controller = device.controller or "<PCI address of the EHCI controller, see lspci>"
            hcd = driver if driver and driver.startswith("ehci") else "ehci-pci"
            ctx.add("ehci_unbind_required", None, controller=controller, hcd_driver=hcd, **fields)
            reason = (
                "refused at USB high speed by snd-usb-us122l ('disable ehci-hcd to run US-144')"
            )
        if refused is None:
            reason += f" (before Linux {family.full_speed_until_kernel.get(usb_id)}; the kernel is unknown)"
            ctx.add(
                "native_driver_if_newer",
                None,
                native_kernel=family.native_driver_kernel,
                native_module=_dashed(family.native_driver_module),
                **fields,
            )
        if bus is not None:
            reason = (
                f"most likely {reason}: its own speed is not shown, but its bus "
                f"{bus.number:03d} is a USB 2.0 bus"
            )
        _native_driver_hint(ctx, family, usb_id, None, model, None)
        return _without(device, family, model, reason)
    if native is True:
        ctx.add(
            "native_driver_not_loaded",
            None,
            native_module=_dashed(family.native_driver_module),
            **fields,
        )
        return _without(device, family, model, "its driver did not create a sound card")
    module = next((m for match in family.matches for m in sorted(match.modules)), None)
    ctx.add("driver_not_bound", None, module=_dashed(module) or "snd-usb-audio", **fields)
    reason = "no sound driver created a card for it"
    if refused is not False and device.speed is None:
        reason += " (its speed is unknown: at USB high speed snd-usb-us122l refuses it)"
    return _without(device, family, model, reason)


@dataclass
class _Bus:
    """What the USB listing shows of the bus a device is on (lsusb's root hub lines)."""

    number: int
    companions: list[int]  # buses with a USB 1.1 root hub (UHCI/OHCI)
    usb3: list[int]  # buses with a USB 3 root hub (xHCI)


def _bus_of(facts: MachineFacts, device: UsbDeviceFacts) -> _Bus | None:
    """The device's bus when its root hub is USB 2.0 ("1d6b:0002 Linux Foundation 2.0 root
    hub", or lsusb -t's 480M root line): a USB 2.0 device runs at high speed there, on EHCI
    (full-speed devices on its root ports go to the companions) as on xHCI."""
    hubs = {
        d.bus: d
        for d in facts.usb_devices or []
        if d.usb_id.startswith(ROOT_HUB_VENDOR + ":") and d.bus is not None
    }
    hub = hubs.get(device.bus) if device.bus is not None else None
    if hub is None or device is hub:
        return None
    if _ROOT_HUB_SPEED.get(hub.usb_id[5:]) != "high" and hub.speed != "high":
        return None
    speeds = {n: _ROOT_HUB_SPEED.get(h.usb_id[5:], h.speed) for n, h in hubs.items()}
    return _Bus(
        hub.bus or 0,
        sorted(n for n, s in speeds.items() if s == "full"),
        sorted(n for n, s in speeds.items() if s == "super"),
    )


#: product id of a Linux root hub -> the speed of its bus
_ROOT_HUB_SPEED = {"0001": "full", "0002": "high", "0003": "super"}


def _speed_inferred(
    ctx: _Context,
    bus: _Bus,
    controller_type: HostControllerType | None,
    fields: dict[str, Any],
) -> None:
    """Say that the high-speed refusal is inferred from the bus, and what would change it."""
    if controller_type is HostControllerType.EHCI:
        evidence = "its host controller is EHCI"
    elif controller_type is HostControllerType.XHCI:
        evidence = "its host controller is xHCI"
    elif bus.companions and not bus.usb3:
        evidence = (
            f"the USB 1.1 buses {_numbers(bus.companions)} are the companions of an EHCI "
            "controller and the listing shows no USB 3 bus, so it is most likely EHCI"
        )
    elif bus.usb3:
        evidence = (
            f"the listing also shows USB 3 buses ({_numbers(bus.usb3)}), so it may be the "
            "USB 2.0 side of an xHCI controller instead of EHCI"
        )
    else:
        evidence = "the listing shows no other bus, so its controller type is not known"
    ctx.add("usb_speed_inferred", None, bus=f"{bus.number:03d}", evidence=evidence, **fields)


def _numbers(buses: list[int]) -> str:
    return ", ".join(f"{n:03d}" for n in buses)


def _without(
    device: UsbDeviceFacts, family: Family, model: str | None, reason: str
) -> UsbAudioWithoutCard:
    return UsbAudioWithoutCard(
        usb_id=device.usb_id,
        model=model,
        reason=reason,
        family=family.key,
        speed=device.speed,
        controller=device.controller,
        port_path=device.port_path,
    )


# -- JACK logs -----------------------------------------------------------------------------

_LOGGED_DEVICE = re.compile(r"(?:\s|^)(?:-d|--device[= ]?)\s*((?:hw|plughw|usb_stream):[\w,=]+)")


def _min_period(family: Family | None, speed: str | None) -> int | None:
    limits = family.jack if family else None
    base = limits.min_period.get(44100) if limits else None
    if limits is None or base is None:
        return None
    slow = speed in ("full", "low")
    return base * (limits.full_speed_period_factor if slow else 1)


def _logged_card(cards: list[Card], device: str) -> Card | None:
    ref = device.split(":", 1)[1].split(",")[0].removeprefix("CARD=")
    if ref.isdecimal():
        return next((c for c in cards if c.index == int(ref)), None)
    return next((c for c in cards if c.id == ref), None)


def _jack_log_findings(ctx: _Context, cards: list[Card]) -> None:
    """Explain a JACK log that came with the paste: what failed and what to run instead."""
    lines: list[str] = []
    for raw in ctx.facts.jack_log:
        line = raw.strip()
        if line.startswith(":") and lines:  # jackd prints perror() text on its own line
            lines[-1] = lines[-1].rstrip() + line
        elif line:
            lines.append(line)
    usable = [c for c in jack_order(ctx.kb, cards) if c.kind is Kind.INTERFACE]
    if not lines or not usable:
        return
    target = next((c for c in usable if c.access is Access.USB_STREAM), usable[0])
    fields: dict[str, Any] = {
        "model": target.model or target.name or target.id,
        "pcm": target.jack_device,
        "min_period": _min_period(ctx.kb.family(target.family), target.usb_speed),
    }
    for text in ctx.kb.finding_texts.values():
        if text.jack_log_regex:
            matched = next((x for x in lines if re.search(text.jack_log_regex, x)), None)
            if matched is not None:
                ctx.add(text.code, target.index, logged_line=matched[:120], **fields)
    logged = [m.group(1) for x in lines for m in _LOGGED_DEVICE.finditer(x)]
    for device in dict.fromkeys(logged):
        card = _logged_card(cards, device)
        if card is not None and card.index != target.index:
            ctx.add(
                "jack_wrong_card",
                target.index,
                logged_device=device,
                logged_card=card.index,
                logged_card_id=card.id,
                logged_kind=card.description or KIND_WORDS[card.kind],
                **fields,
            )


# -- machine-wide findings ---------------------------------------------------------------------


def _machine_findings(ctx: _Context, cards: list[Card], missing: list[UsbAudioWithoutCard]) -> None:
    facts = ctx.facts
    unreadable = [
        n[len(UNREADABLE_PREFIX) :] for n in facts.notes if n.startswith(UNREADABLE_PREFIX)
    ]
    if unreadable:
        ctx.add("proc_unreadable", None, files=", ".join(unreadable))
    if facts.alsa_loaded is False:
        ctx.add("alsa_not_loaded")
        return
    interfaces = [c for c in cards if c.kind is Kind.INTERFACE]
    if cards or facts.alsa_loaded:
        _pci_without_card(ctx, cards)  # the specific reason first
    if not cards and facts.alsa_loaded:
        _drivers_without_card(ctx)
        ctx.add("no_sound_card")
    elif not interfaces and not missing and cards:
        present = ", ".join(
            f"card {c.index} {c.id} ({c.description or KIND_WORDS[c.kind]})" for c in cards
        )
        ctx.add("no_external_interface", families=present)
    best = recommend(ctx.kb, cards)
    if best is not None:
        for card in cards:
            if card.kind is Kind.HDMI:
                ctx.add(
                    "wrong_device_hint",
                    card.index,
                    card_id=card.id,
                    interface=best.jack_device,
                    interface_card=best.card,
                )


def _drivers_without_card(ctx: _Context) -> None:
    """No card, yet the driver of a known interface family is loaded (lsmod, alsa-info's
    "All Loaded Modules"): it did not set up the hardware it drives. A PCI card of that
    driver that lspci shows was already told (driver_not_bound)."""
    shown = {p.driver.module for p in _pci_cards(ctx)}
    for module in ctx.facts.modules or []:
        family = ctx.kb.family_of_module(module)
        if family is not None and family.kind is Kind.INTERFACE and module not in shown:
            ctx.add("driver_loaded_without_card", **_driver_fields(module, family))


def _driver_fields(module: str, family: Family) -> dict[str, Any]:
    return {
        "module": module,
        "family_title": family.title,
        "dashed": _dashed(module),
        "grep": module.removeprefix("snd_"),
    }


def _pci_without_card(ctx: _Context, cards: list[Card]) -> None:
    """A PCI recording card that lspci shows, whose driver made no card of the card list."""
    pci = [p for p in _pci_cards(ctx) if p.family.kind is Kind.INTERFACE]
    for item in pci:
        if any(_drives(c, c.family, item) for c in cards if c.usb_id is None):
            continue
        fields = _driver_fields(item.driver.module, item.family)
        fields.update(model=item.name, slot=item.device.slot)
        if ctx.facts.modules is not None and item.driver.module in ctx.facts.modules:
            ctx.add("driver_not_bound_pci_loaded", **fields)
            continue
        not_loaded = ctx.facts.modules is not None
        ctx.add(
            "driver_not_bound_pci", **fields, why=": the module is not loaded" if not_loaded else ""
        )


# -- entry points ------------------------------------------------------------------------------


def detect_facts(facts: MachineFacts, kb: KnowledgeBase | None = None) -> DetectionResult:
    """Classify every card, find known interfaces without a card, and say what is wrong."""
    ctx = _Context(facts, kb or load_knowledge())
    taken: set[str] = set()
    pairs = [(c, _classify(ctx, c, taken)) for c in sorted(facts.cards, key=lambda c: c.index)]
    cards = [card for _, card in pairs]
    for card_facts, card in pairs:
        _card_findings(ctx, card_facts, card)
    missing = _usb_without_card(ctx, cards)
    _jack_log_findings(ctx, cards)
    _machine_findings(ctx, cards, missing)
    alsa = {True: AlsaState.LOADED, False: AlsaState.NOT_LOADED, None: AlsaState.UNKNOWN}[
        facts.alsa_loaded
    ]
    if alsa is AlsaState.UNKNOWN and cards:
        alsa = AlsaState.LOADED
    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(
        ctx.findings,
        key=lambda f: (order[f.severity.value], -1 if f.card is None else f.card),
    )
    return DetectionResult(
        alsa=alsa,
        kernel=facts.kernel,
        cards=cards,
        usb_audio_without_card=missing,
        findings=findings,
        source=facts.source,
        recommended=recommend(ctx.kb, cards),
        jack_order=[c.index for c in jack_order(ctx.kb, cards)],
    )


def detect_live(root: SystemRoot) -> DetectionResult:
    """Detect on the machine (or fake tree) at ``root``."""
    from stagebox.core.live import read_live_facts

    return detect_facts(read_live_facts(root))


def detect_capture(path: Path) -> DetectionResult:
    """Detect from a pasted report; raises InputError when the file cannot be used."""
    from stagebox.core.capture import parse_capture, read_capture_file

    return detect_facts(parse_capture(read_capture_file(Path(path))))

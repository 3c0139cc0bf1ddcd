"""The device knowledge base: what each family of audio hardware needs, loaded from data.

Device facts live in ``resources/devices.toml`` (families and the predicates that recognise
them) and ``resources/findings.toml`` (the plain-words text of every finding). This module
only loads and validates them: an unknown key, a wrong type, a duplicate USB id, an entry
without ``sources`` or a finding code that does not exist is a :class:`KnowledgeError`
naming the entry, so a bad edit fails at load time and in the tests, not in front of a user.

Matching is by predicates that the data states (USB id, USB vendor, kernel module, card
driver, names, PCM names), so a generic rule covers a whole class of devices and a table entry
is only needed for a real exception.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from stagebox.core.model import Access, Kind, Severity

USB_ID_RE = re.compile(r"^[0-9a-f]{4}:[0-9a-f]{4}$")
USB_VENDOR_RE = re.compile(r"^[0-9a-f]{4}$")
KERNEL_RE = re.compile(r"^\d+\.\d+$")


class KnowledgeError(ValueError):
    """The knowledge-base data is invalid; the message names the entry and the problem."""


@dataclass(frozen=True)
class JackLimits:
    """What the driver accepts, for JACK defaults and validation."""

    periods: int | None = None  # exact number of periods required (2 for usb_stream)
    rates: list[int] = field(default_factory=list)
    high_speed_only_rates: list[int] = field(default_factory=list)
    min_period: dict[int, int] = field(default_factory=dict)  # rate -> frames, high speed
    full_speed_period_factor: int = 1  # min_period is multiplied by this at full speed
    max_period: int | None = None
    formats: list[str] = field(default_factory=list)
    mixer_max_rate: int | None = None  # the hardware mixer stops working above this rate
    min_periods: int | None = None  # at least this many periods


@dataclass(frozen=True)
class Firmware:
    """How firmware gets onto a device that needs it after power-on."""

    tool: str  # e.g. "hdsploader"
    package: str | None = None  # Debian package(s) to install, space-separated names
    command: str | None = None
    files: str | None = None  # the firmware files themselves, where no package ships them
    # usb id before upload -> usb id after (usx2y: 1604:8000 -> 1604:8001)
    cold_ids: dict[str, str] = field(default_factory=dict)
    # a card longname matching this regex means "firmware not loaded yet"
    missing_when_longname: str | None = None

    def needs(self) -> str:
        """What must be installed, in words: packages, then files."""
        parts = [f"sudo apt install {self.package}" if self.package else None, self.files]
        return "; ".join(p for p in parts if p) or self.tool

    def finding_fields(self) -> dict[str, str]:
        """The template fields of the ``firmware_required`` finding."""
        return {"tool": self.tool, "needs": self.needs(), "command": self.command or self.tool}


@dataclass(frozen=True)
class Match:
    """One way to recognise a family; every key given must hold (they are ANDed)."""

    usb_ids: frozenset[str] = frozenset()
    usb_vendors: frozenset[str] = frozenset()
    modules: frozenset[str] = frozenset()
    drivers: frozenset[str] = frozenset()
    card_ids: frozenset[str] = frozenset()
    name_regex: str | None = None  # against short name, long name and USB product name
    pcm_names_regex: str | None = None  # every known PCM name must match (and there is one)
    capture_only: bool | None = None  # PCMs known and none can play back
    # PCMs known, a whole capture listing, some play back and none records (a USB DAC)
    playback_only: bool | None = None
    on_usb: bool | None = None
    has_pcm: bool | None = None  # PCMs known and (not) empty
    has_midi: bool | None = None
    pcms_known: bool | None = None  # whether the input lists the card's PCM devices
    chip_regex: str | None = None  # every chip name (mixer name, kernel input) matches (and one is)
    chips_known: bool | None = None  # whether the input shows any chip name of the card
    beside_regex: str | None = None  # another card's short name matches (the machine has it too)


@dataclass(frozen=True)
class Family:
    key: str
    title: str
    kind: Kind
    access: Access
    sources: list[str]
    models: dict[str, str] = field(default_factory=dict)  # usb id -> model name
    matches: list[Match] = field(default_factory=list)
    jack: JackLimits | None = None
    mixer_tool: str | None = None
    firmware: Firmware | None = None
    needs_full_speed: set[str] = field(default_factory=set)  # usb ids refused at high speed
    # usb id -> first kernel that no longer refuses it (its driver changed), e.g. 8020 -> 6.18
    full_speed_until_kernel: dict[str, str] = field(default_factory=dict)
    native_driver_kernel: str | None = None  # first kernel with a native (hw PCM) driver
    native_driver_ids: set[str] = field(default_factory=set)
    native_driver_module: str | None = None
    findings: list[str] = field(default_factory=list)  # finding codes this family always gets
    xhci_findings: list[str] = field(default_factory=list)  # ... when on a USB 3 controller
    model_from_name: bool = True  # use the card/product name as model when no id matches
    notes: list[str] = field(default_factory=list)
    # what the card is, in words, when the kind alone says it wrongly ("PCI sound card")
    description: str | None = None
    # other kinds a card of this family may be: the input cannot tell which (HD-Audio Generic)
    kind_alternatives: list[Kind] = field(default_factory=list)
    # among cards of the same kind, how surely this family is a musician's main interface:
    # the higher wins JACK's choice (a known recording-interface family over a generic one)
    rank: int = 0

    def model_for(self, usb_id: str | None) -> str | None:
        return self.models.get(usb_id) if usb_id else None

    def refused_at_high_speed(self, usb_id: str | None, kernel: str | None) -> bool | None:
        """True/False, or None when the answer depends on a kernel version we do not know."""
        if usb_id not in self.needs_full_speed:
            return False
        until = self.full_speed_until_kernel.get(usb_id)
        if until is None:
            return True
        version = kernel_version(kernel)
        if version is None:
            return None
        return version < kernel_version_tuple(until)

    def has_native_driver(self, usb_id: str | None, kernel: str | None) -> bool | None:
        if self.native_driver_kernel is None or usb_id not in self.native_driver_ids:
            return False
        version = kernel_version(kernel)
        if version is None:
            return None
        return version >= kernel_version_tuple(self.native_driver_kernel)


@dataclass(frozen=True)
class PciDriver:
    """Which kernel module drives a PCI sound card, by the ids of its PCI id table or by the
    words lspci prints for it (``ICE1712 [Envy24]``); the family is the module's."""

    module: str  # underscored, e.g. "snd_ice1712"
    ids: frozenset[str] = frozenset()  # "1412:1712" (vendor:device)
    name_regex: str | None = None  # against lspci's description and subsystem text
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CardDriver:
    """The kernel module that sets a card's driver field (``card->driver``, the word before
    " - " in /proc/asound/cards): for inputs that show the card but list no modules."""

    drivers: frozenset[str]  # exact strings, e.g. "USB-Audio"
    module: str  # underscored, e.g. "snd_usb_audio"
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class FindingText:
    code: str
    severity: Severity
    title: str
    message: str  # str.format template over the detector's fields
    fix: str | None
    sources: list[str] = field(default_factory=list)
    # the finding applies when a line of a pasted/recorded JACK log matches this regex
    jack_log_regex: str | None = None


@dataclass
class KnowledgeBase:
    families: list[Family]
    finding_texts: dict[str, FindingText]
    pci_drivers: list[PciDriver] = field(default_factory=list)
    card_drivers: list[CardDriver] = field(default_factory=list)
    _by_key: dict[str, Family] = field(default_factory=dict, repr=False)
    _by_usb_id: dict[str, Family] = field(default_factory=dict, repr=False)
    _by_card_driver: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_key = {f.key: f for f in self.families}
        self._by_card_driver = {d: c.module for c in self.card_drivers for d in c.drivers}
        for family in self.families:
            for usb_id in _family_usb_ids(family):
                self._by_usb_id[usb_id] = family

    def family(self, key: str | None) -> Family | None:
        return self._by_key.get(key) if key else None

    def match_usb(self, usb_id: str | None) -> Family | None:
        """The family of a USB id: an exact id first, then a vendor-only rule."""
        if not usb_id:
            return None
        usb_id = usb_id.lower()
        exact = self._by_usb_id.get(usb_id)
        if exact is not None:
            return exact
        vendor = usb_id.split(":")[0]
        for family in self.families:
            for match in family.matches:
                if match.usb_vendors and vendor in match.usb_vendors and _vendor_only(match):
                    return family
        return None

    def module_of_card_driver(self, driver: str | None) -> str | None:
        """The kernel module that sets this exact ``card->driver`` string, or None when the
        knowledge base does not know one single module for it."""
        return self._by_card_driver.get(driver) if driver else None

    def family_of_module(self, module: str) -> Family | None:
        """The first family one of whose match tables names this kernel module."""
        module = module.replace("-", "_")
        return next((f for f in self.families for m in f.matches if module in m.modules), None)

    def pci_driver(
        self, vendor_device: str | None, texts: list[str], bound: str | None = None
    ) -> PciDriver | None:
        """The driver of a PCI device: its id in a driver's id table first, then the driver
        lspci -k shows bound (when the knowledge base knows it), then lspci's words."""
        if vendor_device:
            exact = next((d for d in self.pci_drivers if vendor_device.lower() in d.ids), None)
            if exact is not None:
                return exact
        if bound:
            module = bound.replace("-", "_")
            known = next((d for d in self.pci_drivers if d.module == module), None)
            if known is not None:
                return known
        return next(
            (
                d
                for d in self.pci_drivers
                if d.name_regex and any(re.search(d.name_regex, t) for t in texts)
            ),
            None,
        )

    def finding(self, name: str) -> FindingText:
        """The text called ``name`` in findings.toml (it reports under ``.code``)."""
        return self.finding_texts[name]


def _vendor_only(match: Match) -> bool:
    return not (
        match.usb_ids
        or match.modules
        or match.drivers
        or match.card_ids
        or match.name_regex
        or match.pcm_names_regex
        or match.capture_only is not None
        or match.playback_only is not None
        or match.on_usb is not None
        or match.has_pcm is not None
        or match.has_midi is not None
        or match.pcms_known is not None
        or match.chip_regex is not None
        or match.chips_known is not None
        or match.beside_regex is not None
    )


def _family_usb_ids(family: Family) -> set[str]:
    ids = set(family.models)
    for match in family.matches:
        ids |= match.usb_ids
    if family.firmware:
        ids |= set(family.firmware.cold_ids)
    return ids


# -- kernel versions ---------------------------------------------------------------------


def kernel_version(release: str | None) -> tuple[int, int] | None:
    """``6.1.0-13-amd64`` -> (6, 1); None for unknown or unparsable (``#1-NixOS SMP``)."""
    if not release:
        return None
    found = re.match(r"^\s*(\d+)\.(\d+)", release)
    return (int(found.group(1)), int(found.group(2))) if found else None


def kernel_version_tuple(text: str) -> tuple[int, int]:
    major, minor = text.split(".")[:2]
    return int(major), int(minor)


# -- loading and validation ------------------------------------------------------------------

_FAMILY_KEYS: dict[str, type] = {
    "key": str,
    "title": str,
    "kind": str,
    "access": str,
    "sources": list,
    "models": dict,
    "match": list,
    "jack": dict,
    "mixer_tool": str,
    "firmware": dict,
    "needs_full_speed": list,
    "full_speed_until_kernel": dict,
    "native_driver_kernel": str,
    "native_driver_ids": list,
    "native_driver_module": str,
    "findings": list,
    "xhci_findings": list,
    "model_from_name": bool,
    "notes": list,
    "description": str,
    "kind_alternatives": list,
    "rank": int,
}
_REQUIRED_FAMILY_KEYS = ("key", "title", "kind", "access", "sources")
_MATCH_KEYS: dict[str, type] = {
    "usb_ids": list,
    "usb_vendors": list,
    "modules": list,
    "drivers": list,
    "card_ids": list,
    "name_regex": str,
    "pcm_names_regex": str,
    "capture_only": bool,
    "playback_only": bool,
    "on_usb": bool,
    "has_pcm": bool,
    "has_midi": bool,
    "pcms_known": bool,
    "chip_regex": str,
    "chips_known": bool,
    "beside_regex": str,
}
_JACK_KEYS: dict[str, type] = {
    "periods": int,
    "min_periods": int,
    "rates": list,
    "high_speed_only_rates": list,
    "min_period": dict,
    "full_speed_period_factor": int,
    "max_period": int,
    "formats": list,
    "mixer_max_rate": int,
}
_FIRMWARE_KEYS: dict[str, type] = {
    "tool": str,
    "package": str,
    "command": str,
    "files": str,
    "cold_ids": dict,
    "missing_when_longname": str,
}
#: Fields the detector fills into finding templates (see resources/findings.toml).
FINDING_FIELDS = frozenset(
    [
        "card",
        "card_id",
        "model",
        "usb_id",
        "jack_device",
        "pcm",
        "speed",
        "controller",
        "hcd_driver",
        "kernel",
        "native_kernel",
        "native_module",
        "module",
        "tool",
        "needs",
        "command",
        "process",
        "pid",
        "pcm_path",
        "min_period",
        "interface",
        "interface_card",
        "hdmi_card",
        "families",
        "files",
        "logged_device",
        "logged_line",
        "logged_card",
        "logged_card_id",
        "logged_kind",
        "bus",
        "evidence",
        "family_title",
        "dashed",
        "grep",
        "where",
        "slot",
        "why",
        "error",
        "detail",
    ]
)

_FINDING_KEYS: dict[str, type] = {
    # the code the finding reports under, when several texts tell one code in other words
    # (driver_not_bound for a USB device and for a PCI card); default: the table's name
    "code": str,
    "jack_log_regex": str,
    "severity": str,
    "title": str,
    "message": str,
    "fix": str,
    "sources": list,
}


def _check_keys(where: str, table: dict[str, Any], schema: dict[str, type]) -> None:
    for name, value in table.items():
        if name not in schema:
            raise KnowledgeError(f"{where}: unknown key {name!r}")
        expected = schema[name]
        # bool is a subclass of int: keep them apart
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise KnowledgeError(
                f"{where}: {name!r} must be a {expected.__name__}, not {type(value).__name__}"
            )


def _usb_id(where: str, text: Any) -> str:
    if not isinstance(text, str) or not USB_ID_RE.match(text):
        raise KnowledgeError(f"{where}: {text!r} is not a lower-case USB id like '0644:800e'")
    return text


def _strings(where: str, name: str, values: list[Any]) -> list[str]:
    if not all(isinstance(v, str) and v for v in values):
        raise KnowledgeError(f"{where}: every item of {name!r} must be a non-empty string")
    return list(values)


def _regex(where: str, pattern: str | None) -> str | None:
    if pattern is None:
        return None
    try:
        re.compile(pattern)
    except re.error as exc:
        raise KnowledgeError(f"{where}: bad regular expression {pattern!r}: {exc}") from exc
    return pattern


def _parse_match(where: str, table: Any) -> Match:
    if not isinstance(table, dict) or not table:
        raise KnowledgeError(f"{where}: each match must be a non-empty table")
    _check_keys(where, table, _MATCH_KEYS)
    vendors = _strings(where, "usb_vendors", table.get("usb_vendors", []))
    for vendor in vendors:
        if not USB_VENDOR_RE.match(vendor):
            raise KnowledgeError(f"{where}: {vendor!r} is not a lower-case USB vendor id")
    return Match(
        usb_ids=frozenset(_usb_id(where, u) for u in table.get("usb_ids", [])),
        usb_vendors=frozenset(vendors),
        modules=frozenset(_strings(where, "modules", table.get("modules", []))),
        drivers=frozenset(_strings(where, "drivers", table.get("drivers", []))),
        card_ids=frozenset(_strings(where, "card_ids", table.get("card_ids", []))),
        name_regex=_regex(where, table.get("name_regex")),
        pcm_names_regex=_regex(where, table.get("pcm_names_regex")),
        capture_only=table.get("capture_only"),
        playback_only=table.get("playback_only"),
        on_usb=table.get("on_usb"),
        has_pcm=table.get("has_pcm"),
        has_midi=table.get("has_midi"),
        pcms_known=table.get("pcms_known"),
        chip_regex=_regex(where, table.get("chip_regex")),
        chips_known=table.get("chips_known"),
        beside_regex=_regex(where, table.get("beside_regex")),
    )


def _parse_jack(where: str, table: dict[str, Any]) -> JackLimits:
    _check_keys(where, table, _JACK_KEYS)
    min_period: dict[int, int] = {}
    for rate, frames in table.get("min_period", {}).items():
        if not str(rate).isdecimal() or not isinstance(frames, int):
            raise KnowledgeError(f"{where}: min_period needs 'rate' = frames, got {rate!r}")
        min_period[int(rate)] = frames
    for name in ("rates", "high_speed_only_rates"):
        if not all(isinstance(r, int) and not isinstance(r, bool) for r in table.get(name, [])):
            raise KnowledgeError(f"{where}: every item of {name!r} must be an integer rate")
    return JackLimits(
        periods=table.get("periods"),
        min_periods=table.get("min_periods"),
        rates=list(table.get("rates", [])),
        high_speed_only_rates=list(table.get("high_speed_only_rates", [])),
        min_period=min_period,
        full_speed_period_factor=table.get("full_speed_period_factor", 1),
        max_period=table.get("max_period"),
        formats=_strings(where, "formats", table.get("formats", [])),
        mixer_max_rate=table.get("mixer_max_rate"),
    )


def _parse_firmware(where: str, table: dict[str, Any]) -> Firmware:
    _check_keys(where, table, _FIRMWARE_KEYS)
    if "tool" not in table:
        raise KnowledgeError(f"{where}: firmware needs a 'tool'")
    cold = {_usb_id(where, k): _usb_id(where, v) for k, v in table.get("cold_ids", {}).items()}
    return Firmware(
        tool=table["tool"],
        package=table.get("package"),
        command=table.get("command"),
        files=table.get("files"),
        cold_ids=cold,
        missing_when_longname=_regex(where, table.get("missing_when_longname")),
    )


def _kernel(where: str, text: str | None) -> str | None:
    if text is not None and not KERNEL_RE.match(text):
        raise KnowledgeError(f"{where}: kernel version {text!r} must look like '6.18'")
    return text


def _parse_family(index: int, table: Any) -> Family:
    if not isinstance(table, dict):
        raise KnowledgeError(f"family #{index + 1}: must be a table")
    where = f"family {table.get('key', f'#{index + 1}')!r}"
    _check_keys(where, table, _FAMILY_KEYS)
    for name in _REQUIRED_FAMILY_KEYS:
        if name not in table:
            raise KnowledgeError(f"{where}: missing {name!r}")
    sources = _strings(where, "sources", table["sources"])
    if not sources:
        raise KnowledgeError(f"{where}: 'sources' must name where the facts come from")
    try:
        kind, access = Kind(table["kind"]), Access(table["access"])
        alternatives = [Kind(k) for k in table.get("kind_alternatives", [])]
    except ValueError as exc:
        raise KnowledgeError(f"{where}: {exc}") from exc
    if kind in alternatives:
        raise KnowledgeError(f"{where}: kind_alternatives repeats its kind {kind.value!r}")
    models = {_usb_id(where, k): v for k, v in table.get("models", {}).items()}
    if not all(isinstance(v, str) for v in models.values()):
        raise KnowledgeError(f"{where}: model names must be strings")
    fast = {_usb_id(where, u) for u in table.get("needs_full_speed", [])}
    until = {
        _usb_id(where, k): _kernel(where, v) or ""
        for k, v in table.get("full_speed_until_kernel", {}).items()
    }
    return Family(
        key=table["key"],
        title=table["title"],
        kind=kind,
        access=access,
        sources=sources,
        models=models,
        matches=[
            _parse_match(f"{where} match #{n + 1}", m) for n, m in enumerate(table.get("match", []))
        ],
        jack=_parse_jack(f"{where} jack", table["jack"]) if "jack" in table else None,
        mixer_tool=table.get("mixer_tool"),
        firmware=_parse_firmware(f"{where} firmware", table["firmware"])
        if "firmware" in table
        else None,
        needs_full_speed=fast,
        full_speed_until_kernel=until,
        native_driver_kernel=_kernel(where, table.get("native_driver_kernel")),
        native_driver_ids={_usb_id(where, u) for u in table.get("native_driver_ids", [])},
        native_driver_module=table.get("native_driver_module"),
        findings=_strings(where, "findings", table.get("findings", [])),
        xhci_findings=_strings(where, "xhci_findings", table.get("xhci_findings", [])),
        model_from_name=table.get("model_from_name", True),
        notes=_strings(where, "notes", table.get("notes", [])),
        description=table.get("description"),
        kind_alternatives=alternatives,
        rank=table.get("rank", 0),
    )


def _parse_findings(data: dict[str, Any]) -> dict[str, FindingText]:
    texts: dict[str, FindingText] = {}
    for code, table in data.items():
        where = f"finding {code!r}"
        if not isinstance(table, dict):
            raise KnowledgeError(f"{where}: must be a table")
        _check_keys(where, table, _FINDING_KEYS)
        for name in ("severity", "title", "message", "sources"):
            if name not in table:
                raise KnowledgeError(f"{where}: missing {name!r}")
        try:
            severity = Severity(table["severity"])
        except ValueError as exc:
            raise KnowledgeError(f"{where}: {exc}") from exc
        sources = _strings(where, "sources", table["sources"])
        if not sources:
            raise KnowledgeError(f"{where}: 'sources' must not be empty")
        for template in (table["message"], table.get("fix") or ""):
            _check_template(where, template)
        texts[code] = FindingText(
            table.get("code", code),
            severity,
            table["title"],
            table["message"],
            table.get("fix"),
            sources,
            _regex(where, table.get("jack_log_regex")),
        )
    return texts


_TEMPLATE_FIELD = re.compile(r"(?<!\{)\{([^{}!:]*)[^{}]*\}")


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _check_template(where: str, template: str) -> None:
    try:
        template.format_map(_Blank())
    except (ValueError, IndexError, KeyError, AttributeError) as exc:
        raise KnowledgeError(f"{where}: bad template {template!r}: {exc}") from exc
    names = set(_TEMPLATE_FIELD.findall(template.replace("{{", "").replace("}}", "")))
    if not all(n.isidentifier() for n in names):
        raise KnowledgeError(f"{where}: bad template {template!r}: fields must be plain names")
    unknown = names - FINDING_FIELDS
    if unknown:
        raise KnowledgeError(f"{where}: unknown template field(s) {sorted(unknown)}")


_PCI_KEYS: dict[str, type] = {"module": str, "ids": list, "name_regex": str, "sources": list}
PCI_ID_RE = USB_ID_RE  # vendor:device, four lower-case hex digits each


def _module_entry(
    section: str, index: int, table: Any, schema: dict[str, type], required: tuple[str, ...]
) -> str:
    """Check a table named by its ``module`` (``[[pci]]``, ``[[card_driver]]``): a table,
    known keys, the required ones, sources. Returns how errors name it."""
    if not isinstance(table, dict):
        raise KnowledgeError(f"{section} #{index + 1}: must be a table")
    where = f"{section} {table.get('module', f'#{index + 1}')!r}"
    _check_keys(where, table, schema)
    for name in ("module", "sources", *required):
        if name not in table:
            raise KnowledgeError(f"{where}: missing {name!r}")
    if not _strings(where, "sources", table["sources"]):
        raise KnowledgeError(f"{where}: 'sources' must name where the facts come from")
    return where


def _parse_pci(index: int, table: Any, families: list[Family]) -> PciDriver:
    where = _module_entry("pci", index, table, _PCI_KEYS, ())
    module = table["module"]
    if not any(module in m.modules for f in families for m in f.matches):
        raise KnowledgeError(f"{where}: module {module!r} is in no family's match 'modules'")
    ids = _strings(where, "ids", table.get("ids", []))
    for pci_id in ids:
        if not PCI_ID_RE.match(pci_id):
            raise KnowledgeError(f"{where}: {pci_id!r} is not a lower-case PCI id like '1412:1712'")
    if not ids and "name_regex" not in table:
        raise KnowledgeError(f"{where}: needs 'ids' or 'name_regex'")
    return PciDriver(
        module=module,
        ids=frozenset(ids),
        name_regex=_regex(where, table.get("name_regex")),
        sources=list(table["sources"]),
    )


_CARD_DRIVER_KEYS: dict[str, type] = {"drivers": list, "module": str, "sources": list}
MODULE_RE = re.compile(r"^snd_[a-z0-9_]+$")


def _parse_card_driver(index: int, table: Any) -> CardDriver:
    where = _module_entry("card_driver", index, table, _CARD_DRIVER_KEYS, ("drivers",))
    if not MODULE_RE.match(table["module"]):
        raise KnowledgeError(f"{where}: module must be underscored like 'snd_usb_audio'")
    drivers = _strings(where, "drivers", table["drivers"])
    if not drivers:
        raise KnowledgeError(f"{where}: 'drivers' must name at least one driver string")
    return CardDriver(frozenset(drivers), table["module"], list(table["sources"]))


def _claim(seen: dict[str, str], where: str, owner: str, values: Iterable[str], what: str) -> None:
    """Each value may belong to one entry only (a USB id, a PCI id, a driver string)."""
    for value in sorted(values):
        if value in seen:
            raise KnowledgeError(f"{where}: {what} {value} is already in {seen[value]!r}")
        seen[value] = owner


def parse_knowledge(devices: dict[str, Any], findings: dict[str, Any]) -> KnowledgeBase:
    """Build and validate a knowledge base from the two parsed TOML documents."""
    unknown = set(devices) - {"family", "pci", "card_driver"}
    if unknown:
        raise KnowledgeError(f"devices.toml: unknown top-level key(s) {sorted(unknown)}")
    families = [_parse_family(n, t) for n, t in enumerate(devices.get("family", []))]
    texts = _parse_findings(findings)
    seen_keys: set[str] = set()
    seen_ids: dict[str, str] = {}
    for family in families:
        if family.key in seen_keys:
            raise KnowledgeError(f"family {family.key!r}: key used twice")
        seen_keys.add(family.key)
        where = f"family {family.key!r}"
        _claim(seen_ids, where, family.key, _family_usb_ids(family), "USB id")
        for code in family.findings + family.xhci_findings:
            if code not in texts:
                raise KnowledgeError(f"family {family.key!r}: unknown finding code {code!r}")
        stray = (family.needs_full_speed | family.native_driver_ids) - set(family.models)
        if stray:
            raise KnowledgeError(f"family {family.key!r}: ids {sorted(stray)} have no model")
    pci = [_parse_pci(n, t, families) for n, t in enumerate(devices.get("pci", []))]
    seen_pci: dict[str, str] = {}
    for driver in pci:
        _claim(seen_pci, f"pci {driver.module!r}", driver.module, driver.ids, "PCI id")
    tables = devices.get("card_driver", [])
    card_drivers = [_parse_card_driver(n, t) for n, t in enumerate(tables)]
    seen_drivers: dict[str, str] = {}
    for entry in card_drivers:  # a string two modules set is left out of the table
        quoted = [repr(d) for d in entry.drivers]
        where = f"card_driver {entry.module!r}"
        _claim(seen_drivers, where, entry.module, quoted, "driver string")
    return KnowledgeBase(families, texts, pci, card_drivers)


def _read_toml(name: str, directory: Path | None) -> dict[str, Any]:
    if directory is None:
        import stagebox.resources as package  # a plain package: cheaper than importlib.resources

        directory = Path(package.__file__ or "").parent
    try:
        return tomllib.loads((directory / name).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise KnowledgeError(f"{name}: not valid TOML: {exc}") from exc


def load_knowledge_from(directory: Path | None = None) -> KnowledgeBase:
    """Load ``devices.toml`` + ``findings.toml`` from ``directory`` (default: the package)."""
    return parse_knowledge(
        _read_toml("devices.toml", directory), _read_toml("findings.toml", directory)
    )


@lru_cache(maxsize=1)
def load_knowledge() -> KnowledgeBase:
    """The installed knowledge base, validated once per process."""
    return load_knowledge_from(None)

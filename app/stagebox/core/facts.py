"""Raw facts about a machine, as read from a live system or from a pasted report.

Both readers (``live.py`` over a :class:`~stagebox.core.sysroot.SystemRoot`, and the paste
parser in ``capture/``) fill the same :class:`MachineFacts`; the classifier in ``detect.py``
turns them into a :class:`~stagebox.core.model.DetectionResult`. Every field that the input
cannot tell is ``None`` ("unknown"), never a guess; an empty list means "known to be none".
Fields may be added; none may change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Direction(StrEnum):
    PLAYBACK = "playback"
    CAPTURE = "capture"


@dataclass
class PcmDevice:
    """One ALSA PCM device of a card (``aplay -l`` line, /proc/asound/pcm, /proc/asound/devices)."""

    device: int
    name: str | None = None
    playback: bool = False
    capture: bool = False
    subdevices: int | None = None
    subdevices_available: int | None = None


@dataclass
class StreamInfo:
    """One direction of /proc/asound/cardN/streamM (snd-usb-audio only)."""

    direction: Direction
    status: str | None = None  # "Running" / "Stop"
    formats: list[str] = field(default_factory=list)
    channels: list[int] = field(default_factory=list)
    rates: list[int] = field(default_factory=list)
    implicit_feedback: bool | None = None


@dataclass
class SubstreamOwner:
    """A process holding a PCM substream open (owner_pid in .../pcmNx/subM/status)."""

    pcm: str  # e.g. "pcm0p/sub0"
    pid: int
    process: str | None = None  # comm of the pid, when it can be read


@dataclass
class CardFacts:
    index: int
    id: str
    driver: str | None = None  # /proc/asound/cards: the text before " - "
    name: str | None = None  # short name
    longname: str | None = None
    module: str | None = None  # with underscores: snd_usb_us122l
    usb_id: str | None = None  # "0644:800e", lower case, zero padded
    usb_bus_path: str | None = None  # "usb-0000:00:1d.7-4" from a snd-usb-audio longname
    usb_busdev: str | None = None  # "001/003" (bus/device numbers)
    usb_speed: str | None = None  # "low" | "full" | "high" | "super" | "super_plus"
    controller: str | None = None  # PCI address of the USB host controller, "0000:00:1d.7"
    usb_port_path: str | None = None  # sysfs USB device name, "1-4" or "3-1.2"
    serial: str | None = None
    pci_slot: str | None = None  # the card's own PCI device ("0000:09:00.0", /dev/snd/by-path)
    pcms: list[PcmDevice] | None = None  # None: the input does not list PCM devices
    hwdeps: list[str] | None = None  # hwdep ids/names, e.g. "USB STREAM", ".../hwdeppcm"
    has_midi: bool | None = None
    streams: list[StreamInfo] = field(default_factory=list)
    owners: list[SubstreamOwner] = field(default_factory=list)
    # names of the card's chips as the input shows them: amixer "Mixer name" ("ATI R6xx HDMI",
    # "Realtek ALC295"), the kernel's input devices of the card ("HDA ATI HDMI HDMI/DP,pcm=3")
    chip_names: list[str] = field(default_factory=list)


@dataclass
class UsbDeviceFacts:
    usb_id: str  # "0644:8020"
    bus: int | None = None
    device: int | None = None
    name: str | None = None  # lsusb's description or the product string
    speed: str | None = None  # as CardFacts.usb_speed
    drivers: list[str] = field(default_factory=list)  # interface drivers bound
    controller: str | None = None  # PCI address of its host controller
    port_path: str | None = None  # "1-4"
    serial: str | None = None
    hcd: str | None = None  # the host controller driver when only that is known (dmesg)


@dataclass
class ProbeFailure:
    """A kernel log line saying a driver gave up setting up a device: ``snd-usb-us122l:
    probe of 1-6:1.1 failed with error -22`` (older kernels) or ``snd-usb-us122l 1-6:1.1:
    probe with driver snd-usb-us122l failed with error -22``."""

    driver: str  # as the kernel names it, "snd-usb-us122l"
    device: str  # the device or USB interface, "1-6:1.1"
    error: int  # the (negative) errno, -22
    # the driver's own complaint just before it in the log ("cannot set freq 44100 to ep 0x81")
    detail: str | None = None
    line: str | None = None  # the kernel's words, as logged

    @property
    def usb_port_path(self) -> str | None:
        """ "1-6" for the USB interface "1-6:1.1"; None when the device is not on USB."""
        head, _, interface = self.device.partition(":")
        if interface and all(part.isdecimal() for part in head.replace("-", ".").split(".")):
            return head if "-" in head else None
        return None


class HostControllerType(StrEnum):
    EHCI = "ehci"  # USB 2.0, PCI class 0x0c0320
    UHCI = "uhci"  # USB 1.1 companion, 0x0c0300
    OHCI = "ohci"  # USB 1.1 companion, 0x0c0310
    XHCI = "xhci"  # USB 3.x, 0x0c0330


@dataclass
class PciDeviceFacts:
    slot: str  # "0000:00:1d.7" (domain added when the input omits it)
    class_code: str | None = None  # "0c0320"
    vendor_device: str | None = None  # "8086:24dd"
    description: str | None = None  # lspci text
    driver: str | None = None  # bound kernel driver, "ehci-pci"
    controller_type: HostControllerType | None = None
    # lspci -v's "Subsystem:" line: the board maker's name ("M-Audio Delta Audiophile 2496")
    # or, with -n, its ids ("1412:d634")
    subsystem: str | None = None


@dataclass
class MachineFacts:
    source: str  # "live" | "capture"
    alsa_loaded: bool | None = None
    kernel: str | None = None
    alsa_driver_version: str | None = None
    cards: list[CardFacts] = field(default_factory=list)
    usb_devices: list[UsbDeviceFacts] | None = None  # None: the input says nothing about USB
    pci_devices: list[PciDeviceFacts] | None = None
    modules: list[str] | None = None  # loaded kernel modules (underscored) when listed
    # driver name -> PCI addresses bound to it, for the USB host controller drivers
    hcd_bindings: dict[str, list[str]] | None = None
    user_asoundrc: str | None = None
    jack_log: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader could not use, and why
    # PCM directions the input has no whole listing of ("playback" without aplay -l,
    # "capture" without arecord -l): there a card without PCMs is "unknown", not "none"
    unlisted_pcm_directions: list[str] = field(default_factory=list)
    # drivers the kernel log shows failing to set up a device
    probe_failures: list[ProbeFailure] = field(default_factory=list)

    def card(self, index: int) -> CardFacts | None:
        return next((c for c in self.cards if c.index == index), None)


# -- JSON form (carried in Stagebox's own report so `detect --capture` reads it back exactly) --

FACTS_SECTION_TITLE = "Stagebox machine facts (JSON)"


def facts_to_json(facts: MachineFacts) -> str:
    import json

    from stagebox.core.plain import plain_dataclass

    return json.dumps(plain_dataclass(facts), indent=1, sort_keys=True)


def facts_from_json(text: str) -> MachineFacts:
    """Inverse of :func:`facts_to_json`; raises ValueError/TypeError/KeyError on bad input."""
    import json

    data = json.loads(text)
    cards = []
    for c in data.get("cards", []):
        c = dict(c)
        c["pcms"] = None if c.get("pcms") is None else [PcmDevice(**p) for p in c["pcms"]]
        c["streams"] = [
            StreamInfo(**{**s, "direction": Direction(s["direction"])})
            for s in c.get("streams", [])
        ]
        c["owners"] = [SubstreamOwner(**o) for o in c.get("owners", [])]
        cards.append(CardFacts(**c))
    usb = data.get("usb_devices")
    pci = data.get("pci_devices")
    return MachineFacts(
        source=data.get("source", "capture"),
        alsa_loaded=data.get("alsa_loaded"),
        kernel=data.get("kernel"),
        alsa_driver_version=data.get("alsa_driver_version"),
        cards=cards,
        usb_devices=None if usb is None else [UsbDeviceFacts(**u) for u in usb],
        pci_devices=None
        if pci is None
        else [
            PciDeviceFacts(
                **{
                    **p,
                    "controller_type": HostControllerType(p["controller_type"])
                    if p.get("controller_type")
                    else None,
                }
            )
            for p in pci
        ],
        modules=data.get("modules"),
        hcd_bindings=data.get("hcd_bindings"),
        user_asoundrc=data.get("user_asoundrc"),
        jack_log=list(data.get("jack_log", [])),
        notes=list(data.get("notes", [])),
        unlisted_pcm_directions=list(data.get("unlisted_pcm_directions", [])),
        probe_failures=[ProbeFailure(**p) for p in data.get("probe_failures", [])],
    )

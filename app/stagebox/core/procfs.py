"""Pure parsers of the /proc/asound text formats (shared by the live reader and the paste parser).

Every function takes the text of one file and returns plain facts; none reads a file, none
raises on odd text (lines it cannot read are skipped). They accept the spacing variants seen
in real pastes and old kernels: lost or extra indentation, no padding, ``ctl`` instead of
``control`` (ALSA 1.0.6), non-breaking spaces from wiki copies, longnames cut at 79 chars.
Formats are described in ``shared/docs/driver-facts.md`` section 4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stagebox.core.facts import CardFacts, Direction, PcmDevice, StreamInfo

# " 1 [US122L         ]: USB US-122L - TASCAM US-122L"  ("%2i [%-15s]: %s - %s")
# The id cannot hold "]", the short name can ("SB Audigy 2 ZS [SB0350]").
# (Parsed in two steps, with no lazy pattern before "\s*$": real pastes can hold
# very long lines, and backtracking over them must stay linear.)
CARD_HEADER = re.compile(r"^\s*(\d{1,2})\s*\[([^\]]*)\]\s*:(.*)$")
# "TASCAM US-122L (644:800e if 0 at 001/003)" - us122l, usx2y and friends
_BUSDEV_IN_LONGNAME = re.compile(
    r"\((?:0x)?([0-9a-fA-F]{1,4}):(?:0x)?([0-9a-fA-F]{1,4}) if \d+ at (\d{1,3})/(\d{1,3})\)"
)
# "... at usb-0000:00:1d.7-4, high speed" - snd-usb-audio, ...;
# "Native Instruments Audio Kontrol 1 (usb-0000:00:1d.0-1.2)" - snd-usb-caiaq ("%s %s (%s)")
_USB_PATH_IN_LONGNAME = re.compile(
    r"(?:\bat |\()(usb-((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7])-([0-9.]*[0-9]))"
    r"(?P<rest>.*)$"
)
# snd-usb-audio's name for a device without product string: "USB Device 0x46d:0x804"
_GENERATED_NAME = re.compile(r"^USB Device 0x([0-9a-fA-F]{1,4}):0x([0-9a-fA-F]{1,4})$")
_SPEED_WORDS = {
    "low speed": "low",
    "full speed": "full",
    "high speed": "high",
    "super speed": "super",
    "superspeed": "super",
    "super speed plus": "super_plus",
    "superspeed plus": "super_plus",
    "superspeed+": "super_plus",
}
#: The kernel keeps 79 characters of a longname (``char longname[80]``): a cut one may end
#: inside its speed word (", full" of "full speed").
LONGNAME_MAX = 79


def _cut_speed(speed: str, longname: str, squeezed: bool) -> str | None:
    """The speed a longname cut at the kernel's limit still shows, when only one fits. When
    the copy squeezed runs of spaces (``squeezed``), the cut name is shorter than the limit
    (TI's "Burr-Brown from TI               USB Audio CODEC" pads its name)."""
    fits_limit = len(longname) <= LONGNAME_MAX if squeezed else len(longname) == LONGNAME_MAX
    if not fits_limit or len(speed) < 3:
        return None
    fits = {value for word, value in _SPEED_WORDS.items() if word.startswith(speed)}
    return fits.pop() if len(fits) == 1 else None


def normalize_usb_id(vendor: str, product: str) -> str | None:
    """``"644", "800E"`` -> ``"0644:800e"``; None when either part is not hex."""
    vendor, product = vendor.lower().removeprefix("0x"), product.lower().removeprefix("0x")
    if not re.fullmatch(r"[0-9a-f]{1,4}", vendor) or not re.fullmatch(r"[0-9a-f]{1,4}", product):
        return None
    return f"{vendor.zfill(4)}:{product.zfill(4)}"


def normalize_module(name: str) -> str:
    """Kernel module names are reported with either ``-`` or ``_``; we always use ``_``."""
    return name.strip().replace("-", "_")


def _clean(text: str) -> list[str]:
    return text.replace("\xa0", " ").replace("\r", "").split("\n")


# -- /proc/asound/cards ------------------------------------------------------------------


def parse_card_header(line: str) -> CardFacts | None:
    """One ``/proc/asound/cards`` header line, or None when the line is not one."""
    m = CARD_HEADER.match(line.replace("\xa0", " "))
    if not m:
        return None
    index, card_id, rest = m.group(1), m.group(2).strip(), m.group(3)
    driver, dash, shortname = rest.partition(" - ")
    if not card_id or not dash:
        return None
    return CardFacts(
        index=int(index), id=card_id, driver=driver.strip() or None, name=shortname.strip() or None
    )


def header_squeezed(line: str) -> bool:
    """Whether a card header's id field lost its padding to 15 characters (``1 [default ]``):
    the copy squeezed runs of spaces, so its longname's length is no longer the kernel's."""
    m = CARD_HEADER.match(line.replace("\xa0", " "))
    return m is not None and len(m.group(2)) != 15


def apply_longname(card: CardFacts, longname: str, squeezed: bool = False) -> None:
    """Set the longname and the USB facts it states (never guesses from a cut name);
    ``squeezed``: the copy squeezed the spaces of the card's lines (``header_squeezed``)."""
    card.longname = longname
    m = _GENERATED_NAME.match(card.name or "")
    if m:  # snd-usb-audio names a device without product string after its ids
        card.usb_id = card.usb_id or normalize_usb_id(m.group(1), m.group(2))
    m = _BUSDEV_IN_LONGNAME.search(longname)
    if m:
        card.usb_id = card.usb_id or normalize_usb_id(m.group(1), m.group(2))
        card.usb_busdev = f"{int(m.group(3)):03d}/{int(m.group(4)):03d}"
    m = _USB_PATH_IN_LONGNAME.search(longname)
    if m:
        controller = m.group(2).lower()
        if controller.count(":") == 1:  # very old kernels print the slot without domain
            controller = "0000:" + controller
        card.controller = controller
        rest = m.group("rest")
        # A cut longname may end inside the port path: only trust it when a comma follows
        # (or, for caiaq's "(usb-...)", the closing parenthesis).
        if rest.startswith(","):
            card.usb_bus_path = f"usb-{controller}-{m.group(3)}"
            speed = rest[1:].strip().lower()
            card.usb_speed = _SPEED_WORDS.get(speed) or _cut_speed(
                speed, longname.rstrip(), squeezed
            )
        elif rest.startswith(")"):
            card.usb_bus_path = f"usb-{controller}-{m.group(3)}"


def looks_like_longname(line: str, card: CardFacts) -> bool:
    """The line after a header is its longname when indented, or (indentation lost in a
    copy) when it repeats the short name, as every driver's longname does."""
    if not line.strip() or parse_card_header(line):
        return False
    if line[:1] in (" ", "\t"):
        return True
    return card.name is not None and card.name.split(" [")[0] in line


def parse_cards(text: str) -> list[CardFacts]:
    """``/proc/asound/cards`` -> cards in listing order (index, id, driver, names, USB facts)."""
    cards: list[CardFacts] = []
    pending: CardFacts | None = None
    squeezed = False
    for line in _clean(text):
        header = parse_card_header(line)
        if header:
            cards.append(header)
            pending, squeezed = header, header_squeezed(line)
            continue
        if pending is not None and looks_like_longname(line, pending):
            apply_longname(pending, line.strip(), squeezed)
        if line.strip():
            pending = None
    return cards


# -- /proc/asound/devices ----------------------------------------------------------------


@dataclass
class DeviceNode:
    """One line of /proc/asound/devices."""

    minor: int
    card: int | None  # None for global devices (sequencer, timer)
    device: int | None
    kind: str  # "control", "digital audio playback", "raw midi", "hardware dependent", ...


_DEVICE_LINE = re.compile(r"^\s*(\d+)\s*:\s*(?:\[\s*(\d+)\s*(?:-\s*(\d+)\s*)?\])?\s*:\s*(\S.*)$")
_KIND_ALIASES = {"ctl": "control", "pcm playback": "digital audio playback"}


def parse_devices(text: str) -> list[DeviceNode]:
    nodes: list[DeviceNode] = []
    for line in _clean(text):
        m = _DEVICE_LINE.match(line)
        if not m:
            continue
        minor, card, device, kind = m.groups()
        kind = kind.strip().lower()
        nodes.append(
            DeviceNode(
                minor=int(minor),
                card=None if card is None else int(card),
                device=None if device is None else int(device),
                kind=_KIND_ALIASES.get(kind, kind),
            )
        )
    return nodes


def pcms_from_devices(nodes: list[DeviceNode]) -> dict[int, list[PcmDevice]]:
    """Card index -> its PCM devices with directions, from /proc/asound/devices nodes."""
    by_card: dict[int, dict[int, PcmDevice]] = {}
    for node in nodes:
        if node.card is None or node.device is None or "audio" not in node.kind:
            continue
        pcm = by_card.setdefault(node.card, {}).setdefault(node.device, PcmDevice(node.device))
        if "playback" in node.kind:
            pcm.playback = True
        if "capture" in node.kind:
            pcm.capture = True
    return {card: [pcms[d] for d in sorted(pcms)] for card, pcms in by_card.items()}


def cards_with_kind(nodes: list[DeviceNode], word: str) -> set[int]:
    """Cards that have a device whose kind mentions ``word`` ("midi", "hardware dependent")."""
    return {n.card for n in nodes if n.card is not None and word in n.kind}


# -- /proc/asound/pcm ------------------------------------------------------------------------

# "00-00: ALC662 rev1 Analog : ALC662 rev1 Analog : playback 1 : capture 1"
_PCM_LINE = re.compile(r"^\s*(\d+)-(\d+)\s*:\s*(.*)$")
_PCM_DIRECTION = re.compile(r"^(playback|capture)\s+(\d+)$")


def parse_pcm(text: str) -> dict[int, list[PcmDevice]]:
    """``/proc/asound/pcm`` -> card index -> PCM devices (name, directions, subdevices)."""
    by_card: dict[int, list[PcmDevice]] = {}
    for line in _clean(text):
        m = _PCM_LINE.match(line)
        if not m:
            continue
        fields = [f.strip() for f in m.group(3).split(" : ")]
        pcm = PcmDevice(int(m.group(2)))
        names = []
        for f in fields:
            d = _PCM_DIRECTION.match(f)
            if d:
                count = int(d.group(2))
                setattr(pcm, d.group(1), True)
                pcm.subdevices = max(pcm.subdevices or 0, count)
            else:
                names.append(f)
        pcm.name = names[1] if len(names) > 1 else (names[0] if names else None)
        by_card.setdefault(int(m.group(1)), []).append(pcm)
    return by_card


# -- /proc/asound/hwdep, /proc/asound/modules --------------------------------------------

_HWDEP_LINE = re.compile(r"^\s*(\d+)-(\d+)\s*:(.*)$")
_MODULE_LINE = re.compile(r"^\s*(\d+)\s+([A-Za-z0-9_-]+)\s*$")


def parse_hwdep(text: str) -> dict[int, list[str]]:
    """``/proc/asound/hwdep`` ("01-00: USB STREAM") -> card index -> hwdep names."""
    by_card: dict[int, list[str]] = {}
    for line in _clean(text):
        m = _HWDEP_LINE.match(line)
        if m:
            by_card.setdefault(int(m.group(1)), []).append(m.group(3).strip())
    return by_card


def parse_modules(text: str) -> dict[int, str]:
    """``/proc/asound/modules`` (" 1 snd_usb_us122l") -> card index -> module (underscored)."""
    modules: dict[int, str] = {}
    for line in _clean(text):
        m = _MODULE_LINE.match(line)
        if m:
            modules[int(m.group(1))] = normalize_module(m.group(2))
    return modules


# -- /proc/asound/version, cardN/usbid -----------------------------------------------------

_VERSION = re.compile(r"Driver Version\s+(k?[0-9]\S*)")


def parse_version(text: str) -> str | None:
    """``/proc/asound/version`` -> "1.0.20", "1.0.9rc2" or "k6.1.31" (as printed)."""
    m = _VERSION.search(text.replace("\xa0", " "))
    return m.group(1).rstrip(".") if m else None


def parse_usbid(text: str) -> str | None:
    """``/proc/asound/cardN/usbid`` ("0763:2030") -> normalized usb id."""
    m = re.search(r"([0-9a-fA-F]{1,4}):([0-9a-fA-F]{1,4})", text)
    return normalize_usb_id(m.group(1), m.group(2)) if m else None


# -- /proc/asound/cardN/streamM ------------------------------------------------------------

_RATE_NUMBER = re.compile(r"\d+")


def stream_head(line: str) -> str | None:
    """The longname in a stream file's first line ``<longname> : USB Audio``, else None."""
    head, colon, tail = line.rpartition(":")
    if not colon or tail.strip() != "USB Audio" or not head.strip():
        return None
    return head.strip()


def stream_longname(text: str) -> str | None:
    """The card longname on the first line of a stream file ("<longname> : USB Audio")."""
    for line in _clean(text):
        if line.strip():
            return stream_head(line)
    return None


def _add_unique(values: list, items: list) -> None:
    for item in items:
        if item not in values:
            values.append(item)


def parse_stream(text: str) -> list[StreamInfo]:
    """``/proc/asound/cardN/streamM`` -> one StreamInfo per direction (formats, channels,
    rates and implicit feedback collected over all altsets)."""
    streams: list[StreamInfo] = []
    current: StreamInfo | None = None
    for raw in _clean(text):
        line = raw.strip()
        if line in ("Playback:", "Capture:"):
            current = StreamInfo(Direction.PLAYBACK if line == "Playback:" else Direction.CAPTURE)
            streams.append(current)
            continue
        if current is None or ":" not in line:
            continue
        key, _, value = (part.strip() for part in line.partition(":"))
        key = key.lower()
        if key == "status":
            current.status = value
        elif key in ("format", "formats"):
            _add_unique(current.formats, [f.strip() for f in value.split(",") if f.strip()])
        elif key == "channels":
            _add_unique(current.channels, [int(n) for n in _RATE_NUMBER.findall(value)[:1]])
        elif key == "rates":
            _add_unique(current.rates, [int(n) for n in _RATE_NUMBER.findall(value)])
        elif key == "implicit feedback mode":
            current.implicit_feedback = value.lower().startswith("yes")
    return streams


# -- /proc/asound/cardN/pcmNx/subM/status --------------------------------------------------

_OWNER_PID = re.compile(r"^\s*owner_pid\s*:\s*(\d+)\s*$", re.MULTILINE)


def parse_substream_status(text: str) -> int | None:
    """The ``owner_pid`` of an open substream, None when it is ``closed`` or unreadable."""
    m = _OWNER_PID.search(text)
    if not m:
        return None
    pid = int(m.group(1))
    return pid if pid > 0 else None

"""Pasted /proc/asound files other than ``cards``/``modules`` (devices, pcm, hwdep, version,
cardN/streamM, cardN/usbid), ``/dev/snd`` listings and ``ls -l /proc/asound``.

The line formats themselves are parsed by :mod:`stagebox.core.procfs`; this module finds the
stretches of a paste that hold them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stagebox.core import procfs
from stagebox.core.capture.listing import Listing, runs
from stagebox.core.capture.sections import Block
from stagebox.core.facts import PcmDevice, StreamInfo

_KNOWN_KINDS = (
    "control|ctl|sequencer|timer|digital audio playback|digital audio capture|raw midi"
    "|hardware dependent|pcm playback|pcm capture|midi|synthesizer"
)
_DEVICES_LINE = re.compile(
    rf"^\s*\d+\s*:\s*(?:\[\s*\d+\s*(?:-\s*\d+\s*)?\])?\s*:\s*(?:{_KNOWN_KINDS})\s*$", re.IGNORECASE
)
_PCM_LINE = re.compile(r"^\s*\d+-\d+\s*:.*:\s*(?:playback|capture)\s+\d+\s*$")
_HWDEP_LINE = re.compile(r"^\s*\d+-\d+\s*:\s*\S.*$")
_CARD_IN_TITLE = re.compile(r"/proc/asound/card(\d+)/")


def find_devices_listings(blocks: list[Block]) -> list[Listing[list[procfs.DeviceNode]]]:
    """/proc/asound/devices stretches (a complete list of the ALSA device nodes)."""
    found: list[Listing[list[procfs.DeviceNode]]] = []
    for block in blocks:
        for lines, cut in runs(block.lines, lambda t: bool(_DEVICES_LINE.match(t))):
            nodes = procfs.parse_devices("\n".join(line.text for line in lines))
            found.append(
                Listing("devices", lines[0].number, nodes, complete=not cut, title=block.title)
            )
    return found


def find_pcm_listings(blocks: list[Block]) -> list[Listing[dict[int, list[PcmDevice]]]]:
    found: list[Listing[dict[int, list[PcmDevice]]]] = []
    for block in blocks:
        for lines, cut in runs(block.lines, lambda t: bool(_PCM_LINE.match(t))):
            pcms = procfs.parse_pcm("\n".join(line.text for line in lines))
            found.append(Listing("pcm", lines[0].number, pcms, complete=not cut, title=block.title))
    return found


def find_hwdep_listings(blocks: list[Block]) -> list[Listing[dict[int, list[str]]]]:
    """/proc/asound/hwdep: its lines look like pcm lines without directions, so only the
    output of a command that names the file is read."""
    found: list[Listing[dict[int, list[str]]]] = []
    for block in blocks:
        if not block.says(r"/proc/asound/hwdep"):
            continue
        for lines, cut in runs(block.lines, lambda t: bool(_HWDEP_LINE.match(t))):
            hwdeps = procfs.parse_hwdep("\n".join(line.text for line in lines))
            found.append(
                Listing("hwdep", lines[0].number, hwdeps, complete=not cut, title=block.title)
            )
    return found


def find_alsa_versions(blocks: list[Block]) -> list[Listing[str]]:
    """/proc/asound/version ("... Driver Version k6.1.31.")."""
    found: list[Listing[str]] = []
    for block in blocks:
        for line in block.lines:
            version = procfs.parse_version(line.text)
            if version:
                found.append(Listing("alsa_version", line.number, version, title=block.title))
    return found


def find_usbids(blocks: list[Block]) -> list[Listing[tuple[int, str]]]:
    """``cat /proc/asound/cardN/usbid`` -> (N, usb id)."""
    found: list[Listing[tuple[int, str]]] = []
    for block in blocks:
        m = re.search(r"/proc/asound/card(\d+)/usbid", block.title)
        if not m:
            continue
        for line in block.lines:
            if re.fullmatch(r"\s*[0-9a-fA-F]{4}:[0-9a-fA-F]{4}\s*", line.text):
                usb_id = procfs.parse_usbid(line.text)
                if usb_id:
                    found.append(Listing("usbid", line.number, (int(m.group(1)), usb_id)))
                break
    return found


# -- stream files --------------------------------------------------------------------------


@dataclass
class PastedStream:
    card_index: int | None  # from "cat /proc/asound/card1/stream0"
    longname: str | None  # from its first line "<longname> : USB Audio"
    streams: list[StreamInfo] = field(default_factory=list)


def find_streams(blocks: list[Block]) -> list[Listing[PastedStream]]:
    """Every stream file in the paste: alsa-info "USB Stream information" holds one per
    USB card, each starting with its ``<longname> : USB Audio`` line."""
    found: list[Listing[PastedStream]] = []
    for block in blocks:
        title_card = _CARD_IN_TITLE.search(block.title) if block.says(r"/stream\d") else None
        chunks: list[tuple[int, str | None, list[str]]] = []
        for line in block.lines:
            head = procfs.stream_head(line.text)
            if head:
                chunks.append((line.number, head, []))
            elif chunks:
                chunks[-1][2].append(line.text)
            elif title_card and line.text.strip() in ("Playback:", "Capture:"):
                chunks.append((line.number, None, [line.text]))
        for number, longname, body in chunks:
            streams = procfs.parse_stream("\n".join(body))
            if not streams:
                continue
            index = int(title_card.group(1)) if title_card and len(chunks) == 1 else None
            found.append(Listing("stream", number, PastedStream(index, longname, streams)))
    return found


# -- /dev/snd -----------------------------------------------------------------------------------

_NODE = re.compile(r"(?:^|[\s/])(controlC|hwC|midiC|pcmC)(\d+)(?:D(\d+)([pc])?)?(?=\s|$)")
_BY_PATH = re.compile(
    r"pci-((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])-usb-\d+:([\d.]+):[\d.]+\s*->\s*"
    r"\S*controlC(\d+)"
)
# a card on a PCI device itself: "pci-0000:09:00.0 -> ../controlC1", SOF's
# "pci-0000:00:1f.3-platform-sof_sdw -> ../controlC0" (udev's path of the card's parent)
_PCI_PATH = re.compile(
    r"pci-((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])(?:-platform-[\w.:-]+)?\s*->\s*"
    r"\S*controlC(\d+)"
)


@dataclass
class DevSnd:
    """What a /dev/snd listing shows per card index."""

    controls: set[int] = field(default_factory=set)
    hwdeps: dict[int, list[str]] = field(default_factory=dict)
    midis: set[int] = field(default_factory=set)
    pcms: dict[int, dict[int, set[str]]] = field(default_factory=dict)  # card -> dev -> {p, c}
    by_path: dict[int, tuple[str, str]] = field(default_factory=dict)  # card -> (pci, usb port)
    pci_slots: dict[int, str] = field(default_factory=dict)  # card -> its PCI device


_NODE_NAME = re.compile(r"(?:controlC|hwC|midiC|pcmC)\d+(?:D\d+[pc]?)?|seq|timer|by-id|by-path")


def _is_node_listing(text: str) -> bool:
    """``controlC0  pcmC0D0c  pcmC0D0p  seq  timer``: a bare ``ls /dev/snd`` line."""
    words = text.split()
    return "controlC" in text and all(_NODE_NAME.fullmatch(word) for word in words)


def find_dev_snd(blocks: list[Block]) -> list[Listing[DevSnd]]:
    found: list[Listing[DevSnd]] = []
    for block in blocks:
        named = block.says(r"/dev/snd|ALSA Device nodes")
        listing: Listing[DevSnd] | None = None
        for line in block.lines:
            if "->" in line.text:
                by_path = _BY_PATH.search(line.text)
                if by_path and listing is not None:
                    pci, port, card = by_path.groups()
                    pci = pci if pci.count(":") == 2 else "0000:" + pci
                    listing.data.by_path[int(card)] = (pci, port)
                on_pci = _PCI_PATH.search(line.text)
                if on_pci and listing is not None:
                    pci, card = on_pci.groups()
                    pci = pci if pci.count(":") == 2 else "0000:" + pci
                    listing.data.pci_slots[int(card)] = pci
                continue
            if not (named or "/dev/snd/" in line.text or _is_node_listing(line.text)):
                continue
            for kind, card, device, direction in _NODE.findall(line.text):
                if listing is None:
                    listing = Listing("dev_snd", line.number, DevSnd(), title=block.title)
                    found.append(listing)
                _add_node(listing.data, kind, int(card), device, direction)
    return found


def _add_node(snd: DevSnd, kind: str, card: int, device: str, direction: str) -> None:
    if kind == "controlC":
        snd.controls.add(card)
    elif kind == "hwC" and device:
        snd.hwdeps.setdefault(card, []).append(f"hwC{card}D{device}")
    elif kind == "midiC":
        snd.midis.add(card)
    elif kind == "pcmC" and device and direction:
        snd.pcms.setdefault(card, {}).setdefault(int(device), set()).add(direction)


# -- ls -l /proc/asound: "lrwxrwxrwx 1 root root 5 Jul 14 18:25 HDMI -> card0" -------------

_ID_LINK = re.compile(r"^l\S+\s.*?\s(\S+)\s+->\s+card(\d+)\s*$")
_LS_L_LINE = re.compile(r"^(?:[bcdlps-][rwxsStT-]{9}[.+@]?\s|total\s+\d+$)")


def find_card_id_links(blocks: list[Block]) -> list[Listing[dict[int, str]]]:
    found: list[Listing[dict[int, str]]] = []
    for block in blocks:
        for lines, cut in runs(block.lines, lambda t: bool(_LS_L_LINE.match(t.strip()))):
            ids = {}
            for line in lines:
                m = _ID_LINK.match(line.text.strip())
                if m:
                    ids[int(m.group(2))] = m.group(1)
            if ids:
                found.append(Listing("id_links", lines[0].number, ids, complete=not cut))
    return found

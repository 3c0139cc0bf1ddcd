"""Sections only alsa-info.sh writes: ALSA driver version, ``~/.asoundrc``, modprobe options,
sound servers, and "USB Mixer information" (which states each USB card's usb_id).

The sections alsa-info shares with plain commands (cards, modules, aplay -l, /dev/snd,
stream files, lsmod) are read by the same parsers as the commands themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stagebox.core.capture.listing import Listing
from stagebox.core.capture.sections import Block
from stagebox.core.procfs import normalize_usb_id

_DRIVER_VERSION = re.compile(r"^\s*Driver version:\s*(\S+)")


def find_driver_versions(blocks: list[Block]) -> list[Listing[str]]:
    """ "Driver version: 1.0.20" or "k6.1.31" (in-kernel ALSA: k + the kernel release)."""
    found: list[Listing[str]] = []
    for block in blocks:
        for line in block.lines:
            m = _DRIVER_VERSION.match(line.text)
            if m:
                found.append(Listing("driver_version", line.number, m.group(1)))
    return found


def kernel_from_driver_version(version: str) -> str | None:
    """In-kernel ALSA reports its version as ``k`` + the kernel release."""
    m = re.fullmatch(r"k(\d+\.\d+(?:\.\d+)?\S*)", version)
    return m.group(1) if m else None


def find_asoundrc(blocks: list[Block]) -> list[Listing[str]]:
    """alsa-info "User specific config file (~/.asoundrc)" and ``cat ~/.asoundrc`` output."""
    found: list[Listing[str]] = []
    for block in blocks:
        if not block.says(r"~/\.asoundrc|/\.asoundrc\b"):
            continue
        if block.origin == "alsa-info" and not block.says(r"^User specific config"):
            continue
        body = [line.text for line in block.lines if line.number != block.number]
        if any("No such file or directory" in text for text in body):
            continue
        while body and not body[0].strip():
            body.pop(0)
        while body and not body[-1].strip():
            body.pop()
        if body:
            start = block.lines[0].number if block.lines else block.number
            found.append(Listing("asoundrc", start, "\n".join(body) + "\n", title=block.title))
    return found


_OPTION = re.compile(r"^\s*(?:options\s+)?([\w-]+)[:\s]\s*(\S.*)$")


def find_modprobe_options(blocks: list[Block]) -> list[Listing[list[str]]]:
    """alsa-info "Modprobe options (Sound related)": ``snd-usb-audio: index=-2`` lines."""
    found: list[Listing[list[str]]] = []
    for block in blocks:
        if block.origin != "alsa-info" or not block.says(r"^Modprobe options"):
            continue
        options = []
        for line in block.lines:
            m = _OPTION.match(line.text)
            if m and "=" in m.group(2):
                options.append(f"{m.group(1).replace('-', '_')} {m.group(2).strip()}")
        start = block.lines[0].number if block.lines else block.number
        found.append(Listing("modprobe", start, options))
    return found


@dataclass
class SoundServer:
    name: str
    installed: bool | None = None
    running: bool | None = None


def find_sound_servers(blocks: list[Block]) -> list[Listing[list[SoundServer]]]:
    found: list[Listing[list[SoundServer]]] = []
    for block in blocks:
        if block.origin != "alsa-info" or not block.says(r"^Sound Servers"):
            continue
        servers: list[SoundServer] = []
        for line in block.lines:
            text = line.text.strip()
            if re.fullmatch(r"[\w .-]+:", text):
                servers.append(SoundServer(text[:-1]))
            elif servers and (m := re.match(r"(Installed|Running)\s*-\s*(Yes|No)", text)):
                setattr(servers[-1], m.group(1).lower(), m.group(2) == "Yes")
        start = block.lines[0].number if block.lines else block.number
        found.append(Listing("sound_servers", start, servers))
    return found


_MIXER_ID = re.compile(r"USB Mixer:\s*usb_id=0x([0-9a-fA-F]{4})([0-9a-fA-F]{4})")
_MIXER_CARD = re.compile(r"^\s*Card:\s*(\S.*)$")


def find_usb_mixer_ids(blocks: list[Block]) -> list[Listing[tuple[str, str | None]]]:
    """ "USB Mixer: usb_id=0x07632030, ..." then "Card: <longname>" -> (usb id, longname)."""
    found: list[Listing[tuple[str, str | None]]] = []
    for block in blocks:
        pending: Listing[tuple[str, str | None]] | None = None
        for line in block.lines:
            m = _MIXER_ID.search(line.text)
            if m:
                usb_id = normalize_usb_id(m.group(1), m.group(2))
                if usb_id:
                    pending = Listing("usb_mixer", line.number, (usb_id, None))
                    found.append(pending)
                continue
            card = _MIXER_CARD.match(line.text)
            if card and pending is not None and pending.data[1] is None:
                pending.data = (pending.data[0], card.group(1).strip())
                pending = None
    return found

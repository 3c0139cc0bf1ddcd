"""Helpers for the ALSA config tests: usb_stream cards, captures, real alsa-lib opens."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from stagebox.core.alsaconf import libasound
from stagebox.core.model import Access, AlsaState, Card, DetectionResult, Kind

CURRENT_PLUGINS = "1.2.7.1-1"  # what this machine has; tests that need another say so


def us122l_card(
    index: int = 1,
    card_id: str = "US122L",
    *,
    model: str = "Tascam US-122L",
    usb_id: str = "0644:800e",
    speed: str | None = "high",
    jack_device: str | None = "us-122l",
) -> Card:
    return Card(
        index=index,
        id=card_id,
        driver="USB US-122L",
        name="TASCAM US-122L",
        longname=f"TASCAM US-122L ({usb_id.replace(':0', ':').lstrip('0')} if 0 at 001/004)",
        module="snd_usb_us122l",
        usb_id=usb_id,
        model=model,
        kind=Kind.INTERFACE,
        access=Access.USB_STREAM,
        playback=None,
        capture=None,
        jack_device=jack_device,
        family="us122l",
        usb_speed=speed,
    )


def onboard_card(index: int = 0) -> Card:
    return Card(
        index=index,
        id="Intel",
        driver="HDA-Intel",
        name="HDA Intel",
        longname="HDA Intel at 0xf7ff8000 irq 31",
        module="snd_hda_intel",
        usb_id=None,
        model=None,
        kind=Kind.ONBOARD,
        access=Access.HW,
        playback=True,
        capture=True,
        jack_device="hw:Intel",
    )


def detection(*cards: Card) -> DetectionResult:
    return DetectionResult(alsa=AlsaState.LOADED, kernel="6.1.0-13-amd64", cards=list(cards))


def capture_asoundrc(capture: Path) -> str:
    """The ~/.asoundrc that alsa-info printed in a capture (between its section headers)."""
    text = capture.read_text(encoding="utf-8")
    start = text.index("!!User specific config file (~/.asoundrc)\n") + len(
        "!!User specific config file (~/.asoundrc)\n"
    )
    end = text.index("\n!!", start)
    return text[start:end].strip("\n") + "\n"


def resolve(text: str, name: str) -> dict[str, Any]:
    """``pcm.<name>`` as alsa-lib parsed it (fields in file order)."""
    parsed = libasound.parse(text)
    assert parsed.problem is None, parsed.problem
    assert parsed.tree is not None
    return dict(parsed.tree["pcm"][name])


def real_alsa_open(home: Path, name: str) -> str:
    """Open ``name`` with aplay and amixer (the real alsa-lib, in their own processes)."""
    env = {**os.environ, "HOME": str(home)}
    out = []
    for argv in (
        ["aplay", "-q", "-D", name, "-d", "1", "/dev/zero"],
        ["amixer", "-D", name, "info"],
    ):
        done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=20)
        out.append(done.stderr)
    return "\n".join(out)


def assert_only_block_added(original: bytes, new: bytes, newline: bytes = b"\n") -> None:
    """Every byte of ``original`` is still there, in front; after it only our block."""
    from stagebox.core.alsaconf.block import END_MARKER, START_MARKER

    assert new[: len(original)] == original
    added = new[len(original) :]
    separator_len = len(added) - len(added.lstrip(b"\r\n"))
    assert added[separator_len:].startswith(START_MARKER.encode())
    assert added.endswith(END_MARKER.encode() + newline)
    assert added.count(START_MARKER.encode()) == 1

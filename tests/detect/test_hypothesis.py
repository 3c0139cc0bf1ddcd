"""Property tests: the live reader and the detector never raise on mutated /proc files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stagebox.core.detect import detect_facts
from stagebox.core.facts import CardFacts, MachineFacts, PcmDevice, UsbDeviceFacts
from stagebox.core.live import read_live_facts
from stagebox.core.model import DetectionResult
from stagebox.core.sysroot import SystemRoot

from tests.conftest import FIXTURES

FILES = [
    "proc/asound/cards",
    "proc/asound/devices",
    "proc/asound/pcm",
    "proc/asound/hwdep",
    "proc/asound/modules",
    "proc/asound/version",
    "proc/asound/card1/stream0",
    "proc/asound/card1/usbid",
    "proc/asound/card1/usbbus",
    "proc/asound/card1/pcm0p/sub0/status",
    "proc/asound/card1/pcm0p/info",
    "proc/sys/kernel/osrelease",
    "sys/bus/usb/devices/1-1/idVendor",
    "sys/bus/usb/devices/1-1/speed",
    "sys/bus/usb/devices/1-1/busnum",
    "sys/bus/pci/devices/0000:0c:00.3/class",
]


@pytest.fixture(scope="module")
def machine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hyp") / "c400"
    shutil.copytree(FIXTURES / "roots" / "c400-implicit-fb", root, symlinks=True)
    return root


def _mutate(original: str, data: st.DataObject) -> str:
    how = data.draw(st.sampled_from(["truncate", "insert", "replace", "random", "dup"]))
    if how == "random":
        return data.draw(st.text(max_size=400))
    if not original:
        return data.draw(st.text(max_size=40))
    at = data.draw(st.integers(0, len(original)))
    if how == "truncate":
        return original[:at]
    if how == "dup":
        return original + original[at:]
    noise = data.draw(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20))
    if how == "insert":
        return original[:at] + noise + original[at:]
    return original[:at] + noise + original[at + len(noise) :]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_proc_and_sys_files_never_raise(machine: Path, data: st.DataObject) -> None:
    chosen = data.draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=4, unique=True))
    saved = {}
    try:
        for rel in chosen:
            path = machine / rel
            saved[rel] = path.read_bytes()
            path.write_text(
                _mutate(saved[rel].decode(), data), encoding="utf-8", errors="surrogatepass"
            )
        facts = read_live_facts(SystemRoot.at(machine))
        result = detect_facts(facts)
        assert isinstance(result, DetectionResult)
        DetectionResult.from_dict(result.to_dict())  # the contract stays serialisable
        for card in result.cards:
            assert card.usb_id is None or len(card.usb_id) == 9
    finally:
        for rel, content in saved.items():
            (machine / rel).write_bytes(content)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=st.binary(max_size=300))
def test_binary_cards_file_never_raises(machine: Path, raw: bytes) -> None:
    cards = machine / "proc/asound/cards"
    saved = cards.read_bytes()
    try:
        cards.write_bytes(raw)
        result = detect_facts(read_live_facts(SystemRoot.at(machine)))
        assert result.alsa.value == "loaded"
    finally:
        cards.write_bytes(saved)


_text = st.none() | st.text(max_size=40)
_usb_id = (
    st.none() | st.from_regex(r"[0-9a-f]{4}:[0-9a-f]{4}", fullmatch=True) | st.text(max_size=12)
)
_cards = st.builds(
    CardFacts,
    index=st.integers(0, 31),
    id=st.text(min_size=1, max_size=15),
    driver=_text,
    name=_text,
    longname=_text,
    module=st.none() | st.sampled_from(["snd_usb_audio", "snd_usb_us122l", "snd_hdsp", "x"]),
    usb_id=_usb_id,
    usb_busdev=st.none() | st.from_regex(r"\d{3}/\d{3}", fullmatch=True),
    usb_speed=st.none() | st.sampled_from(["full", "high", "super"]),
    pcms=st.none()
    | st.lists(
        st.builds(
            PcmDevice,
            device=st.integers(0, 9),
            name=_text,
            playback=st.booleans(),
            capture=st.booleans(),
        ),
        max_size=3,
    ),  # fmt: skip
    has_midi=st.none() | st.booleans(),
)
_usb = st.builds(
    UsbDeviceFacts,
    usb_id=st.from_regex(r"(0644|1604|1235|046d|194f|1d6b):[0-9a-f]{4}", fullmatch=True),
    bus=st.none() | st.integers(1, 9),
    device=st.none() | st.integers(1, 127),
    name=_text,
    speed=st.none() | st.sampled_from(["full", "high"]),
    controller=st.none() | st.sampled_from(["0000:00:1a.7", "0000:00:14.0"]),
)


@settings(max_examples=150, deadline=None)
@given(
    cards=st.lists(_cards, max_size=5),
    usb=st.none() | st.lists(_usb, max_size=4),
    kernel=st.none() | st.sampled_from(["6.1.0-13-amd64", "6.18.0", "2.6.28", "garbage"]),
    alsa=st.none() | st.booleans(),
)
def test_classifier_never_raises_on_odd_facts(cards, usb, kernel, alsa) -> None:
    facts = MachineFacts(source="capture", cards=cards, usb_devices=usb, kernel=kernel,
                         alsa_loaded=alsa)  # fmt: skip
    result = detect_facts(facts)
    assert len(result.cards) == len(cards)
    for card in result.cards:
        if card.access.value == "usb_stream":
            assert card.jack_device and " " not in card.jack_device
        if card.access.value == "none":
            assert card.jack_device is None
    assert json.loads(result.to_json())["schema"] == 1

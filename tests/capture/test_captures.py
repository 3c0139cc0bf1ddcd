"""Every real capture yields the facts its INDEX.md row states (the parsing part of them)."""

from __future__ import annotations

from pathlib import Path

import pytest
from stagebox.core.capture import parse_capture, read_capture_file
from stagebox.core.facts import CardFacts, Direction, HostControllerType, MachineFacts

from tests.conftest import CAPTURES, capture_path


def facts_of(number: str) -> MachineFacts:
    facts = parse_capture(read_capture_file(capture_path(number)))
    assert facts.source == "capture"
    return facts


def card(facts: MachineFacts, index: int) -> CardFacts:
    found = facts.card(index)
    assert found is not None, f"card {index} missing: {[c.index for c in facts.cards]}"
    return found


def summary(facts: MachineFacts) -> list[tuple[int, str, str | None, str | None]]:
    return [(c.index, c.id, c.driver, c.module) for c in facts.cards]


def pcm_devices(c: CardFacts, direction: Direction) -> list[int]:
    assert c.pcms is not None
    return [p.device for p in c.pcms if getattr(p, direction.value)]


def usb_ids(facts: MachineFacts) -> set[str]:
    assert facts.usb_devices is not None
    return {d.usb_id for d in facts.usb_devices}


def test_every_capture_file_is_covered_here() -> None:
    numbers = {p.name[:2] for p in CAPTURES.glob("*.txt")}
    covered = {name.split("_")[2] for name in globals() if name.startswith("test_capture_")}
    assert numbers <= covered, f"captures without a test: {sorted(numbers - covered)}"


def test_capture_01_us122l_ich5() -> None:
    facts = facts_of("01")
    assert summary(facts) == [
        (0, "ICH5", "ICH4", "snd_intel8x0"),
        (1, "US122L", "USB US-122L", "snd_usb_us122l"),
    ]
    tascam = card(facts, 1)
    assert (tascam.usb_id, tascam.usb_busdev) == ("0644:800e", "001/003")
    assert tascam.pcms == []  # absent from both aplay -l and arecord -l
    ich5 = card(facts, 0)
    assert pcm_devices(ich5, Direction.PLAYBACK) == [0, 4]
    assert pcm_devices(ich5, Direction.CAPTURE) == [0, 1, 2, 3]
    types = {p.slot: p.controller_type for p in facts.pci_devices or [] if p.controller_type}
    assert types == {
        "0000:00:1d.0": HostControllerType.UHCI,
        "0000:00:1d.1": HostControllerType.UHCI,
        "0000:00:1d.2": HostControllerType.UHCI,
        "0000:00:1d.3": HostControllerType.UHCI,
        "0000:00:1d.7": HostControllerType.EHCI,
    }
    assert "0644:800e" in usb_ids(facts)
    assert facts.kernel == "2.6.28-11-generic"
    assert facts.alsa_loaded is True
    assert any("-dusb_stream:0" in line for line in facts.jack_log)
    assert "cannot load driver module alsa" in facts.jack_log


def test_capture_02_us122l_only_card_alsa_info() -> None:
    facts = facts_of("02")
    assert summary(facts) == [(1, "US122L", "USB US-122L", "snd_usb_us122l")]
    tascam = card(facts, 1)
    assert (tascam.usb_id, tascam.usb_busdev) == ("0644:800e", "001/004")
    assert tascam.pcms == []  # no pcm nodes, empty APLAY/ARECORD
    assert tascam.hwdeps == ["hwC1D0"] and tascam.has_midi is True
    assert tascam.controller == "0000:00:1d.7"  # /dev/snd/by-path pci-0000:00:1d.7-usb-0:4:1.1
    assert facts.user_asoundrc is not None
    assert "pcm.!usb_stream {" in facts.user_asoundrc
    assert 'default "1"' in facts.user_asoundrc and "ctl." not in facts.user_asoundrc
    assert facts.kernel == "2.6.31-rc9-withless01"
    assert facts.alsa_driver_version == "1.0.20"
    assert facts.modules is not None and "snd_usb_us122l" in facts.modules
    assert "ehci_hcd" not in facts.modules and len(facts.modules) == 40


def test_capture_03_us144_after_ehci_unbind() -> None:
    facts = facts_of("03")
    assert summary(facts) == [
        (0, "Intel", "HDA-Intel", "snd_hda_intel"),
        (1, "US122L", "USB US-122L", "snd_usb_us122l"),
    ]
    us144 = card(facts, 1)
    assert (us144.usb_id, us144.usb_busdev) == ("0644:800f", "008/008")
    # dmesg: "usb 8-2: new full speed USB device using uhci_hcd and address 8"
    assert us144.usb_speed == "full" and us144.usb_port_path == "8-2"
    # dmesg: ".../0000:00:1d.2/usb8/..." - bus 8 is that UHCI controller
    assert us144.controller == "0000:00:1d.2"
    assert us144.pcms is None  # no aplay -l in this paste
    assert any("0000:00:1d.7 from ehci_hcd" in note for note in facts.notes)
    assert facts.hcd_bindings is None  # no listing of the driver folder
    assert any("Couldn't configure usb_stream" in line for line in facts.jack_log)


def test_capture_05_us122l_as_card_2_with_a_swap_listing() -> None:
    facts = facts_of("05")
    assert summary(facts) == [
        (0, "Intel", "HDA-Intel", "snd_hda_intel"),
        (1, "U0x46d0x804", "USB-Audio", "snd_usb_audio"),
        (2, "US122L", "USB US-122L", "snd_usb_us122l"),
    ]
    webcam, tascam = card(facts, 1), card(facts, 2)
    assert (webcam.usb_id, webcam.usb_speed, webcam.controller) == (
        "046d:0804",
        "high",
        "0000:00:1d.7",
    )
    assert (tascam.usb_id, tascam.usb_busdev) == ("0644:800e", "001/007")
    # the lsusb taken with the US-122L plugged in describes this machine, not the UA-20 swap
    assert "0644:800e" in usb_ids(facts) and "0582:0025" not in usb_ids(facts)
    device = next(d for d in facts.usb_devices or [] if d.usb_id == "0644:800e")
    assert (device.bus, device.device) == (1, 7)
    # the last aplay -l (without the UA-20) wins; the card list has no UA20
    assert pcm_devices(card(facts, 0), Direction.PLAYBACK) == [0]
    assert all(c.id != "UA20" for c in facts.cards)
    assert tascam.pcms is None  # no arecord -l: capture devices unknown
    assert facts.unlisted_pcm_directions == ["capture"]
    assert facts.modules is not None and "snd_usb_us122l" in facts.modules


def test_capture_07_scarlett_18i20_on_xhci() -> None:
    facts = facts_of("07")
    assert [(c.index, c.id) for c in facts.cards] == [(0, "HDMI"), (1, "PCH"), (2, "USB")]
    scarlett = card(facts, 2)
    assert scarlett.name == "Scarlett 18i20 USB" and scarlett.driver == "USB-Audio"
    assert (scarlett.usb_speed, scarlett.controller) == ("high", "0000:00:14.0")
    assert scarlett.usb_bus_path == "usb-0000:00:14.0-1.4"
    assert scarlett.usb_id is None  # not shown in the paste
    assert pcm_devices(card(facts, 0), Direction.PLAYBACK) == [3, 7, 8, 9, 10]
    assert pcm_devices(card(facts, 1), Direction.PLAYBACK) == [0, 1]
    assert scarlett.pcms is not None
    assert (scarlett.pcms[0].subdevices, scarlett.pcms[0].subdevices_available) == (1, 0)
    assert scarlett.hwdeps is None


def test_capture_10_scarlett_2i2_with_blank_lines() -> None:
    facts = facts_of("10")
    assert [(c.index, c.id) for c in facts.cards] == [(0, "Intel"), (1, "USB"), (2, "Generic")]
    scarlett = card(facts, 1)
    assert scarlett.name == "Scarlett 2i2 USB"
    assert (scarlett.usb_speed, scarlett.controller, scarlett.usb_bus_path) == (
        "high",
        "0000:00:1a.0",
        "usb-0000:00:1a.0-1.1",
    )
    assert card(facts, 2).name == "HD-Audio Generic"


def test_capture_11_hdsp_before_firmware() -> None:
    facts = facts_of("11")
    assert [(c.index, c.id, c.driver) for c in facts.cards] == [
        (0, "I82801DBICH4", "ICH4"),
        (1, "DSP", "H-DSP"),
    ]
    assert card(facts, 1).longname == "RME Hammerfall DSP at 0x58000000, irq 10"
    assert card(facts, 1).module is None  # not in the paste
    assert any("Firmware uploaded for card hw:1" in note for note in facts.notes)


def test_capture_15_c400_implicit_feedback() -> None:
    facts = facts_of("15")
    assert summary(facts) == [
        (0, "NVidia", "HDA-Intel", "snd_hda_intel"),
        (1, "C400", "USB-Audio", "snd_usb_audio"),
        (2, "Generic", "HDA-Intel", "snd_hda_intel"),
    ]
    c400 = card(facts, 1)
    assert c400.name == "Fast Track C400"
    assert (c400.usb_id, c400.usb_speed, c400.controller) == ("0763:2030", "high", "0000:0c:00.3")
    playback, capture = c400.streams
    assert playback.direction is Direction.PLAYBACK and playback.implicit_feedback is True
    assert (playback.formats, playback.channels) == (["S24_3LE"], [6])
    assert playback.rates == [44100, 48000, 88200, 96000]
    assert capture.direction is Direction.CAPTURE and capture.channels == [4]
    assert card(facts, 0).streams == [] and card(facts, 2).streams == []
    # "Kernel release: #1-NixOS SMP ..." is no release; "Driver version: k6.1.31" is
    assert facts.kernel == "6.1.31" and facts.alsa_driver_version == "k6.1.31"
    assert any("NixOS" in note for note in facts.notes)


def test_capture_16_ultra_and_midi_keyboard() -> None:
    facts = facts_of("16")
    assert [(c.index, c.id) for c in facts.cards] == [(0, "Intel"), (1, "Ultra"), (2, "K88")]
    ultra, k88 = card(facts, 1), card(facts, 2)
    assert (ultra.name, ultra.usb_speed, ultra.controller) == (
        "Fast Track Ultra",
        "high",
        "0000:00:1d.7",
    )
    assert (k88.name, k88.usb_speed, k88.controller) == (
        "Keystation Pro 88",
        "full",
        "0000:00:1d.0",
    )


def test_capture_18_us428_after_firmware() -> None:
    facts = facts_of("18")
    usx2y = card(facts, 1)
    assert (usx2y.id, usx2y.name) == ("USX2Y", "TASCAM US-X2Y")
    assert usx2y.pcms is not None and usx2y.pcms[0].device == 0
    assert usx2y.pcms[0].name == "US-X2Y Audio #0" and usx2y.pcms[0].playback
    assert facts.card(0) is None  # the listing was cut ("..."): card 0 is not invented
    # lsusb before (1604:8000, without firmware) and after: the last one describes the machine
    assert usb_ids(facts) == {"1604:8001"}


def test_capture_20_audiobox_card_without_pcm() -> None:
    facts = facts_of("20")
    assert summary(facts) == [
        (0, "PCH", "HDA-Intel", "snd_hda_intel"),
        (1, "VSL", "USB-Audio", "snd_usb_audio"),
        (2, "Generic", "HDA-Intel", "snd_hda_intel"),
    ]
    vsl = card(facts, 1)
    assert vsl.name == "AudioBox 44 VSL" and vsl.usb_speed == "high"
    assert vsl.pcms == []  # absent from aplay -l and arecord -l (whose header was not pasted)
    assert pcm_devices(card(facts, 2), Direction.PLAYBACK) == [3]
    assert pcm_devices(card(facts, 0), Direction.CAPTURE) == [0, 1]
    nameless = next(d for d in facts.usb_devices or [] if d.usb_id == "194f:0102")
    assert nameless.name is None and (nameless.bus, nameless.device) == (2, 4)
    types = {p.slot: p.controller_type for p in facts.pci_devices or []}
    assert types["0000:00:1a.7"] is HostControllerType.EHCI
    assert types["0000:00:1d.0"] is HostControllerType.UHCI


def test_capture_22_ua25ex_markdown_indented() -> None:
    facts = facts_of("22")
    assert [(c.index, c.id) for c in facts.cards] == [(0, "Intel"), (1, "UA25EX")]
    ua = card(facts, 1)
    assert ua.name == "UA-25EX"
    assert ua.longname == "EDIROL UA-25EX at usb-0000:00:1d.0-2, full speed"
    assert (ua.usb_speed, ua.controller) == ("full", "0000:00:1d.0")
    assert ua.pcms is not None and (ua.pcms[0].playback, ua.pcms[0].capture) == (True, True)
    assert ua.has_midi is True and card(facts, 0).has_midi is False
    (device,) = facts.usb_devices or []
    assert (device.usb_id, device.speed, device.name) == ("0582:00e6", "full", "EDIROL UA-25EX")
    assert device.drivers == ["snd-usb-audio"]
    assert ua.usb_id == "0582:00e6"  # the only snd-usb-audio card and device


def test_capture_26_ehci_pci_sysfs_listing() -> None:
    facts = facts_of("26")
    assert facts.hcd_bindings == {"ehci-pci": ["0000:00:1a.7"]}
    assert facts.cards == [] and facts.alsa_loaded is None
    assert facts.usb_devices is None and facts.pci_devices is None
    assert any("unbinds 0000:00:1a.7 from ehci-pci" in note for note in facts.notes)


def test_capture_27_hdsp_digiface_extra_indentation() -> None:
    facts = facts_of("27")
    assert [(c.index, c.id, c.driver) for c in facts.cards] == [
        (0, "SB", "HDA-Intel"),
        (1, "DSP", "H-DSP"),
        (2, "NVidia", "HDA-Intel"),
    ]
    assert card(facts, 1).longname == "RME Hammerfall DSP + Digiface at 0xfcff0000, irq 20"
    assert card(facts, 0).name == "HDA ATI SB"


def test_capture_28_nested_brackets_and_iplay_typo() -> None:
    facts = facts_of("28")
    assert [(c.index, c.id, c.name) for c in facts.cards] == [
        (0, "Audigy2", "SB Audigy 2 ZS [SB0350]"),
        (1, "H4", "H4"),
    ]
    audigy, h4 = card(facts, 0), card(facts, 1)
    assert pcm_devices(audigy, Direction.PLAYBACK) == [0, 2, 3, 4]
    assert audigy.pcms is not None
    assert (audigy.pcms[0].subdevices, audigy.pcms[0].subdevices_available) == (32, 31)
    assert audigy.pcms[0].name == "ADC Capture/Standard PCM Playback"
    assert h4.pcms is not None and h4.pcms[0].name == "USB Audio"
    zoom = next(d for d in facts.usb_devices or [] if d.usb_id == "1686:0045")
    assert zoom.name == "ZOOM Corporation H4 Digital Recorder"


@pytest.mark.parametrize("path", sorted(CAPTURES.glob("*.txt")), ids=lambda p: p.name[:2])
def test_no_capture_needs_the_fallback(path: Path) -> None:
    facts = parse_capture(path.read_text())
    assert not any("could not be read" in note for note in facts.notes)
    assert not any(note.startswith("source:") for note in facts.notes)

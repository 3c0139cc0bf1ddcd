"""The pure /proc/asound parsers (used by the live reader and the paste parser)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from stagebox.core import procfs
from stagebox.core.facts import Direction

CARDS_05 = """\
 0 [Intel          ]: HDA-Intel - HDA Intel
                      HDA Intel at 0xfdff8000 irq 16
 1 [U0x46d0x804    ]: USB-Audio - USB Device 0x46d:0x804
                      USB Device 0x46d:0x804 at usb-0000:00:1d.7-4, high speed
 2 [US122L         ]: USB US-122L - TASCAM US-122L
                      TASCAM US-122L (644:800e if 0 at 001/007)
"""


def test_cards_index_id_driver_names_and_usb_facts_from_longnames() -> None:
    cards = procfs.parse_cards(CARDS_05)
    assert [(c.index, c.id, c.driver, c.name) for c in cards] == [
        (0, "Intel", "HDA-Intel", "HDA Intel"),
        (1, "U0x46d0x804", "USB-Audio", "USB Device 0x46d:0x804"),
        (2, "US122L", "USB US-122L", "TASCAM US-122L"),
    ]
    webcam, tascam = cards[1], cards[2]
    assert webcam.usb_bus_path == "usb-0000:00:1d.7-4"
    assert webcam.controller == "0000:00:1d.7"
    assert webcam.usb_speed == "high"
    assert webcam.usb_id == "046d:0804"  # snd-usb-audio's generated name states the ids
    assert tascam.usb_id == "0644:800e"
    assert tascam.usb_busdev == "001/007"
    assert tascam.longname == "TASCAM US-122L (644:800e if 0 at 001/007)"
    assert cards[0].controller is None and cards[0].usb_speed is None


def test_cards_nested_brackets_keyword_id_and_lost_indentation() -> None:
    text = (
        "0 [Audigy2        ]: Audigy2 - SB Audigy 2 ZS [SB0350]\n"
        "Creative SB Audigy 2 ZS [SB0350] (rev.4, serial:0x20021102) at 0xd800, irq 17\n"
        "1 [default        ]: USB-Audio - USB Audio CODEC\n"
        "Burr-Brown from TI USB Audio CODEC at usb-0000:00:12.0-2, full speed\n"
    )
    cards = procfs.parse_cards(text)
    assert cards[0].name == "SB Audigy 2 ZS [SB0350]"
    assert cards[0].longname and cards[0].longname.startswith("Creative SB Audigy 2 ZS")
    assert (cards[1].index, cards[1].id, cards[1].usb_speed) == (1, "default", "full")


def test_cut_longname_keeps_only_what_it_states() -> None:
    text = (
        " 1 [USB            ]: USB-Audio - Scarlett 18i20 USB\n"
        "                      Focusrite Scarlett 18i20 USB at usb-0000:00:14.0-1.4, full s\n"
        " 2 [X              ]: USB-Audio - X\n"
        "                      Some Long Vendor Name Product X at usb-0000:00:14.0-1.\n"
    )
    first, second = procfs.parse_cards(text)
    assert first.usb_bus_path == "usb-0000:00:14.0-1.4"
    assert first.usb_speed is None  # "full s" is cut: no guess
    assert second.controller == "0000:00:14.0"
    assert second.usb_bus_path is None and second.usb_speed is None


def test_devices_modern_and_old_style() -> None:
    modern = (
        "  0: [ 0]   : control\n  1:        : sequencer\n 16: [ 0- 0]: digital audio playback\n"
        " 24: [ 0- 0]: digital audio capture\n 40: [ 1- 0]: raw midi\n"
        " 41: [ 1- 0]: hardware dependent\n 33:        : timer\n"
    )
    nodes = procfs.parse_devices(modern)
    assert [n.kind for n in nodes][:2] == ["control", "sequencer"]
    pcms = procfs.pcms_from_devices(nodes)
    assert list(pcms) == [0]
    assert (pcms[0][0].playback, pcms[0][0].capture) == (True, True)
    assert procfs.cards_with_kind(nodes, "midi") == {1}
    assert procfs.cards_with_kind(nodes, "hardware dependent") == {1}
    old = "0: [0- 0]: ctl\n4: [0- 0]: digital audio playback\n"
    old_nodes = procfs.parse_devices(old)
    assert old_nodes[0].kind == "control" and old_nodes[0].card == 0
    assert procfs.pcms_from_devices(old_nodes)[0][0].playback


def test_pcm_hwdep_modules_version_usbid() -> None:
    pcm = procfs.parse_pcm(
        "00-00: ALC662 rev1 Analog : ALC662 rev1 Analog : playback 1 : capture 1\n"
        "00-01: ALC662 rev1 Digital : ALC662 rev1 Digital : playback 1\n"
        "01-00: USB Audio : USB Audio : capture 1\n"
    )
    assert [(p.device, p.playback, p.capture) for p in pcm[0]] == [
        (0, True, True),
        (1, True, False),
    ]
    assert pcm[1][0].name == "USB Audio" and not pcm[1][0].playback
    assert procfs.parse_hwdep("01-00: USB STREAM\n00-00: HDA Codec 0\n") == {
        1: ["USB STREAM"],
        0: ["HDA Codec 0"],
    }
    assert procfs.parse_modules(" 0 snd_hda_intel\n 1 snd-usb-us122l\n") == {
        0: "snd_hda_intel",
        1: "snd_usb_us122l",
    }
    text = "Advanced Linux Sound Architecture Driver Version k6.1.31.\n"
    assert procfs.parse_version(text) == "k6.1.31"
    assert procfs.parse_version("Advanced Linux Sound Architecture Driver Version 1.0.20.\n") == (
        "1.0.20"
    )
    assert procfs.parse_usbid("0763:2030\n") == "0763:2030"
    assert procfs.parse_usbid("garbage") is None


STREAM_C400 = """\
M-Audio Fast Track C400 at usb-0000:0c:00.3-1, high speed : USB Audio

Playback:
  Status: Running
    Interface = 2
    Altset = 1
  Interface 2
    Altset 1
    Format: S24_3LE
    Channels: 6
    Endpoint: 0x01 (1 OUT) (ADAPTIVE)
    Rates: 44100, 48000, 88200, 96000
    Sync Endpoint: 0x81 (1 IN)
    Implicit Feedback Mode: Yes

Capture:
  Status: Stop
  Interface 3
    Altset 1
    Format: S24_3LE
    Channels: 4
    Rates: 44100, 48000, 88200, 96000
"""


def test_stream_directions_formats_rates_and_implicit_feedback() -> None:
    assert procfs.stream_longname(STREAM_C400) == (
        "M-Audio Fast Track C400 at usb-0000:0c:00.3-1, high speed"
    )
    playback, capture = procfs.parse_stream(STREAM_C400)
    assert playback.direction is Direction.PLAYBACK and playback.status == "Running"
    assert playback.formats == ["S24_3LE"] and playback.channels == [6]
    assert playback.rates == [44100, 48000, 88200, 96000]
    assert playback.implicit_feedback is True
    assert capture.direction is Direction.CAPTURE and capture.channels == [4]
    assert capture.implicit_feedback is None


def test_substream_owner_pid() -> None:
    assert procfs.parse_substream_status("closed\n") is None
    status = "state: RUNNING\nowner_pid   : 4242\ntrigger_time: 1.0\n"
    assert procfs.parse_substream_status(status) == 4242


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_parsers_never_raise_on_any_text(text: str) -> None:
    procfs.parse_cards(text)
    procfs.pcms_from_devices(procfs.parse_devices(text))
    procfs.parse_pcm(text)
    procfs.parse_hwdep(text)
    procfs.parse_modules(text)
    procfs.parse_stream(text)
    procfs.stream_longname(text)
    procfs.parse_substream_status(text)
    procfs.parse_version(text)
    procfs.parse_usbid(text)

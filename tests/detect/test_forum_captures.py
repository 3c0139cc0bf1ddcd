"""Real pastes from forums and mailing lists that the detector was not built on
(tests/fixtures/captures/forum/, each with its source in the header). Every assertion is a
fact read off the paste itself: card index, id, driver/module, USB id, speed, controller,
usb_stream or not, MIDI-only cards, HDMI versus analog, PCI sound cards.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from stagebox.core.capture import parse_capture, read_capture_file

from tests.conftest import CAPTURES, capture_path

FORUM = CAPTURES / "forum"


def forum_path(number: str) -> Path:
    matches = sorted(FORUM.glob(f"{number}-*.txt"))
    assert matches, f"no forum capture {number}"
    return matches[0]


@pytest.fixture
def detect_json(run_cli):
    def run(path: Path) -> dict[str, Any]:
        result = run_cli("detect", "--capture", str(path), "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)

    return run


def _cards(data: dict[str, Any]) -> list[tuple[int, str, str]]:
    return [(c["index"], c["id"], c["kind"]) for c in data["cards"]]


def _card(data: dict[str, Any], index: int) -> dict[str, Any]:
    return next(c for c in data["cards"] if c["index"] == index)


def _codes(data: dict[str, Any], card: int | None) -> set[str]:
    return {f["code"] for f in data["findings"] if f["card"] == card}


def _finding(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(f for f in data["findings"] if f["code"] == code)


def test_every_forum_capture_is_tested_here() -> None:
    numbers = {p.name[:2] for p in FORUM.glob("*.txt")}
    covered = {name.split("_")[1] for name in globals() if re.match(r"test_\d\d_", name)}
    assert numbers and numbers <= covered, f"untested: {sorted(numbers - covered)}"


def test_every_forum_capture_has_the_capture_header() -> None:
    for path in FORUM.glob("*.txt"):
        head = path.read_text().split("\n---\n", 1)[0].split("\n")
        assert [line.split(":", 1)[0] for line in head] == ["source", "device", "kind"], path
        assert head[2] in ("kind: alsa-info", "kind: proc-asound-cards", "kind: mixed"), path


def test_01_umc404hd_beside_a_midi_keyboard_is_the_jack_device(detect_json) -> None:
    data = detect_json(forum_path("01"))
    assert _cards(data) == [
        (0, "V49", "midi_only"),  # Alesis V49: a USB MIDI keyboard, not an interface
        (1, "NVidia", "hdmi"),
        (2, "U192k", "interface"),
        (3, "Generic", "onboard"),  # no PCM list, no chip names: not called HDMI
    ]
    umc = _card(data, 2)
    assert (umc["family"], umc["usb_speed"], umc["controller"]) == (
        "behringer_umc404hd",
        "high",
        "0000:08:00.1",
    )
    # from the lsusb -tv fragment (no root hub line): "ID 1397:0509" under "1-4"
    assert (umc["usb_id"], umc["usb_port_path"]) == ("1397:0509", "1-4")
    assert "umc404_channels" in _codes(data, 2)
    assert _card(data, 0)["usb_speed"] == "full" and _card(data, 0)["jack_device"] is None
    assert _card(data, 3)["family"] == "hda_generic_unknown"
    assert "hw:U192k" in _finding(data, "wrong_device_hint")["fix"]


def test_02_hda_generic_with_an_analog_codec_is_not_hdmi(detect_json) -> None:
    data = detect_json(forum_path("02"))
    assert _cards(data) == [(0, "HDMI", "hdmi"), (1, "Generic", "onboard")]
    generic = _card(data, 1)
    assert (generic["playback"], generic["capture"], generic["family"]) == (True, True, "onboard")
    assert data["kernel"] == "4.15.0-20-lowlatency"


def test_02_without_pcm_listings_the_chip_names_decide() -> None:
    """The same report without its "ALSA Device nodes" and "Aplay/Arecord output": amixer's
    mixer names ("ATI R6xx HDMI", "Realtek ALC295") and the kernel's input devices
    ("HDA ATI HDMI HDMI/DP,pcm=3" of card0) still tell HDMI from analog."""
    from stagebox.core.detect import detect_facts

    text = read_capture_file(forum_path("02"))
    for title in ("ALSA Device nodes", "Aplay/Arecord output"):
        text = re.sub(r"!!" + re.escape(title) + r"\n.*?(?=\n!!Amixer|\n!!Sysfs)", "", text,
                      flags=re.S)  # fmt: skip
    facts = parse_capture(text)
    assert all(c.pcms is None for c in facts.cards)
    assert facts.cards[0].chip_names[0] == "ATI R6xx HDMI"
    assert facts.cards[1].chip_names[0] == "Realtek ALC295"
    result = detect_facts(facts)
    assert [(c.id, c.kind.value, c.family) for c in result.cards] == [
        ("HDMI", "hdmi", "hdmi"),
        ("Generic", "onboard", "onboard"),
    ]


# The poster left alsa-info's "HDA-Intel Codec information" out; these are the first lines of
# the two codec files in the kernel's format (sound/pci/hda/hda_proc.c), as alsa-info prints
# them: `cat /proc/asound/card*/codec#*`, no card named.
CODEC_SECTION = """
!!HDA-Intel Codec information
!!---------------------------
--startcollapse--

Codec: ATI R6xx HDMI
Address: 0
AFG Function Id: 0x1 (unsol 0)
Vendor Id: 0x1002aa01
Subsystem Id: 0x00aa0100
Revision Id: 0x100800
No Modem Function Group found
Codec: Realtek ALC295
Address: 0
AFG Function Id: 0x1 (unsol 1)
Vendor Id: 0x10ec0295
Subsystem Id: 0x103c8418
Revision Id: 0x100002
No Modem Function Group found
--endcollapse--

"""


def _only_codecs_tell(keep_sysfs: bool) -> str:
    """Report 02 with every other chip or PCM hint removed, and the codec section added."""
    text = read_capture_file(forum_path("02"))
    titles = ["ALSA Device nodes", "Aplay/Arecord output", "Amixer output"]
    titles += [] if keep_sysfs else ["Sysfs Files", "ALSA/HDA dmesg"]
    for title in titles:
        text = re.sub(r"!!" + re.escape(title) + r"\n.*?(?=\n!!(?!-)|\Z)", "", text, flags=re.S)
    text = "\n".join(line for line in text.splitlines() if "input:" not in line)
    return (
        text.replace("!!ALSA/HDA dmesg", CODEC_SECTION + "!!ALSA/HDA dmesg")
        if keep_sysfs
        else (text + CODEC_SECTION)
    )


@pytest.mark.parametrize("keep_sysfs", [True, False], ids=["sysfs-slots", "address-order"])
def test_02_codec_lines_tie_to_their_cards_and_decide_hdmi(keep_sysfs: bool) -> None:
    from stagebox.core.detect import detect_facts

    facts = parse_capture(_only_codecs_tell(keep_sysfs))
    assert all(c.pcms is None for c in facts.cards)
    assert [c.chip_names for c in facts.cards] == [["ATI R6xx HDMI"], ["Realtek ALC295"]]
    result = detect_facts(facts)
    assert [(c.id, c.kind.value, c.family) for c in result.cards] == [
        ("HDMI", "hdmi", "hdmi"),
        ("Generic", "onboard", "onboard"),
    ]


def test_codec_dumps_whose_card_is_not_certain_are_not_tied() -> None:
    cards = (
        " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n"
        "                      HDA Intel PCH at 0xf7f10000 irq 29\n"
        " 1 [Generic        ]: HDA-Intel - HD-Audio Generic\n"
        "                      HD-Audio Generic at 0xfca00000 irq 156\n"
    )
    # addresses 0 then 2: one card with two codecs, or one codec on each card
    rising = "$ cat /proc/asound/card*/codec#*\nCodec: Realtek ALC892\nAddress: 0\n"
    rising += "Codec: ATI R6xx HDMI\nAddress: 2\n"
    facts = parse_capture(cards + rising)
    assert [c.chip_names for c in facts.cards] == [[], []]
    assert any("not tied to a card" in note for note in facts.notes)
    # a command naming the file ties it whatever else the paste shows
    one = "$ cat /proc/asound/card1/codec#0\nCodec: ATI R6xx HDMI\nAddress: 0\n"
    assert [c.chip_names for c in parse_capture(cards + one).cards] == [[], ["ATI R6xx HDMI"]]
    # card10 comes before card2 in the shell's glob order
    many = "".join(
        f" {i} [C{i:<14}]: HDA-Intel - HDA Intel\n                      HDA Intel at 0x{i}\n"
        for i in (0, 2, 10)
    )
    dumps = "$ cat /proc/asound/card*/codec#*\n" + "".join(
        f"Codec: Chip {n}\nAddress: 0\n" for n in ("A", "B", "C")
    )
    chips = {c.index: c.chip_names for c in parse_capture(many + dumps).cards}
    assert chips == {0: ["Chip A"], 2: ["Chip C"], 10: ["Chip B"]}


def test_03_bbcode_font_tags_and_joined_lines(detect_json) -> None:
    facts = parse_capture(read_capture_file(forum_path("03")))
    assert [(c.index, c.id, c.module) for c in facts.cards] == [
        (0, "Intel", "snd_hda_intel"),
        (1, "US122L", "snd_usb_us122l"),
    ]
    # "0 [Intel ]: HDA-Intel - HDA Intel<22 spaces>HDA Intel at ..." on one line
    assert facts.cards[0].longname == "HDA Intel at 0xf0500000 irq 28"
    # "... Imation Corp. Bus 002 Device 010: ID 0644:800e ..." on one line
    assert {(d.usb_id, d.bus, d.device) for d in facts.usb_devices or []} >= {
        ("0718:0619", 2, 2),
        ("0644:800e", 2, 10),
    }
    intel = facts.cards[0]
    assert [p.device for p in intel.pcms or [] if p.playback] == [0, 1]
    assert [p.device for p in intel.pcms or [] if p.capture] == [0]
    data = detect_json(forum_path("03"))
    tascam = _card(data, 1)
    assert (tascam["usb_id"], tascam["access"], tascam["jack_device"]) == (
        "0644:800e",
        "usb_stream",
        "us-122l",
    )


def test_04_us122l_with_usb_stream_undefined_in_jackd_log(detect_json) -> None:
    data = detect_json(forum_path("04"))
    assert _cards(data) == [(0, "Intel", "onboard"), (1, "US122L", "interface")]
    assert _card(data, 1)["access"] == "usb_stream" and _card(data, 1)["usb_id"] == "0644:800e"
    assert "Invalid CTL usb_stream:1" in _finding(data, "jack_usb_stream_undefined")["message"]
    assert "jack_wrong_card" not in _codes(data, None)  # usb_stream:1 is the Tascam's index


def test_05_us144mkii_without_card_and_a_pci_xfi(detect_json) -> None:
    data = detect_json(forum_path("05"))
    assert _cards(data) == [
        (0, "HDMI", "hdmi"),
        (1, "Headset", "webcam_or_headset"),
        (2, "XFi", "onboard"),
    ]
    assert _card(data, 2)["description"] == "PCI sound card"
    assert _card(data, 2)["family"] == "pci_sound_card"
    missing = data["usb_audio_without_card"]
    assert [(m["usb_id"], m["model"]) for m in missing] == [("0644:8020", "Tascam US-144MKII")]
    assert "card_reader_not_audio" in _codes(data, None)  # 0644:0200 is TEAC's card reader


def _detect_text(text: str) -> dict[str, Any]:
    from stagebox.core.detect import detect_facts

    return json.loads(detect_facts(parse_capture(text)).to_json())


def test_05_us144mkii_on_a_usb2_bus_with_companions_gets_the_ehci_unbind_fix(detect_json) -> None:
    """No card, no speed shown: but bus 001 has a 2.0 root hub and buses 003-008 USB 1.1
    root hubs (EHCI companions), no USB 3 root hub. The unbind fix comes first; what is
    inferred, the xHCI caveat and the unknown kernel are said in plain words."""
    data = detect_json(forum_path("05"))
    (missing,) = data["usb_audio_without_card"]
    assert missing["speed"] is None  # the paste does not state it: still null
    assert missing["reason"].startswith("most likely refused at USB high speed")
    general = [f for f in data["findings"] if f["card"] is None]
    assert general[0]["code"] == "ehci_unbind_required" and general[0]["usb_id"] == "0644:8020"
    assert "driver_not_bound" not in _codes(data, None)
    inferred = _finding(data, "usb_speed_inferred")
    assert "bus 001" in inferred["message"] and "most likely EHCI" in inferred["message"]
    assert "xHCI" in inferred["fix"]
    assert "modprobe snd-usb-us144mkii" in _finding(data, "native_driver_if_newer")["fix"]


def test_05_what_else_the_paste_could_show_decides() -> None:
    text = read_capture_file(forum_path("05"))
    lsusb, aplay = text.split("**** List of PLAYBACK", 1)
    aplay = "**** List of PLAYBACK" + aplay
    # a USB 3 root hub in the listing: maybe the USB 2.0 side of an xHCI controller
    usb3 = lsusb.replace("ID 1d6b:0001 Linux Foundation 1.1", "ID 1d6b:0003 Linux Foundation 3.0")
    data = _detect_text(usb3 + aplay)
    assert data["findings"][0]["code"] == "ehci_unbind_required"
    assert "USB 2.0 side of an xHCI" in _finding(data, "usb_speed_inferred")["message"]
    # lsusb -t names the bus's driver: xhci_hcd means no unbind can help
    tree = "$ lsusb -t\n/:  Bus 01.Port 1: Dev 1, Class=root_hub, Driver=xhci_hcd/4p, 480M\n"
    codes = {f["code"] for f in _detect_text(lsusb + tree + aplay)["findings"]}
    assert "xhci_only" in codes and "ehci_unbind_required" not in codes
    # the kernel log states the speed: nothing is inferred; a known old kernel: no caveat
    dmesg = (
        "$ dmesg\n[ 5.1] usb 1-1.2: new high speed USB device number 4 using ehci_hcd\n"
        "$ uname -r\n2.6.35-24-generic\n"
    )
    data = _detect_text(lsusb + dmesg + aplay)
    codes = {f["code"] for f in data["findings"]}
    assert "ehci_unbind_required" in codes and "newer_driver_available" in codes
    assert not {"usb_speed_inferred", "native_driver_if_newer"} & codes
    assert data["usb_audio_without_card"][0]["speed"] == "high"


def test_06_mpu401_uart_is_a_midi_port(detect_json) -> None:
    data = detect_json(forum_path("06"))
    assert _cards(data) == [(0, "US122L", "interface"), (1, "UART", "midi_only")]
    assert _card(data, 0)["jack_device"] == "us-122l"
    uart = _card(data, 1)
    assert (uart["access"], uart["jack_device"], uart["family"]) == ("none", None, "mpu401_midi")
    assert "midi_only" in _codes(data, 1)


def test_07_cut_card_list_with_a_pixart_webcam(detect_json, run_cli) -> None:
    data = detect_json(forum_path("07"))
    assert _cards(data) == [(2, "U0x93a0x262c", "webcam_or_headset"), (3, "US122L", "interface")]
    webcam = _card(data, 2)
    assert (webcam["usb_id"], webcam["usb_speed"], webcam["controller"]) == (
        "093a:262c",
        "full",
        "0000:00:13.1",
    )
    tascam = _card(data, 3)
    assert (tascam["module"], tascam["usb_id"]) == ("snd_usb_us122l", "0644:800e")
    text = run_cli("detect", "--capture", str(forum_path("07"))).out
    assert "JACK should use: us-122l  (card 3, Tascam US-122L)" in text


def test_08_lost_leading_spaces(detect_json) -> None:
    data = detect_json(forum_path("08"))
    assert [(c["index"], c["id"], c["module"]) for c in data["cards"]] == [
        (0, "ICH6", "snd_intel8x0"),
        (1, "US122L", "snd_usb_us122l"),
    ]
    assert _card(data, 0)["kind"] == "onboard" and _card(data, 1)["access"] == "usb_stream"


def test_09_nforce_ac97_is_not_hdmi_and_the_9652_needs_no_firmware(detect_json) -> None:
    data = detect_json(forum_path("09"))
    assert _cards(data) == [(0, "CK804", "onboard"), (1, "DSP", "interface")]
    assert _card(data, 0)["driver"] == "NFORCE"
    assert _card(data, 1)["family"] == "rme_hdsp" and _card(data, 1)["jack_device"] == "hw:DSP"
    assert "firmware_required" not in _codes(data, 1)


def test_10_multiface_with_firmware_loaded(detect_json) -> None:
    data = detect_json(forum_path("10"))
    assert _cards(data) == [(0, "Intel", "onboard"), (1, "DSP", "interface")]
    assert "firmware_required" not in _codes(data, 1)
    assert "mixer_tool" in _codes(data, 1)
    assert "wrong_device_hint" not in _codes(data, 0)


# -- the shared captures the same rules touch ----------------------------------------------------


def test_audigy_of_capture_28_is_a_pci_sound_card(detect_json, run_cli) -> None:
    data = detect_json(capture_path("28"))
    audigy = _card(data, 0)
    assert (audigy["kind"], audigy["description"]) == ("onboard", "PCI sound card")
    text = run_cli("detect", "--capture", str(capture_path("28"))).out
    assert "what it is:   PCI sound card (not a recording interface)" in text


def test_generic_hda_is_hdmi_only_with_evidence(detect_json) -> None:
    # capture 10: Intel chipset sound beside it, so the Generic card is the graphics chip's
    assert _card(detect_json(capture_path("10")), 2)["kind"] == "hdmi"
    # capture 15: nothing shows which (AMD analog codec or HDMI)
    generic = _card(detect_json(capture_path("15")), 2)
    assert (generic["kind"], generic["family"]) == ("onboard", "hda_generic_unknown")
    assert "does not show which" in generic["description"]


# -- round 3: more real pastes -------------------------------------------------------------------


def test_11_scarlett_lines_in_markdown_bold(detect_json) -> None:
    data = detect_json(forum_path("11"))
    assert _cards(data) == [(0, "PCH", "onboard"), (1, "USB", "interface")]
    scarlett = _card(data, 1)
    assert (scarlett["family"], scarlett["usb_id"], scarlett["usb_speed"]) == (
        "focusrite",
        "1235:8012",  # "**Bus 002 Device 004: ID 1235:8012 ...**" and usb-devices' P: line
        "high",
    )
    assert scarlett["controller"] == "0000:00:1d.0"
    assert data["recommended"]["jack_device"] == "hw:USB"


def test_aplay_star_rules_are_not_markdown_bold() -> None:
    text = (
        "**** List of PLAYBACK Hardware Devices ****\n"
        "card 1: USB [Scarlett 6i6 USB], device 0: USB Audio [USB Audio]\n"
        "  Subdevices: 1/1\n"
    )
    (card,) = parse_capture(text).cards
    assert (card.index, card.id, [p.device for p in card.pcms or []]) == (1, "USB", [0])


def test_12_hdspm_madi_with_card_id_default_beside_a_midisport(detect_json) -> None:
    data = detect_json(forum_path("12"))
    assert _cards(data) == [(0, "default", "interface"), (1, "M8x8", "midi_only")]
    madi = _card(data, 0)
    assert (madi["driver"], madi["family"], madi["jack_device"]) == (
        "HDSPM",
        "rme_hdspm",
        "hw:default",
    )
    assert (madi["playback"], madi["capture"]) == (True, True)  # pcmC0D0p, pcmC0D0c
    assert _card(data, 1)["jack_device"] is None
    assert data["recommended"]["card"] == 0


def test_13_usx2y_with_squeezed_brackets_and_no_leading_spaces(detect_json) -> None:
    data = detect_json(forum_path("13"))
    assert [(c["index"], c["id"], c["driver"]) for c in data["cards"]] == [
        (0, "IXP", "ATIIXP"),
        (1, "USX2Y", "USB US-X2Y"),
    ]
    tascam = _card(data, 1)
    assert (tascam["family"], tascam["usb_id"], tascam["access"]) == ("usx2y", "1604:8007", "hw")
    assert tascam["longname"] == "TASCAM US-X2Y (1604:8007 if 0 at 001/006)"


def test_14_edirol_pcr_is_a_midi_keyboard_among_five_cards(detect_json) -> None:
    data = detect_json(forum_path("14"))
    assert _cards(data) == [
        (0, "M2496", "interface"),
        (1, "SB", "onboard"),
        (2, "PCR", "midi_only"),  # 0582:0033 is QUIRK_MIDI_FIXED_ENDPOINT only
        (3, "NVidia", "hdmi"),
        (4, "USX2Y", "interface"),
    ]
    assert _card(data, 2)["usb_speed"] == "full" and _card(data, 2)["jack_device"] is None
    assert _card(data, 0)["family"] == "pro_pci_card"
    assert data["recommended"]["jack_device"] == "hw:M2496"
    assert "midi_only" in _codes(data, 2)


def test_15_midi_interface_and_a_longname_cut_at_the_kernel_limit(detect_json) -> None:
    data = detect_json(forum_path("15"))
    assert _cards(data) == [
        (0, "M1010LT", "interface"),
        (1, "Interface", "midi_only"),  # "EV-10 USB MIDI Interface"
        (2, "Audigy2", "onboard"),
        (3, "Live", "onboard"),
    ]
    ev10 = _card(data, 1)
    # "... at usb-0000:00:04.0-1, full": 79 characters, the kernel's longname limit
    assert (ev10["usb_speed"], ev10["controller"]) == ("full", "0000:00:04.0")
    assert {_card(data, i)["description"] for i in (2, 3)} == {"PCI sound card"}
    assert data["recommended"]["jack_device"] == "hw:M1010LT"


def test_a_cut_speed_word_is_read_only_at_the_kernel_limit() -> None:
    from stagebox.core.procfs import parse_cards

    head = " 1 [X              ]: USB-Audio - X\n"
    cut = "Some Vendor Name Ltd. Some Long Product Name Here!! at usb-0000:00:04.0-1, high"
    assert len(cut) == 79
    assert parse_cards(head + "                      " + cut + "\n")[0].usb_speed == "high"
    short = "Vendor X at usb-0000:00:04.0-1, high"  # not cut by the kernel: not a speed
    assert parse_cards(head + "                      " + short + "\n")[0].usb_speed is None


def test_16_delta_44_in_bbcode_italics_held_open(detect_json) -> None:
    data = detect_json(forum_path("16"))
    assert [(c["index"], c["id"], c["module"], c["kind"]) for c in data["cards"]] == [
        (0, "M44", "snd_ice1712", "interface")
    ]
    assert data["kernel"] == "2.6.32-21-generic"
    assert "device_busy" in _codes(data, 0) or any(
        "Subdevices: 0/" in f["message"] for f in data["findings"] if f["card"] == 0
    )
    assert data["recommended"]["jack_device"] == "hw:M44"


def test_17_german_listings_with_stray_fences(detect_json) -> None:
    data = detect_json(forum_path("17"))
    assert _cards(data) == [
        (0, "Generic", "onboard"),
        (1, "NVidia", "hdmi"),
        (2, "CMI8738", "onboard"),
    ]
    generic, nvidia, cmi = (_card(data, i) for i in (0, 1, 2))
    assert generic["family"] == "onboard"  # ALC887-VD Analog: AMD chipset sound, not HDMI
    assert (generic["playback"], generic["capture"]) == (True, True)
    assert (nvidia["playback"], nvidia["capture"]) == (True, False)
    assert (cmi["module"], cmi["description"]) == ("snd_cmipci", "PCI sound card")
    assert "no_external_interface" in _codes(data, None)


def test_18_no_card_but_the_ice1712_driver_is_loaded(detect_json) -> None:
    data = detect_json(forum_path("18"))
    assert data["cards"] == [] and data["alsa"] == "loaded"
    assert data["kernel"] == "2.6.36-020636-generic"
    codes = [f["code"] for f in data["findings"]]
    assert codes[:2] == ["driver_not_bound", "no_sound_card"]  # the card lspci shows
    loaded = _finding(data, "driver_not_bound")
    assert "its driver snd_ice1712 is loaded" in loaded["message"]
    # lspci -v | grep and alsa-info's PCI excerpts name the card the driver did not set up
    assert "The PCI card M-Audio Delta Audiophile 2496" in loaded["message"]
    assert "PCI id 1412:1712) at 0000:04:00.0" in loaded["message"]
    assert "sudo modprobe -r snd-ice1712 && sudo modprobe snd-ice1712" in loaded["fix"]
    assert "no_external_interface" not in codes  # not "only no sound card at all"


def test_19_ua4fx_inside_indent_tags(detect_json) -> None:
    data = detect_json(forum_path("19"))
    assert _cards(data) == [(0, "Intel", "onboard"), (1, "UA4FX", "interface")]
    ua = _card(data, 1)
    assert (ua["family"], ua["usb_speed"], ua["controller"]) == (
        "edirol_ua_advanced",
        "full",
        "0000:00:1d.0",
    )
    assert data["recommended"]["jack_device"] == "hw:UA4FX"


def test_20_a_kernel_log_without_card_list_names_the_interface(detect_json) -> None:
    data = detect_json(forum_path("20"))
    assert data["cards"] == [] and data["alsa"] == "unknown"
    assert data["usb_audio_without_card"] == []  # whether it has a card is not shown
    shown = _finding(data, "interface_card_not_shown")
    assert shown["usb_id"] == "1397:0507"
    assert "Behringer UMC202HD" in shown["message"]
    assert "USB 2.0 high speed, on xhci_hcd" in shown["message"]


def test_21_esi_juli_is_a_recording_card_over_two_usb_devices(detect_json) -> None:
    data = detect_json(forum_path("21"))
    assert [(c["index"], c["id"], c["driver"], c["kind"]) for c in data["cards"]] == [
        (0, "Juli", "ICE1724", "interface"),
        (1, "Intel", "HDA-Intel", "onboard"),
        (2, "Live", "EMU10K1", "onboard"),
        (3, "CODEC", "USB-Audio", "interface"),
        (4, "S51", "USB-Audio", "interface"),
    ]
    assert _card(data, 0)["family"] == "pro_pci_card"
    assert _card(data, 2)["description"] == "PCI sound card"
    assert [(_card(data, i)["usb_speed"], _card(data, i)["controller"]) for i in (3, 4)] == [
        ("full", "0000:00:1d.1"),
        ("full", "0000:00:1d.0"),
    ]
    assert data["recommended"]["jack_device"] == "hw:Juli"


def test_22_caiaq_longname_gives_the_controller_and_a_cut_aplay_is_not_the_machine(
    detect_json,
) -> None:
    data = detect_json(forum_path("22"))
    assert _cards(data) == [
        (0, "MID", "onboard"),
        (1, "HDMI", "hdmi"),
        (2, "AudioKontrol1", "interface"),
    ]
    kontrol = _card(data, 2)
    assert (kontrol["module"], kontrol["usb_id"]) == ("snd_usb_caiaq", "17cc:0815")
    # "Native Instruments Audio Kontrol 1 (usb-0000:00:1d.0-1.2)": no speed word in caiaq's name
    assert (kontrol["controller"], kontrol["usb_speed"]) == ("0000:00:1d.0", None)
    # the French aplay -l is cut ("...") and names the AK1 "carte 1": it proves nothing
    assert (kontrol["playback"], kontrol["capture"]) == (None, None)
    assert data["recommended"]["jack_device"] == "hw:AudioKontrol1"
    assert "wrong_device_hint" in _codes(data, 1)


def test_23_oxygen_8_midi_keyboard_is_not_an_audio_interface(detect_json) -> None:
    data = detect_json(forum_path("23"))
    assert _cards(data) == [(0, "Intel", "onboard"), (1, "v2", "midi_only")]
    oxygen = _card(data, 1)
    assert (oxygen["usb_speed"], oxygen["controller"]) == ("full", "0000:00:1d.1")
    assert oxygen["jack_device"] is None
    assert _card(data, 0)["playback"] is True  # French aplay -l: carte 0, périphérique 0/1/3
    assert data["recommended"] is None
    assert "midi_only" in _codes(data, 1)


def test_24_ua4fx_wiki_device_information_class_compliant_mode(detect_json) -> None:
    data = detect_json(forum_path("24"))
    assert _cards(data) == [(0, "UA4FX", "interface")]
    ua = _card(data, 0)
    # /proc/bus/usb/devices: Vendor=0582 ProdID=00a4 Spd=12 on the OHCI bus of 0000:00:0b.0
    assert (ua["usb_id"], ua["usb_speed"], ua["controller"]) == (
        "0582:00a4",
        "full",
        "0000:00:0b.0",
    )
    assert "ADVANCE off" in ua["model"]  # 00a4 is the class-compliant id, 00a3 the advanced one
    assert (ua["playback"], ua["capture"]) == (True, True)  # /proc/asound/devices [ 0- 0]
    assert "advanced_mode" in _codes(data, 0)
    # the root hub's "Manufacturer=Linux 2.6.24-rc2-git5 ohci_hcd" names the running kernel
    assert data["kernel"] == "2.6.24-rc2-git5"
    # the wiki's aplay -l ("card 1: UA4FX") was taken at another moment: not card 1
    assert data["recommended"]["jack_device"] == "hw:UA4FX"


def test_25_m16dx_stream0_gives_18_inputs(detect_json) -> None:
    data = detect_json(forum_path("25"))
    assert _cards(data) == [(0, "Intel", "onboard"), (1, "M16DX", "interface")]
    m16 = _card(data, 1)
    assert (m16["usb_id"], m16["usb_speed"], m16["controller"], m16["usb_port_path"]) == (
        "0582:00c4",
        "high",
        "0000:00:1d.7",
        "1-7",
    )
    assert (m16["capture_channels"], m16["playback_channels"]) == (18, 2)
    assert data["recommended"]["jack_device"] == "hw:M16DX"


def test_26_german_subdevice_lines_keep_the_aplay_listing_whole(detect_json) -> None:
    path = forum_path("26")
    facts = parse_capture(read_capture_file(path))
    intel = facts.card(0)
    assert intel is not None and intel.pcms is not None
    # "Untergeordnetes Gerät '0: subdevice #0" does not end the listing: device 0 is kept
    analog = next(p for p in intel.pcms if p.device == 0)
    assert (analog.name, analog.playback, analog.capture) == ("ALC883 Analog", True, True)
    assert not any("appears" in note for note in facts.notes)  # one listing each, not pieces
    data = detect_json(path)
    tascam = _card(data, 1)
    assert (tascam["module"], tascam["usb_id"], tascam["access"]) == (
        "snd_usb_us122l",
        "0644:800e",
        "usb_stream",
    )
    assert {"usb_stream_required", "jack_usb_stream_undefined"} <= _codes(data, 1)
    assert data["recommended"]["jack_device"] == "us-122l"


def test_27_a_headerless_aplay_line_shows_the_generic_card_is_hdmi(detect_json) -> None:
    data = detect_json(forum_path("27"))
    # "Karte 0: Generic [HD-Audio Generic], Gerät 3: ATI HDMI": no PLAYBACK line, no command
    assert _cards(data) == [(0, "Generic", "hdmi"), (1, "US122L", "interface")]
    assert _card(data, 0)["kind_alternatives"] == []
    assert _card(data, 1)["access"] == "usb_stream"
    assert data["recommended"]["jack_device"] == "us-122l"


def test_28_the_mixer_that_records_beats_a_playback_only_dac(detect_json) -> None:
    data = detect_json(forum_path("28"))
    assert _cards(data) == [
        (0, "PCH", "onboard"),
        (1, "NVidia", "hdmi"),
        (2, "DAC", "interface"),
        (3, "CinemaTM", "webcam_or_headset"),
        (4, "CODEC", "interface"),
    ]
    dac, codec = _card(data, 2), _card(data, 4)
    assert (dac["playback"], dac["capture"]) == (True, False)
    # a USB DAC: still kind interface (JACK plays through it), described as output-only
    assert (dac["family"], dac["description"]) == (
        "usb_audio_output",
        "output-only USB audio device",
    )
    assert codec["description"] is None
    assert (codec["playback"], codec["capture"]) == (True, True)
    assert (codec["usb_speed"], codec["controller"]) == ("full", "0000:00:14.0")
    assert data["recommended"]["jack_device"] == "hw:CODEC"  # what the poster chose
    assert "only plays" in data["recommended"]["reason"]
    assert data["jack_order"][:2] == [4, 2]
    assert "webcam_not_interface" in _codes(data, 3)
    assert "hw:CODEC" in _finding(data, "wrong_device_hint")["fix"]


def test_29_ti_codec_padded_name_and_cut_speed(detect_json) -> None:
    data = detect_json(forum_path("29"))
    assert _cards(data) == [(0, "Intel", "onboard"), (1, "default", "interface")]
    uca = _card(data, 1)
    assert uca["model"] == "Burr-Brown from TI USB Audio CODEC"  # the padding squeezed
    assert (uca["usb_speed"], uca["controller"]) == ("full", "0000:00:1d.1")  # ", full s"
    assert data["recommended"]["jack_device"] == "hw:default"


def test_30_squeezed_copy_still_gives_the_cut_speed(detect_json) -> None:
    data = detect_json(forum_path("30"))
    assert _cards(data) == [(0, "Intel", "onboard"), (1, "default", "interface")]
    codec = _card(data, 1)
    # "1 [default ]": the copy squeezed the spaces, so ", full" is a cut name, not a short one
    assert (codec["usb_speed"], codec["controller"]) == ("full", "0000:00:1d.7")
    assert codec["playback"] is True and codec["capture"] is None  # no arecord -l
    assert data["recommended"]["jack_device"] == "hw:default"


def test_a_squeezed_header_is_told_from_a_padded_one() -> None:
    from stagebox.core.procfs import parse_cards

    squeezed = "1 [default ]: USB-Audio - X\nX at usb-0000:00:1d.7-8.3, full\n"
    assert parse_cards(squeezed)[0].usb_speed == "full"
    padded = " 1 [default        ]: USB-Audio - X\n      X at usb-0000:00:1d.7-8.3, full\n"
    assert parse_cards(padded)[0].usb_speed is None  # whole spaces, short name: not cut


def test_31_us224_after_fxload_without_card_list(detect_json) -> None:
    data = detect_json(forum_path("31"))
    assert data["cards"] == [] and data["alsa"] == "unknown"
    shown = _finding(data, "interface_card_not_shown")
    assert shown["usb_id"] == "1604:8005"  # the second lsusb: firmware loaded
    assert "firmware_required" not in {f["code"] for f in data["findings"]}


def test_32_a_failed_us122l_probe_invents_no_card(detect_json) -> None:
    data = detect_json(forum_path("32"))
    assert data["cards"] == [] and data["alsa"] == "unknown"
    assert data["recommended"] is None
    assert data["kernel"] == "2.6.32-24-generic"  # "Using kernel 2.6.32-24-generic"
    # the device is there, its driver did not set it up: the contract's driver_not_bound
    [failed] = [f for f in data["findings"] if f["code"] == "driver_not_bound"]
    assert (failed["severity"], failed["card"], failed["usb_id"]) == ("error", None, None)
    message = failed["message"]
    assert "snd-usb-us122l: probe of 1-6:1.1 failed with error -22" in message
    assert "EINVAL (Invalid argument)" in message and "refused a value" in message
    assert "cannot set freq 44100 to ep 0x81" in message and "USB port 1-6" in message
    assert "sudo modprobe -r snd-usb-us122l" in failed["fix"]
    assert "interface_card_not_shown" not in {f["code"] for f in data["findings"]}


def test_28_text_says_the_dac_only_plays(run_cli) -> None:
    out = run_cli("detect", "--capture", str(forum_path("28"))).out
    dac = out.split("Card 2 [DAC]")[1].split("\n\n")[0]
    assert "output-only USB audio device (JACK can use it for playback, not for recording)" in dac
    assert "a recording interface" not in dac
    codec = out.split("Card 4 [CODEC]")[1].split("\n\n")[0]
    assert "audio interface (a recording interface)" in codec


def test_33_a_quoted_printable_mail_attachment_is_read_as_sent(detect_json) -> None:
    data = detect_json(forum_path("33"))
    assert data["kernel"] == "5.14.0-1054-oem"
    assert _cards(data) == [(0, "U0x46d0x809", "webcam_or_headset"), (1, "UV1", "interface")]
    webcam, uv1 = _card(data, 0), _card(data, 1)
    assert (webcam["usb_id"], webcam["playback"], webcam["capture"]) == ("046d:0809", False, True)
    # "high s=" / "peed": the soft line break of the longname is joined again
    assert uv1["longname"] == "Behringer UV1 at usb-0000:00:14.0-4.1.3.1.1.1, high speed"
    assert uv1["usb_id"] == "1397:0510"  # usb_id=3D0x13970510
    assert (uv1["usb_speed"], uv1["controller"], uv1["module"]) == (
        "high",
        "0000:00:14.0",
        "snd_usb_audio",
    )
    assert (uv1["capture_channels"], uv1["playback_channels"]) == (2, 2)
    assert {"pcm_in_use", "implicit_feedback"} <= _codes(data, 1)
    assert data["recommended"]["jack_device"] == "hw:UV1" and data["jack_order"] == [1, 0]


def test_quoted_printable_needs_its_escapes_and_soft_breaks() -> None:
    # one line ending in '=' and an '=3D' of a hex dump do not make a paste quoted-printable
    text = " 0 [UV1            ]: USB-Audio - UV1\n   value 0x3D20=\nplain\n"
    facts = parse_capture(text)
    assert [c.id for c in facts.cards] == ["UV1"]


def test_34_an_alsa_info_on_one_line_keeps_its_aplay_and_lspci(detect_json) -> None:
    data = detect_json(forum_path("34"))
    assert data["kernel"] == "3.0.0-15-generic-pae"
    assert _cards(data) == [(0, "DG", "onboard")]
    xonar = _card(data, 0)
    assert (xonar["driver"], xonar["module"], xonar["description"]) == (
        "CMI8786",
        "snd_oxygen",
        "PCI sound card",
    )
    # aplay -l and arecord -l inside the one line: card 0 plays and records
    assert (xonar["playback"], xonar["capture"]) == (True, True)
    assert data["recommended"] is None and data["jack_order"] == [0]
    assert _codes(data, None) == {"no_external_interface"}


def test_a_flattened_aplay_listing_is_split_into_its_lines() -> None:
    line = (
        "!!Aplay/Arecord output !!------------  APLAY  **** List of PLAYBACK Hardware Devices ****"
        " card 1: UV1 [UV1], device 0: USB Audio [USB Audio]   Subdevices: 0/1"
        "   Subdevice #0: subdevice #0  ARECORD  **** List of CAPTURE Hardware Devices ****"
        " card 1: UV1 [UV1], device 0: USB Audio [USB Audio]   Subdevices: 1/1"
        "   Subdevice #0: subdevice #0   !!Amixer output !!-------------"
    )
    facts = parse_capture(line)
    [pcm] = facts.cards[0].pcms if facts.cards else [None]
    assert pcm is not None and pcm.subdevices_available == 0


def test_35_a_gaming_headset_and_a_dock_are_not_recording_interfaces(detect_json) -> None:
    data = detect_json(forum_path("35"))
    assert data["kernel"] == "5.12.12-arch1-1"
    assert _cards(data) == [
        (0, "sofsoundwire", "onboard"),
        (1, "USB", "webcam_or_headset"),
        (2, "Dock", "onboard"),
    ]
    sof, razer, dock = _card(data, 0), _card(data, 1), _card(data, 2)
    # /dev/snd/by-path "pci-0000:00:1f.3-platform-sof_sdw -> ../controlC0"
    assert (sof["module"], sof["pci_slot"]) == ("snd_soc_sof_sdw", "0000:00:1f.3")
    assert (sof["playback"], sof["capture"]) == (True, True)
    # "Razer Razer Kraken X USB at usb-0000:3d:00.0-1.1, full speed": a headset
    assert (razer["usb_id"], razer["usb_speed"], razer["controller"]) == (
        "1532:0526",
        "full",
        "0000:3d:00.0",
    )
    assert (razer["module"], razer["playback"], razer["capture"]) == ("snd_usb_audio", True, True)
    assert razer["pci_slot"] is None
    # longname "Dell-WD15-Dock" names no USB path: id from the USB mixer, controller from by-path
    assert (dock["family"], dock["usb_id"], dock["usb_speed"], dock["controller"]) == (
        "usb_dock_audio",
        "0bda:402e",
        None,
        "0000:3d:00.0",
    )
    assert dock["description"] == "headset and line-out jacks of a docking station"
    assert data["recommended"] is None
    assert _codes(data, None) == {"no_external_interface"}
    assert "webcam_not_interface" in _codes(data, 1)


def test_36_hda_creative_is_a_pci_sound_card_beside_ati_hdmi(detect_json) -> None:
    data = detect_json(forum_path("36"))
    assert data["kernel"] == "3.0.0-16-generic"
    assert _cards(data) == [(0, "HDMI", "hdmi"), (1, "Creative", "onboard")]
    hdmi, xfi = _card(data, 0), _card(data, 1)
    assert (hdmi["playback"], hdmi["capture"], hdmi["pci_slot"]) == (True, False, "0000:03:00.1")
    # snd_hda_intel names Creative's own controllers "HDA Creative": an X-Fi Xtreme Audio
    assert (xfi["module"], xfi["family"], xfi["description"]) == (
        "snd_hda_intel",
        "pci_sound_card",
        "PCI sound card",
    )
    assert (xfi["playback"], xfi["capture"], xfi["pci_slot"]) == (True, True, "0000:09:00.0")
    assert data["recommended"] is None and data["jack_order"] == [1, 0]


def test_a_usb_by_path_link_is_not_the_cards_pci_slot() -> None:
    text = (
        " 0 [X              ]: USB-Audio - X\n"
        "                      X at usb-0000:00:14.0-2, high speed\n"
        "/dev/snd/by-path:\n"
        "lrwxrwxrwx 1 root root 12 Jun 25 18:25 pci-0000:00:14.0-usb-0:2:1.0 -> ../controlC0\n"
        "crw-rw----+ 1 root audio 116, 10 Jun 25 18:25 /dev/snd/controlC0\n"
    )
    facts = parse_capture(text)
    assert facts.cards[0].pci_slot is None


def test_37_fast_track_mkii_portuguese_listings_and_lsusb(detect_json) -> None:
    data = detect_json(forum_path("37"))
    assert _cards(data) == [(0, "SB", "onboard"), (1, "Track", "interface")]
    track = _card(data, 1)
    # lsusb's 0763:2024 (the one M-Audio device) on bus 003, a USB 1.1 root hub: full speed
    assert (track["usb_id"], track["usb_speed"], track["controller"]) == (
        "0763:2024",
        "full",
        "0000:00:12.0",
    )
    assert (track["module"], track["playback"], track["capture"]) == ("snd_usb_audio", True, True)
    assert (_card(data, 0)["playback"], _card(data, 0)["capture"]) == (True, True)
    assert data["recommended"]["jack_device"] == "hw:Track"
    assert data["kernel"] is None and data["findings"] == []


def test_38_danish_aplay_and_ensoniq_audiopci_is_a_pci_sound_card(detect_json) -> None:
    data = detect_json(forum_path("38"))
    assert _cards(data) == [
        (0, "AudioPCI", "onboard"),
        (1, "Track", "interface"),
        (3, "ICH6", "onboard"),
    ]
    ens, track, ich = _card(data, 0), _card(data, 1), _card(data, 3)
    # Danish "lydkort 0: ... enhed 0:" lines are aplay -l: every card plays, none is shown recording
    assert [(c["playback"], c["capture"]) for c in (ens, track, ich)] == [(True, None)] * 3
    # snd_ens1371 sets the driver field "ENS1371"
    assert (ens["module"], ens["family"], ens["description"]) == (
        "snd_ens1371",
        "pci_sound_card",
        "PCI sound card",
    )
    assert (ich["module"], ich["family"]) == ("snd_intel8x0", "onboard")
    assert (track["usb_speed"], track["controller"], track["usb_id"]) == (
        "full",
        "0000:00:1d.0",
        None,
    )
    assert data["recommended"]["jack_device"] == "hw:Track"
    assert data["jack_order"][0] == 1


def test_39_fast_track_ultra_beside_a_capture_only_webcam(detect_json) -> None:
    data = detect_json(forum_path("39"))
    assert _cards(data) == [
        (0, "Ultra", "interface"),
        (1, "U0x46d0x9a1", "webcam_or_headset"),
        (2, "CK804", "onboard"),
    ]
    ultra, cam, ck804 = _card(data, 0), _card(data, 1), _card(data, 2)
    assert (ultra["usb_speed"], ultra["controller"], ultra["playback"], ultra["capture"]) == (
        "high",
        "0000:00:02.1",
        True,
        True,
    )
    # the webcam is absent from aplay -l and /proc/asound/devices shows it capturing only
    assert (cam["usb_id"], cam["playback"], cam["capture"]) == ("046d:09a1", False, True)
    assert (ck804["driver"], ck804["module"]) == ("NFORCE", "snd_intel8x0")
    assert _codes(data, 1) == {"webcam_not_interface"}
    assert data["recommended"]["jack_device"] == "hw:Ultra"
    assert data["jack_order"] == [0, 2, 1]


def test_40_hda_intel_hdmi_shown_only_playing_is_hdmi(detect_json) -> None:
    data = detect_json(forum_path("40"))
    assert _cards(data) == [(0, "HDMI", "hdmi"), (1, "PCH", "onboard"), (2, "VSL", "interface")]
    hdmi, pch, vsl = _card(data, 0), _card(data, 1), _card(data, 2)
    assert (hdmi["playback"], hdmi["capture"], hdmi["family"]) == (True, False, "hdmi")
    assert (pch["playback"], pch["capture"]) == (True, True)
    assert (vsl["module"], vsl["family"], vsl["usb_speed"], vsl["controller"]) == (
        "snd_usb_audio",
        "presonus_vsl",
        "high",
        "0000:00:14.0",
    )
    assert (vsl["playback"], vsl["capture"]) == (True, True)
    assert data["recommended"]["jack_device"] == "hw:VSL"
    assert data["jack_order"] == [2, 1, 0]

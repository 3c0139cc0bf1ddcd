"""Every real capture through `stagebox detect --capture FILE --json` yields its INDEX row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CAPTURES, REPO, capture_path


@pytest.fixture
def detect_json(run_cli):
    def run(name: str) -> dict[str, Any]:
        result = run_cli("detect", "--capture", str(capture_path(name)), "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)

    return run


def _card(data: dict[str, Any], index: int) -> dict[str, Any]:
    return next(c for c in data["cards"] if c["index"] == index)


def _codes(data: dict[str, Any], card: int | None = ...) -> set[str]:
    return {f["code"] for f in data["findings"] if card is ... or f["card"] == card}


def _finding(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(f for f in data["findings"] if f["code"] == code)


def test_01_us122l_on_ehci_is_usb_stream_and_not_refused(detect_json) -> None:
    data = detect_json("01")
    assert [(c["index"], c["id"]) for c in data["cards"]] == [(0, "ICH5"), (1, "US122L")]
    ich5, us122l = _card(data, 0), _card(data, 1)
    assert (ich5["driver"], ich5["module"], ich5["kind"]) == ("ICH4", "snd_intel8x0", "onboard")
    assert us122l["driver"] == "USB US-122L" and us122l["module"] == "snd_usb_us122l"
    assert us122l["usb_id"] == "0644:800e" and us122l["model"] == "Tascam US-122L"
    assert us122l["access"] == "usb_stream" and us122l["kind"] == "interface"
    assert us122l["jack_device"] == "us-122l"
    assert "usb_stream_required" in _codes(data, 1)
    assert not {"ehci_unbind_required", "xhci_only"} & _codes(data)
    assert data["usb_audio_without_card"] == []
    assert data["kernel"] == "2.6.28-11-generic"
    # its jackd log: no usb_stream PCM/CTL defined, and usb_stream:0 is the ICH5, not card 1
    assert "Invalid CTL usb_stream:0" in _finding(data, "jack_usb_stream_undefined")["message"]
    wrong = _finding(data, "jack_wrong_card")
    assert "card 0 (ICH5, built-in sound)" in wrong["message"] and "-d us-122l" in wrong["fix"]


def test_02_single_card_1(detect_json) -> None:
    data = detect_json("02")
    assert [(c["index"], c["id"], c["module"]) for c in data["cards"]] == [
        (1, "US122L", "snd_usb_us122l")
    ]
    card = _card(data, 1)
    assert card["usb_id"] == "0644:800e" and card["access"] == "usb_stream"
    fix = _finding(data, "usb_stream_required")["fix"]
    assert 'card "US122L"' in fix and "ctl.us-122l" in fix


def test_03_us144_at_full_speed_with_its_period_limits(detect_json) -> None:
    data = detect_json("03")
    assert [(c["index"], c["id"]) for c in data["cards"]] == [(0, "Intel"), (1, "US122L")]
    assert _card(data, 0)["module"] == "snd_hda_intel"
    us144 = _card(data, 1)
    assert us144["usb_id"] == "0644:800f" and us144["model"] == "Tascam US-144"
    assert us144["access"] == "usb_stream" and us144["usb_speed"] == "full"
    limits = _finding(data, "full_speed_limits")
    assert limits["card"] == 1 and "96 frames" in limits["message"] and "-p 96" in limits["fix"]
    assert "ehci_unbind_required" not in _codes(data)  # it already runs on UHCI
    # jackd -p64 was refused: the log is explained with the full-speed minimum
    assert "-p 96" in _finding(data, "jack_usb_stream_refused")["fix"]
    assert "jack_wrong_card" not in _codes(data)  # usb_stream:1 was the right card


def test_05_webcam_and_us122l_as_card_2(detect_json) -> None:
    data = detect_json("05")
    webcam, us122l = _card(data, 1), _card(data, 2)
    assert _card(data, 0)["kind"] == "onboard"
    assert (webcam["id"], webcam["usb_id"], webcam["module"]) == (
        "U0x46d0x804",
        "046d:0804",
        "snd_usb_audio",
    )
    assert webcam["kind"] == "webcam_or_headset" and webcam["usb_speed"] == "high"
    assert (us122l["id"], us122l["usb_id"], us122l["access"]) == (
        "US122L",
        "0644:800e",
        "usb_stream",
    )
    assert "webcam_not_interface" in _codes(data, 1)
    assert "usb_stream_required" in _codes(data, 2)


def test_07_scarlett_hdmi_mixer_and_no_usb_stream(detect_json) -> None:
    data = detect_json("07")
    assert [(c["index"], c["id"], c["kind"]) for c in data["cards"]] == [
        (0, "HDMI", "hdmi"),
        (1, "PCH", "onboard"),
        (2, "USB", "interface"),
    ]
    scarlett = _card(data, 2)
    assert scarlett["access"] == "hw" and scarlett["jack_device"] == "hw:USB"
    assert scarlett["usb_speed"] == "high" and scarlett["controller"] == "0000:00:14.0"
    assert scarlett["family"] == "focusrite"
    # no module list in the paste: the driver fields name their modules (kernel table)
    assert [c["module"] for c in data["cards"]] == ["snd_hda_intel"] * 2 + ["snd_usb_audio"]
    assert "alsa-scarlett-gui" in _finding(data, "mixer_tool")["message"]
    # aplay -L lists usbstream:CARD=... for every card: that says nothing
    assert all(c["access"] != "usb_stream" for c in data["cards"])
    assert "usb_stream_required" not in _codes(data)
    # aplay -l showed "Subdevices: 0/1": something held the playback PCM
    assert _finding(data, "pcm_in_use")["card"] == 2


def test_10_offers_hw_usb_not_the_hdmi_card(detect_json) -> None:
    data = detect_json("10")
    assert [(c["index"], c["id"], c["kind"]) for c in data["cards"]] == [
        (0, "Intel", "onboard"),
        (1, "USB", "interface"),
        (2, "Generic", "hdmi"),
    ]
    assert _card(data, 1)["jack_device"] == "hw:USB"
    assert _card(data, 1)["controller"] == "0000:00:1a.0"
    # only a cards file: "USB-Audio" is set by snd-usb-audio alone, "HDA-Intel" by snd-hda-intel
    assert [(c["driver"], c["module"]) for c in data["cards"]] == [
        ("HDA-Intel", "snd_hda_intel"),
        ("USB-Audio", "snd_usb_audio"),
        ("HDA-Intel", "snd_hda_intel"),
    ]
    hint = _finding(data, "wrong_device_hint")
    assert hint["card"] == 2 and "hw:USB" in hint["fix"]


def test_11_hdsp_firmware_required(detect_json) -> None:
    data = detect_json("11")
    dsp = _card(data, 1)
    assert (dsp["id"], dsp["driver"], dsp["kind"]) == ("DSP", "H-DSP", "interface")
    assert dsp["module"] == "snd_hdsp" and _card(data, 0)["module"] == "snd_intel8x0"
    assert dsp["longname"] == "RME Hammerfall DSP at 0x58000000, irq 10"
    assert dsp["access"] == "none" and dsp["jack_device"] is None
    firmware = _finding(data, "firmware_required")
    assert firmware["severity"] == "error" and firmware["card"] == 1
    assert "hdsploader" in firmware["fix"]
    assert "hdspmixer" in _finding(data, "mixer_tool")["message"]
    assert _card(data, 0)["id"] == "I82801DBICH4" and _card(data, 0)["driver"] == "ICH4"


def test_15_c400_implicit_feedback(detect_json) -> None:
    data = detect_json("15")
    c400 = _card(data, 1)
    assert (c400["id"], c400["usb_id"], c400["module"]) == ("C400", "0763:2030", "snd_usb_audio")
    assert c400["usb_speed"] == "high" and c400["controller"] == "0000:0c:00.3"
    assert c400["model"] == "M-Audio Fast Track C400" and c400["jack_device"] == "hw:C400"
    assert "implicit_feedback" in _codes(data, 1)
    assert _card(data, 0)["kind"] == "hdmi"
    assert data["kernel"] == "6.1.31"  # from "Driver version: k6.1.31"


def test_16_keystation_is_midi_only(detect_json) -> None:
    data = detect_json("16")
    ultra, k88 = _card(data, 1), _card(data, 2)
    assert (ultra["id"], ultra["kind"], ultra["jack_device"]) == ("Ultra", "interface", "hw:Ultra")
    assert ultra["usb_speed"] == "high"
    assert (ultra["module"], k88["module"]) == ("snd_usb_audio", "snd_usb_audio")
    assert (k88["id"], k88["kind"], k88["access"], k88["jack_device"]) == (
        "K88",
        "midi_only",
        "none",
        None,
    )
    assert k88["usb_speed"] == "full"
    assert "midi_only" in _codes(data, 2)


def test_18_usx2y_is_not_usb_stream_and_needs_us428control(detect_json) -> None:
    data = detect_json("18")
    card = _card(data, 1)
    assert (card["id"], card["access"], card["jack_device"]) == ("USX2Y", "hw", "hw:USX2Y")
    assert card["family"] == "usx2y" and card["usb_id"] == "1604:8001"
    assert card["model"] == "Tascam US-428"
    assert "us428control" in _finding(data, "mixer_tool")["message"]
    assert "usb_stream_required" not in _codes(data)
    assert "firmware_required" not in _codes(data)  # the paste ends with firmware loaded


def test_20_card_without_pcm(detect_json) -> None:
    data = detect_json("20")
    vsl = _card(data, 1)
    assert (vsl["id"], vsl["module"], vsl["usb_speed"]) == ("VSL", "snd_usb_audio", "high")
    assert vsl["usb_id"] == "194f:0102" and vsl["access"] == "none"
    assert vsl["playback"] is False and vsl["capture"] is False
    finding = _finding(data, "card_without_pcm")
    assert finding["card"] == 1 and finding["severity"] == "error"
    assert [c["module"] for c in data["cards"]] == [
        "snd_hda_intel",
        "snd_usb_audio",
        "snd_hda_intel",
    ]
    assert _card(data, 2)["kind"] == "hdmi"
    assert data["usb_audio_without_card"] == []


def test_22_ua25ex_advanced_mode(detect_json) -> None:
    data = detect_json("22")
    ua = _card(data, 1)
    assert (ua["id"], ua["name"], ua["usb_id"], ua["usb_speed"]) == (
        "UA25EX",
        "UA-25EX",
        "0582:00e6",
        "full",
    )
    assert ua["playback"] is True and ua["capture"] is True and ua["jack_device"] == "hw:UA25EX"
    assert "advanced_mode" in _codes(data, 1)


def test_26_ehci_sysfs_listing_is_read_without_cards(detect_json) -> None:
    from stagebox.core.capture import parse_capture, read_capture_file

    facts = parse_capture(read_capture_file(capture_path("26")))
    assert facts.hcd_bindings == {"ehci-pci": ["0000:00:1a.7"]}
    data = detect_json("26")
    assert data["cards"] == [] and data["alsa"] == "unknown"
    assert "no_external_interface" not in _codes(data)  # nothing is known about cards


def test_27_hdsp_firmware_loaded_opens_hw_dsp(detect_json) -> None:
    data = detect_json("27")
    assert [(c["index"], c["id"], c["kind"]) for c in data["cards"]] == [
        (0, "SB", "onboard"),
        (1, "DSP", "interface"),
        (2, "NVidia", "hdmi"),
    ]
    assert _card(data, 1)["jack_device"] == "hw:DSP"
    assert _card(data, 1)["module"] == "snd_hdsp"
    assert "firmware_required" not in _codes(data)


def test_28_h4_and_nested_brackets(detect_json) -> None:
    data = detect_json("28")
    audigy, h4 = _card(data, 0), _card(data, 1)
    assert (audigy["id"], audigy["name"]) == ("Audigy2", "SB Audigy 2 ZS [SB0350]")
    assert (h4["id"], h4["usb_id"], h4["kind"], h4["jack_device"]) == (
        "H4",
        "1686:0045",
        "interface",
        "hw:H4",
    )


SHARED = REPO.parent / "shared" / "captures"


@pytest.mark.parametrize(
    "path",
    sorted(SHARED.glob("*.txt")) if SHARED.is_dir() else sorted(CAPTURES.glob("*.txt")),
    ids=lambda p: p.name[:2],
)
def test_every_shared_capture_detects_without_error(run_cli, path: Path) -> None:
    """New captures dropped into shared/captures at least go through cleanly."""
    text = run_cli("detect", "--capture", str(path))
    assert text.code == 0, text.err
    assert "Sound hardware of report" in text.out
    data = json.loads(run_cli("detect", "--capture", str(path), "--json").out)
    assert data["schema"] == 1 and data["alsa"] in ("loaded", "not_loaded", "unknown")
    for card in data["cards"]:
        assert card["usb_id"] is None or len(card["usb_id"]) == 9
        assert card["module"] is None or "-" not in card["module"]
        if card["access"] == "usb_stream":
            assert card["module"] in (None, "snd_usb_us122l")


def test_text_output_says_what_each_card_is_and_the_fix(run_cli) -> None:
    result = run_cli("detect", "--capture", str(capture_path("11")))
    assert result.code == 0
    assert "Card 1 [DSP]" in result.out
    assert "audio interface (a recording interface)" in result.out
    assert "PROBLEM: The Hammerfall DSP needs its firmware" in result.out
    assert "fix: hdsploader" in result.out
    assert "built-in sound (not a recording interface)" in result.out

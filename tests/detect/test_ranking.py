"""JACK's choice among the cards: the dedicated interface over built-in sound, HDMI, webcams
and MIDI-only devices; a known interface family over a generic one; more inputs over fewer.
The same choice for `stagebox detect` (text and JSON), the wizard and `stagebox jack`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stagebox.core import wizard_flow
from stagebox.core.capture import parse_capture
from stagebox.core.detect import detect_facts, detect_live
from stagebox.core.model import DetectionResult, Kind
from stagebox.core.sysroot import SystemRoot

from tests.fakeroot import FakeMachine

CODEC_AND_SCARLETT = """\
 0 [CODEC          ]: USB-Audio - USB Audio CODEC
                      Burr-Brown from TI USB Audio CODEC at usb-0000:00:1d.0-1, full speed
 1 [PCH            ]: HDA-Intel - HDA Intel PCH
                      HDA Intel PCH at 0xf7f10000 irq 29
 2 [USB            ]: USB-Audio - Scarlett 2i2 USB
                      Focusrite Scarlett 2i2 USB at usb-0000:00:1a.0-1.1, high speed
"""


def _stream(card: int, longname: str, capture: int, playback: int) -> str:
    def direction(name: str, channels: int) -> str:
        return (
            f"{name}:\n  Status: Stop\n  Interface 1\n    Altset 1\n    Format: S24_3LE\n"
            f"    Channels: {channels}\n    Rates: 44100, 48000\n"
        )

    return (
        f"$ cat /proc/asound/card{card}/stream0\n{longname} : USB Audio\n\n"
        + direction("Playback", playback)
        + direction("Capture", capture)
    )


def _result(text: str) -> DetectionResult:
    return detect_facts(parse_capture(text))


def test_a_known_interface_family_beats_a_generic_usb_card_with_a_lower_number() -> None:
    result = _result(CODEC_AND_SCARLETT)
    assert result.recommended is not None
    assert (result.recommended.card, result.recommended.jack_device) == (2, "hw:USB")
    assert "known family of recording interfaces (Focusrite Scarlett" in result.recommended.reason
    assert "over card 0 (Burr-Brown from TI USB Audio CODEC)" in result.recommended.reason
    assert result.jack_order == [2, 0, 1]  # interfaces, then built-in sound
    # stagebox jack takes the first of interfaces(); the wizard pre-selects default_device()
    assert result.interfaces()[0].index == 2
    assert wizard_flow.default_device(result) is result.card(2)
    assert [c.index for c in wizard_flow.overview(result).interfaces] == [2, 0]


def test_more_inputs_win_among_interfaces_of_the_same_rank() -> None:
    two = "Burr-Brown from TI USB Audio CODEC at usb-0000:00:1d.0-1, full speed"
    eight = "Generic Octo Box at usb-0000:00:1a.0-1.2, high speed"
    text = (
        " 0 [CODEC          ]: USB-Audio - USB Audio CODEC\n"
        f"                      {two}\n"
        " 1 [Box            ]: USB-Audio - Octo Box\n"
        f"                      {eight}\n" + _stream(0, two, 2, 2) + _stream(1, eight, 8, 8)
    )
    result = _result(text)
    assert [(c.capture_channels, c.playback_channels) for c in result.cards] == [(2, 2), (8, 8)]
    assert result.recommended is not None and result.recommended.card == 1
    assert result.recommended.reason.endswith("it has more inputs (8 against 2).")


def test_equal_interfaces_keep_the_lower_card_number_and_say_so() -> None:
    text = CODEC_AND_SCARLETT.replace("Scarlett 2i2 USB", "Other Audio")
    result = _result(text)
    assert result.recommended is not None and result.recommended.card == 0
    assert "nothing tells these audio interfaces apart" in result.recommended.reason


def test_detect_prints_the_choice_and_why(run_cli, tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text(CODEC_AND_SCARLETT)
    out = run_cli("detect", "--capture", str(paste)).out
    assert "JACK should use: hw:USB  (card 2, Focusrite Scarlett 2i2 USB)\n  why: Card 2" in out
    data: dict[str, Any] = json.loads(run_cli("detect", "--capture", str(paste), "--json").out)
    assert data["recommended"] == {
        "card": 2,
        "jack_device": "hw:USB",
        "reason": _result(CODEC_AND_SCARLETT).recommended.reason,  # type: ignore[union-attr]
    }
    assert data["jack_order"] == [2, 0, 1]
    assert [c["index"] for c in data["cards"]] == [0, 1, 2]  # the cards stay in card order
    back = DetectionResult.from_dict(data)
    assert back.recommended == _result(CODEC_AND_SCARLETT).recommended
    assert back.interfaces()[0].index == 2


def test_json_keeps_every_key_of_the_contract(run_cli, tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text(CODEC_AND_SCARLETT)
    data = json.loads(run_cli("detect", "--capture", str(paste), "--json").out)
    contract = {"alsa", "kernel", "cards", "usb_audio_without_card", "findings", "source"}
    assert contract | {"schema"} <= set(data) and data["schema"] == 1
    card_keys = {
        "index", "id", "driver", "name", "longname", "module", "usb_id", "model", "kind",
        "access", "playback", "capture", "jack_device", "family", "usb_speed", "controller",
        "usb_port_path", "serial", "description",
    }  # fmt: skip
    for card in data["cards"]:
        assert card_keys <= set(card)
        assert isinstance(card["kind"], str) and isinstance(card["kind_alternatives"], list)


def test_no_interface_no_recommendation_but_an_order_for_the_fallback() -> None:
    text = (
        " 0 [HDMI           ]: HDA-Intel - HDA Intel HDMI\n"
        "                      HDA Intel HDMI at 0xf7f14000 irq 30\n"
        " 1 [Generic        ]: HDA-Intel - HD-Audio Generic\n"
        "                      HD-Audio Generic at 0xfca00000 irq 156\n"
        " 2 [PCH            ]: HDA-Intel - HDA Intel PCH\n"
        "                      HDA Intel PCH at 0xf7f10000 irq 29\n"
    )
    result = _result(text)
    assert result.recommended is None
    generic = result.card(1)
    assert generic is not None and generic.kind is Kind.HDMI  # "HDA Intel PCH" is beside it
    lone = _result(text.split(" 2 [PCH")[0].replace(" 0 [HDMI", " 3 [HDMI"))
    generic = lone.card(1)
    assert generic is not None and not generic.kind_certain
    assert (generic.kind, generic.kind_alternatives) == (Kind.ONBOARD, [Kind.HDMI])


def test_built_in_sound_of_certain_kind_before_an_uncertain_one_in_the_wizard() -> None:
    text = (
        " 0 [Generic        ]: HDA-Intel - HD-Audio Generic\n"
        "                      HD-Audio Generic at 0xfca00000 irq 156\n"
        " 1 [NVidia         ]: HDA-Intel - HDA NVidia\n"
        "                      HDA NVidia at 0xfc080000 irq 154\n"
        " 2 [XFi            ]: SB-XFi - Creative X-Fi\n"
        "                      Creative X-Fi 20K1 Unknown\n"
    )
    result = _result(text)
    view = wizard_flow.overview(result)
    assert [c.index for c in view.fallbacks] == [2, 0]  # the X-Fi is surely built-in/PCI sound
    assert view.offer_fallback
    only_generic = _result(text.split(" 2 [XFi")[0])
    (fallback,) = wizard_flow.overview(only_generic).fallbacks
    assert fallback.index == 0 and not fallback.kind_certain
    # `stagebox jack` without an interface falls back to the same card as the wizard
    from stagebox.cli.jack import _main_interface

    chosen = _main_interface(result)
    assert chosen is not None and chosen.index == 2
    fallback_card = _main_interface(only_generic)
    assert fallback_card is not None and fallback_card.index == 0


def test_live_tree_the_interface_not_the_lower_numbered_webcam(tmp_path: Path) -> None:
    m = FakeMachine(tmp_path / "m", kernel="6.1.0-13-amd64")
    ehci = m.pci_controller("0000:00:1d.7", "ehci")
    m.usb_audio_card(ehci, 0, "U0x46d0x825", usb_id="046d:0825", port="1", playback=False,
                     shortname="USB Device 0x46d:0x825", longname="USB Device 0x46d:0x825")  # fmt: skip
    m.usb_audio_card(ehci, 1, "U192k", usb_id="1397:0509", port="2",
                     shortname="UMC404HD 192k", longname="BEHRINGER UMC404HD 192k")  # fmt: skip
    result = detect_live(SystemRoot.at(m.finish()))
    assert result.card(0).kind is Kind.WEBCAM_OR_HEADSET  # type: ignore[union-attr]
    assert result.recommended is not None and result.recommended.jack_device == "hw:U192k"
    assert result.jack_order[0] == 1

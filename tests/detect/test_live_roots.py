"""The live reader on the checked-in fake machines, and the same facts as their captures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from stagebox.core.detect import detect_capture, detect_live
from stagebox.core.live import read_live_facts
from stagebox.core.model import Access, Kind
from stagebox.core.sysroot import SystemRoot

from tests.conftest import FIXTURES, capture_path

ROOTS = FIXTURES / "roots"


def live(name: str):
    return detect_live(SystemRoot.at(ROOTS / name))


def codes(result, card: int | None = ...) -> set[str]:
    return {f.code for f in result.findings if card is ... or f.card == card}


def finding(result, code: str):
    return next(f for f in result.findings if f.code == code)


def test_trees_are_up_to_date_with_their_generator() -> None:
    from tests.fixtures import make_roots

    assert make_roots.main(["--check"]) == 0


@pytest.mark.parametrize(
    ("capture", "root"),
    [
        ("01", "us122l-ich5"),
        ("03", "us144-uhci-after-unbind"),
        ("07", "scarlett-18i20-xhci"),
        ("11", "hdsp-multiface-nofw"),
        ("15", "c400-implicit-fb"),
    ],
)
def test_live_path_yields_the_facts_of_the_capture(capture: str, root: str) -> None:
    pasted = detect_capture(capture_path(capture))
    machine = live(root)
    assert [c.index for c in machine.cards] == [c.index for c in pasted.cards]
    for paste_card in pasted.cards:
        live_card = machine.card(paste_card.index)
        assert (live_card.id, live_card.access, live_card.jack_device) == (
            paste_card.id,
            paste_card.access,
            paste_card.jack_device,
        )
        # the paste of 15 cannot tell the AMD "HD-Audio Generic" codec from HDMI (no PCM
        # list: "built-in sound or HDMI"); the live tree lists its analog PCM
        if paste_card.family == "hda_generic_unknown":
            assert (live_card.kind, paste_card.kind) == (Kind.ONBOARD, Kind.ONBOARD)
        else:
            assert (live_card.kind, live_card.family) == (paste_card.kind, paste_card.family)
        for attr in ("usb_id", "model", "usb_speed", "controller", "module", "driver"):
            if getattr(paste_card, attr) is not None:
                assert getattr(live_card, attr) == getattr(paste_card, attr), attr
    important = {"usb_stream_required", "firmware_required", "implicit_feedback", "mixer_tool",
                 "full_speed_limits"}  # fmt: skip
    assert codes(pasted) & important == codes(machine) & important


def test_us122l_ich5_usb_facts_from_sysfs() -> None:
    result = live("us122l-ich5")
    card = result.card(1)
    assert card.usb_id == "0644:800e" and card.usb_speed == "high"
    assert card.controller == "0000:00:1d.7" and card.usb_port_path == "1-4"
    assert card.access is Access.USB_STREAM and card.jack_device == "us-122l"
    assert not codes(result) & {"ehci_unbind_required", "xhci_only"}


def test_us144_after_unbind_runs_on_uhci_at_full_speed() -> None:
    facts = read_live_facts(SystemRoot.at(ROOTS / "us144-uhci-after-unbind"))
    assert facts.hcd_bindings["ehci_hcd"] == []  # unbound
    assert facts.hcd_bindings["uhci_hcd"] == ["0000:00:1d.0", "0000:00:1d.1", "0000:00:1d.2"]
    result = live("us144-uhci-after-unbind")
    card = result.card(1)
    assert (card.usb_id, card.usb_speed, card.controller) == ("0644:800f", "full", "0000:00:1d.2")
    assert "96 frames" in finding(result, "full_speed_limits").message


def test_us144mkii_on_ehci_without_card_needs_unbind() -> None:
    result = live("us144mkii-ehci-nocard")
    assert [c.id for c in result.cards] == ["PCH"]
    (missing,) = result.usb_audio_without_card
    assert (missing.usb_id, missing.model, missing.speed, missing.controller) == (
        "0644:8020",
        "Tascam US-144MKII",
        "high",
        "0000:00:1a.7",
    )
    unbind = finding(result, "ehci_unbind_required")
    assert unbind.severity.value == "error" and unbind.usb_id == "0644:8020"
    assert "echo -n 0000:00:1a.7 > /sys/bus/pci/drivers/ehci-pci/unbind" in unbind.fix
    assert "6.1.0-13-amd64" in finding(result, "newer_driver_available").message
    assert "xhci_only" not in codes(result)
    assert "no_external_interface" not in codes(result)  # there is one, it just has no card


def test_us144mkii_on_xhci_only_machine() -> None:
    result = live("us144mkii-xhci-only")
    (missing,) = result.usb_audio_without_card
    assert missing.controller == "0000:00:14.0"
    assert "xhci_only" in codes(result) and "ehci_unbind_required" not in codes(result)
    assert "6.18" in finding(result, "xhci_only").fix


def test_us144mkii_native_driver_on_618() -> None:
    result = live("us144mkii-native-6.18")
    card = result.card(1)
    assert (card.id, card.module, card.family) == ("US144MKII", "snd_usb_us144mkii", "us144mkii")
    assert card.access is Access.HW and card.jack_device == "hw:US144MKII"
    assert card.model == "Tascam US-144MKII" and card.usb_speed == "high"
    assert card.playback is True and card.capture is True
    assert result.usb_audio_without_card == []
    assert not codes(result) & {
        "newer_driver_available",
        "usb_stream_required",
        "ehci_unbind_required",
    }


def test_scarlett_busy_and_mixer() -> None:
    result = live("scarlett-18i20-xhci")
    card = result.card(2)
    assert (card.usb_id, card.serial, card.usb_port_path) == (
        "1235:8201",
        "P9EA9DT1234567",
        "1-1.4",
    )
    busy = finding(result, "device_busy")
    assert busy.card == 2 and "pulseaudio" in busy.message and "1873" in busy.message
    assert [c.kind for c in result.cards] == [Kind.HDMI, Kind.ONBOARD, Kind.INTERFACE]


def test_c400_implicit_feedback_from_stream0() -> None:
    facts = read_live_facts(SystemRoot.at(ROOTS / "c400-implicit-fb"))
    card = facts.card(1)
    assert [s.implicit_feedback for s in card.streams] == [True, None]
    assert card.streams[0].formats == ["S24_3LE"] and card.streams[0].channels == [6]
    result = live("c400-implicit-fb")
    assert "implicit_feedback" in codes(result, 1)
    assert "pipewire" in finding(result, "device_busy").message


def test_onboard_only_has_no_external_interface() -> None:
    result = live("onboard-only")
    assert [c.kind for c in result.cards] == [Kind.ONBOARD]
    assert "card 0 PCH (built-in sound)" in finding(result, "no_external_interface").message
    assert result.usb_audio_without_card == []


def test_cli_root_before_or_after_the_command(run_cli) -> None:
    root = str(ROOTS / "us144mkii-ehci-nocard")
    first = run_cli("--root", root, "detect", "--json")
    second = run_cli("detect", "--root", root, "--json")
    assert first.code == second.code == 0
    assert json.loads(first.out) == json.loads(second.out)
    text = run_cli("detect", "--root", root)
    assert "Audio interfaces connected by USB but without a sound card" in text.out
    assert (
        "Tascam US-144MKII (USB 0644:8020), USB 2.0 high speed, controller 0000:00:1a.7" in text.out
    )


def test_builder_machine_with_32_cards(tmp_path: Path) -> None:
    from tests.fakeroot import FakeMachine, Pcm

    machine = FakeMachine(tmp_path / "big")
    xhci = machine.pci_controller("0000:00:14.0", "xhci")
    for index in range(32):
        dev = machine.usb_device(
            xhci, usb_id="0763:2030", port=str(index + 1), product="Fast Track C400",
            manufacturer="M-Audio", drivers=["snd-usb-audio"],
        )  # fmt: skip
        machine.alsa_card(
            index, f"C400_{index}", "USB-Audio", "Fast Track C400",
            f"M-Audio Fast Track C400 at usb-0000:00:14.0-{index + 1}, high speed",
            module="snd_usb_audio", usb=dev, pcms=[Pcm(0, "USB Audio", True, True)],
        )  # fmt: skip
    machine.finish()
    result = detect_live(SystemRoot.at(machine.path))
    assert len(result.cards) == 32
    assert {c.usb_port_path for c in result.cards} == {f"1-{n}" for n in range(1, 33)}
    assert all(c.family == "implicit_feedback" for c in result.cards)

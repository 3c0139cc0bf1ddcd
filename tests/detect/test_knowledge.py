"""The knowledge base loads, validates, and states the driver facts it must state."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest
from stagebox.core.knowledge import (
    KnowledgeError,
    load_knowledge,
    load_knowledge_from,
    parse_knowledge,
)
from stagebox.core.model import Access, Kind

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def _data() -> tuple[dict, dict]:
    devices = tomllib.loads((RESOURCES / "devices.toml").read_text())
    findings = tomllib.loads((RESOURCES / "findings.toml").read_text())
    return devices, findings


def _family(devices: dict, key: str) -> dict:
    return next(f for f in devices["family"] if f["key"] == key)


def test_every_family_cites_a_source_and_every_finding_too() -> None:
    kb = load_knowledge()
    assert kb.families
    for family in kb.families:
        assert family.sources and all(s.strip() for s in family.sources), family.key
    for text in kb.finding_texts.values():
        assert text.sources, text.code


def test_usb_ids_are_unique_across_families() -> None:
    devices, _ = _data()
    seen: dict[str, str] = {}
    for family in devices["family"]:
        ids = list(family.get("models", {}))
        ids += [u for m in family.get("match", []) for u in m.get("usb_ids", [])]
        ids += list(family.get("firmware", {}).get("cold_ids", {}))
        for usb_id in ids:
            assert usb_id not in seen, f"{usb_id} in {seen.get(usb_id)} and {family['key']}"
            seen[usb_id] = family["key"]


def test_every_referenced_finding_code_exists() -> None:
    kb = load_knowledge()
    for family in kb.families:
        for code in family.findings:
            assert code in kb.finding_texts, (family.key, code)
    # and the codes the detector itself emits
    detector_codes = {
        "usb_stream_required", "ehci_unbind_required", "xhci_only", "newer_driver_available",
        "firmware_required", "card_without_pcm", "driver_not_bound", "alsa_not_loaded",
        "no_external_interface", "implicit_feedback", "mixer_tool", "device_busy",
        "full_speed_limits", "wrong_device_hint", "webcam_not_interface",
        "card_reader_not_audio", "native_driver_not_loaded", "proc_unreadable",
        "scarlett_msd_mode", "pcm_in_use", "jack_wrong_card",
    }  # fmt: skip
    assert detector_codes <= set(kb.finding_texts)


def test_driver_facts_families_are_present() -> None:
    kb = load_knowledge()
    for key in (
        "us122l", "us144mkii", "usx2y", "rme_hdsp", "rme_hdspm", "focusrite",
        "tascam_us16x08", "edirol_ua_advanced", "edirol_ua101", "maudio_device_setup",
        "implicit_feedback", "presonus_vsl", "motu_avb", "line6", "terratec_6fire",
        "midisport", "behringer_umc404hd", "midi_keyboard", "webcam_or_headset", "hdmi",
        "teac_card_reader",
    ):  # fmt: skip
        assert kb.family(key) is not None, key


def test_us122l_family_facts() -> None:
    kb = load_knowledge()
    family = kb.match_usb("0644:800e")
    assert family is not None and family.key == "us122l"
    assert family.access is Access.USB_STREAM
    assert family.models == {
        "0644:800e": "Tascam US-122L",
        "0644:800f": "Tascam US-144",
        "0644:8021": "Tascam US-122MKII",
        "0644:8020": "Tascam US-144MKII",
    }
    assert family.needs_full_speed == {"0644:800f", "0644:8020"}
    # US-144 always refused at high speed; US-144MKII only before 6.18; US-122L never
    assert family.refused_at_high_speed("0644:800f", "6.18.2") is True
    assert family.refused_at_high_speed("0644:8020", "6.17.9-1") is True
    assert family.refused_at_high_speed("0644:8020", "6.18.0-1-amd64") is False
    assert family.refused_at_high_speed("0644:8020", None) is None
    assert family.refused_at_high_speed("0644:800e", "2.6.28") is False
    jack = family.jack
    assert jack is not None
    assert jack.periods == 2 and jack.formats == ["S24_3LE"]
    assert jack.min_period == {44100: 48, 48000: 52, 88200: 104, 96000: 104}
    assert jack.full_speed_period_factor == 2 and jack.max_period == 0x3000
    assert jack.high_speed_only_rates == [88200, 96000]


def test_match_usb_by_vendor_rule_and_unknowns() -> None:
    kb = load_knowledge()
    assert kb.match_usb("1235:8201").key == "focusrite"
    assert kb.match_usb("046d:0804").kind is Kind.WEBCAM_OR_HEADSET
    reader = kb.match_usb("0644:0200")
    assert reader.key == "teac_card_reader" and reader.kind is Kind.OTHER
    assert kb.match_usb("1604:8000").key == "usx2y"  # a cold (no firmware) id
    assert kb.match_usb("0644:9999") is None  # vendor 0644 alone is not enough
    assert kb.match_usb(None) is None


def test_scarlett_hardware_mixer_rate_limit() -> None:
    family = load_knowledge().family("focusrite")
    assert family.mixer_tool == "alsa-scarlett-gui"
    assert family.jack.mixer_max_rate == 48000


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d, f: _family(d, "us122l").update(colour="red"), "'us122l': unknown key 'colour'"),
        (lambda d, f: _family(d, "us122l").update(mixer_tool=3), "'mixer_tool' must be a str"),
        (lambda d, f: _family(d, "us122l").pop("sources"), "'us122l': missing 'sources'"),
        (lambda d, f: _family(d, "us122l").update(sources=[]), "'sources' must name"),
        (
            lambda d, f: _family(d, "usx2y")["models"].update({"0644:800e": "copy"}),
            "USB id 0644:800e is already in 'us122l'",
        ),
        (
            lambda d, f: _family(d, "us122l").update(findings=["nope"]),
            "unknown finding code 'nope'",
        ),
        (lambda d, f: _family(d, "us122l").update(kind="toaster"), "'toaster' is not a valid Kind"),
        (
            lambda d, f: _family(d, "us122l")["models"].update({"0644:XYZ": "bad"}),
            "not a lower-case USB id",
        ),
        (lambda d, f: _family(d, "us122l")["jack"].update(periods="2"), "'periods' must be a int"),
        (
            lambda d, f: _family(d, "hdmi")["match"][0].update(name_regex="("),
            "bad regular expression",
        ),
        (lambda d, f: f["mixer_tool"].update(message="{nonsense}"), "unknown template field"),
        (lambda d, f: f["mixer_tool"].update(fix="run {tool"), "bad template"),
        (lambda d, f: f["mixer_tool"].pop("sources"), "finding 'mixer_tool': missing 'sources'"),
        (
            lambda d, f: d["pci"][0].update(module="snd_toaster"),
            "pci 'snd_toaster': module 'snd_toaster' is in no family",
        ),
        (lambda d, f: d["pci"][0].update(ids=["1412:XYZ"]), "not a lower-case PCI id"),
        (
            lambda d, f: d["pci"][1].update(ids=["1412:1712"]),
            "PCI id 1412:1712 is already in 'snd_ice1712'",
        ),
        (lambda d, f: d["pci"][0].pop("sources"), "pci 'snd_ice1712': missing 'sources'"),
        (
            lambda d, f: d["card_driver"][1]["drivers"].append("USB-Audio"),
            "driver string 'USB-Audio' is already in 'snd_usb_audio'",
        ),
        (
            lambda d, f: d["card_driver"][0].update(module="snd-usb-audio"),
            "module must be underscored",
        ),
        (lambda d, f: d["card_driver"][0].pop("sources"), "'snd_usb_audio': missing 'sources'"),
        (lambda d, f: d["card_driver"][0].update(drivers=[]), "at least one driver string"),
    ],
)
def test_invalid_data_is_a_clear_error_naming_the_entry(mutate, expected) -> None:
    devices, findings = copy.deepcopy(_data())
    mutate(devices, findings)
    with pytest.raises(KnowledgeError) as error:
        parse_knowledge(devices, findings)
    assert expected in str(error.value)


def test_load_from_a_directory_reports_bad_toml(tmp_path: Path) -> None:
    (tmp_path / "devices.toml").write_text("[[family]\nkey=")
    (tmp_path / "findings.toml").write_text("")
    with pytest.raises(KnowledgeError, match="devices.toml: not valid TOML"):
        load_knowledge_from(tmp_path)


def test_pci_cards_by_id_then_bound_driver_then_lspci_words() -> None:
    kb = load_knowledge()
    assert kb.pci_driver("1412:1712", []).module == "snd_ice1712"
    assert kb.pci_driver("10ee:3fc5", []).module == "snd_hdsp"
    assert kb.pci_driver("10ee:3fc6", []).module == "snd_hdspm"
    words = "Multimedia audio controller: VIA Technologies Inc. VT1720/24 [Envy24PT/HT] PCI Multi-Channel Audio Controller (rev 01)"
    assert kb.pci_driver(None, [words]).module == "snd_ice1724"
    assert (
        kb.pci_driver(None, ["Audio device: Intel Corporation 82801I (ICH9 Family) HD Audio"])
        is None
    )
    assert kb.pci_driver(None, [], "snd_rme9652").module == "snd_rme9652"
    for driver in kb.pci_drivers:
        assert driver.sources and kb.family_of_module(driver.module) is not None


def test_behringer_umc_ids_come_from_the_kernel_tables() -> None:
    kb = load_knowledge()
    umc = kb.family("behringer_umc")
    assert umc.models == {"1397:0507": "Behringer UMC202HD", "1397:0508": "Behringer UMC204HD"}
    assert any("quirks.c" in source for source in umc.sources)
    assert kb.match_usb("1397:0508") is umc
    assert kb.match_usb("1397:0509") is kb.family("behringer_umc404hd")


def test_card_driver_strings_name_one_kernel_module_each() -> None:
    kb = load_knowledge()
    assert kb.module_of_card_driver("USB-Audio") == "snd_usb_audio"
    assert kb.module_of_card_driver("HDA-Intel") == "snd_hda_intel"
    assert kb.module_of_card_driver("ICH4") == "snd_intel8x0"
    assert kb.module_of_card_driver("USB US-122L") == "snd_usb_us122l"
    assert kb.module_of_card_driver("H-DSP") == "snd_hdsp"
    # exact strings only; unknown ones stay unknown
    assert kb.module_of_card_driver("usb-audio") is None
    assert kb.module_of_card_driver("HDA-Intel ") is None
    assert kb.module_of_card_driver(None) is None
    for entry in kb.card_drivers:
        assert all(s.startswith("torvalds/linux:sound/") for s in entry.sources), entry


_CARDS_AND_MODULES = """$ cat /proc/asound/cards
 0 [Intel          ]: HDA-Intel - HDA Intel
                      HDA Intel at 0xfebf8000 irq 22
 1 [Ultra          ]: USB-Audio - Fast Track Ultra
                      M-Audio Fast Track Ultra at usb-0000:00:1d.7-2, high speed
 2 [Odd            ]: Some-Driver - Odd Card
                      Odd Card at 0x1000
"""


def test_a_pasted_module_list_wins_over_the_driver_table() -> None:
    from stagebox.core.capture import parse_capture
    from stagebox.core.detect import detect_facts

    bare = detect_facts(parse_capture(_CARDS_AND_MODULES))
    assert [c.module for c in bare.cards] == ["snd_hda_intel", "snd_usb_audio", None]
    listed = _CARDS_AND_MODULES + (
        "$ cat /proc/asound/modules\n 0 snd_hda_intel\n 1 snd_usb_audio_custom\n 2 snd_odd\n"
    )
    result = detect_facts(parse_capture(listed))
    assert [c.module for c in result.cards] == ["snd_hda_intel", "snd_usb_audio_custom", "snd_odd"]

"""Per-device defaults and validation from the real knowledge base; preflight on fake roots."""

from __future__ import annotations

from pathlib import Path

import pytest
from stagebox.core.jack.defaults import defaults_for_card, validate_settings
from stagebox.core.jack.preflight import preflight
from stagebox.core.jack.settings import JackSettings
from stagebox.core.knowledge import KnowledgeBase, load_knowledge
from stagebox.core.model import Access, Card, Kind
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

from tests.jack.conftest import ROOTS


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def us_card(speed: str, *, index: int = 1, usb_id: str = "0644:800f") -> Card:
    """The US-144 of capture 03 (card US122L, usb_stream PCM named after the model)."""
    return Card(
        index=index, id="US122L", driver="USB US-122L", name="TASCAM US-122L",
        longname="TASCAM US-122L (644:800f if 0 at 008/008)", module="snd_usb_us122l",
        usb_id=usb_id, model="Tascam US-144", kind=Kind.INTERFACE, access=Access.USB_STREAM,
        playback=True, capture=True, jack_device="us-144", family="us122l", usb_speed=speed,
    )  # fmt: skip


def scarlett() -> Card:
    return Card(
        index=2, id="USB", driver="USB-Audio", name="Scarlett 18i20 USB",
        longname="Focusrite Scarlett 18i20 USB at usb-0000:00:14.0-1.4, high speed",
        module="snd_usb_audio", usb_id=None, model="Scarlett 18i20 USB", kind=Kind.INTERFACE,
        access=Access.HW, playback=True, capture=True, jack_device="hw:USB", family="focusrite",
        usb_speed="high",
    )  # fmt: skip


def test_usb_stream_high_speed_defaults_are_the_reference_session(kb: KnowledgeBase) -> None:
    settings = defaults_for_card(us_card("high"), kb).with_changes(priority=85, timeout=2000)
    assert settings.to_line() == ("jackd -P85 -t2000 -dalsa -r48000 -p512 -n2 -D -Cus-144 -Pus-144")
    assert validate_settings(settings, us_card("high"), kb) == []


def test_usb_stream_full_speed(kb: KnowledgeBase) -> None:
    card = us_card("full")
    settings = defaults_for_card(card, kb)
    assert (settings.rate, settings.periods) == (48000, 2)
    assert settings.period >= 52 * 2
    assert validate_settings(settings, card, kb) == []
    # capture 03's command: -p64 at 44.1 kHz on a full-speed bus
    bad = JackSettings.from_line("jackd -dalsa -Cus-144 -Pus-144 -r44100 -p64 -n2")
    problems = validate_settings(bad, card, kb)
    assert [p.field for p in problems] == ["period"]
    assert "96-frame minimum" in problems[0].message
    assert "Invalid argument" in problems[0].message
    assert problems[0].nearest == 128
    assert validate_settings(bad.with_changes(period=96), card, kb) == []
    # and at high speed 64 is fine
    assert validate_settings(bad, us_card("high"), kb) == []


def test_usb_stream_rates_periods_and_device(kb: KnowledgeBase) -> None:
    card = us_card("full")
    s = defaults_for_card(card, kb)
    fast = validate_settings(s.with_changes(rate=96000), card, kb)
    assert fast[0].field == "rate" and fast[0].nearest == 48000
    assert "needs USB high speed" in fast[0].message
    assert validate_settings(s.with_changes(rate=96000, period=512), us_card("high"), kb) == []
    three = validate_settings(s.with_changes(periods=3), card, kb)
    assert [(p.field, p.nearest) for p in three] == [("periods", 2)]
    hw = JackSettings(device="hw:US122L", rate=48000, period=512, periods=2)
    wrong = validate_settings(hw, card, kb)
    assert {p.field for p in wrong} == {"capture_device", "playback_device"}
    assert all(p.nearest == "us-144" for p in wrong)


def test_ordinary_card(kb: KnowledgeBase) -> None:
    settings = defaults_for_card(scarlett(), kb)
    assert settings.device == "hw:USB"
    assert settings.to_argv()[1:5] == ["-P85", "-t2000", "-dalsa", "-dhw:USB"]
    assert validate_settings(settings, scarlett(), kb) == []
    assert validate_settings(settings.with_changes(periods=1), scarlett(), kb)[0].nearest == 2
    assert validate_settings(settings.with_changes(period=4), None, kb)[0].field == "period"


def test_preflight_on_fake_machines(kb: KnowledgeBase, paths: UserPaths) -> None:
    us122l = SystemRoot.at(ROOTS / "us122l-ich5")
    ok = JackSettings(device="hw:US122L", realtime=False, rate=48000, period=512)
    assert [i.code for i in preflight(ok, us122l, paths)] == []
    missing = preflight(ok.with_changes(device="hw:US144"), us122l, paths)
    assert [i.code for i in missing] == ["no_such_card"]
    assert "ICH5" in missing[0].message and "US122L" in missing[0].message
    # the Scarlett's playback is held by PulseAudio (owner_pid in /proc/asound)
    busy = preflight(
        JackSettings(device="hw:USB", realtime=False), SystemRoot.at(ROOTS / "scarlett-18i20-xhci"),
        paths,
    )  # fmt: skip
    assert [i.code for i in busy] == ["device_busy"]
    assert "pulseaudio (pid 1873)" in busy[0].message
    assert not busy[0].blocking  # jackd asks PulseAudio to let go (device reservation)


def test_preflight_unknown_pcm_and_asoundrc(paths: UserPaths) -> None:
    root = SystemRoot.at(ROOTS / "us122l-ich5")
    settings = JackSettings(capture_device="us-122l", playback_device="us-122l", realtime=False)
    issues = preflight(settings, root, paths)
    assert [i.code for i in issues] == ["unknown_pcm"]
    assert "stagebox alsa apply" in issues[0].fix
    Path(paths.asoundrc).write_text('pcm.us-122l {\n  type usb_stream\n  card "US122L"\n}\n')
    assert preflight(settings, root, paths) == []


def test_preflight_validates_with_the_card(kb: KnowledgeBase, paths: UserPaths) -> None:
    root = SystemRoot.at(ROOTS / "us144-uhci-after-unbind")
    paths.asoundrc.write_text('pcm.us-144 {\n type usb_stream\n card "US122L"\n}\n')
    settings = JackSettings.from_line("jackd -r -dalsa -Cus-144 -Pus-144 -r44100 -p64 -n2")
    issues = preflight(settings, root, paths, card=us_card("full"), kb=kb)
    assert [i.code for i in issues] == ["invalid_period"]
    assert issues[0].fix == "use period 128"


def test_preflight_realtime_rights(paths: UserPaths) -> None:
    import os
    import resource

    settings = JackSettings(driver="dummy", realtime=True, priority=80)
    if os.geteuid() == 0:
        assert preflight(settings, SystemRoot(), paths) == []
        return
    soft, _ = resource.getrlimit(resource.RLIMIT_RTPRIO)
    codes = [i.code for i in preflight(settings, SystemRoot(), paths)]
    assert ("no_realtime_rights" in codes) == (soft < 80)

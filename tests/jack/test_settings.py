"""JackSettings <-> jackd command lines, with QjackCtl's rules, on real command lines."""

from __future__ import annotations

import re

import pytest
from stagebox.core.errors import InputError
from stagebox.core.jack.settings import AudioMode, JackSettings, latency_ms

from tests.conftest import capture_path

QJACKCTL_EXAMPLE = (
    "/usr/bin/jackd -P85 -t2000 -dalsa -r48000 -p512 -n2 -D -Cus-144mkii -Pus-144mkii"
)
REFERENCE_SESSION = "jackd -P85 -t2000 -dalsa -r48000 -p512 -n2 -Cus-144mkii -Pus-144mkii"
# jack2's jack@.service: ExecStart=jackd $JACK_OPTIONS -d $DRIVER -d $DEVICE $DRIVER_SETTINGS
# with JACK_OPTIONS="-P 80 -t 2000" DRIVER=alsa DEVICE=hw:US122L DRIVER_SETTINGS="-r 48000 ..."
SYSTEMD_UNIT = "jackd -P 80 -t 2000 -d alsa -d hw:US122L -r 48000 -p 256 -n 2"
# Studio Controls / scripts: long options, separate values
STUDIO_CONTROLS_STYLE = (
    "jackd --realtime --name studio --timeout 4000 --driver alsa --device hw:USB,0 "
    "--rate 44100 --period 1024 --nperiods 3 --midi-driver seq"
)


def roundtrip(line: str) -> tuple[JackSettings, JackSettings]:
    first = JackSettings.from_line(line)
    return first, JackSettings.from_argv(first.to_argv())


def test_qjackctl_example_round_trips_exactly() -> None:
    settings, again = roundtrip(QJACKCTL_EXAMPLE)
    assert settings.to_line() == QJACKCTL_EXAMPLE
    assert again == settings
    assert settings.priority == 85 and settings.timeout == 2000
    assert settings.capture_device == settings.playback_device == "us-144mkii"
    assert settings.audio is AudioMode.DUPLEX
    assert latency_ms(settings) == pytest.approx(21.333, abs=0.001)


def test_reference_session_gets_qjackctls_duplex_flag() -> None:
    settings, again = roundtrip(REFERENCE_SESSION)
    assert again == settings
    assert settings.devices() == ["us-144mkii"]
    # QjackCtl puts -D before -C/-P; the rest is the same line
    assert settings.to_line() == REFERENCE_SESSION.replace("-n2 -C", "-n2 -D -C")


def test_systemd_unit_expansion_separate_values() -> None:
    settings, again = roundtrip(SYSTEMD_UNIT)
    assert again == settings
    assert (settings.priority, settings.timeout, settings.device) == (80, 2000, "hw:US122L")
    assert (settings.rate, settings.period, settings.periods) == (48000, 256, 2)
    assert settings.to_argv() == [
        "jackd", "-P80", "-t2000", "-dalsa", "-dhw:US122L", "-r48000", "-p256", "-n2",
    ]  # fmt: skip


def test_long_options() -> None:
    settings, again = roundtrip(STUDIO_CONTROLS_STYLE)
    assert again == settings
    assert settings.server_name == "studio" and settings.realtime
    assert (settings.device, settings.rate, settings.period, settings.periods) == (
        "hw:USB,0", 44100, 1024, 3,
    )  # fmt: skip
    assert settings.midi_driver == "seq"
    assert "-Xseq" in settings.to_argv()
    eq_form = JackSettings.from_argv(["jackd", "--no-realtime", "--name=x", "-d", "dummy"])
    assert not eq_form.realtime and eq_form.server_name == "x"


@pytest.mark.parametrize(
    "capture, line",
    [
        ("01", "jackd -RP50 -dalsa -dusb_stream:0 -r44100 -p64 -n2"),
        ("01", "sudo jackd -dalsa -dusb_stream:0 -r44100 -p64 -n2"),
        ("03", "sudo jackd -RP50 -dalsa -dusb_stream:1 -r44100 -p64 -n2"),
    ],
)
def test_capture_command_lines(capture: str, line: str) -> None:
    text = capture_path(capture).read_text()
    # the captures hold these lines (03's has jack1's first output glued to it)
    assert line in text
    settings, again = roundtrip(line)
    assert again == settings
    assert settings.driver == "alsa" and settings.device.startswith("usb_stream:")
    assert (settings.rate, settings.period, settings.periods) == (44100, 64, 2)
    assert settings.server_path == "jackd"  # sudo is not part of the command
    if "-RP50" in line:
        assert settings.realtime and settings.priority == 50
        assert "-P50" in settings.to_argv()


def test_qjackctl_emission_rules() -> None:
    s = JackSettings(driver="alsa", device="hw:US122L", rate=48000, period=512, periods=2)
    assert s.to_argv() == ["jackd", "-dalsa", "-dhw:US122L", "-r48000", "-p512", "-n2"]
    # -P only above 5; -t and -p (port max) not at jackd's defaults
    assert "-P5" not in s.with_changes(priority=5).to_argv()
    assert "-P6" in s.with_changes(priority=6).to_argv()
    assert not any(a.startswith("-t") for a in s.with_changes(timeout=500).to_argv())
    assert "-t501" in s.with_changes(timeout=501).to_argv()
    assert "-p256" not in s.with_changes(port_max=256).to_argv()[:3]
    assert s.with_changes(port_max=512).to_argv()[1] == "-p512"
    # no realtime -> -r (and -P is dropped), no-mlock wins over unlock
    off = s.with_changes(realtime=False, priority=80, no_mlock=True, unlock_mem=True)
    assert off.to_argv()[1:3] == ["-r", "-m"]
    # periods only when > 1; interface default hw:0
    assert "-n1" not in s.with_changes(periods=1).to_argv()
    assert JackSettings().to_argv() == ["jackd", "-dalsa", "-dhw:0"]


def test_direction_rules() -> None:
    both = JackSettings(capture_device="a", playback_device="b", in_channels=2, out_channels=4)
    assert both.to_argv() == ["jackd", "-dalsa", "-D", "-Ca", "-Pb", "-i2", "-o4"]
    capture = both.with_changes(audio=AudioMode.CAPTURE, device="hw:X")
    assert capture.to_argv() == ["jackd", "-dalsa", "-dhw:X", "-Ca", "-i2"]
    again = JackSettings.from_argv(capture.to_argv())
    assert again.audio is AudioMode.CAPTURE and again.capture_device == "a"
    playback = JackSettings.from_argv(["jackd", "-d", "alsa", "-P", "hw:Y"])
    assert playback.audio is AudioMode.PLAYBACK and playback.playback_device == "hw:Y"


def test_alsa_flags_and_dither_order() -> None:
    s = JackSettings(
        device="hw:0", soft_mode=True, monitor=True, shorts=True, hw_meter=True,
        midi_driver="raw", dither="t", in_latency=32, out_latency=64,
    )  # fmt: skip
    argv = s.to_argv()
    assert argv[3:] == ["-s", "-m", "-S", "-M", "-Xraw", "-zt", "-I32", "-O64"]
    assert JackSettings.from_argv(argv) == s


def test_dummy_driver_options() -> None:
    s = JackSettings(driver="dummy", rate=48000, period=256, in_channels=4, wait=10000)
    argv = s.to_argv()
    assert argv == ["jackd", "-ddummy", "-r48000", "-p256", "-C4", "-w10000"]
    assert JackSettings.from_argv(argv) == s
    assert "-w21333" not in s.with_changes(wait=21333).to_argv()


def test_unknown_options_are_kept() -> None:
    line = "jackd -T -X alsarawmidi -dalsa -dhw:0 --frobnicate 3"
    s = JackSettings.from_line(line)
    assert s.server_prefix == ["-T", "-Xalsarawmidi"]
    assert s.server_suffix == ["--frobnicate", "3"]
    assert JackSettings.from_argv(s.to_argv()) == s


def test_bad_lines_are_input_errors() -> None:
    with pytest.raises(InputError, match="names no driver"):
        JackSettings.from_line("jackd -P70")
    with pytest.raises(InputError, match="not a whole number"):
        JackSettings.from_line("jackd -dalsa -rfast")
    with pytest.raises(InputError, match="needs a value"):
        JackSettings.from_argv(["jackd", "-n"])


def test_latency() -> None:
    s = JackSettings(rate=44100, period=96, periods=2)
    assert latency_ms(s) == pytest.approx(96 * 2 / 44100 * 1000)
    assert latency_ms(JackSettings()) == 0.0


def test_dict_round_trip_and_type_checks() -> None:
    s = JackSettings.from_line(QJACKCTL_EXAMPLE)
    assert JackSettings.from_dict(s.to_dict()) == s
    data = s.to_dict() | {"rate": "48000"}
    with pytest.raises(InputError, match="'rate' must be a whole number"):
        JackSettings.from_dict(data)
    with pytest.raises(InputError, match="audio"):
        JackSettings.from_dict({"audio": "sideways"})


def test_blank_values_are_quoted_in_the_line() -> None:
    s = JackSettings(device="hw:My Card")
    assert re.search(r'"-dhw:My Card"', s.to_line())

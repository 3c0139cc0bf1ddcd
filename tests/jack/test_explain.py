"""The log explainer on real jackd output: run here without a card, and from the captures."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from stagebox.core.jack.control import JackController, JackStartError
from stagebox.core.jack.explain import count_xruns, explain_log
from stagebox.core.jack.settings import JackSettings
from stagebox.core.paths import UserPaths

from tests.conftest import capture_path


def run_jackd(args: list[str], home: Path) -> str:
    """Real jackd output (this machine has no sound card, so the ALSA driver fails)."""
    done = subprocess.run(
        ["jackd", *args],
        capture_output=True,
        text=True,
        timeout=20,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin", "JACK_NO_START_SERVER": "1"},
    )
    assert done.returncode != 0
    return done.stdout + done.stderr


def codes(text: str, settings: JackSettings | None = None) -> list[str]:
    return [e.code for e in explain_log(text, settings)]


def test_real_jackd_no_such_card(isolated_home: Path, server_name: str) -> None:
    log = run_jackd(
        ["-n", server_name, "--no-realtime", "-d", "alsa", "-d", "hw:US122L", "-r", "48000"],
        isolated_home,
    )
    assert "Cannot get card index for US122L" in log
    explained = explain_log(log)
    assert [e.code for e in explained] == ["no_such_card"]
    assert "no sound card called US122L" in explained[0].message
    assert "stagebox detect" in explained[0].fix


def test_real_jackd_unknown_pcm(isolated_home: Path, server_name: str) -> None:
    log = run_jackd(
        [f"-n{server_name}", "-r", "-dalsa", "-r48000", "-p512", "-n2", "-D"]
        + ["-Cus-144mkii", "-Pus-144mkii"],
        isolated_home,
    )
    assert "Unknown PCM us-144mkii" in log
    explained = explain_log(log)
    assert [e.code for e in explained] == ["unknown_pcm"]
    assert "us-144mkii" in explained[0].message
    assert "stagebox alsa apply" in explained[0].fix


def test_capture_01_no_realtime_and_unknown_pcm() -> None:
    text = capture_path("01").read_text()
    first_try = text[text.index("$ jackd -RP50") : text.index("$ sudo jackd")]
    assert codes(first_try) == ["no_realtime"]  # jack1: "cannot create engine"
    second_try = text[text.index("$ sudo jackd") :]
    assert codes(second_try)[0] == "unknown_pcm"
    assert "usb_stream:0" in explain_log(second_try)[0].message


def test_capture_03_period_too_small_at_full_speed() -> None:
    text = capture_path("03").read_text()
    settings = JackSettings.from_line("jackd -dalsa -dusb_stream:1 -r44100 -p64 -n2")
    explained = explain_log(text, settings)
    assert explained[0].code == "usb_stream_period"
    assert "64 frames" in explained[0].message
    assert explained[0].evidence == "Couldn't configure usb_stream : Invalid argument"
    assert "usb_stream_busy" not in codes(text)
    # jack1 went on without the ctl: a warning, not the failure
    assert ("missing_ctl", "warning") in [(e.code, e.severity) for e in explained]
    # without settings the period comes from jackd's own "creating alsa driver" line
    assert "a period of 64 frames" in explain_log(text)[0].message


@pytest.mark.parametrize(
    "line, code",
    [
        ("Couldn't configure usb_stream\n: Input/output error", "usb_stream_busy"),
        ('the playback device "hw:0" is already in use. The following applications', "device_busy"),
        (
            "ALSA: Cannot open PCM device alsa_pcm for playback (Device or resource busy)",
            "device_busy",
        ),
        ("Cannot lock down 107341340 byte memory area (Cannot allocate memory)", "no_memlock"),
        ("Cannot use real-time scheduling (RR/10) (1: Operation not permitted)", "no_realtime"),
        ("ALSA: cannot set period size to 64 frames for capture", "bad_hw_params"),
    ],
)
def test_other_known_failures(line: str, code: str) -> None:
    assert codes(line)[0] == code


def test_xruns_are_counted() -> None:
    log = "JackTimedDriver::Process XRun = 16 usec\nxrun of at least 2.3 msecs\nfine\n"
    assert count_xruns(log) == 2


def test_failed_start_is_explained(paths: UserPaths, server_name: str) -> None:
    """A start without pre-flight (check=False) reaches jackd; its real log is explained."""
    settings = JackSettings.from_argv(
        ["jackd", f"-n{server_name}", "-r", "-dalsa", "-dhw:US122L", "-r48000"]
    )
    with pytest.raises(JackStartError) as failure:
        JackController(paths).start(settings, check=False)
    error = failure.value
    assert [e.code for e in error.explanations] == ["no_such_card"]
    assert error.log_path is not None and "Cannot get card index" in error.log_path.read_text()
    assert "no sound card called US122L" in error.message
    # and with pre-flight it is refused before jackd runs, for the same reason
    with pytest.raises(JackStartError) as refused:
        JackController(paths).start(settings)
    assert [i.code for i in refused.value.issues] == ["no_such_card"]

"""`stagebox jack ...` end to end, with a real jackd (dummy driver) and real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from stagebox.core.paths import UserPaths

from tests.jack.conftest import ROOTS, leftovers, wait_dead

DUMMY = ["--driver", "dummy", "--rate", "48000", "--period", "256", "--no-realtime"]


def test_start_status_stop(run_cli, server_name: str) -> None:  # type: ignore[no-untyped-def]
    started = run_cli("jack", "start", *DUMMY, "--server-name", server_name)
    assert started.code == 0, started.err
    assert "JACK is running: dummy, 48000 Hz, period 256 x 2 = 10.7 ms latency" in started.out
    assert f"-n{server_name} -r -ddummy -r48000 -p256" in started.out

    status = run_cli("jack", "status", "--server-name", server_name, "--json")
    assert status.code == 0
    data = json.loads(status.out)
    assert data["state"] == "running" and data["server_kind"] == "jackd"
    assert (data["rate"], data["period"], data["periods"]) == (48000, 256, 2)
    assert round(data["latency_ms"], 1) == 10.7 and isinstance(data["xruns"], int)

    stopped = run_cli("jack", "stop", "--server-name", server_name)
    assert stopped.code == 0 and "JACK stopped" in stopped.out
    assert wait_dead(data["pid"])
    assert leftovers(server_name) == []
    after = run_cli("jack", "status", "--server-name", server_name)
    assert after.code == 3 and "not running" in after.out


def test_restart_with_a_new_period_is_live(run_cli, server_name: str) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("jack", "start", *DUMMY, "--server-name", server_name).code == 0
    pid = json.loads(run_cli("jack", "status", "--server-name", server_name, "--json").out)["pid"]
    again = run_cli("jack", "restart", "--server-name", server_name, "--period", "1024", "--json")
    assert again.code == 0, again.err
    data = json.loads(again.out)
    assert (data["pid"], data["period"]) == (pid, 1024)
    assert "without a restart" in data["message"]
    assert run_cli("jack", "stop", "--server-name", server_name).code == 0


def test_start_as_a_process_flushes_all_output_before_its_quick_exit(
    server_name: str, paths: UserPaths
) -> None:
    """The real process skips the interpreter's teardown after a start (os._exit): what it
    printed into a pipe must still arrive whole, with the exit code, and jackd keep running."""
    cmd = [sys.executable, "-m", "stagebox", "jack", "start", *DUMMY, "--json"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a buffered pipe
    done = subprocess.run(
        [*cmd, "--server-name", server_name], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["state"] == "running" and data["server_name"] == server_name
    try:
        assert Path(f"/proc/{data['pid']}").exists()
    finally:
        stop = [sys.executable, "-m", "stagebox", "jack", "stop", "--server-name", server_name]
        assert subprocess.run(stop, capture_output=True).returncode == 0
    assert wait_dead(data["pid"])


def test_foreground_stops_jackd_on_sigterm(server_name: str, paths: UserPaths) -> None:
    cmd = [sys.executable, "-m", "stagebox", "jack", "start", *DUMMY, "--foreground"]
    proc = subprocess.Popen([*cmd, "--server-name", server_name], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("JACK is running"), first
        record = json.loads((paths.runtime_dir / f"jack-{server_name}.json").read_text())
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        assert wait_dead(record["pid"])
        assert not (paths.runtime_dir / f"jack-{server_name}.json").exists()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_args_prints_the_argv_and_refuses_bad_values(run_cli) -> None:  # type: ignore[no-untyped-def]
    done = run_cli(
        "jack", "args", "--device", "hw:US122L", "--rate", "48000", "--period", "512",
        "--periods", "2", "--priority", "85", "--timeout", "2000", "--midi-driver", "seq",
        "--dither", "triangular", "--capture-only",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert done.out.strip() == "jackd -P85 -t2000 -dalsa -dhw:US122L -r48000 -p512 -n2 -Xseq -C -zt"
    bad = run_cli("jack", "args", "--driver", "dummy", "--period", "4", "--json")
    assert bad.code == 1
    assert json.loads(bad.out)["problems"][0]["field"] == "period"


def test_args_from_settings_file_and_preset(run_cli, tmp_path: Path, paths: UserPaths) -> None:  # type: ignore[no-untyped-def]
    line = tmp_path / "jackd.txt"
    line.write_text(
        "# my rig\njackd -P85 -t2000 -dalsa -r48000 -p512 -n2 -Cus-144mkii -Pus-144mkii\n"
    )
    done = run_cli("jack", "args", "--settings", str(line), "--period", "256")
    assert done.out.strip() == (
        "jackd -P85 -t2000 -dalsa -r48000 -p256 -n2 -D -Cus-144mkii -Pus-144mkii"
    )
    saved = run_cli("jack", "profiles", "save", "rig", "--settings", str(line))
    assert saved.code == 0, saved.err
    listed = run_cli("jack", "profiles", "list")
    assert listed.out.startswith("rig: jackd -P85")
    assert run_cli("jack", "args", "--preset", "rig").out.strip().endswith("-Pus-144mkii")
    shown = json.loads(run_cli("jack", "profiles", "show", "rig").out)
    assert shown["settings"]["period"] == 512
    missing = run_cli("jack", "args", "--preset", "nope")
    assert missing.code == 2 and "known: rig" in missing.err
    assert run_cli("jack", "profiles", "delete", "rig").code == 0
    assert "No JACK profiles" in run_cli("jack", "profiles", "list").out


def test_import_write_jackdrc_undo(run_cli, paths: UserPaths) -> None:  # type: ignore[no-untyped-def]
    paths.jackdrc.write_text("/usr/bin/jackd -dalsa -dhw:0 -r44100\n")
    paths.qjackctl_conf.parent.mkdir(parents=True)
    paths.qjackctl_conf.write_text(
        "[Presets]\nDefPreset=live\nPreset1=live\n[Settings]\n"
        "live\\Driver=dummy\nlive\\Realtime=false\nlive\\Frames=128\n"
    )
    imported = run_cli("jack", "import", "--save")
    assert imported.code == 0, imported.err
    assert "/usr/bin/jackd -dalsa -dhw:0 -r44100" in imported.out
    assert "QjackCtl preset 'live' (current):\n  jackd -r -ddummy -p128" in imported.out
    assert (
        run_cli("jack", "args", "--preset", "qjackctl-live").out.strip() == "jackd -r -ddummy -p128"
    )

    written = run_cli("jack", "write-jackdrc", "--preset", "qjackctl-live")
    assert written.code == 0, written.err
    assert paths.jackdrc.read_text().split()[1:] == ["-r", "-ddummy", "-p128"]
    blank = run_cli("jack", "write-jackdrc", "--device", "hw:My Card")
    assert blank.code == 2 and "splits that file at every blank" in blank.err
    undone = run_cli("jack", "undo")
    assert undone.code == 0
    assert paths.jackdrc.read_text() == "/usr/bin/jackd -dalsa -dhw:0 -r44100\n"


def test_start_refusals_are_explained(run_cli, server_name: str) -> None:  # type: ignore[no-untyped-def]
    root = str(ROOTS / "us122l-ich5")
    done = run_cli(
        "--root", root, "jack", "start", "--device", "hw:US144", "--no-realtime",
        "--server-name", server_name,
    )  # fmt: skip
    assert done.code == 1
    assert "problem: there is no sound card 'US144' (cards now: ICH5, US122L)" in done.err
    assert "fix: plug in and power on" in done.err


def test_explain_command(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    log = tmp_path / "jackd.log"
    log.write_text(
        "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM us-144mkii\n"
        "Cannot initialize driver\n"
    )
    done = run_cli("jack", "explain", str(log))
    assert done.code == 1
    assert "ALSA does not know the device us-144mkii" in done.out
    assert "fix: run `stagebox alsa apply`" in done.out


def test_stop_when_nothing_runs(run_cli, server_name: str) -> None:  # type: ignore[no-untyped-def]
    done = run_cli("jack", "stop", "--server-name", server_name)
    assert done.code == 0 and "JACK was not running" in done.out
    assert time.time() > 0 and os.getpid() > 0


def test_args_defaults_from_the_detected_interface(run_cli) -> None:  # type: ignore[no-untyped-def]
    def args_for(root: str, *extra: str):  # type: ignore[no-untyped-def]
        return run_cli("--root", str(ROOTS / root), "jack", "args", *extra)

    assert (
        args_for("us122l-ich5").out.strip()
        == "jackd -P85 -t2000 -dalsa -r48000 -p512 -n2 -D -Cus-122l -Pus-122l"
    )
    assert (
        args_for("scarlett-18i20-xhci").out.strip()
        == "jackd -P85 -t2000 -dalsa -dhw:USB -r48000 -p256 -n2"
    )
    # the US-144 of capture 03 runs at full speed: capture 03's -p64 @ 44.1 kHz is refused
    small = args_for("us144-uhci-after-unbind", "--rate", "44100", "--period", "64")
    assert small.code == 1
    assert "below the 96-frame minimum" in small.err and "nearest valid: 128" in small.err
    fast = args_for("us144-uhci-after-unbind", "--rate", "96000")
    assert fast.code == 1 and "needs USB high speed" in fast.err
    onboard = args_for("onboard-only")
    assert onboard.code == 0 and onboard.out.startswith("jackd -P85 -t2000 -dalsa -dhw:PCH ")


def test_a_bound_profile_is_proposed_when_its_device_is_present(run_cli) -> None:  # type: ignore[no-untyped-def]
    scarlett = ("--root", str(ROOTS / "scarlett-18i20-xhci"))
    saved = run_cli(
        *scarlett, "jack", "profiles", "save", "studio", "--bind", "USB", "--period", "128"
    )
    assert saved.code == 0, saved.err
    assert "serial P9EA9DT1234567" in saved.out  # the device identity, not card number 2
    used = json.loads(run_cli(*scarlett, "jack", "args", "--json").out)
    assert used["origin"] == "profile 'studio' (device plugged in)"
    assert used["argv"] == [
        "jackd",
        "-P85",
        "-t2000",
        "-dalsa",
        "-dhw:USB",
        "-r48000",
        "-p128",
        "-n2",
    ]
    matched = run_cli(*scarlett, "jack", "profiles", "match")
    assert matched.code == 0 and matched.out.startswith("studio (")
    other = run_cli("--root", str(ROOTS / "us122l-ich5"), "jack", "profiles", "match")
    assert other.code == 1

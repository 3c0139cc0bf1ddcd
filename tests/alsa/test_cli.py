"""``stagebox alsa plan|apply|undo|check`` end to end (in-process, and once through a pty)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from stagebox.core.journal import Journal
from stagebox.core.paths import UserPaths

from tests.alsa.support import detection, onboard_card, us122l_card
from tests.conftest import REPO


@pytest.fixture
def detected(tmp_path: Path) -> str:
    """A saved `stagebox detect --json` for capture 02's machine (US-122L as card 1)."""
    path = tmp_path / "detect.json"
    path.write_text(detection(us122l_card(index=1)).to_json())
    return str(path)


def test_plan_prints_the_diff_and_why(run_cli, detected: str, paths: UserPaths) -> None:
    paths.asoundrc.write_text("# mine\n")
    result = run_cli("alsa", "plan", "--detection-json", detected)
    assert result.code == 0, result.err
    assert "+pcm.us-122l {" in result.out and '+\tcard "US122L"' in result.out
    assert "--- ~/.asoundrc" in result.out and "+++ ~/.asoundrc" in result.out
    assert "only a 'usb_stream' connection" in result.out
    assert paths.asoundrc.read_text() == "# mine\n"  # plan changes nothing


def test_plan_json(run_cli, detected: str) -> None:
    result = run_cli("alsa", "plan", "--detection-json", detected, "--json")
    data = json.loads(result.out)
    assert data["pcm_names"] == {"1": "us-122l"} and data["changes_needed"] is True
    assert data["checks"]["us-122l"]["status"] == "card_absent"


def test_apply_without_terminal_needs_yes(run_cli, detected: str, paths: UserPaths) -> None:
    result = run_cli("alsa", "apply", "--detection-json", detected)
    assert result.code == 2
    assert "pass --yes" in result.err
    assert not paths.asoundrc.exists()


def test_apply_yes_then_rerun_then_undo(run_cli, detected: str, paths: UserPaths) -> None:
    original = b"pcm.x { type hw card 0 }\n"
    paths.asoundrc.write_bytes(original)
    applied = run_cli("alsa", "apply", "--detection-json", detected, "--yes")
    assert applied.code == 0, applied.err
    assert "Backup of the old file:" in applied.out and "stagebox alsa undo" in applied.out
    again = run_cli("alsa", "apply", "--detection-json", detected, "--yes")
    assert again.code == 0 and "Nothing to write." in again.out
    assert len(Journal(paths).active("alsa")) == 1
    check = run_cli("alsa", "check")
    assert check.code == 0 and "us-122l: ok" in check.out and "not plugged in" in check.out
    undone = run_cli("alsa", "undo")
    assert undone.code == 0 and "restored" in undone.out
    assert paths.asoundrc.read_bytes() == original
    nothing = run_cli("alsa", "undo")
    assert nothing.code == 1 and "nothing to undo" in nothing.err


def test_undo_after_edit_needs_force(run_cli, detected: str, paths: UserPaths) -> None:
    run_cli("alsa", "apply", "--detection-json", detected, "--yes")
    paths.asoundrc.write_text(paths.asoundrc.read_text() + "# my edit\n")
    refused = run_cli("alsa", "undo")
    assert refused.code == 1 and "--force" in refused.err
    assert run_cli("alsa", "undo", "--force").code == 0
    assert not paths.asoundrc.exists()


def test_blocked_plan_exits_1_naming_the_line(run_cli, detected: str, paths: UserPaths) -> None:
    paths.asoundrc.write_text("pcm.x {\n type hw\n card 0\n}}\n")
    result = run_cli("alsa", "plan", "--detection-json", detected)
    assert result.code == 1 and "line 4, column 2" in result.out
    applied = run_cli("alsa", "apply", "--detection-json", detected, "--yes")
    assert applied.code == 1
    assert paths.asoundrc.read_text() == "pcm.x {\n type hw\n card 0\n}}\n"


def test_bad_rate_is_an_input_error(run_cli, detected: str) -> None:
    result = run_cli("alsa", "plan", "--detection-json", detected, "--rate", "22050")
    assert result.code == 2 and "use --rate 44100" in result.err


def test_bad_detection_file(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("not json")
    result = run_cli("alsa", "plan", "--detection-json", str(bad))
    assert result.code == 2 and "stagebox detect --json" in result.err


def test_nothing_needed_for_ordinary_cards(run_cli, tmp_path: Path, paths: UserPaths) -> None:
    path = tmp_path / "detect.json"
    path.write_text(detection(onboard_card()).to_json())
    result = run_cli("alsa", "apply", "--detection-json", str(path))
    assert result.code == 0 and "Nothing to write." in result.out
    assert not paths.asoundrc.exists()


def test_apply_asks_on_a_terminal(detected: str, paths: UserPaths) -> None:
    """A real pty as stdin: the y/N question is asked and 'y' writes, anything else not."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "app")}
    for answer, written in ((b"n\n", False), (b"y\n", True)):
        main_fd, child_fd = pty.openpty()
        os.write(main_fd, answer)
        done = subprocess.run(
            [sys.executable, "-m", "stagebox", "alsa", "apply", "--detection-json", detected],
            stdin=child_fd,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        os.close(child_fd)
        os.close(main_fd)
        assert "Write this change? [y/N]" in done.stdout
        assert paths.asoundrc.exists() is written, done.stdout + done.stderr
        assert done.returncode == (0 if written else 1)


ROOTS = REPO / "tests" / "fixtures" / "roots"


def test_plan_from_a_fake_machine_tree(run_cli, paths: UserPaths) -> None:
    result = run_cli("alsa", "plan", "--root", str(ROOTS / "us122l-ich5"), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["pcm_names"] == {"1": "us-122l"}
    assert '+\tcard "US122L"' in data["diff"]


def test_full_speed_us144_refuses_a_high_speed_rate(run_cli) -> None:
    root = str(ROOTS / "us144-uhci-after-unbind")
    result = run_cli("alsa", "plan", "--root", root, "--rate", "96000")
    assert result.code == 2 and "only at USB high speed" in result.err
    ok = run_cli("alsa", "plan", "--root", root, "--rate", "48000", "--period-size", "104")
    assert ok.code == 0 and "+\trate 48000" in ok.out and "'us-144'" in ok.out


def test_machines_without_usb_stream_need_nothing(run_cli, paths: UserPaths) -> None:
    for name in ("onboard-only", "us144mkii-native-6.18", "scarlett-18i20-xhci"):
        result = run_cli("alsa", "apply", "--root", str(ROOTS / name))
        assert result.code == 0 and "Nothing to write." in result.out, (name, result.err)
    waiting = run_cli("alsa", "plan", "--root", str(ROOTS / "us144mkii-ehci-nocard"))
    assert "has no ALSA card yet" in waiting.out
    assert not paths.asoundrc.exists()


def test_plan_from_capture_02(run_cli) -> None:
    from tests.conftest import capture_path

    result = run_cli("alsa", "plan", "--capture", str(capture_path("02")))
    assert result.code == 0, result.err
    assert "+pcm.us-122l {" in result.out

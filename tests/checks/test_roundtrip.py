"""A Stagebox report read back by ``detect --capture`` gives the machine's own detection result.

Run on every fake machine under tests/fixtures/roots/. Unredacted, the results are equal
(apart from ``source``: "live" vs "capture"); redacted, they are equal once serial numbers
are compared as "present or absent", because redaction replaces each serial by ``<serial-N>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from stagebox.core.detect import detect_capture, detect_live
from stagebox.core.paths import UserPaths
from stagebox.core.report import build_report
from stagebox.core.sysroot import SystemRoot

ROOTS = Path(__file__).resolve().parent.parent / "fixtures" / "roots"
ROOT_NAMES = sorted(p.name for p in ROOTS.iterdir() if p.is_dir()) if ROOTS.is_dir() else []


def comparable(result: Any, *, serials: bool) -> dict[str, Any]:
    data = result.to_dict()
    data.pop("source", None)
    if not serials:
        for card in data["cards"]:
            card["serial"] = card["serial"] is not None
    return data


def test_there_are_fake_roots() -> None:
    assert len(ROOT_NAMES) >= 9, ROOT_NAMES


@pytest.mark.parametrize("name", ROOT_NAMES)
@pytest.mark.parametrize("redact", [False, True], ids=["kept", "redacted"])
def test_report_round_trip(name: str, redact: bool, tmp_path: Path, run_cli) -> None:
    root = SystemRoot.at(ROOTS / name)
    live = detect_live(root)
    report = tmp_path / "report.txt"
    report.write_text(build_report(root, UserPaths.from_env(), redact=redact))
    captured = detect_capture(report)
    assert captured.source == "capture"
    assert comparable(captured, serials=not redact) == comparable(live, serials=not redact)


@pytest.mark.parametrize("name", ["us122l-ich5", "scarlett-18i20-xhci"])
def test_round_trip_through_the_command_line(name: str, tmp_path: Path, run_cli) -> None:
    report = tmp_path / "report.txt"
    root = str(ROOTS / name)
    assert run_cli("report", "--root", root, "--output", str(report)).code == 0
    from_file = run_cli("detect", "--json", "--capture", str(report))
    from_root = run_cli("detect", "--json", "--root", root)
    assert from_file.code == from_root.code
    import json

    captured, live = json.loads(from_file.out), json.loads(from_root.out)
    captured.pop("source", None)
    live.pop("source", None)
    for data in (captured, live):
        for card in data["cards"]:
            card["serial"] = card["serial"] is not None
    assert captured == live


def test_round_trip_on_this_machine(tmp_path: Path) -> None:
    root = SystemRoot()
    report = tmp_path / "report.txt"
    report.write_text(build_report(root, UserPaths.from_env()))
    captured = detect_capture(report)
    assert comparable(captured, serials=False) == comparable(detect_live(root), serials=False)

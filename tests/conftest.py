"""Shared test set-up: every test runs with its own HOME and XDG dirs, never the real ones.

Real components (jackd, alsa-lib, Qt, polkitd) are used where they run here; tests that need
one request its fixture (see tests/jack/conftest.py and friends).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

# libjack must never auto-start a server behind a test's back (6 s wasted on ALSA).
os.environ["JACK_NO_START_SERVER"] = "1"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CAPTURES = FIXTURES / "captures"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh HOME + XDG tree per test; the developer's own files are never touched."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    # a JACK start asks the card's owner on the session bus to let go (device reservation):
    # never the developer's own PipeWire; tests that want a bus start a private one
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    return home


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli() -> Callable[..., CliResult]:
    """Run ``stagebox ARGS...`` in-process and capture its output and exit code."""
    from contextlib import redirect_stderr, redirect_stdout

    from stagebox.cli import main

    def run(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse usage errors
                code = int(exc.code or 0)
        return CliResult(code, out.getvalue(), err.getvalue())

    return run


def capture_path(name: str) -> Path:
    """A real capture by its number or file name prefix, e.g. capture_path("02")."""
    matches = sorted(CAPTURES.glob(f"{name}*.txt"))
    assert matches, f"no capture {name} under {CAPTURES}"
    return matches[0]

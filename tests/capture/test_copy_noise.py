"""What copying a report through a browser, a mail client or an editor does to it must not
change what it says. Every real paste (the shared captures and the forum ones) is read again
after one kind of copy noise, and must yield the same cards: index, id, USB id, how JACK
opens it, what it is.

The noise is what pastes really carry: Windows line ends, tabs for spaces, mail quoting,
non-breaking spaces and HTML escapes from a web page, trailing blanks, a forum's "Code:"
header, a Windows-1252 file, the text without its capture header, numbered lines.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from stagebox.core.capture import parse_capture, read_capture_file
from stagebox.core.detect import detect_facts

from tests.conftest import CAPTURES

PASTES = sorted(CAPTURES.glob("*.txt")) + sorted((CAPTURES / "forum").glob("*.txt"))


def _lines(transform: Callable[[str], str]) -> Callable[[str], str]:
    return lambda text: "".join(transform(line) + "\n" for line in text.splitlines())


NOISE: dict[str, Callable[[str], str]] = {
    "windows line ends": lambda text: text.replace("\n", "\r\n"),
    "tabs for four spaces": lambda text: text.replace("    ", "\t"),
    "mail quoting": _lines(lambda line: "> " + line),
    "non-breaking spaces": lambda text: text.replace("  ", "\u00a0 "),
    "trailing blanks": _lines(lambda line: line + "   "),
    "forum code header": lambda text: "Code:\n" + text,
    "html escapes": lambda text: (
        text.replace("&", "&amp;").replace('"', "&quot;").replace(">", "&gt;").replace("<", "&lt;")
    ),
    "no capture header": lambda text: text.split("---\n", 1)[-1],
    "line numbers (cat -n)": lambda text: "".join(
        f"{n:6}\t{line}\n" for n, line in enumerate(text.splitlines(), 1)
    ),
}


def _cards(text: str) -> list[tuple[object, ...]]:
    result = detect_facts(parse_capture(text))
    return [(c.index, c.id, c.usb_id, c.access, c.kind) for c in result.cards]


@pytest.fixture(scope="module")
def clean() -> dict[Path, list[tuple[object, ...]]]:
    return {path: _cards(read_capture_file(path)) for path in PASTES}


def test_there_are_pastes_and_they_yield_cards(clean) -> None:  # type: ignore[no-untyped-def]
    assert len(PASTES) >= 30
    assert sum(1 for cards in clean.values() if cards) >= 25


@pytest.mark.parametrize("noise", sorted(NOISE))
def test_copy_noise_changes_nothing(noise: str, clean) -> None:  # type: ignore[no-untyped-def]
    changed = {
        path.name: (expected, got)
        for path, expected in clean.items()
        if (got := _cards(NOISE[noise](read_capture_file(path)))) != expected
    }
    assert not changed, changed


def test_a_windows_1252_file_reads_as_the_same_paste(tmp_path: Path, clean) -> None:  # type: ignore[no-untyped-def]
    for path, expected in clean.items():
        copy = tmp_path / path.name
        copy.write_bytes(read_capture_file(path).encode("cp1252", errors="replace"))
        assert _cards(read_capture_file(copy)) == expected, path.name

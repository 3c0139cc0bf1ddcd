"""Numbers read from files a user or the system wrote are decimal digits: '²' passes
str.isdigit() but int() refuses it, which once crashed the live reader (found by hypothesis).
Every such check in the package uses str.isdecimal(), which int() always accepts."""

from __future__ import annotations

import contextlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "app" / "stagebox"


def test_no_isdigit_before_int() -> None:
    offenders = [
        f"{path.relative_to(PACKAGE)}:{n}"
        for path in PACKAGE.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".isdigit()" in line
    ]
    assert not offenders, f"use str.isdecimal() (int() refuses '²'): {offenders}"


def test_superscripts_in_a_pasted_card_list_and_a_jackdrc_are_no_crash() -> None:
    from stagebox.core.capture import parse_capture
    from stagebox.core.detect import detect_facts
    from stagebox.core.errors import StageboxError
    from stagebox.core.jack.sources import parse_jackdrc, parse_qjackctl

    text = " ²1 [US122L         ]: USB US-122L - TASCAM US-122L\n                      x\n"
    detect_facts(parse_capture(text))
    for line in ("/usr/bin/jackd -dalsa -dhw:² -r4800²", "jackd -P8² -dalsa -p2⁵⁶"):
        with contextlib.suppress(StageboxError):  # refused in words is fine; a traceback not
            parse_jackdrc(line)
    parse_qjackctl("[Settings]\nDefPreset=x\nx\\Frames=2⁵⁶\nx\\SampleRate=4800²\n")

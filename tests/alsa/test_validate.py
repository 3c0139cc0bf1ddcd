"""validate_pcm: what the real alsa-lib says about a config, told apart in plain words."""

from __future__ import annotations

import pytest
from stagebox.core.alsaconf import Status, libasound, validate_pcm
from stagebox.core.alsaconf.block import END_MARKER, START_MARKER, newline_of, split
from stagebox.core.alsaconf.checkrun import check_current
from stagebox.core.errors import StageboxError
from stagebox.core.paths import UserPaths

GOOD = (
    'pcm.us-122l {\n\ttype usb_stream\n\tcard "US122L"\n}\n'
    'ctl.us-122l {\n\ttype hw\n\tcard "US122L"\n}\n'
)


def test_absent_card_is_not_a_config_error() -> None:
    check = validate_pcm("us-122l", GOOD)
    assert check.status is Status.CARD_ABSENT and check.accepted
    assert check.card == "US122L"
    assert check.pcm_rc == -22 and check.ctl_rc == -19  # EINVAL from usb_stream, ENODEV from hw


def test_bad_field_before_the_card_is_named() -> None:
    text = GOOD.replace("\ttype usb_stream\n", "\ttype usb_stream\n\tdelay 10\n")
    check = validate_pcm("us-122l", text)
    assert check.status is Status.BAD_FIELD and "'delay'" in check.message
    assert not check.accepted


def test_wrong_field_type_is_named() -> None:
    text = GOOD.replace("\ttype usb_stream\n", '\ttype usb_stream\n\trate "fast"\n')
    check = validate_pcm("us-122l", text)
    assert check.status is Status.BAD_FIELD and "'rate'" in check.message


def test_misspelt_type_is_not_mistaken_for_a_missing_package() -> None:
    check = validate_pcm("us-122l", GOOD.replace("usb_stream", "usb_streem"))
    assert check.status is Status.BAD_FIELD and "usb_streem" in check.message


def test_undefined_name_and_missing_ctl() -> None:
    assert validate_pcm("us-144mkii", GOOD).status is Status.NOT_DEFINED
    only_pcm = GOOD.split("ctl.")[0]
    check = validate_pcm("us-122l", only_pcm)
    assert check.status is Status.NOT_DEFINED and "CTL" in check.message


def test_syntax_error_gives_line_and_column() -> None:
    check = validate_pcm("us-122l", GOOD.replace("}\nctl", "}}\nctl", 1))
    assert check.status is Status.SYNTAX_ERROR
    assert (check.line, check.column) == (4, 2)


def test_parse_keeps_integer_and_string_apart() -> None:
    tree = libasound.parse('pcm.a { type hw card 1 }\npcm.b { type hw card "1" }\n').tree
    assert tree is not None
    assert isinstance(tree["pcm"]["a"]["card"], libasound.ConfigInt)
    assert tree["pcm"]["b"]["card"] == "1" and isinstance(tree["pcm"]["b"]["card"], str)


def test_the_per_process_cache_does_not_hide_a_change(paths: UserPaths) -> None:
    """Each check runs in a fresh process, so a rewritten file is seen at once."""
    paths.asoundrc.write_text(GOOD)
    assert validate_pcm("us-122l", paths).status is Status.CARD_ABSENT
    paths.asoundrc.write_text(GOOD.replace("us-122l", "other"))
    assert validate_pcm("us-122l", paths).status is Status.NOT_DEFINED


def test_check_current_reads_our_block(paths: UserPaths) -> None:
    assert check_current(paths).ok  # nothing written yet: nothing wrong
    paths.asoundrc.write_text(f"# mine\n{START_MARKER}\n{GOOD}{END_MARKER}\n")
    report = check_current(paths)
    assert report.ok and list(report.validations) == ["us-122l"]
    paths.asoundrc.write_text(f"pcm.x {{\n{START_MARKER}\n{GOOD}{END_MARKER}\n")
    broken = check_current(paths)
    assert not broken.ok and "line" in broken.lines[0]


def test_block_split_keeps_every_byte() -> None:
    text = f"a\r\n{START_MARKER}\r\nx\r\n{END_MARKER}\r\nb"
    parts = split(text)
    assert parts.before == "a\r\n" and parts.after == "b" and parts.newline == "\r\n"
    assert parts.before + (parts.block or "") + parts.after == text
    assert newline_of("a\nb\r\n") == "\r\n" and newline_of("a\nb\nc\r\n") == "\n"


def test_doubled_markers_are_refused() -> None:
    with pytest.raises(StageboxError, match="lines 1, 2, 3"):
        split(f"{START_MARKER}\n{START_MARKER}\n{END_MARKER}\n")

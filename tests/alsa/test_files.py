"""plan/apply/undo on real-world ~/.asoundrc files, every result read back by the real alsa-lib.

Each case asserts: the written file loads in alsa-lib, our PCM resolves to ``type
usb_stream`` with the intended card (written last), alsa-lib itself looks up that card, and
no byte the user wrote is lost.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from stagebox.core.alsaconf import Status, apply_alsa, undo_alsa, validate_pcm
from stagebox.core.alsaconf.block import START_MARKER
from stagebox.core.errors import StageboxError
from stagebox.core.journal import Journal
from stagebox.core.paths import UserPaths

from tests.alsa.support import (
    assert_only_block_added,
    capture_asoundrc,
    real_alsa_open,
    resolve,
    us122l_card,
)
from tests.conftest import capture_path

CAPTURE_04_LIKE = """\
# usb_stream for the US-122L (from a forum post): card by number
pcm.!usb_stream {
\ttype usb_stream
\tcard "0"
}
ctl.!usb_stream {
\ttype hw
\tcard 0
}
"""

HOOKS_AND_INCLUDES = """\
</usr/share/alsa/alsa.conf.d/98-usb-stream.conf>
@hooks [
\t{
\t\tfunc load
\t\tfiles [ "~/.asoundrc.local" ]
\t\terrors false
\t}
]
pcm.mixed { type plug; slave.pcm "dmix" }
"""

COMMENTS_AND_SPACING = (
    "   # my settings, keep!   \n"
    'pcm.headset{type hw;card "Headset";device 0}   # trailing comment\n'
    "\n\n\t\n"
    'ctl.headset  {\n        type    hw\n\tcard\t"Headset"\n}\n'
    'defaults.pcm.rate_converter "speexrate_medium"\n'
    "# last line without anything after it"
)


def _apply(plan_for, paths: UserPaths, *cards):  # type: ignore[no-untyped-def]
    plan = plan_for(*(cards or (us122l_card(),)))
    assert plan.blocked_reason is None, plan.blocked_reason
    entry = apply_alsa(plan, Journal(paths))
    return plan, entry


def _assert_resolves(paths: UserPaths, name: str = "us-122l", card: str = "US122L") -> None:
    text = paths.asoundrc.read_text(encoding="utf-8", errors="surrogateescape")
    fields = resolve(text, name)
    assert fields["type"] == "usb_stream"
    assert fields["card"] == card
    assert list(fields)[-1] == "card"  # last, so "card not found" proves the rest is fine
    check = validate_pcm(name, paths)
    assert check.status is Status.CARD_ABSENT, check
    assert check.card == card  # alsa-lib looked up exactly this card
    # and an independent program on the same alsa-lib agrees
    messages = real_alsa_open(paths.home, name)
    assert f"Cannot get card index for {card}" in messages
    assert "Invalid card 'card'" in messages


def test_empty_home_creates_the_file(plan_for, paths: UserPaths) -> None:
    assert not paths.asoundrc.exists()
    plan, entry = _apply(plan_for, paths)
    assert plan.before is None and plan.changes_needed
    assert plan.diff.startswith("--- /dev/null")
    assert entry is not None and entry.backup is None
    assert paths.asoundrc.read_bytes().startswith(START_MARKER.encode())
    assert plan.pcm_names == {1: "us-122l"}
    _assert_resolves(paths)
    undo_alsa(Journal(paths))
    assert not paths.asoundrc.exists()  # it did not exist before


def test_empty_existing_file(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_bytes(b"")
    _apply(plan_for, paths)
    assert_only_block_added(b"", paths.asoundrc.read_bytes())
    _assert_resolves(paths)
    undo_alsa(Journal(paths))
    assert paths.asoundrc.read_bytes() == b""


def test_capture_02_file_is_kept_and_explained(plan_for, paths: UserPaths) -> None:
    original = capture_asoundrc(capture_path("02")).encode()
    assert b'default "1"' in original and b"ctl." not in original
    paths.asoundrc.write_bytes(original)
    plan = plan_for(us122l_card())
    codes = {c.code for c in plan.conflicts}
    assert {"usb_stream_by_number", "usb_stream_without_ctl"} <= codes
    by_number = next(c for c in plan.conflicts if c.code == "usb_stream_by_number")
    assert "card number 1 (today that is US122L)" in by_number.message
    assert by_number.line == 3  # the `pcm.!usb_stream {` line
    apply_alsa(plan, Journal(paths))
    new = paths.asoundrc.read_bytes()
    assert_only_block_added(original, new)
    _assert_resolves(paths)
    # the user's own definition is still there and still read the same way
    assert resolve(new.decode(), "usb_stream")["card"] == "$CARD"


def test_04_like_file_by_number_with_ctl(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_text(CAPTURE_04_LIKE)
    plan = plan_for(us122l_card(index=0))
    codes = [c.code for c in plan.conflicts]
    assert "usb_stream_by_number" in codes
    assert "usb_stream_without_ctl" not in codes  # it has its ctl
    apply_alsa(plan, Journal(paths))
    assert_only_block_added(CAPTURE_04_LIKE.encode(), paths.asoundrc.read_bytes())
    _assert_resolves(paths)


def test_hooks_and_includes(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_text(HOOKS_AND_INCLUDES)
    plan = plan_for(us122l_card())
    # the included alsa-plugins file defines the generic `usbstream`: not a conflict
    assert not [c for c in plan.conflicts if c.code.startswith("usb_stream")]
    apply_alsa(plan, Journal(paths))
    assert_only_block_added(HOOKS_AND_INCLUDES.encode(), paths.asoundrc.read_bytes())
    _assert_resolves(paths)


def test_comments_odd_spacing_and_no_final_newline(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_text(COMMENTS_AND_SPACING)
    _apply(plan_for, paths)
    new = paths.asoundrc.read_bytes()
    assert_only_block_added(COMMENTS_AND_SPACING.encode(), new)
    assert new[len(COMMENTS_AND_SPACING) : len(COMMENTS_AND_SPACING) + 2] == b"\n\n"
    _assert_resolves(paths)
    assert resolve(new.decode(), "headset") == {"type": "hw", "card": "Headset", "device": 0}


def test_crlf_file_stays_crlf(plan_for, paths: UserPaths) -> None:
    original = CAPTURE_04_LIKE.replace("\n", "\r\n").encode()
    paths.asoundrc.write_bytes(original)
    _apply(plan_for, paths)
    new = paths.asoundrc.read_bytes()
    assert_only_block_added(original, new, newline=b"\r\n")
    assert new.count(b"\n") == new.count(b"\r\n")  # no bare LF anywhere
    _assert_resolves(paths)
    assert plan_for(us122l_card()).changes_needed is False


def test_non_utf8_bytes_survive(plan_for, paths: UserPaths) -> None:
    original = b"# Ger\xe4t (latin-1 comment)\npcm.x { type hw card 0 }\n"
    paths.asoundrc.write_bytes(original)
    _apply(plan_for, paths)
    assert_only_block_added(original, paths.asoundrc.read_bytes())


def test_read_only_file_is_refused_and_untouched(plan_for, paths: UserPaths) -> None:
    original = b"pcm.x { type hw card 0 }\n"
    paths.asoundrc.write_bytes(original)
    paths.asoundrc.chmod(0o444)
    plan = plan_for(us122l_card())
    with pytest.raises(StageboxError, match="read-only"):
        apply_alsa(plan, Journal(paths))
    assert paths.asoundrc.read_bytes() == original
    assert stat.S_IMODE(paths.asoundrc.stat().st_mode) == 0o444
    assert Journal(paths).active("alsa") == []


def test_mode_is_kept(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_bytes(b"pcm.x { type hw card 0 }\n")
    paths.asoundrc.chmod(0o600)
    _apply(plan_for, paths)
    assert stat.S_IMODE(paths.asoundrc.stat().st_mode) == 0o600


def test_symlinked_asoundrc_is_followed_not_replaced(plan_for, paths: UserPaths) -> None:
    dotfiles = paths.home / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "asoundrc"
    original = b"pcm.x { type hw card 0 }\n"
    real.write_bytes(original)
    paths.asoundrc.symlink_to(Path("dotfiles") / "asoundrc")
    _apply(plan_for, paths)
    assert paths.asoundrc.is_symlink()
    assert os.readlink(paths.asoundrc) == "dotfiles/asoundrc"
    assert_only_block_added(original, real.read_bytes())
    _assert_resolves(paths)
    undo_alsa(Journal(paths))
    assert paths.asoundrc.is_symlink() and real.read_bytes() == original


def test_two_identical_cards(plan_for, paths: UserPaths) -> None:
    first = us122l_card(index=1, card_id="US122L", jack_device="us-122l")
    second = us122l_card(index=2, card_id="US122L_1", jack_device="us-122l-2")
    plan, _ = _apply(plan_for, paths, first, second)
    assert plan.pcm_names == {1: "us-122l", 2: "us-122l-2"}
    _assert_resolves(paths, "us-122l", "US122L")
    _assert_resolves(paths, "us-122l-2", "US122L_1")


def test_names_come_from_the_model_when_detection_gave_none(plan_for, paths: UserPaths) -> None:
    mkii = us122l_card(
        card_id="US122L", model="Tascam US-144MKII", usb_id="0644:8020", jack_device=None
    )
    plan = plan_for(mkii)
    assert plan.pcm_names == {1: "us-144mkii"}


def test_user_pcm_with_our_name_is_not_overwritten(plan_for, paths: UserPaths) -> None:
    original = b'pcm.us-122l { type plug slave.pcm "hw:0" }\n'
    paths.asoundrc.write_bytes(original)
    plan = plan_for(us122l_card())
    assert plan.pcm_names == {1: "us-122l-2"}
    taken = next(c for c in plan.conflicts if c.code == "name_taken")
    assert "'us-122l-2'" in taken.message
    apply_alsa(plan, Journal(paths))
    assert_only_block_added(original, paths.asoundrc.read_bytes())
    _assert_resolves(paths, "us-122l-2")
    assert resolve(paths.asoundrc.read_text(), "us-122l")["type"] == "plug"


def test_default_overrides_are_reported_as_notes(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_text("pcm.!default { type hw card 0 }\nctl.!default { type hw card 0 }\n")
    plan = plan_for(us122l_card())
    notes = {c.code: c for c in plan.conflicts}
    assert notes["pcm_default_override"].severity.value == "info"
    assert notes["ctl_default_override"].line == 2
    assert plan.blocked_reason is None


def test_system_asound_conf_is_read_through_the_root(plan_for, paths: UserPaths, fake_root) -> None:
    fake_root.path("/etc/asound.conf").write_text(capture_asoundrc(capture_path("02")))
    plan = plan_for(us122l_card())
    from_etc = [c for c in plan.conflicts if c.source == "/etc/asound.conf"]
    assert {c.code for c in from_etc} == {"usb_stream_by_number", "usb_stream_without_ctl"}


def test_unparsable_file_is_refused_with_its_line(plan_for, paths: UserPaths) -> None:
    original = b"pcm.x {\n  type hw\n  card 0\n}}\npcm.y { type hw }\n"
    paths.asoundrc.write_bytes(original)
    plan = plan_for(us122l_card())
    assert plan.blocked_reason is not None
    assert "line 4, column 2" in plan.blocked_reason and "Unexpected }" in plan.blocked_reason
    assert plan.after is None
    with pytest.raises(StageboxError, match="line 4"):
        apply_alsa(plan, Journal(paths))
    assert paths.asoundrc.read_bytes() == original
    assert Journal(paths).entries() == []


def test_unclosed_brace_names_the_end_of_file(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_text("pcm.x {\n  type hw\n")
    plan = plan_for(us122l_card())
    assert plan.blocked_reason is not None and "never closed" in plan.blocked_reason


def test_damaged_markers_block_the_plan(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_text(f"{START_MARKER}\npcm.x {{ type hw card 0 }}\n")
    plan = plan_for(us122l_card())
    assert plan.blocked_reason is not None and "marker" in plan.blocked_reason


def test_rerun_is_idempotent(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_text(CAPTURE_04_LIKE)
    _apply(plan_for, paths)
    written = paths.asoundrc.read_bytes()
    mtime = paths.asoundrc.stat().st_mtime_ns
    again = plan_for(us122l_card())
    assert again.changes_needed is False and again.diff == ""
    assert apply_alsa(again, Journal(paths)) is None
    assert paths.asoundrc.read_bytes() == written
    assert paths.asoundrc.stat().st_mtime_ns == mtime
    assert len(Journal(paths).active("alsa")) == 1


def test_changed_settings_replace_only_the_block(plan_for, paths: UserPaths) -> None:
    user_before, user_after = b"# mine\n", b"\n# also mine, after the block\n"
    paths.asoundrc.write_bytes(user_before)
    _apply(plan_for, paths)
    paths.asoundrc.write_bytes(paths.asoundrc.read_bytes() + user_after)
    plan = plan_for(us122l_card(), rate=48000, period_size=128)
    apply_alsa(plan, Journal(paths))
    new = paths.asoundrc.read_bytes()
    assert new.startswith(user_before) and new.endswith(user_after)
    fields = resolve(new.decode(), "us-122l")
    assert list(fields) == ["type", "hint", "rate", "period_size", "card"]
    assert (fields["rate"], fields["period_size"]) == (48000, 128)
    _assert_resolves(paths)


def test_undo_refuses_after_a_user_edit_and_force_restores(plan_for, paths: UserPaths) -> None:
    original = b"pcm.x { type hw card 0 }\n"
    paths.asoundrc.write_bytes(original)
    _apply(plan_for, paths)
    paths.asoundrc.write_bytes(paths.asoundrc.read_bytes() + b"# edited by hand\n")
    with pytest.raises(StageboxError) as refused:
        undo_alsa(Journal(paths))
    assert "--force" in str(refused.value)
    assert paths.asoundrc.read_bytes().endswith(b"# edited by hand\n")
    undo_alsa(Journal(paths), force=True)
    assert paths.asoundrc.read_bytes() == original


def test_undo_without_changes_says_so(paths: UserPaths) -> None:
    with pytest.raises(StageboxError, match="nothing to undo"):
        undo_alsa(Journal(paths))


def test_apply_refuses_when_the_file_changed_after_the_plan(plan_for, paths: UserPaths) -> None:
    paths.asoundrc.write_bytes(b"# one\n")
    plan = plan_for(us122l_card())
    paths.asoundrc.write_bytes(b"# two\n")
    with pytest.raises(StageboxError, match="changed after the plan"):
        apply_alsa(plan, Journal(paths))
    assert paths.asoundrc.read_bytes() == b"# two\n"


def test_no_usb_stream_card_changes_nothing(plan_for, paths: UserPaths) -> None:
    from tests.alsa.support import onboard_card

    paths.asoundrc.write_bytes(b"# mine\n")
    plan = plan_for(onboard_card())
    assert plan.changes_needed is False and plan.pcm_names == {}
    assert apply_alsa(plan, Journal(paths)) is None
    assert paths.asoundrc.read_bytes() == b"# mine\n"


def test_xdg_asoundrc_counts_too(plan_for, paths: UserPaths) -> None:
    """alsa.conf also loads $XDG_CONFIG_HOME/alsa/asoundrc: its names are taken as well."""
    xdg = paths.xdg_config_home / "alsa" / "asoundrc"
    xdg.parent.mkdir(parents=True)
    xdg.write_text('pcm.us-122l { type usb_stream; card "1" }\n')
    plan = plan_for(us122l_card())
    assert plan.pcm_names == {1: "us-122l-2"}
    sources = {c.source for c in plan.conflicts if c.code == "usb_stream_by_number"}
    assert sources == {str(xdg)}
    apply_alsa(plan, Journal(paths))
    _assert_resolves(paths, "us-122l-2")

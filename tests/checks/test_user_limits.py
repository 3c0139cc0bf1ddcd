"""Root user, audio group, and realtime limits (now and after the next login)."""

from __future__ import annotations

from stagebox.core.checks.base import UNLIMITED, Status
from stagebox.core.checks.limits import check_memlock, check_rtprio, granted_hard, read_limit_lines
from stagebox.core.checks.user import check_audio_group, check_root_user

from tests.checks.tree import AUDIO_GID, Tree, assert_status

AUDIO_CONF = "@audio   -  rtprio     95\n@audio   -  memlock    unlimited\n"


def test_root_user(tree: Tree) -> None:
    tree.user()
    ok = assert_status(check_root_user(tree.context()), Status.OK)
    assert "alice" in ok.reading
    bad = assert_status(check_root_user(tree.context(uid=0)), Status.WARNING)
    assert "root" in bad.reading


def test_audio_group_member_in_session(tree: Tree) -> None:
    tree.user(in_audio=True)
    assert_status(check_audio_group(tree.context()), Status.OK)


def test_audio_group_missing_gives_usermod(tree: Tree) -> None:
    tree.user(in_audio=False)
    result = assert_status(check_audio_group(tree.context(gids=(1000,))), Status.WARNING)
    assert result.fix and result.fix.startswith("sudo usermod -aG audio alice")
    assert result.needs_root


def test_audio_group_added_but_not_yet_logged_in(tree: Tree) -> None:
    tree.user(in_audio=True)
    result = assert_status(check_audio_group(tree.context(gids=(1000,))), Status.WARNING)
    assert "log out" in (result.fix or "")
    assert not result.needs_root


def test_rtprio_hard_limit_enough(tree: Tree) -> None:
    tree.user()
    result = assert_status(check_rtprio(tree.context(rtprio=(0, 95))), Status.OK)
    assert "hard limit 95" in result.reading


def test_rtprio_zero_and_nothing_granted_is_a_problem(tree: Tree) -> None:
    tree.user(in_audio=False)
    tree.write("/etc/security/limits.conf", "# nothing\n*  soft  core  0\n")
    tree.write("/etc/security/limits.d/audio.conf.disabled", AUDIO_CONF)  # not *.conf
    result = assert_status(check_rtprio(tree.context(gids=(1000,), rtprio=(0, 0))), Status.PROBLEM)
    assert "audio.conf.disabled" in result.reading
    assert result.fix and "@audio - rtprio 95" in result.fix
    assert "usermod -aG audio alice" in result.fix
    assert result.needs_root


def test_rtprio_granted_to_my_group_takes_effect_after_login(tree: Tree) -> None:
    tree.user(in_audio=True)
    tree.write("/etc/security/limits.d/audio.conf", AUDIO_CONF)
    result = assert_status(check_rtprio(tree.context(gids=(1000,), rtprio=(0, 0))), Status.WARNING)
    assert "/etc/security/limits.d/audio.conf:1" in result.reading
    assert "next login" in result.reading


def test_rtprio_granted_to_a_group_i_am_not_in(tree: Tree) -> None:
    tree.user(in_audio=False)
    tree.write("/etc/security/limits.d/audio.conf", AUDIO_CONF)
    result = assert_status(check_rtprio(tree.context(gids=(1000,), rtprio=(0, 0))), Status.PROBLEM)
    assert "not in it" in result.reading
    assert result.fix and result.fix.startswith("sudo usermod -aG audio alice")


def test_rtprio_low_grant_is_not_enough(tree: Tree) -> None:
    tree.user(in_audio=True)
    tree.write("/etc/security/limits.d/audio.conf", "@audio - rtprio 40\n")
    result = assert_status(check_rtprio(tree.context(rtprio=(40, 40))), Status.PROBLEM)
    assert "sets it to 40" in result.reading
    assert result.fix == (
        "change line /etc/security/limits.d/audio.conf:1 to: @audio - rtprio 95"
        "   (then log out and back in)"
    )


def test_memlock_grant_that_is_not_unlimited_is_not_enough(tree: Tree) -> None:
    """Python's RLIM_INFINITY is -1: a plain >= would call any number "unlimited"."""
    tree.user(in_audio=True)
    tree.write("/etc/security/limits.d/audio.conf", "@audio - memlock 65536\n")
    result = assert_status(
        check_memlock(tree.context(memlock=(64 << 20, 64 << 20))), Status.WARNING
    )
    assert "sets it to 65536 KiB" in result.reading
    assert "memlock unlimited" in (result.fix or "")


def test_rtprio_unlimited_counts_as_enough(tree: Tree) -> None:
    tree.user()
    assert_status(check_rtprio(tree.context(rtprio=(UNLIMITED, UNLIMITED))), Status.OK)


def test_rtprio_root_is_not_limited(tree: Tree) -> None:
    assert_status(check_rtprio(tree.context(uid=0, rtprio=(0, 0))), Status.OK)


def test_memlock_unlimited_ok_and_limited_warns(tree: Tree) -> None:
    tree.user(in_audio=False)
    assert_status(check_memlock(tree.context()), Status.OK)
    result = assert_status(
        check_memlock(tree.context(gids=(1000,), memlock=(8 << 20, 8 << 20))), Status.WARNING
    )
    assert "8192 KiB" in result.reading
    assert result.fix and "@audio - memlock unlimited" in result.fix


def test_memlock_granted_after_login(tree: Tree) -> None:
    tree.user(in_audio=True)
    tree.write("/etc/security/limits.d/audio.conf", AUDIO_CONF)
    result = assert_status(
        check_memlock(tree.context(gids=(1000, AUDIO_GID), memlock=(65536, 65536))),
        Status.WARNING,
    )
    assert "limits.d/audio.conf:2" in result.reading


def test_pam_limits_precedence(tree: Tree) -> None:
    """A line for the user beats a group line, which beats *, whatever the order."""
    tree.write(
        "/etc/security/limits.conf",
        "alice hard rtprio 20\n@audio - rtprio 95  # comment\n* hard rtprio 99\n"
        "@audio soft rtprio 1\nbogus line\n",
    )
    lines = read_limit_lines(tree.root)
    user_line = granted_hard(lines, "rtprio", "alice", 1000, {"audio"})
    assert user_line is not None and user_line.value == 20
    group_line = granted_hard(lines, "rtprio", "bob", 1001, {"audio"})
    assert group_line is not None and group_line.value == 95
    star = granted_hard(lines, "rtprio", "bob", 1001, set())
    assert star is not None and star.value == 99
    assert granted_hard(lines, "memlock", "bob", 1001, {"audio"}) is None


def test_uid_range_domain(tree: Tree) -> None:
    tree.write("/etc/security/limits.d/90-range.conf", "1000: - memlock unlimited\n")
    lines = read_limit_lines(tree.root)
    line = granted_hard(lines, "memlock", None, 1000, set())
    assert line is not None and line.value == UNLIMITED
    assert granted_hard(lines, "memlock", None, 999, set()) is None

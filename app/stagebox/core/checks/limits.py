"""Realtime rights: the process's hard limits now, and what /etc/security/limits* grants.

The limits a process has were set at login by pam_limits from ``/etc/security/limits.conf``
and ``/etc/security/limits.d/*.conf``. So a grant in those files to a group the user is in
(per /etc/group) is "effective after the next login" even while the current limits are 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from stagebox.core.checks.base import UNLIMITED, CheckContext, CheckResult, Status
from stagebox.core.sysroot import SystemRoot

#: Hard RLIMIT_RTPRIO we ask for. The kernel runs its interrupt threads at priority 50;
#: JACK's threads need room above them, and above the client threads JACK starts below its
#: own. rtcqs uses the same floor; Debian's and Ubuntu's audio.conf grant 95.
RT_PRIO_MIN = 75
LIMITS_FILE = "/etc/security/limits.d/95-audio.conf"

_UNLIMITED_WORDS = {"unlimited", "infinity", "-1"}


@dataclass(frozen=True)
class LimitLine:
    """One ``<domain> <type> <item> <value>`` line of a pam_limits file."""

    path: str
    number: int
    domain: str
    kind: str  # soft | hard | -
    item: str
    value: int  # UNLIMITED for unlimited

    @property
    def where(self) -> str:
        return f"{self.path}:{self.number}"

    @property
    def text_value(self) -> str:
        if self.value == UNLIMITED:
            return "unlimited"
        return f"{self.value} KiB" if self.item == "memlock" else str(self.value)  # KB in files


def read_limit_lines(root: SystemRoot) -> list[LimitLine]:
    """Every rtprio/memlock line, in the order pam_limits reads the files."""
    paths = ["/etc/security/limits.conf"] + [
        f"/etc/security/limits.d/{name}"
        for name in root.listdir("/etc/security/limits.d")
        if name.endswith(".conf")
    ]
    lines: list[LimitLine] = []
    for path in paths:
        for number, raw in enumerate((root.read_text(path) or "").splitlines(), start=1):
            line = _parse_line(path, number, raw)
            if line is not None:
                lines.append(line)
    return lines


def _parse_line(path: str, number: int, raw: str) -> LimitLine | None:
    words = raw.split("#", 1)[0].split()
    if len(words) != 4:
        return None
    domain, kind, item, value = words
    if kind not in ("soft", "hard", "-") or item not in ("rtprio", "memlock"):
        return None
    if value.lower() in _UNLIMITED_WORDS:
        number_value = UNLIMITED
    elif value.isdecimal():
        number_value = int(value)
    else:
        return None
    return LimitLine(path, number, domain, kind, item, number_value)


def granted_hard(
    lines: list[LimitLine], item: str, user: str | None, uid: int, groups: set[str]
) -> LimitLine | None:
    """The line that sets the user's hard ``item`` at login, like pam_limits picks it.

    A line naming the user beats a ``@group`` line, which beats ``*``; among equals the
    last one read wins.
    """
    best: tuple[int, LimitLine] | None = None
    for line in lines:
        if line.item != item or line.kind not in ("hard", "-"):
            continue
        rank = _domain_rank(line.domain, user, uid, groups)
        if rank is None:
            continue
        if best is None or rank >= best[0]:
            best = (rank, line)
    return best[1] if best else None


def _domain_rank(domain: str, user: str | None, uid: int, groups: set[str]) -> int | None:
    if user and domain == user:
        return 3
    if domain.startswith("@") and domain[1:] in groups:
        return 2
    if ":" in domain and not domain.startswith(("@", "%")):
        low, _, high = domain.partition(":")
        if (not low or (low.isdecimal() and uid >= int(low))) and (
            not high or (high.isdecimal() and uid <= int(high))
        ):
            return 1
        return None
    if domain == "*":
        return 0
    return None


def at_least(value: int, enough: int) -> bool:
    """``value >= enough`` where either may be UNLIMITED (which is -1 in Python)."""
    if enough == UNLIMITED:
        return value == UNLIMITED
    return value == UNLIMITED or value >= enough


def group_grants(lines: list[LimitLine], item: str, enough: int) -> list[LimitLine]:
    """``@group`` lines that would give ``item`` at least ``enough`` to the group's members."""
    return [
        line
        for line in lines
        if line.item == item
        and line.kind in ("hard", "-")
        and line.domain.startswith("@")
        and at_least(line.value, enough)
    ]


# -- the checks --------------------------------------------------------------------------

_RT_WHY = (
    "JACK must run its audio threads with realtime priority, above the kernel's interrupt "
    f"threads (priority 50), so {RT_PRIO_MIN} or more; without it any busy moment on the "
    "desktop becomes a dropout (xrun)."
)
_MEMLOCK_WHY = (
    "JACK locks its memory so audio buffers are never swapped out; with a small lock limit "
    "a page fault in the audio thread causes a dropout."
)


def check_rtprio(ctx: CheckContext) -> CheckResult:
    title = "Realtime priority limit"
    soft, hard = ctx.process.rtprio
    if ctx.is_root:
        return CheckResult(
            "limits.rtprio",
            title,
            Status.OK,
            "running as root, so realtime priority is not limited by RLIMIT_RTPRIO",
            _RT_WHY,
        )
    if at_least(hard, RT_PRIO_MIN):
        return CheckResult(
            "limits.rtprio",
            title,
            Status.OK,
            f"hard limit {_show(hard)} (soft {_show(soft)})",
            _RT_WHY,
        )
    return _not_granted_now(ctx, "rtprio", RT_PRIO_MIN, f"hard limit {hard}", title, _RT_WHY)


def check_memlock(ctx: CheckContext) -> CheckResult:
    title = "Locked memory limit"
    soft, hard = ctx.process.memlock
    if ctx.is_root:
        return CheckResult(
            "limits.memlock",
            title,
            Status.OK,
            "running as root, so locked memory is not limited by RLIMIT_MEMLOCK",
            _MEMLOCK_WHY,
        )
    if hard == UNLIMITED:
        return CheckResult("limits.memlock", title, Status.OK, "hard limit unlimited", _MEMLOCK_WHY)
    return _not_granted_now(
        ctx, "memlock", UNLIMITED, f"hard limit {_kib(hard)}", title, _MEMLOCK_WHY
    )


def _not_granted_now(
    ctx: CheckContext, item: str, enough: int, now: str, title: str, why: str
) -> CheckResult:
    """The current limit is too low: say whether the next login fixes it, or what will."""
    check_id = f"limits.{item}"
    user = ctx.user_name or "$USER"
    lines = read_limit_lines(ctx.root)
    configured = ctx.configured_groups()
    grant = granted_hard(lines, item, ctx.user_name, ctx.process.uid, configured)
    too_low = Status.PROBLEM if item == "rtprio" else Status.WARNING
    if grant is not None and at_least(grant.value, enough):
        return CheckResult(
            check_id,
            title,
            Status.WARNING,
            f"{now} in this login session; {grant.where} grants {grant.text_value} "
            f"to {grant.domain}, which takes effect at your next login",
            why,
            "log out and back in (or restart the computer)",
        )
    group_lines = group_grants(lines, item, enough)
    if group_lines and grant is None:
        line = group_lines[-1]
        group = line.domain[1:]
        return CheckResult(
            check_id,
            title,
            too_low,
            f"{now}; {line.where} grants {line.text_value} to the group {group}, "
            f"but you are not in it",
            why,
            f"sudo usermod -aG {group} {user}   (then log out and back in)",
            needs_root=True,
        )
    value = "95" if item == "rtprio" else "unlimited"
    if grant is not None:
        # pam_limits lets this line win, so it is the one to change (a new file could sort
        # before it and lose)
        reading = f"{now}; {grant.where} sets it to {grant.text_value} for {grant.domain}"
        fix = f"change line {grant.where} to: {grant.domain} - {item} {value}"
    else:
        reading = f"{now}; no line in /etc/security/limits.conf or limits.d/*.conf grants it"
        fix = f"echo '@audio - {item} {value}' | sudo tee -a {LIMITS_FILE}"
        if "audio" not in configured:
            fix += f" && sudo usermod -aG audio {user}"
    if ctx.root.exists("/etc/security/limits.d/audio.conf.disabled"):
        reading += " (limits.d/audio.conf.disabled is present but not in effect)"
    return CheckResult(
        check_id, title, too_low, reading, why, fix + "   (then log out and back in)", True
    )


def _show(value: int) -> str:
    return "unlimited" if value == UNLIMITED else str(value)


def _kib(value: int) -> str:
    return "unlimited" if value == UNLIMITED else f"{value // 1024} KiB"

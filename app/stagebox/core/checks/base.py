"""What a check is: its result, the process facts it may use, and the context it reads from.

A check reads the machine ONLY through :class:`~stagebox.core.sysroot.SystemRoot` and the
:class:`ProcessFacts` handed to it (user id, groups, resource limits), so the tests run every
check on a small fake tree with any user they like. Nothing here changes the machine.
"""

from __future__ import annotations

import os
import resource
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from stagebox.core.sysroot import SystemRoot

if TYPE_CHECKING:
    from stagebox.core.knowledge import KnowledgeBase
    from stagebox.core.model import DetectionResult
    from stagebox.core.paths import UserPaths

UNLIMITED = resource.RLIM_INFINITY


class Status(StrEnum):
    PROBLEM = "problem"  # audio will fail or glitch until this is fixed
    WARNING = "warning"  # works, but costs latency or reliability
    OK = "ok"
    NOT_APPLICABLE = "not_applicable"  # does not apply here, or cannot be read here


#: Order of the text output: what needs attention first.
STATUS_ORDER = (Status.PROBLEM, Status.WARNING, Status.OK, Status.NOT_APPLICABLE)


@dataclass
class CheckResult:
    id: str
    title: str
    status: Status
    reading: str  # what was found, in plain words
    why: str  # one sentence: why it matters for audio
    fix: str | None = None  # the exact command or file line; None when nothing to do
    needs_root: bool = False  # the fix must be run with sudo

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.value
        return data


@dataclass(frozen=True)
class ProcessFacts:
    """Facts about the process running the checks, injected so tests can choose them."""

    uid: int
    gids: tuple[int, ...]
    rtprio: tuple[int, int]  # (soft, hard) RLIMIT_RTPRIO
    memlock: tuple[int, int]  # (soft, hard) RLIMIT_MEMLOCK, UNLIMITED for unlimited

    @classmethod
    def current(
        cls,
        *,
        uid: int | None = None,
        groups: list[int] | tuple[int, ...] | None = None,
        rtprio: tuple[int, int] | None = None,
        memlock: tuple[int, int] | None = None,
    ) -> ProcessFacts:
        """This process's facts; each argument given replaces the live value."""
        if groups is None:
            groups = sorted({*os.getgroups(), os.getgid()})
        return cls(
            uid=os.getuid() if uid is None else uid,
            gids=tuple(groups),
            rtprio=resource.getrlimit(resource.RLIMIT_RTPRIO) if rtprio is None else rtprio,
            memlock=resource.getrlimit(resource.RLIMIT_MEMLOCK) if memlock is None else memlock,
        )


@dataclass(frozen=True)
class Group:
    name: str
    gid: int
    members: tuple[str, ...]


@dataclass
class CheckContext:
    """Everything a check may look at; expensive readings are made once and shared."""

    root: SystemRoot
    process: ProcessFacts
    result: DetectionResult | None = None
    paths: UserPaths | None = None
    _kb: KnowledgeBase | None = field(default=None, repr=False)
    #: readings shared by several checks (installed packages, ...), filled on first use
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def kb(self) -> KnowledgeBase | None:
        if self._kb is None:
            try:
                from stagebox.core.knowledge import load_knowledge

                self._kb = load_knowledge()
            except (ImportError, OSError, ValueError):
                return None
        return self._kb

    # -- users and groups (from the tree's /etc, so a fake tree can say them) -------------
    @cached_property
    def passwd(self) -> dict[int, tuple[str, int]]:
        """uid -> (user name, primary gid) from /etc/passwd."""
        users: dict[int, tuple[str, int]] = {}
        for line in (self.root.read_text("/etc/passwd") or "").splitlines():
            parts = line.split(":")
            if len(parts) >= 4 and parts[2].isdecimal() and parts[3].isdecimal():
                users.setdefault(int(parts[2]), (parts[0], int(parts[3])))
        return users

    @cached_property
    def groups(self) -> dict[str, Group]:
        """Group name -> group, from /etc/group."""
        table: dict[str, Group] = {}
        for line in (self.root.read_text("/etc/group") or "").splitlines():
            parts = line.strip().split(":")
            if len(parts) >= 4 and parts[2].isdecimal():
                members = tuple(m.strip() for m in parts[3].split(",") if m.strip())
                table.setdefault(parts[0], Group(parts[0], int(parts[2]), members))
        return table

    @cached_property
    def user_name(self) -> str | None:
        entry = self.passwd.get(self.process.uid)
        if entry:
            return entry[0]
        if self.root.is_live:
            import pwd

            try:
                return pwd.getpwuid(self.process.uid).pw_name
            except KeyError:
                pass
        return os.environ.get("USER") if self.process.uid == os.getuid() else None

    def configured_groups(self) -> set[str]:
        """The groups /etc/group (and the primary group) give the user: what a new login gets."""
        name = self.user_name
        primary = self.passwd.get(self.process.uid, (None, None))[1]
        return {
            g.name for g in self.groups.values() if (name and name in g.members) or g.gid == primary
        }

    def session_groups(self) -> set[str]:
        """The groups this process has now (set at login)."""
        by_gid = {g.gid: g.name for g in self.groups.values()}
        return {by_gid[gid] for gid in self.process.gids if gid in by_gid}

    @property
    def is_root(self) -> bool:
        return self.process.uid == 0

    @cached_property
    def cmdline(self) -> list[str]:
        return (self.root.read_text("/proc/cmdline") or "").split()

    def cmdline_value(self, key: str) -> str | None:
        """The value of ``key=value`` on the kernel command line (last one wins), or None."""
        value = None
        for word in self.cmdline:
            if word == "--":
                break  # the rest belongs to init
            if word.startswith(key + "="):
                value = word[len(key) + 1 :]
        return value

    def cmdline_has(self, flag: str) -> bool:
        words = self.cmdline[: self.cmdline.index("--")] if "--" in self.cmdline else self.cmdline
        return flag in words

    @cached_property
    def kernel_config(self) -> KernelConfig:
        from stagebox.core.checks.kconfig import read_kernel_config

        return read_kernel_config(self.root)


@dataclass(frozen=True)
class KernelConfig:
    """The running kernel's build options, and where they were read (None: unreadable)."""

    source: str | None
    options: dict[str, str]

    def enabled(self, name: str) -> bool:
        return self.options.get(name) in ("y", "m")

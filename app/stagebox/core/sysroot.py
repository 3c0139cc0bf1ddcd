"""One root path for every system read, so tests run the real code on a fake /proc + /sys.

All reads of /proc, /sys, /dev and /etc go through a :class:`SystemRoot`. The default is the
real ``/``; ``stagebox --root DIR`` (and the tests) point it at a directory tree that mirrors
the parts of a real machine we need. Symlinks inside the tree are resolved *inside* the root,
so an absolute link target such as ``/sys/devices/...`` stays in the fake tree.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from stagebox.core.errors import InputError

log = logging.getLogger(__name__)

#: Largest file we read from /proc, /sys or /etc. Real files are tiny; a bigger one is not
#: what we think it is, and reading it whole would cost time and memory.
MAX_READ_BYTES = 1 << 20

_MAX_LINK_HOPS = 40


@dataclass(frozen=True)
class SystemRoot:
    """A view of the machine's file system rooted at ``root`` (``/`` on a live machine)."""

    root: Path = Path("/")

    @classmethod
    def at(cls, root: str | os.PathLike[str] | None) -> SystemRoot:
        if root is None:
            return cls()
        path = Path(root)
        if not path.is_dir():
            raise InputError(
                f"--root {root}: not a directory",
                "give the top of a tree that holds proc/ and sys/ (or / for this machine)",
            )
        return cls(path.resolve())

    @property
    def is_live(self) -> bool:
        return self.root == Path("/")

    # -- paths -------------------------------------------------------------------------
    def path(self, abs_path: str | PurePosixPath) -> Path:
        """The real path of ``abs_path`` (an absolute path on the target machine)."""
        rel = PurePosixPath(abs_path)
        if rel.is_absolute():
            rel = rel.relative_to("/")
        return self.root.joinpath(*rel.parts)

    def resolve(self, abs_path: str) -> str | None:
        """Resolve symlinks like ``realpath`` does, without ever leaving the root.

        Returns the machine-absolute resolved path, or None for a dead or looping link.
        """
        parts = list(PurePosixPath(abs_path).parts[1:])
        done: list[str] = []
        hops = 0
        while parts:
            part = parts.pop(0)
            if part in ("", "."):
                continue
            if part == "..":
                if done:
                    done.pop()
                continue
            candidate = self.path("/" + "/".join([*done, part]))
            if candidate.is_symlink():
                hops += 1
                if hops > _MAX_LINK_HOPS:
                    return None
                try:
                    target = os.readlink(candidate)
                except OSError:
                    return None
                target_parts = list(PurePosixPath(target).parts)
                if target.startswith("/"):
                    done = []
                    target_parts = target_parts[1:]
                parts = target_parts + parts
                continue
            done.append(part)
        result = "/" + "/".join(done)
        return result if self.path(result).exists() else None

    # -- reads ---------------------------------------------------------------------------
    def exists(self, abs_path: str) -> bool:
        return self.resolve(abs_path) is not None

    def is_dir(self, abs_path: str) -> bool:
        real = self.resolve(abs_path)
        return real is not None and self.path(real).is_dir()

    def read_text(self, abs_path: str, limit: int = MAX_READ_BYTES) -> str | None:
        """The text of a file, or None when it is missing, unreadable or not text.

        Live /proc files report size 0, so we read up to ``limit`` bytes instead of trusting
        st_size. Undecodable bytes are replaced, NUL bytes mean "not a text file".
        """
        real = self.resolve(abs_path)
        if real is None:
            return None
        try:
            with open(self.path(real), "rb") as handle:
                data = handle.read(limit + 1)
        except (IsADirectoryError, PermissionError, OSError) as exc:
            log.debug("cannot read %s: %s", abs_path, exc)
            return None
        if len(data) > limit:
            log.debug("%s is larger than %d bytes; using the start only", abs_path, limit)
            data = data[:limit]
        if b"\0" in data:
            return None
        return data.decode("utf-8", errors="replace")

    def read_attr(self, abs_path: str) -> str | None:
        """A one-value sysfs/proc attribute, stripped; None when missing or empty."""
        text = self.read_text(abs_path, limit=64 * 1024)
        if text is None:
            return None
        text = text.strip()
        return text or None

    def listdir(self, abs_path: str) -> list[str]:
        """Sorted entry names of a directory; empty when missing or unreadable."""
        real = self.resolve(abs_path)
        if real is None:
            return []
        try:
            return sorted(os.listdir(self.path(real)))
        except OSError:
            return []

    def readlink(self, abs_path: str) -> str | None:
        try:
            return os.readlink(self.path(abs_path))
        except OSError:
            return None

    def kernel_release(self) -> str | None:
        """``uname -r`` of the target machine (from /proc, so a fake tree can say it)."""
        release = self.read_attr("/proc/sys/kernel/osrelease")
        if release is None and self.is_live:
            release = os.uname().release
        return release

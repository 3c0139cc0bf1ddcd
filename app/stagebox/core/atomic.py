"""Atomic file replacement that never loses the user's file.

temp file in the same directory -> write -> fsync -> copy mode/ownership -> rename -> fsync dir.
A symlinked target (``~/.asoundrc -> dotfiles/asoundrc``) is followed: the file it points to is
replaced and the link stays a link. If anything fails, the original is untouched and the
temp file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from stagebox.core.errors import StageboxError


def real_target(path: Path) -> Path:
    """The file a write to ``path`` must replace (symlinks followed, even dangling ones)."""
    try:
        return Path(os.path.realpath(path))
    except OSError:
        return path


def atomic_write(path: Path, data: bytes, default_mode: int = 0o644) -> Path:
    """Replace ``path`` with ``data`` atomically; returns the real file written."""
    target = real_target(path)
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(target, exc) from exc
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise _write_error(target, exc) from exc
    if old is not None and not os.access(target, os.W_OK) and os.geteuid() != 0:
        raise StageboxError(
            f"{target} is read-only, so it was left as it is",
            f"make it writable (chmod u+w {target}) and try again",
        )
    fd, tmp_name = _mkstemp(directory, target)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
            if os.geteuid() == 0:
                with contextlib.suppress(OSError):
                    os.chown(tmp, old.st_uid, old.st_gid)
        else:
            os.chmod(tmp, default_mode & ~_umask())
        os.replace(tmp, target)
        _fsync_dir(directory)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _write_error(target, exc) from exc
    return target


def _mkstemp(directory: Path, target: Path) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".stagebox-tmp", dir=directory)
    except OSError as exc:
        raise _write_error(target, exc) from exc


def _write_error(target: Path, exc: OSError) -> StageboxError:
    if exc.errno == errno.ENOSPC:
        return StageboxError(
            f"the disk is full: {target} was not changed",
            "free some space and try again",
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StageboxError(
            f"no permission to write {target} ({exc.strerror}); it was not changed",
            f"check the owner and mode of {target.parent}",
        )
    return StageboxError(f"could not write {target}: {exc.strerror or exc}; it was not changed")


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

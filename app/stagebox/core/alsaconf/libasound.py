"""The real alsa-lib, through ctypes on ``libasound.so.2``: parse config text, open by name.

Parsing (``snd_config_top`` + ``snd_input_buffer_open`` + ``snd_config_load``) builds a
private config tree, so it never touches alsa-lib's per-process global config. alsa-lib
reports *why* a load failed only as text on fd 2 (``_toplevel_:3:0:Unexpected char``), so
fd 2 is pointed at a temporary file for the duration of the call and read back.

Opening PCMs/CTLs by name uses the global config, which alsa-lib caches per process; the
caller (``probe.py``) runs that in a fresh process and calls
``snd_config_update_free_global()`` first.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from stagebox.core.errors import StageboxError

_SND_CONFIG_TYPE_INTEGER = 0
_SND_CONFIG_TYPE_INTEGER64 = 1
_SND_CONFIG_TYPE_REAL = 2
_SND_CONFIG_TYPE_STRING = 3
_SND_CONFIG_TYPE_COMPOUND = 1024

#: fd 2 is process-wide: one redirect at a time.
_FD2_LOCK = threading.Lock()

#: ``conf.c:2007:(_snd_config_load_with_include) _toplevel_:3:0:Unexpected char``
_SYNTAX_RE = re.compile(r"\)\s*(?P<file>[^:\s]*):(?P<line>\d+):(?P<col>\d+):(?P<reason>.*)$")


@dataclass(frozen=True)
class SyntaxProblem:
    """Why alsa-lib refused to load a config text, with the position it names."""

    line: int
    column: int
    reason: str  # alsa-lib's words, e.g. "Unexpected char"
    file: str  # "_toplevel_" or "" for the text itself, else the included file
    log: str  # everything alsa-lib printed


@dataclass(frozen=True)
class ParseOutcome:
    tree: dict[str, Any] | None  # the config as nested dicts/lists/values; None on error
    problem: SyntaxProblem | None
    log: str


@lru_cache(maxsize=1)
def library() -> ctypes.CDLL:
    """``libasound.so.2`` with the prototypes we use (loaded once)."""
    try:
        lib = ctypes.CDLL("libasound.so.2")
    except OSError as exc:
        raise StageboxError(
            "the ALSA library (libasound.so.2) is not installed, so the ALSA config "
            "cannot be checked",
            "install it: sudo apt install libasound2",
        ) from exc
    vp, cp = ctypes.c_void_p, ctypes.c_char_p
    pvp = ctypes.POINTER(ctypes.c_void_p)
    _proto(lib.snd_asoundlib_version, cp, [])
    _proto(lib.snd_config_top, ctypes.c_int, [pvp])
    _proto(lib.snd_config_delete, ctypes.c_int, [vp])
    _proto(lib.snd_input_buffer_open, ctypes.c_int, [pvp, cp, ctypes.c_ssize_t])
    _proto(lib.snd_input_close, ctypes.c_int, [vp])
    _proto(lib.snd_config_load, ctypes.c_int, [vp, vp])
    _proto(lib.snd_config_get_type, ctypes.c_int, [vp])
    _proto(lib.snd_config_get_id, ctypes.c_int, [vp, ctypes.POINTER(cp)])
    _proto(lib.snd_config_get_integer, ctypes.c_int, [vp, ctypes.POINTER(ctypes.c_long)])
    _proto(lib.snd_config_get_integer64, ctypes.c_int, [vp, ctypes.POINTER(ctypes.c_longlong)])
    _proto(lib.snd_config_get_real, ctypes.c_int, [vp, ctypes.POINTER(ctypes.c_double)])
    _proto(lib.snd_config_get_string, ctypes.c_int, [vp, ctypes.POINTER(cp)])
    _proto(lib.snd_config_is_array, ctypes.c_int, [vp])
    _proto(lib.snd_config_iterator_first, vp, [vp])
    _proto(lib.snd_config_iterator_next, vp, [vp])
    _proto(lib.snd_config_iterator_end, vp, [vp])
    _proto(lib.snd_config_iterator_entry, vp, [vp])
    _proto(lib.snd_config_update_free_global, ctypes.c_int, [])
    _proto(lib.snd_pcm_open, ctypes.c_int, [pvp, cp, ctypes.c_int, ctypes.c_int])
    _proto(lib.snd_pcm_close, ctypes.c_int, [vp])
    _proto(lib.snd_ctl_open, ctypes.c_int, [pvp, cp, ctypes.c_int])
    _proto(lib.snd_ctl_close, ctypes.c_int, [vp])
    return lib


def _proto(func: Any, restype: Any, argtypes: list[Any]) -> None:
    func.restype = restype
    func.argtypes = argtypes


def version() -> str:
    raw = library().snd_asoundlib_version()
    return raw.decode() if raw else "unknown"


@contextlib.contextmanager
def captured_fd2() -> Iterator[list[str]]:
    """Send fd 2 (where alsa-lib prints ``ALSA lib ...``) to a temp file; yield its text."""
    holder: list[str] = []
    with _FD2_LOCK, tempfile.TemporaryFile() as sink:
        try:
            saved = os.dup(2)
        except OSError:  # no fd 2 at all (started detached): alsa-lib's lines go nowhere
            os.dup2(sink.fileno(), 2)
            try:
                yield holder
            finally:
                os.close(2)
                sink.seek(0)
                holder.append(sink.read().decode("utf-8", "replace"))
            return
        os.dup2(sink.fileno(), 2)
        try:
            yield holder
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            holder.append(sink.read().decode("utf-8", "replace"))


def parse(text: str) -> ParseOutcome:
    """Load ``text`` with alsa-lib's own parser into a private tree (no global state).

    ``<include>`` lines are followed exactly as alsa-lib does (a missing file is an error,
    as it is for every ALSA program); ``@hooks`` are kept as data, not run.
    """
    lib = library()
    top = ctypes.c_void_p()
    if lib.snd_config_top(ctypes.byref(top)) < 0:
        raise StageboxError("alsa-lib could not create a config tree (out of memory?)")
    try:
        data = text.encode("utf-8", "surrogateescape")
        handle = ctypes.c_void_p()
        if lib.snd_input_buffer_open(ctypes.byref(handle), data, len(data)) < 0:
            raise StageboxError("alsa-lib could not read the config text (out of memory?)")
        try:
            with captured_fd2() as out:
                rc = lib.snd_config_load(top, handle)
        finally:
            lib.snd_input_close(handle)
        log = out[0] if out else ""
        if rc < 0:
            return ParseOutcome(None, syntax_problem(log, rc), log)
        tree = _to_python(lib, top)
        return ParseOutcome(tree if isinstance(tree, dict) else {}, None, log)
    finally:
        lib.snd_config_delete(top)


def syntax_problem(log: str, rc: int) -> SyntaxProblem:
    """The position and reason alsa-lib printed for a failed load (last match wins)."""
    found = None
    for line in log.splitlines():
        match = _SYNTAX_RE.search(line)
        if match:
            found = match
    if found is None:
        return SyntaxProblem(0, 0, os.strerror(-rc) if rc < 0 else "error", "", log)
    return SyntaxProblem(
        line=int(found.group("line")),
        column=int(found.group("col")),
        reason=found.group("reason").strip(),
        file=found.group("file"),
        log=log,
    )


def _to_python(lib: ctypes.CDLL, node: Any) -> Any:
    kind = lib.snd_config_get_type(node)
    if kind == _SND_CONFIG_TYPE_COMPOUND:
        children = [
            (_node_id(lib, child), _to_python(lib, child)) for child in _children(lib, node)
        ]
        if lib.snd_config_is_array(node) > 0:
            return [value for _, value in children]
        return dict(children)
    if kind == _SND_CONFIG_TYPE_INTEGER:
        number = ctypes.c_long()
        lib.snd_config_get_integer(node, ctypes.byref(number))
        return ConfigInt(number.value)
    if kind == _SND_CONFIG_TYPE_INTEGER64:
        number64 = ctypes.c_longlong()
        lib.snd_config_get_integer64(node, ctypes.byref(number64))
        return ConfigInt(number64.value)
    if kind == _SND_CONFIG_TYPE_REAL:
        real = ctypes.c_double()
        lib.snd_config_get_real(node, ctypes.byref(real))
        return real.value
    if kind == _SND_CONFIG_TYPE_STRING:
        text = ctypes.c_char_p()
        lib.snd_config_get_string(node, ctypes.byref(text))
        return (text.value or b"").decode("utf-8", "replace")
    return None  # pointers do not occur in files


class ConfigInt(int):
    """An integer as alsa-lib typed it (``card 1``), kept apart from a string ``card "1"``."""


def _children(lib: ctypes.CDLL, node: Any) -> Iterator[Any]:
    it = lib.snd_config_iterator_first(node)
    end = lib.snd_config_iterator_end(node)
    while it != end:
        yield lib.snd_config_iterator_entry(it)
        it = lib.snd_config_iterator_next(it)


def _node_id(lib: ctypes.CDLL, node: Any) -> str:
    text = ctypes.c_char_p()
    if lib.snd_config_get_id(node, ctypes.byref(text)) < 0 or text.value is None:
        return ""
    return text.value.decode("utf-8", "replace")


@dataclass(frozen=True)
class OpenOutcome:
    rc: int  # 0 = opened (and closed again), else -errno
    log: str


def open_pcm(name: str) -> OpenOutcome:
    """Open (and close) a PCM by name with the global config, non-blocking, for playback."""
    lib = library()
    handle = ctypes.c_void_p()
    with captured_fd2() as out:
        rc = lib.snd_pcm_open(ctypes.byref(handle), name.encode(), 0, 1)  # PLAYBACK, NONBLOCK
        if rc == 0:
            lib.snd_pcm_close(handle)
    return OpenOutcome(rc, out[0] if out else "")


def open_ctl(name: str) -> OpenOutcome:
    lib = library()
    handle = ctypes.c_void_p()
    with captured_fd2() as out:
        rc = lib.snd_ctl_open(ctypes.byref(handle), name.encode(), 0)
        if rc == 0:
            lib.snd_ctl_close(handle)
    return OpenOutcome(rc, out[0] if out else "")


def forget_global_config() -> None:
    """Make the next open re-read every config file (alsa-lib caches them per process)."""
    library().snd_config_update_free_global()

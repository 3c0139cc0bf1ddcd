"""Talking to a running JACK server as a client (JACK-Client): readiness, facts, live changes.

``import jack`` costs ~45 ms, so it happens here, inside functions, and only once a server
is worth asking. libjack is told never to auto-start a server (``no_start_server``) and its
"cannot connect" chatter while we poll is silenced.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from stagebox.core.errors import StageboxError
from stagebox.core.jack import system

PROBE_NAME = "stagebox-probe"
POLL_SECONDS = 0.005


class Polled(Protocol):
    """A process whose end can be asked for: ``poll()`` is None while it runs."""

    def poll(self) -> int | None: ...


@dataclass(frozen=True)
class ServerFacts:
    rate: int
    period: int
    realtime: bool
    dsp_load: float
    libjack: str | None  # the libjack this process uses (PipeWire's or jack2's)


_silence_lock = threading.Lock()
_silenced = False


def _ignore(_message: str) -> None:
    """libjack's messages while polling for a server are retries, not errors."""


def load_jack() -> ModuleType:
    """The ``jack`` module, with libjack's error and info messages silenced once.

    Once per process, never again: JACK-Client keeps only the latest callback alive, so
    installing a new one frees the previous one, which a libjack thread may be calling
    right then (a crash seen when the tray and the readiness probe ran side by side).
    """
    global _silenced
    import jack

    with _silence_lock:
        if not _silenced:
            jack.set_error_function(_ignore)
            jack.set_info_function(_ignore)
            _silenced = True
    return jack


_client_class: type | None = None


def _client_type() -> type:
    """jack.Client without the close in its finalizer.

    JACK-Client's ``__del__`` calls jack_client_close, and libjack crashes (SIGSEGV, jackd2
    1.9.21) closing a client whose server has died. A finalizer runs whenever the garbage
    collector gets to it, on any thread, often long after the server was killed, so that
    crash hit unrelated code at random. Stagebox closes every client explicitly while its
    server runs (or forgets it when the server is gone, see jack_watch); one left over is
    released by the operating system when the process ends, as libjack does for a crash.
    """
    global _client_class
    if _client_class is None:
        jack = load_jack()

        class Client(jack.Client):  # type: ignore[misc, name-defined]
            def __del__(self) -> None:
                pass

        _client_class = Client
    return _client_class


def open_client(server_name: str | None, client_name: str) -> Any:
    """A JACK client of Stagebox's on ``server_name`` (never starts a server); raises
    jack.JackOpenError when no server answers."""
    return _client_type()(
        client_name,
        servername=system.effective_server_name(server_name),
        no_start_server=True,
    )


def connect(server_name: str | None, client_name: str = PROBE_NAME) -> Any:
    """A probe client on ``server_name``; raises jack.JackOpenError when no server answers."""
    return open_client(server_name, client_name)


def facts_of(client: Any) -> ServerFacts:
    return ServerFacts(
        rate=int(client.samplerate),
        period=int(client.blocksize),
        realtime=bool(client.realtime),
        dsp_load=float(client.cpu_load()),
        libjack=system.libjack_in_use(),
    )


def query(server_name: str | None) -> ServerFacts | None:
    """Facts of the running server ``server_name``, None when none answers."""
    jack = load_jack()
    try:
        client = connect(server_name)
    except jack.JackOpenError:
        return None
    try:
        return facts_of(client)
    finally:
        client.close()


def wait_until_ready(
    server_name: str | None,
    proc: Polled | None = None,
    *,
    timeout: float = 10.0,
    socket_first: bool = True,
    before: SocketId | None = None,
) -> ServerFacts | None:
    """Poll until a client can connect; None when ``proc`` exited first.

    With ``socket_first`` the cheap check of jack2's server socket gates the (slower)
    libjack connect; PipeWire's JACK has no such socket, so it is skipped there. ``before``
    is the socket that existed before jackd was spawned (:func:`socket_id`): only a new one
    counts, so a server that was already there is never taken for the one just started.
    """
    deadline = time.monotonic() + timeout
    jack: ModuleType | None = None
    socket_path = system.server_socket(server_name)
    while True:
        if proc is not None and proc.poll() is not None:
            return None
        if not socket_first or _new_socket(socket_path, before):
            jack = jack or load_jack()
            try:
                client = connect(server_name)
            except jack.JackOpenError:
                pass
            else:
                try:
                    return facts_of(client)
                finally:
                    client.close()
        elif jack is None:
            jack = load_jack()  # import while jackd starts: it is needed right after
        if time.monotonic() > deadline:
            raise StageboxError(
                f"the JACK server did not answer within {timeout:.0f} s",
                "look at its log (`stagebox jack status` shows where)",
            )
        time.sleep(POLL_SECONDS)


SocketId = tuple[int, int]


def socket_id(server_name: str | None) -> SocketId | None:
    """Identity (inode, mtime) of the server socket now, None when there is none."""
    try:
        st = system.server_socket(server_name).stat()
    except OSError:
        return None
    return st.st_ino, st.st_mtime_ns


def _new_socket(path: Path, before: SocketId | None) -> bool:
    try:
        st = path.stat()
    except OSError:
        return False
    return before is None or (st.st_ino, st.st_mtime_ns) != before


def set_period(server_name: str | None, frames: int) -> int:
    """Change the period of the running server (jack_set_buffer_size); returns the new one."""
    jack = load_jack()
    try:
        client = connect(server_name)
    except jack.JackOpenError as exc:
        raise StageboxError(
            f"no JACK server {system.effective_server_name(server_name)!r} is running",
            "start it with `stagebox jack start`",
        ) from exc
    try:
        try:
            client.blocksize = frames
        except jack.JackError as exc:
            raise StageboxError(
                f"the JACK server refused a period of {frames} frames ({exc})",
                "choose a period the card supports, or restart JACK with it",
            ) from exc
        return int(client.blocksize)
    finally:
        client.close()

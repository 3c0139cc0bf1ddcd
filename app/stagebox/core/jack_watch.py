"""Watch a running JACK server through a JACK client: xruns and the server going away,
reported to plain Python callables (the tray and the wizard turn them into Qt signals).

The callbacks run on libjack's threads; they must only hand the event over, never block.
The client registers no process callback, so it costs the server nothing per cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class JackWatch:
    def __init__(
        self,
        server_name: str | None,
        on_xrun: Callable[[], None],
        on_shutdown: Callable[[str], None],
        client_name: str = "stagebox-watch",
    ) -> None:
        self.server_name = server_name or None
        self.on_xrun = on_xrun
        self.on_shutdown = on_shutdown
        self.client_name = client_name
        self._client: Any = None
        self._server_gone = False

    @property
    def open(self) -> bool:
        return self._client is not None

    @property
    def samplerate(self) -> int | None:
        return int(self._client.samplerate) if self._client is not None else None

    @property
    def blocksize(self) -> int | None:
        return int(self._client.blocksize) if self._client is not None else None

    def start(self) -> None:
        """Connect to the server (raises jack.JackOpenError when it does not run)."""
        from stagebox.core.jack.client import open_client

        client = open_client(self.server_name, self.client_name)
        client.set_xrun_callback(lambda _delay: self.on_xrun())
        client.set_shutdown_callback(self._shutdown)
        client.activate()
        self._server_gone = False
        self._client = client

    def _shutdown(self, _status: Any, reason: str) -> None:
        self._server_gone = True
        self.on_shutdown(str(reason))

    def stop(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        if self._server_gone:
            _forget(client)
            return
        try:
            client.deactivate()
            client.close()
        except Exception:  # the server may have gone in between; nothing left to release
            log.debug("closing the JACK watch client failed", exc_info=True)


def _forget(client: Any) -> None:
    """Drop a client whose server died without calling jack_client_close on it.

    libjack crashes (SIGSEGV, measured here with jackd2 1.9.21) when such a client is closed
    later, e.g. by ``jack.Client.__del__`` at garbage collection or interpreter exit, and it
    holds nothing worth releasing once the server is gone. JACK-Client 0.5 has no public way
    to forget a client, so its pointer is cleared the way its own ``close()`` does.
    """
    import jack

    client._ptr = jack._ffi.NULL

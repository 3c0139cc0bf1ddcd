"""D-Bus device reservation (``org.freedesktop.ReserveDevice1``): taking a sound card from
PipeWire or PulseAudio before jackd starts, and handing it to jackd.

jackd asks the card's current owner to let go itself, but it opens the card right after the
owner says yes, before the owner has really closed it, so the first start fails with "device
busy" and a second one works (jack2#969). Stagebox closes that race: it asks first, with
jackd's own priority, holds the reservation while it waits for the card to be free, then
spawns jackd and hands the reservation over when jackd asks for it. Meanwhile the sound
server cannot take the card back, because the name is held.

The protocol (Lennart Poettering's "simple device reservation scheme"): the owner of card N
holds the session-bus name ``org.freedesktop.ReserveDevice1.AudioN`` and answers
``RequestRelease(priority)`` on ``/org/freedesktop/ReserveDevice1/AudioN``: it closes the
device and returns true when the asker's priority is higher than its own. jack2 asks with
INT32_MAX as "Jack audio server" (dbus/audio_reserve.c).

jeepney speaks D-Bus here (pure Python, no main loop): the requests are made before the
helper thread starts, and the helper thread only answers calls, so a connection is never
used from two threads at once.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

log = logging.getLogger(__name__)

SERVICE_PREFIX = "org.freedesktop.ReserveDevice1."
PATH_PREFIX = "/org/freedesktop/ReserveDevice1/"
INTERFACE = "org.freedesktop.ReserveDevice1"
PROPERTIES = "org.freedesktop.DBus.Properties"
#: jackd's priority (INT32_MAX): Stagebox asks on jackd's behalf, so it asks as jackd would
JACK_PRIORITY = 2**31 - 1
APPLICATION_NAME = "Stagebox (starting the Jack audio server)"

# RequestName flags and replies (D-Bus specification)
_ALLOW_REPLACEMENT, _REPLACE_EXISTING, _DO_NOT_QUEUE = 1, 2, 4
_PRIMARY_OWNER, _ALREADY_OWNER = 1, 4
#: the owner is to answer "quickly, without user interaction" (the spec)
CALL_TIMEOUT_S = 3.0


def device_name(card_index: int) -> str:
    """The reservation name of ALSA card ``card_index``, as jackd forms it (``Audio0``)."""
    return f"Audio{card_index}"


class ReservationRefused(Exception):
    """The card's owner would not let go of it."""

    def __init__(self, card_index: int, owner: str) -> None:
        super().__init__(f"{owner} refused to release sound card {card_index}")
        self.card_index = card_index
        self.owner = owner


@dataclass
class Reservation:
    """Sound cards Stagebox holds for a jackd that is starting.

    Use it as a context manager around spawning jackd and waiting for it: a jackd asking
    for a card gets it at once; on leaving, any card jackd did not take is let go (so the
    sound server may take it back).
    """

    connection: Any  # jeepney.io.blocking.DBusConnection
    released_by: dict[int, str]  # card held for jackd -> who let go of it ("PipeWire")
    taken_over: list[int] = field(default_factory=list)  # cards jackd (or another) took
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def cards(self) -> list[int]:
        return list(self.released_by)

    def __enter__(self) -> Reservation:
        self._thread = threading.Thread(target=self._serve, name="reservation", daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        self.release()

    def release(self) -> None:
        """Stop answering and let go of every card jackd did not take."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.connection is None:
            return
        from jeepney.bus_messages import message_bus

        for index in self.released_by:
            if index not in self.taken_over:
                name = SERVICE_PREFIX + device_name(index)
                try:  # the start is over either way: a failure here is only logged
                    self.connection.send_and_get_reply(
                        message_bus.ReleaseName(name), timeout=CALL_TIMEOUT_S
                    )
                except (OSError, TimeoutError, ValueError) as exc:
                    log.debug("device reservation: releasing %s: %s", name, exc)
        self.connection.close()
        self.connection = None

    def handovers(self) -> list[str]:
        """In plain words, each card a sound server let go of and jackd then took."""
        return [
            f"{owner} handed sound card {index} to JACK (D-Bus device reservation); "
            "it takes the card back when JACK stops"
            for index, owner in self.released_by.items()
            if index in self.taken_over
        ]

    # -- the helper thread: answer RequestRelease and property reads ----------------------
    def _serve(self) -> None:
        from jeepney import HeaderFields, MessageType

        while not self._stop.is_set() and len(self.taken_over) < len(self.released_by):
            try:
                msg = self.connection.receive(timeout=0.05)
            except TimeoutError:
                continue
            except (OSError, ValueError):  # the bus went away: nothing left to hand over
                return
            header = msg.header
            member = header.fields.get(HeaderFields.member)
            if header.message_type == MessageType.signal and member == "NameLost":
                self._lost(str(msg.body[0]))
            elif header.message_type == MessageType.method_call:
                try:
                    self._answer(msg, member)
                except (IndexError, TypeError, ValueError, OSError) as exc:
                    # an odd call must not stop the thread: jackd's request may come next
                    log.debug("device reservation: cannot answer %s: %s", member, exc)

    def _lost(self, name: str) -> None:
        if name.startswith(SERVICE_PREFIX + "Audio"):
            index = int(name.removeprefix(SERVICE_PREFIX + "Audio"))
            if index in self.released_by and index not in self.taken_over:
                self.taken_over.append(index)
                log.info("jackd took over sound card %d", index)

    def _answer(self, msg: Any, member: str | None) -> None:
        from jeepney import HeaderFields, new_error, new_method_return

        path = str(msg.header.fields.get(HeaderFields.path, ""))
        index = _index_of(path)
        if index not in self.released_by:
            self.connection.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownObject"))
        elif member == "RequestRelease":
            # we only hold the card for jackd: whoever asks next (jackd) may have it
            self.connection.send(new_method_return(msg, "b", (True,)))
        elif member == "Get" and len(msg.body) == 2 and msg.body[1] in _PROPERTY_VALUES:
            self.connection.send(new_method_return(msg, "v", (_PROPERTY_VALUES[msg.body[1]],)))
        elif member == "GetAll":
            self.connection.send(new_method_return(msg, "a{sv}", (_PROPERTY_VALUES,)))
        else:
            self.connection.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))


_PROPERTY_VALUES: dict[str, tuple[str, Any]] = {
    "Priority": ("i", JACK_PRIORITY),
    "ApplicationName": ("s", APPLICATION_NAME),
    "ApplicationDeviceName": ("s", ""),
}


def _index_of(path: str) -> int | None:
    tail = path.removeprefix(PATH_PREFIX + "Audio")
    return int(tail) if tail != path and tail.isdecimal() else None


def reserve_for_jack(
    cards: Iterable[int],
    *,
    card_free: Callable[[int], bool] | None = None,
    wait_s: float = 2.0,
) -> Reservation | None:
    """Take ``cards`` from whoever holds their reservation, for jackd.

    Returns None when there is nothing to do: no session bus (jackd then starts without
    one too), or no card is reserved by anyone. Raises :class:`ReservationRefused` when an
    owner says no. ``card_free(index)`` tells when the owner has really closed the card
    (no ``owner_pid`` left); it is waited for up to ``wait_s`` seconds per card.
    """
    wanted = sorted(set(cards))
    address = session_bus_address()
    if not wanted or address is None:
        return None
    try:
        from jeepney.io.blocking import open_dbus_connection

        connection = open_dbus_connection(bus=address)
    except (ImportError, OSError, KeyError, ValueError) as exc:
        log.info("device reservation skipped: no session bus (%s)", exc)
        return None
    released_by: dict[int, str] = {}
    try:
        for index in wanted:
            owner = _take(connection, index)
            if owner is not None:
                released_by[index] = owner
    except BaseException:  # closing the connection gives back any name taken so far
        connection.close()
        raise
    if not released_by:
        connection.close()
        return None
    for index in released_by:
        _wait_free(index, card_free, wait_s)
    return Reservation(connection, released_by)


def session_bus_address() -> str | None:
    """Where the session bus is, as libdbus (and so jackd) finds it: the environment, else
    the user bus socket systemd makes in XDG_RUNTIME_DIR."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return address
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return f"unix:path={os.path.join(runtime, 'bus')}"
    return None


def _take(connection: Any, index: int) -> str | None:
    """Hold card ``index``'s reservation; the name of who let go of it, None when nobody
    held it (nothing to do: jackd takes it without a race) or the holder did not answer."""
    from jeepney.bus_messages import message_bus

    name = SERVICE_PREFIX + device_name(index)
    owner = _call(connection, message_bus.NameHasOwner(name))
    if not owner or not owner[0]:
        return None
    owner_name = _owner_name(connection, index)
    try:
        released = _ask_release(connection, index)
    except TimeoutError:
        log.warning("%s did not answer the request to release sound card %d", owner_name, index)
        return None  # jackd asks again itself
    if not released:
        raise ReservationRefused(index, owner_name)
    flags = _DO_NOT_QUEUE | _ALLOW_REPLACEMENT | _REPLACE_EXISTING
    reply = _call(connection, message_bus.RequestName(name, flags))
    if reply is None or reply[0] not in (_PRIMARY_OWNER, _ALREADY_OWNER):
        raise ReservationRefused(index, owner_name)
    log.info("%s released sound card %d; Stagebox holds it for jackd", owner_name, index)
    return owner_name


def _ask_release(connection: Any, index: int) -> bool:
    from jeepney import DBusAddress, new_method_call

    name = device_name(index)
    address = DBusAddress(PATH_PREFIX + name, bus_name=SERVICE_PREFIX + name, interface=INTERFACE)
    reply = _call(connection, new_method_call(address, "RequestRelease", "i", (JACK_PRIORITY,)))
    return bool(reply and reply[0])


def _owner_name(connection: Any, index: int) -> str:
    """The owner's ApplicationName (optional in the spec): "PipeWire", "PulseAudio"."""
    from jeepney import DBusAddress, new_method_call

    name = device_name(index)
    address = DBusAddress(PATH_PREFIX + name, bus_name=SERVICE_PREFIX + name, interface=PROPERTIES)
    try:
        reply = _call(
            connection, new_method_call(address, "Get", "ss", (INTERFACE, "ApplicationName"))
        )
    except TimeoutError:
        reply = None
    if reply and isinstance(reply[0], tuple) and reply[0][1]:
        return str(reply[0][1])
    return "the sound server"


def _call(connection: Any, message: Any) -> tuple[Any, ...] | None:
    """The reply's body; None for an error reply (e.g. an optional property is missing)."""
    from jeepney import MessageType

    reply = connection.send_and_get_reply(message, timeout=CALL_TIMEOUT_S)
    if reply.header.message_type == MessageType.error:
        log.debug("device reservation: %s answered %s", message.header.fields, reply.body)
        return None
    body: tuple[Any, ...] = reply.body
    return body


def _wait_free(index: int, card_free: Callable[[int], bool] | None, wait_s: float) -> None:
    if card_free is None:
        return
    deadline = time.monotonic() + wait_s
    while not card_free(index) and time.monotonic() < deadline:
        time.sleep(0.02)

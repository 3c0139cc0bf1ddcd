"""D-Bus device reservation on a real, private session bus (dbus-daemon).

The sound server's side is tests/jack/fake_sound_server.py (what WirePlumber and PulseAudio
do for an open card); jackd's side of the hand-over is played by :func:`take_like_jackd`,
which follows jack2's dbus/reserve.c (priority INT32_MAX, RequestRelease, then
REPLACE_EXISTING): real jackd only asks for a reservation once it has found the card, and
there is no sound card on this machine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from jeepney import DBusAddress, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from stagebox.core.jack.control import JackController, JackStartError
from stagebox.core.jack.reservation import (
    JACK_PRIORITY,
    Reservation,
    ReservationRefused,
    reserve_for_jack,
    session_bus_address,
)
from stagebox.core.jack.settings import JackSettings
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

from .conftest import ROOTS

FAKE_SERVER = Path(__file__).with_name("fake_sound_server.py")
NAME = "org.freedesktop.ReserveDevice1.Audio{}"


@pytest.fixture
def session_bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private session bus for this test (DBUS_SESSION_BUS_ADDRESS points to it)."""
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"], stdout=subprocess.PIPE
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().decode().strip()
    assert address, "dbus-daemon did not start"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    daemon.terminate()
    daemon.wait(5)


@pytest.fixture
def sound_server(session_bus: str) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start fake sound servers holding a card's reservation; stopped afterwards."""
    started: list[subprocess.Popen[str]] = []

    def start(card: int, answer: str, status_file: Path | None = None) -> subprocess.Popen[str]:
        argv = [sys.executable, str(FAKE_SERVER), str(card), answer]
        proc = subprocess.Popen(
            [*argv, *([str(status_file)] if status_file else [])],
            stdout=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        return proc

    yield start
    for proc in started:
        proc.kill()
        proc.wait(5)


def calls_of(proc: subprocess.Popen[str]) -> list[str]:
    proc.kill()
    out, _ = proc.communicate(timeout=5)
    return out.splitlines()


def owner_of(connection: DBusConnection, card: int) -> str | None:
    reply = connection.send_and_get_reply(message_bus.NameHasOwner(NAME.format(card)))
    if not reply.body[0]:
        return None
    return str(connection.send_and_get_reply(message_bus.GetNameOwner(NAME.format(card))).body[0])


def take_like_jackd(connection: DBusConnection, card: int) -> bool:
    """jack2's rd_acquire with priority INT32_MAX: ask the holder, then replace it."""
    name = NAME.format(card)
    first = connection.send_and_get_reply(message_bus.RequestName(name, 4)).body[0]
    if first == 1:
        return True
    address = DBusAddress(
        f"/org/freedesktop/ReserveDevice1/Audio{card}",
        bus_name=name,
        interface="org.freedesktop.ReserveDevice1",
    )
    call = new_method_call(address, "RequestRelease", "i", (JACK_PRIORITY,))
    if not connection.send_and_get_reply(call, timeout=5).body[0]:
        return False
    return connection.send_and_get_reply(message_bus.RequestName(name, 4 | 2)).body[0] == 1


def status_file(tmp_path: Path) -> Path:
    status = tmp_path / "status"
    status.write_text("state: RUNNING\nowner_pid   : 1873\n")
    return status


def test_nothing_to_do_without_a_bus_or_an_owner(
    session_bus: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert reserve_for_jack([1]) is None  # a bus, but nobody holds card 1
    assert reserve_for_jack([]) is None
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS")
    assert session_bus_address() is None  # no bus at all (and no $XDG_RUNTIME_DIR/bus)
    assert reserve_for_jack([1]) is None


def test_takes_the_card_waits_until_closed_and_hands_it_to_jackd(
    sound_server: Callable[..., subprocess.Popen[str]], tmp_path: Path
) -> None:
    status = status_file(tmp_path)
    server = sound_server(1, "yes", status)
    waited: list[int] = []

    def card_free(index: int) -> bool:
        waited.append(index)
        return "closed" in status.read_text()

    reservation = reserve_for_jack([1, 1], card_free=card_free)
    assert isinstance(reservation, Reservation) and reservation.cards == [1]
    assert reservation.released_by == {1: "PipeWire"} and reservation.handovers() == []
    assert status.read_text() == "closed\n" and waited == [1]  # closed before jackd starts
    jackd = open_dbus_connection(bus="SESSION")
    try:
        assert (
            owner_of(jackd, 1) == reservation.connection.unique_name
        )  # the server can't retake it
        with reservation:
            # a sound server asks who holds the card (and something odd) before jackd asks
            props = DBusAddress(
                "/org/freedesktop/ReserveDevice1/Audio1",
                bus_name=NAME.format(1),
                interface="org.freedesktop.DBus.Properties",
            )
            who = new_method_call(
                props, "Get", "ss", ("org.freedesktop.ReserveDevice1", "ApplicationName")
            )
            assert "Stagebox" in jackd.send_and_get_reply(who, timeout=5).body[0][1]
            odd = new_method_call(props, "Get", "ss", ("org.freedesktop.ReserveDevice1", "Nope"))
            assert jackd.send_and_get_reply(odd, timeout=5).header.message_type.name == "error"
            assert take_like_jackd(jackd, 1)  # jackd asks Stagebox, and gets the card
            assert owner_of(jackd, 1) == jackd.unique_name
        assert reservation.taken_over == [1]
        assert owner_of(jackd, 1) == jackd.unique_name  # leaving did not take it back
        assert reservation.handovers() == [
            "PipeWire handed sound card 1 to JACK (D-Bus device reservation); it takes the "
            "card back when JACK stops"
        ]
    finally:
        jackd.close()
    calls = calls_of(server)
    assert f"call RequestRelease {JACK_PRIORITY}" in calls
    assert f"lost {NAME.format(1)}" in calls


def test_a_refusal_is_reported_with_the_owner(
    sound_server: Callable[..., subprocess.Popen[str]],
) -> None:
    server = sound_server(2, "no")
    with pytest.raises(ReservationRefused) as refused:
        reserve_for_jack([2])
    assert refused.value.owner == "PipeWire" and refused.value.card_index == 2
    assert "PipeWire refused to release sound card 2" in str(refused.value)
    check = open_dbus_connection(bus="SESSION")
    try:
        assert owner_of(check, 2) is not None  # still the sound server's
    finally:
        check.close()
    assert not any("lost" in line for line in calls_of(server))


def test_a_card_jackd_did_not_take_is_let_go(
    sound_server: Callable[..., subprocess.Popen[str]],
) -> None:
    sound_server(3, "yes")
    reservation = reserve_for_jack([3])
    assert reservation is not None
    with reservation:
        pass  # jackd failed before asking for the card
    assert reservation.taken_over == [] and reservation.connection is None
    assert reservation.handovers() == []  # nothing to tell: jackd never had it
    check = open_dbus_connection(bus="SESSION")
    try:
        assert owner_of(check, 3) is None  # free again: the sound server may take it back
    finally:
        check.close()


@pytest.fixture
def busy_scarlett(tmp_path: Path) -> tuple[SystemRoot, Path]:
    """The Scarlett machine, its playback held by PulseAudio (owner_pid in /proc/asound)."""
    root = tmp_path / "root"
    shutil.copytree(ROOTS / "scarlett-18i20-xhci", root, symlinks=True)
    statuses = [
        p for p in root.glob("proc/asound/card*/pcm*/sub*/status") if "owner_pid" in p.read_text()
    ]
    assert len(statuses) == 1, statuses
    return SystemRoot.at(root), statuses[0]


def test_jack_start_asks_the_sound_server_first(
    sound_server: Callable[..., subprocess.Popen[str]],
    busy_scarlett: tuple[SystemRoot, Path],
    paths: UserPaths,
    server_name: str,
) -> None:
    """JackController.start takes the card before spawning jackd, and lets it go when
    jackd fails (real jackd: the Scarlett is only in the fake /proc, so opening it fails)."""
    root, status = busy_scarlett
    card = int(status.parts[-4].removeprefix("card"))
    server = sound_server(card, "yes", status)
    settings = JackSettings(device="hw:USB", realtime=False, server_name=server_name)
    with pytest.raises(JackStartError):
        JackController(paths, root=root).start(settings)
    assert status.read_text() == "closed\n"
    check = open_dbus_connection(bus="SESSION")
    try:
        assert owner_of(check, card) is None  # given back after the failed start
    finally:
        check.close()
    assert f"call RequestRelease {JACK_PRIORITY}" in calls_of(server)


def test_jack_start_refused_names_the_owner_and_spawns_nothing(
    sound_server: Callable[..., subprocess.Popen[str]],
    busy_scarlett: tuple[SystemRoot, Path],
    paths: UserPaths,
    server_name: str,
) -> None:
    root, status = busy_scarlett
    sound_server(int(status.parts[-4].removeprefix("card")), "no")
    controller = JackController(paths, root=root)
    settings = JackSettings(device="hw:USB", realtime=False, server_name=server_name)
    with pytest.raises(JackStartError) as refused:
        controller.start(settings)
    assert "PipeWire refused to release sound card" in refused.value.message
    assert "systemctl --user stop pipewire" in (refused.value.fix or "")
    assert controller.record(server_name) is None  # jackd was never started
    assert not controller.log_path(server_name).exists()

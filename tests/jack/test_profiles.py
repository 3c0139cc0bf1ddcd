"""Profiles: stored under the XDG config dir, bound to a device identity, matched on plug-in."""

from __future__ import annotations

import dataclasses
import json

import pytest
from stagebox.core.errors import InputError
from stagebox.core.jack.profiles import DeviceBinding, Profile, ProfileStore
from stagebox.core.jack.settings import JackSettings
from stagebox.core.model import AlsaState, DetectionResult
from stagebox.core.paths import UserPaths

from tests.jack.test_defaults import scarlett, us_card


def result(*cards) -> DetectionResult:  # type: ignore[no-untyped-def]
    return DetectionResult(alsa=AlsaState.LOADED, kernel="6.1.0", cards=list(cards))


def test_save_list_get_delete(paths: UserPaths) -> None:
    store = ProfileStore(paths)
    settings = JackSettings.from_line("jackd -P85 -dalsa -dhw:USB -r48000 -p256 -n2")
    path = store.save(Profile("Studio A", settings, on_start="echo %N"))
    assert path.parent == paths.config_dir / "profiles"
    assert json.loads(path.read_text())["settings"]["device"] == "hw:USB"
    assert [p.name for p in store.list()] == ["Studio A"]
    loaded = store.get("Studio A")
    assert loaded.settings == settings and loaded.on_start == "echo %N"
    store.delete("Studio A")
    assert store.list() == []
    with pytest.raises(InputError, match="no JACK profile called 'Studio A'"):
        store.get("Studio A")


def test_bad_names_and_damaged_files(paths: UserPaths) -> None:
    store = ProfileStore(paths)
    for bad in ("", "../etc", "a/b", " lead"):
        with pytest.raises(InputError):
            store.save(Profile(bad, JackSettings()))
    store.directory.mkdir(parents=True, exist_ok=True)
    (store.directory / "broken.json").write_text("{not json")
    store.save(Profile("fine", JackSettings()))
    assert [p.name for p in store.list()] == ["fine"]


def test_binding_uses_serial_then_port_never_the_card_number(paths: UserPaths) -> None:
    store = ProfileStore(paths)
    mine = dataclasses.replace(us_card("high"), serial="A1B2", usb_port_path="1-4")
    store.save(Profile("us144", JackSettings(), device=DeviceBinding.from_card(mine)))
    store.save(Profile("any scarlett", JackSettings(), device=DeviceBinding(usb_id="1235:8014")))
    store.save(Profile("unbound", JackSettings()))
    # same device, other card number and other port: still mine (serial)
    moved = dataclasses.replace(mine, index=3, usb_port_path="2-1")
    match = store.match(result(scarlett(), moved))
    assert match is not None and match.name == "us144"
    # another US-144 (other serial) is not mine
    other = dataclasses.replace(mine, serial="ZZZ")
    assert store.match(result(other)) is None
    # without a serial the port path identifies it
    no_serial = dataclasses.replace(mine, serial=None)
    store.save(Profile("port", JackSettings(), device=DeviceBinding.from_card(no_serial)))
    assert store.get("port").device == DeviceBinding(
        usb_id="0644:800f", port_path="1-4", model="Tascam US-144"
    )
    assert store.match(result(no_serial)).name == "port"  # type: ignore[union-attr]
    assert store.match(result(dataclasses.replace(no_serial, usb_port_path="1-5"))) is None


def test_the_most_specific_binding_wins(paths: UserPaths) -> None:
    store = ProfileStore(paths)
    card = dataclasses.replace(us_card("high"), serial="S1")
    store.save(Profile("model only", JackSettings(), device=DeviceBinding(usb_id="0644:800f")))
    store.save(Profile("this one", JackSettings(), device=DeviceBinding.from_card(card)))
    assert store.match(result(card)).name == "this one"  # type: ignore[union-attr]
    no_ids = dataclasses.replace(card, usb_id=None)
    with pytest.raises(InputError, match="neither a USB id nor a PCI slot"):
        DeviceBinding.from_card(no_ids)

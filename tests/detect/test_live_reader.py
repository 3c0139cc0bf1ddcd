"""live.py's memoised reader resolves exactly like SystemRoot (it only does it faster)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from stagebox.core.live import _Reader
from stagebox.core.sysroot import SystemRoot

from tests.conftest import FIXTURES


def _all_paths(top: Path) -> list[str]:
    paths = []
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            paths.append("/" + str((Path(dirpath) / name).relative_to(top)))
    return paths


@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "roots").iterdir()))
def test_resolve_matches_systemroot_on_every_path_of_the_trees(name: str) -> None:
    top = FIXTURES / "roots" / name
    root = SystemRoot.at(top)
    reader = _Reader(root)
    for path in _all_paths(top):
        assert reader.resolve(path) == root.resolve(path), path
        # through links too: a card's device, a driver's module
        assert reader.resolve(path + "/driver/module") == root.resolve(path + "/driver/module")


def test_resolve_odd_links(tmp_path: Path) -> None:
    (tmp_path / "sys/a").mkdir(parents=True)
    (tmp_path / "sys/a/file").write_text("x\n")
    (tmp_path / "sys/loop1").symlink_to("loop2")
    (tmp_path / "sys/loop2").symlink_to("loop1")
    (tmp_path / "sys/dead").symlink_to("nowhere")
    (tmp_path / "sys/abs").symlink_to("/sys/a")  # absolute: inside the root
    (tmp_path / "sys/up").symlink_to("../../../../../sys/a")  # cannot climb out of the root
    (tmp_path / "sys/filelink").symlink_to("a/file")
    root = SystemRoot.at(tmp_path)
    reader = _Reader(root)
    for path in ("/sys/loop1", "/sys/dead", "/sys/abs/file", "/sys/up/file", "/sys/a/../a/file",
                 "/sys/filelink", "/nope/x", "/sys/a/file/x"):  # fmt: skip
        assert reader.resolve(path) == root.resolve(path), path
    assert reader.attr("/sys/filelink") == "x"
    assert reader.attr("/sys/loop1") is None and reader.text("/sys/dead") is None

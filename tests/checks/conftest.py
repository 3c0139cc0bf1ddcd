from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.tree import Tree


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    root = tmp_path / "machine"
    root.mkdir()
    return Tree(root)

"""What every command gets: the system root, the user's paths and the output streams."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from stagebox.core.sysroot import SystemRoot

if TYPE_CHECKING:
    from stagebox.core.journal import Journal
    from stagebox.core.paths import UserPaths


@dataclass
class Context:
    root: SystemRoot
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    _paths: UserPaths | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        return cls(root=SystemRoot.at(getattr(args, "root", None)))

    @property
    def paths(self) -> UserPaths:
        """The user's directories, read from the environment when a command first asks
        (start-up speed: `detect` and the wizard's first paint never load platformdirs)."""
        if self._paths is None:
            from stagebox.core.paths import UserPaths

            self._paths = UserPaths.from_env()
        return self._paths

    @property
    def journal(self) -> Journal:
        from stagebox.core.journal import Journal  # imported when needed (start-up speed)

        return Journal(self.paths)

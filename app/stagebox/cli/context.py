"""What every command gets: the system root, the user's paths and the output streams."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

if TYPE_CHECKING:
    from stagebox.core.journal import Journal


@dataclass
class Context:
    root: SystemRoot
    paths: UserPaths
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Context:
        return cls(root=SystemRoot.at(getattr(args, "root", None)), paths=UserPaths.from_env())

    @property
    def journal(self) -> Journal:
        from stagebox.core.journal import Journal  # imported when needed (start-up speed)

        return Journal(self.paths)

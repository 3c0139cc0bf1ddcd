"""Small fake machine trees for the checks: write only the files a check reads."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from stagebox.core.checks.base import UNLIMITED, CheckContext, CheckResult, ProcessFacts, Status
from stagebox.core.knowledge import load_knowledge
from stagebox.core.model import DetectionResult
from stagebox.core.paths import UserPaths
from stagebox.core.sysroot import SystemRoot

USER_UID = 1000
AUDIO_GID = 29

PASSWD = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
GROUP_WITH_AUDIO = "root:x:0:\naudio:x:29:alice\nalice:x:1000:\n"
GROUP_WITHOUT_AUDIO = "root:x:0:\naudio:x:29:\nalice:x:1000:\n"


@dataclass
class Tree:
    path: Path

    def write(self, abs_path: str, text: str, mode: int | None = None) -> Path:
        target = self.path / abs_path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        if mode is not None:
            os.chmod(target, mode)
        return target

    @property
    def root(self) -> SystemRoot:
        return SystemRoot.at(self.path)

    def user(self, *, in_audio: bool = True) -> Tree:
        self.write("/etc/passwd", PASSWD)
        self.write("/etc/group", GROUP_WITH_AUDIO if in_audio else GROUP_WITHOUT_AUDIO)
        return self

    def context(
        self,
        *,
        uid: int = USER_UID,
        gids: tuple[int, ...] = (1000, AUDIO_GID),
        rtprio: tuple[int, int] = (95, 95),
        memlock: tuple[int, int] = (UNLIMITED, UNLIMITED),
        result: DetectionResult | None = None,
        paths: UserPaths | None = None,
    ) -> CheckContext:
        return CheckContext(
            root=self.root,
            process=ProcessFacts(uid=uid, gids=gids, rtprio=rtprio, memlock=memlock),
            result=result,
            paths=paths,
            _kb=load_knowledge(),
        )


def assert_status(result: CheckResult, status: Status) -> CheckResult:
    assert result.status is status, f"{result.id}: {result.status} ({result.reading})"
    assert result.reading and result.why and result.title
    if status in (Status.PROBLEM, Status.WARNING):
        assert result.fix, f"{result.id} has no fix"
    return result

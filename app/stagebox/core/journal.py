"""One change journal for everything Stagebox changes on the system.

Every change (a user file written, an EHCI controller unbound, an autostart entry added) is
first shown to the user, then recorded here with what is needed to undo it:

* file changes keep a timestamped backup of the previous content (or a note that the file did
  not exist) and the SHA-256 of what Stagebox wrote, so ``undo`` can refuse when the user
  edited the file since;
* actions (like an EHCI unbind) keep the inverse action as data, run by the feature that
  owns it.

The journal is a JSON-lines file under the XDG state dir; entries are appended, never edited:
an undo appends an ``undone`` marker naming the entry it reverted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from stagebox.core.atomic import atomic_write, real_target
from stagebox.core.errors import StageboxError
from stagebox.core.paths import UserPaths

log = logging.getLogger(__name__)


@dataclass
class Entry:
    id: str
    time: float
    feature: str  # "alsa", "jack", "usb", "autostart", ...
    kind: str  # "file" | "action" | "undone"
    summary: str  # plain words: what was done and why
    path: str | None = None  # file entries: the path the user knows (may be a symlink)
    backup: str | None = None  # file entries: backup of the old content; None = did not exist
    before_sha: str | None = None
    after_sha: str | None = None  # None when the change removed the file
    undo: dict[str, Any] = field(default_factory=dict)  # action entries: the inverse action
    reverts: str | None = None  # "undone" entries: the id of the entry reverted


def sha256(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise StageboxError(f"{path} is a directory, not a file") from exc
    except OSError as exc:
        raise StageboxError(f"cannot read {path}: {exc.strerror}") from exc


class Journal:
    def __init__(self, paths: UserPaths) -> None:
        self.paths = paths

    @classmethod
    def from_env(cls) -> Journal:
        return cls(UserPaths.from_env())

    # -- reading -------------------------------------------------------------------------
    def entries(self) -> list[Entry]:
        try:
            lines = self.paths.journal_file.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StageboxError(f"cannot read the change journal: {exc.strerror}") from exc
        entries = []
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                entries.append(Entry(**json.loads(line)))
            except (ValueError, TypeError) as exc:
                log.warning("journal line %d is damaged and was skipped: %s", number, exc)
        return entries

    def active(self, feature: str | None = None, path: Path | None = None) -> list[Entry]:
        """Entries not yet undone, oldest first, optionally for one feature or file."""
        all_entries = self.entries()
        undone = {e.reverts for e in all_entries if e.kind == "undone"}
        wanted = str(path) if path is not None else None
        return [
            e
            for e in all_entries
            if e.kind != "undone"
            and e.id not in undone
            and (feature is None or e.feature == feature)
            and (wanted is None or e.path == wanted)
        ]

    def last(self, feature: str | None = None, path: Path | None = None) -> Entry | None:
        active = self.active(feature, path)
        return active[-1] if active else None

    # -- changing files ------------------------------------------------------------------
    def write_file(self, path: Path, text: str | bytes, *, feature: str, summary: str) -> Entry:
        """Back up ``path``, replace it atomically with ``text`` and record the change."""
        data = text.encode("utf-8") if isinstance(text, str) else text
        old = _read_bytes(real_target(path))
        backup = self._backup(path, old)
        atomic_write(path, data)
        return self._file_entry(path, feature, summary, backup, old, data)

    def remove_file(self, path: Path, *, feature: str, summary: str) -> Entry:
        """Back up and remove ``path`` (e.g. an autostart entry), recorded for undo."""
        old = _read_bytes(real_target(path))
        backup = self._backup(path, old)
        if old is not None:
            try:
                real_target(path).unlink()
            except OSError as exc:
                raise StageboxError(f"could not remove {path}: {exc.strerror}") from exc
        return self._file_entry(path, feature, summary, backup, old, None)

    def record_action(self, *, feature: str, summary: str, undo: dict[str, Any]) -> Entry:
        """Record a non-file change (e.g. an EHCI unbind) and the data its undo needs."""
        return self._append(
            Entry(
                id=uuid.uuid4().hex[:12],
                time=time.time(),
                feature=feature,
                kind="action",
                summary=summary,
                undo=undo,
            )
        )

    def changed_since(self, entry: Entry) -> bool:
        """True when the file is no longer what Stagebox wrote in ``entry``."""
        if entry.kind != "file" or entry.path is None:
            return False
        return sha256(_read_bytes(real_target(Path(entry.path)))) != entry.after_sha

    def undo_file(self, entry: Entry, *, force: bool = False) -> Entry:
        """Put the file back exactly as it was before ``entry`` (byte for byte)."""
        if entry.kind != "file" or entry.path is None:
            raise StageboxError(f"journal entry {entry.id} is not a file change")
        path = Path(entry.path)
        if self.changed_since(entry) and not force:
            raise StageboxError(
                f"{path} was changed after Stagebox wrote it, so undo was refused "
                "to keep those changes",
                "look at the file; to restore the old version anyway, run the same undo "
                "with --force (the current file is backed up first)",
            )
        current = _read_bytes(real_target(path))
        safety = self._backup(path, current)  # even a forced undo loses nothing
        if entry.backup is None:
            if current is not None:
                real_target(path).unlink()
        else:
            try:
                old = Path(entry.backup).read_bytes()
            except OSError as exc:
                raise StageboxError(
                    f"the backup {entry.backup} is gone ({exc.strerror}); {path} was not changed"
                ) from exc
            atomic_write(path, old)
        return self.mark_undone(
            entry, f"restored {path}" + (f" (previous copy: {safety})" if safety else "")
        )

    def mark_undone(self, entry: Entry, summary: str) -> Entry:
        return self._append(
            Entry(
                id=uuid.uuid4().hex[:12],
                time=time.time(),
                feature=entry.feature,
                kind="undone",
                summary=summary,
                path=entry.path,
                reverts=entry.id,
            )
        )

    # -- internals -----------------------------------------------------------------------
    def _file_entry(
        self,
        path: Path,
        feature: str,
        summary: str,
        backup: Path | None,
        before: bytes | None,
        after: bytes | None,
    ) -> Entry:
        return self._append(
            Entry(
                id=uuid.uuid4().hex[:12],
                time=time.time(),
                feature=feature,
                kind="file",
                summary=summary,
                path=str(path),
                backup=str(backup) if backup else None,
                before_sha=sha256(before),
                after_sha=sha256(after),
            )
        )

    def _backup(self, path: Path, data: bytes | None) -> Path | None:
        if data is None:
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup_dir = self.paths.backup_dir
        backup_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(backup_dir, 0o700)  # backups may hold private config
        name = f"{stamp}-{uuid.uuid4().hex[:6]}-{path.name.lstrip('.') or 'file'}"
        backup = backup_dir / name
        atomic_write(backup, data, default_mode=0o600)
        return backup

    def _append(self, entry: Entry) -> Entry:
        journal = self.paths.journal_file
        journal.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
        with open(journal, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        return entry

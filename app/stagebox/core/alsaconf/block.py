"""Stagebox's marked block inside ``~/.asoundrc``: find it, replace it, keep every other byte.

The file is handled as text split into three parts: the user's bytes before the block, the
block (from the start marker line through the end marker line and its line break), and the
user's bytes after it. Only the middle part is ever rebuilt, so the user's parts stay byte
for byte. The block uses the file's own line breaks (CRLF files stay CRLF).
"""

from __future__ import annotations

from dataclasses import dataclass

from stagebox.core.errors import StageboxError

START_MARKER = "# >>> stagebox: managed block (do not edit; `stagebox alsa undo` removes it) >>>"
END_MARKER = "# <<< stagebox <<<"
_START_PREFIX = "# >>> stagebox:"


@dataclass(frozen=True)
class SplitFile:
    before: str  # the user's text before the block (all of it when there is no block)
    block: str | None  # Stagebox's block including markers, None when absent
    after: str  # the user's text after the block
    newline: str  # "\r\n" or "\n": what the block must use

    @property
    def user_text(self) -> str:
        """The file without Stagebox's block: what the user wrote."""
        return self.before + self.after

    def with_block(self, block: str | None) -> str:
        """The whole file with ``block`` (rendered lines, no markers needed) in our place."""
        if block is None:
            return self.before + self.after
        before = self.before
        if self.block is None:
            # a new block goes at the end, after a line break of the file's own kind
            if before and not before.endswith("\n"):
                before += self.newline
            if before.strip():
                before += self.newline  # one blank line between the user's text and ours
        return before + block + self.after


def newline_of(text: str) -> str:
    """The file's line break: CRLF when most of its lines end that way, else LF."""
    crlf = text.count("\r\n")
    return "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"


def split(text: str) -> SplitFile:
    """Find Stagebox's block; damaged markers are an error naming the line."""
    newline = newline_of(text)
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.startswith(_START_PREFIX)]
    ends = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == END_MARKER]
    if not starts and not ends:
        return SplitFile(text, None, "", newline)
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        where = ", ".join(str(i + 1) for i in sorted(starts + ends))
        raise StageboxError(
            f"Stagebox's marker lines in ~/.asoundrc are damaged or doubled (lines {where}), "
            "so Stagebox does not know which part is its own and changed nothing",
            f"open ~/.asoundrc and leave exactly one '{START_MARKER}' line and one "
            f"'{END_MARKER}' line around Stagebox's part (or delete that part)",
        )
    start, end = starts[0], ends[0]
    block = "".join(lines[start : end + 1])
    return SplitFile("".join(lines[:start]), block, "".join(lines[end + 1 :]), newline)


def render(body_lines: list[str], newline: str) -> str:
    """The block text: markers around ``body_lines``, each ended with ``newline``."""
    return "".join(line + newline for line in [START_MARKER, *body_lines, END_MARKER])

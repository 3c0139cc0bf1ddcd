"""Split a pasted report into blocks: one per command, alsa-info section or fenced snippet.

Pastes mix prose and command output. Everything that says which command produced the lines
that follow starts a new block: a shell prompt (``user@host:~$ lsusb``, ``$ aplay -l``,
``# ls /sys/...``), an alsa-info ``!!Title`` line, a markdown heading or a prose line that
names a command ("'arecord -l' doesn't either:"). The block's ``title`` is that command; the
format parsers use it only as a hint, the lines themselves decide the format.

Before splitting, the copy noise is removed: capture-file headers, mail quoting (``> ``,
``>> ``), line numbers of a pastebin or ``cat -n``, markdown fences, alsa-info collapse
markers, non-breaking spaces and CRs.
"""

from __future__ import annotations

import html
import quopri
import re
from dataclasses import dataclass, field

from stagebox.core.capture.flattened import is_flattened, split_joined, unflatten
from stagebox.core.capture.numbered import strip_line_numbers

_HEADER_KEYS = ("source:", "device:", "kind:")
_QUOTE = re.compile(r"^(?:[ \t]*>)+[ \t]?")
# A mail attachment sent quoted-printable and pasted as sent (mail archives): '=' written
# '=3D', long lines broken with a trailing '=' ("... high s=" / "peed").
_QP_ESCAPE = re.compile(r"=(?:3D|20|09)")
_QP_SOFT_BREAK = re.compile(r"[^=\s]=[ \t]*$")
_QP_HEADER = re.compile(r"Content-Transfer-Encoding:\s*quoted-printable", re.IGNORECASE)
_HTML_ENTITY = re.compile(r"&(?:quot|amp|lt|gt|apos|nbsp|#\d{1,5}|#x[0-9a-fA-F]{1,4});")
_FENCE = re.compile(r"^\s*(```|~~~)")
_COLLAPSE = re.compile(r"^\s*--(start|end)collapse--\s*$")
# Forum BBCode around pasted lines: "[FONT=&amp] 1 snd_usb_us122l[/FONT]",
# "[COLOR=#999999]11:39:36.688 Patchbay deactivated.[/COLOR]". Only formatting tags with a
# value or a closing tag, and bare block tags, are removed: "[Intel ]", "[HDA Intel]" stay.
_BBCODE = re.compile(
    r"\[(?:(?:FONT|COLOR|SIZE|QUOTE|HIGHLIGHT|URL|INDENT)=[^\]\n]{0,80}"
    r"|/(?:FONT|COLOR|SIZE|QUOTE|CODE|HTML|PHP|NOPARSE|HIGHLIGHT|URL|INDENT|B|I|U|S|LEFT|CENTER|RIGHT)"
    r"|(?:CODE|QUOTE|HTML|PHP|NOPARSE|INDENT|LEFT|CENTER|RIGHT))\]",
    re.IGNORECASE,
)
# Bare opening tags of bold/italic/underline ("[I]>> cat /proc/asound/cards"); not before a
# colon, so a squeezed card id "0 [I]: ..." stays.
_BBCODE_OPEN = re.compile(r"\[(?:B|I|U|S)\](?!\s*:)", re.IGNORECASE)
# A whole line in markdown bold ("** 1 [USB ]: USB-Audio - Scarlett 6i6 USB**"); aplay's
# "**** List of PLAYBACK Hardware Devices ****" is not one.
_MD_BOLD_LINE = re.compile(r"^\*\*(?=[^*])(?P<inner>.*[^*])\*\*\s*$")
_ALSA_INFO_TITLE = re.compile(r"^!!\s*(?P<title>[^#\-\s].*)$")
_ALSA_INFO_RULE = re.compile(r"^!!\s*[#\-]")

#: First words of the commands people paste; a bare ``#``/``$`` prompt must start with one
#: (a ``# comment`` in an .asoundrc must not start a block).
COMMAND_WORDS = frozenset(
    [
        "ls",
        "cat",
        "aplay",
        "arecord",
        "iplay",
        "lsusb",
        "lspci",
        "lsmod",
        "dmesg",
        "uname",
        "echo",
        "sudo",
        "su",
        "jackd",
        "jackdbus",
        "modprobe",
        "rmmod",
        "insmod",
        "amixer",
        "alsa-info",
        "alsa-info.sh",
        "./alsa-info.sh",
        "asoundconf",
        "hdsploader",
        "grep",
        "tee",
        "udevadm",
        "find",
        "head",
        "tail",
        "journalctl",
        "systemctl",
        "pactl",
        "pw-cli",
        "fxload",
        "usx2yloader",
        "qjackctl",
        "sh",
        "bash",
        "tree",
        "lsb_release",
        "file",
        "readlink",
        "usb-devices",
    ]
)
_PROMPT = re.compile(
    r"^\s*(?P<who>\[[^\]\n]*\]|[\w.-]+@[\w.-]+(?::\S*?)?|:\S*?|~\S*?)?\s?(?P<sign>[$#%])(?:\s+|$)"
    r"(?P<cmd>.*)$"
)
# Prose or headings that name a command: "Output of iplay -l is:", "### aplay -l", ...
_MENTION = re.compile(
    r"(?:cat\s*/(?:proc|sys|dev|etc)/\S+|cat\s+~/\S+|\b[ai]play\s+-[lL]\b|\barecord\s+-[lL]\b"
    r"|\blsusb(?:\s+-[tv]+)*\b|\blspci(?:\s+-\w+)*|\blsmod\b|\bdmesg\b|\buname\s+-\w+"
    r"|\bls(?:\s+-\w+)*\s+/(?:proc|sys|dev)/\S*|\bjackd(?:bus)?\s+-\S.*|\balsa-info(?:\.sh)?\b"
    r"|/proc/bus/usb/devices|/proc/asound/\S+)"
)
_MAX_MENTION_LEN = 160
#: No line of any listing we read is longer; cutting longer ones keeps every pattern fast.
MAX_LINE_CHARS = 2000


@dataclass(frozen=True)
class Line:
    number: int  # 0-based position in the cleaned text (orders listings)
    text: str


@dataclass
class Block:
    title: str  # the command (or alsa-info section title); "" when nothing named it
    origin: str  # "start" | "prompt" | "alsa-info" | "mention" | "fence"
    number: int  # line number of the title line
    lines: list[Line] = field(default_factory=list)

    def says(self, pattern: str) -> bool:
        """Whether the title matches ``pattern`` (a regex, case-insensitive)."""
        return bool(re.search(pattern, self.title, re.IGNORECASE))

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


def strip_capture_header(lines: list[str]) -> list[str]:
    """Drop the ``source:``/``device:``/``kind:`` lines and the ``---`` of capture files."""
    keys_seen = 0
    for i, line in enumerate(lines[:12]):
        stripped = line.strip()
        if stripped.startswith(_HEADER_KEYS):
            keys_seen += 1
        elif stripped == "---" and keys_seen:
            return lines[i + 1 :]
        elif stripped:
            break
    return lines


def clean_lines(text: str) -> list[str]:
    """The paste without copy noise (quoting, fences stay as markers for :func:`split_blocks`)."""
    if _HTML_ENTITY.search(text):  # a web page's escapes: "&gt; quoted", "&quot;hw:1&quot;"
        text = html.unescape(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").replace("\ufeff", "")
    lines = strip_line_numbers(strip_capture_header(text.split("\n")))
    unquoted = []
    for raw in lines:
        raw = _BBCODE_OPEN.sub("", _BBCODE.sub("", raw)) if "[" in raw else raw
        raw = _QUOTE.sub("", raw) if raw.lstrip().startswith(">") else raw
        bold = _MD_BOLD_LINE.match(raw) if raw.startswith("**") else None
        unquoted.append(bold.group("inner") if bold else raw)
    if "=" in text and _is_quoted_printable(unquoted):  # after quoting: "> high s=" / "> peed"
        unquoted = _decode_quoted_printable(unquoted)
    cleaned = []
    for raw in unquoted:
        for line in unflatten(raw) if is_flattened(raw) else split_joined(raw):
            if _COLLAPSE.match(line):
                continue
            cleaned.append(line[:MAX_LINE_CHARS].rstrip())
    return cleaned


def _is_quoted_printable(lines: list[str]) -> bool:
    """Whether the lines are a quoted-printable body: its escapes and its soft line breaks."""
    if any(_QP_HEADER.search(line) for line in lines):
        return True
    if not any(_QP_ESCAPE.search(line) for line in lines):
        return False
    return sum(1 for line in lines if _QP_SOFT_BREAK.search(line)) >= 2


def _decode_quoted_printable(lines: list[str]) -> list[str]:
    """The lines of a quoted-printable body decoded: soft breaks joined, escapes undone."""
    body = "\n".join(line.rstrip() for line in lines).encode("utf-8", "surrogateescape")
    return quopri.decodestring(body).decode("utf-8", "replace").split("\n")


def prompt_command(line: str) -> str | None:
    """The command of a shell-prompt line, "" for a bare prompt, None when not a prompt."""
    m = _PROMPT.match(line)
    if not m:
        return None
    cmd = m.group("cmd").strip()
    if m.group("who") is None:
        first = cmd.split(maxsplit=1)[0] if cmd else ""
        if first not in COMMAND_WORDS:
            return None if cmd else ("" if m.group("sign") == "$" else None)
    return cmd


def mentioned_command(line: str) -> str | None:
    """The command a prose line or heading names, None when it names none."""
    if len(line) > _MAX_MENTION_LEN:
        return None
    m = _MENTION.search(line)
    if not m:
        return None
    stripped = line.strip().strip("`'\"*#: ")
    # A line that *is* a command ("cat /proc/asound/modules") keeps all of it (pipes too).
    first = stripped.split(maxsplit=1)[0] if stripped else ""
    return stripped if first in COMMAND_WORDS else m.group(0)


def split_blocks(text: str) -> list[Block]:
    """The cleaned paste as blocks, each with the command that (probably) produced it."""
    blocks = [Block("", "start", -1)]
    in_fence = False
    for number, line in enumerate(clean_lines(text)):
        if _FENCE.match(line):
            if in_fence:  # what follows a closed fence is no longer that command's output
                blocks.append(Block("", "fence", number))
            in_fence = not in_fence
            continue
        if _ALSA_INFO_RULE.match(line):
            continue
        title = _ALSA_INFO_TITLE.match(line)
        if title:
            blocks.append(Block(title.group("title").strip(), "alsa-info", number))
            continue
        if line.strip() in ("APLAY", "ARECORD"):  # alsa-info's Aplay/Arecord sub-headings
            blocks.append(Block(f"{line.strip().lower()} -l", "alsa-info", number))
            continue
        cmd = prompt_command(line)
        if cmd is not None:
            blocks.append(Block(cmd, "prompt", number))
            continue
        cmd = mentioned_command(line) if not _looks_like_content(line) else None
        if cmd is not None:
            # The line itself stays in the block: prose may quote output inline
            # ("`lsusb` shows: `Bus 001 Device 004: ID 1604:8000 ...`").
            blocks.append(Block(cmd, "mention", number, [Line(number, line)]))
            continue
        blocks[-1].lines.append(Line(number, line))
    return blocks


# Lines that are command output even though they contain a command-ish word.
_CONTENT_HINTS = re.compile(
    r"^\s*(?:\[\s*\d+\.\d+\]|\d+\s*\[|card \d|Bus \d{3}|[0-9a-f]{2}:[0-9a-f]{2}\.\d|"
    r"[TDPSICE]:\s|[a-z]+:CARD=|\d+:\s*\[|crw|lrw|drw|-r|/dev/snd|usb \d|ALSA lib)"
)


def _looks_like_content(line: str) -> bool:
    return bool(_CONTENT_HINTS.match(line))

"""Read a CSV export as real tools write it: BOM, CRLF, `;` separators, messy headers, quoted newlines.

`read_csv(path)` decodes the whole file strictly as UTF-8 (it is at most a few hundred MB,
and strict decoding up front gives one clear error instead of a half-imported file), detects
the separator from the header line and normalises the header names; the importer then reads
the records from `CsvFile.reader`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

FILE_COLUMN = "(file)"
"""The column slot of a problem that concerns the whole file."""

_SEPARATORS = (",", ";", "\t")
_HEADER_JUNK = re.compile(r"[\s\-]+")
_NON_BLANK = re.compile(r"\S")
_BLOCK_CHARS = 1 << 20


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, printed as `FILE:LINE: column: message`."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.column}: {self.message}"


class CsvFileError(Exception):
    """A file that cannot be read as CSV at all (one problem, nothing imported)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def normalise_header(name: str) -> str:
    """`" Account ID "` -> `"account_id"`: trimmed, lower case, spaces and dashes as `_`."""
    return _HEADER_JUNK.sub("_", name.strip().lower()).strip("_")


def _decode(data: bytes, shown: str) -> str:
    def fail(message: str, line: int = 1) -> CsvFileError:
        return CsvFileError(Problem(shown, line, FILE_COLUMN, message))

    if data.startswith(b"PK\x03\x04"):
        raise fail("a zip or Excel workbook, not a CSV file: save it as CSV UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise fail("UTF-16 text, not UTF-8: save it as CSV UTF-8")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise fail(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}): save it as CSV UTF-8", line
        ) from None
    if "\x00" in text:
        nul = text.index("\x00")
        raise fail("binary data (a NUL byte), not a CSV text file", text.count("\n", 0, nul) + 1)
    return text


def _separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _lines(text: str) -> Iterator[str]:
    """The lines of `text` as `io.StringIO(text, newline="")` gives them, a block at a time.

    A StringIO of the whole text would hold a second copy of it at four bytes a character
    (120 MB more for a 40 MB usage file); one block at a time is a few MB. Blocks end just
    after a newline, so no line (nor a CR LF pair) is cut.
    """

    def blocks() -> Iterator[io.StringIO]:
        start, size = 0, len(text)
        while start < size:
            end = text.find("\n", start + _BLOCK_CHARS) + 1 or size
            yield io.StringIO(text[start:end], newline="")
            start = end

    return chain.from_iterable(blocks())


def _reader_after_header(text: str, separator: str) -> tuple[Any, list[str] | None, int]:
    """A csv reader over `text` past its header: (reader, raw header or None, header line).

    Raises:
        csv.Error: the header itself is badly quoted.
    """
    reader = csv.reader(_lines(text), delimiter=separator, strict=True)
    for fields in reader:
        if fields and any(f.strip() for f in fields):
            return reader, fields, reader.line_num
    return reader, None, 0


@dataclass
class CsvFile:
    """A decoded CSV file: its header (normalised) and a reader over its records."""

    shown: str
    text: str
    separator: str
    header: list[str]
    header_line: int
    total_lines: int
    reader: Any
    """The csv reader, positioned after the header (`reader.line_num` = lines consumed)."""

    @property
    def lines_read(self) -> int:
        """Physical lines consumed so far (for progress)."""
        return int(self.reader.line_num)

    def start_lines(self, ordinals: set[int]) -> dict[int, int]:
        """The line each record starts on, for records numbered 0, 1, ... after the header.

        Reading is fast when nothing goes wrong because it does not track lines; this second
        pass, done only for the records a problem names, finds them. A record the reader
        fails on (bad quoting) still gets its start line.
        """
        reader, _, previous = _reader_after_header(self.text, self.separator)
        found: dict[int, int] = {}
        last = max(ordinals, default=-1)
        ordinal = 0
        try:
            for _ in reader:
                if ordinal in ordinals:
                    found[ordinal] = previous + 1
                if ordinal >= last:
                    break
                previous = reader.line_num
                ordinal += 1
        except csv.Error:
            found.setdefault(ordinal, previous + 1)
        return found


def read_csv(path: Path | str, shown: str | None = None) -> CsvFile:
    """Open `path` as a CSV export and read its header.

    Args:
        path: the file.
        shown: how to name the file in problems (default: the path as given).

    Returns:
        The decoded file; its `reader` yields the records after the header.

    Raises:
        CsvFileError: missing, unreadable, not UTF-8, binary, empty, a bad header.
    """
    shown = shown if shown is not None else str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CsvFileError(Problem(shown, 0, FILE_COLUMN, "no such file")) from None
    except IsADirectoryError:
        raise CsvFileError(Problem(shown, 0, FILE_COLUMN, "a directory, not a file")) from None
    except OSError as exc:
        raise CsvFileError(Problem(shown, 0, FILE_COLUMN, f"cannot read: {exc.strerror}")) from None
    text = _decode(data, shown)
    del data
    visible = _NON_BLANK.search(text)
    if visible is None:
        raise CsvFileError(Problem(shown, 1, FILE_COLUMN, "empty file: no header row"))
    line_end = text.find("\n", visible.start())
    first = text[text.rfind("\n", 0, visible.start()) + 1 : None if line_end < 0 else line_end]
    separator = _separator(first)
    try:
        reader, raw, header_line = _reader_after_header(text, separator)
    except csv.Error as exc:
        line = text.count("\n", 0, visible.start()) + 1
        raise CsvFileError(
            Problem(shown, line, FILE_COLUMN, f"cannot read the header: {exc}")
        ) from None
    if raw is None:  # pragma: no cover - `visible` guarantees a non-blank record
        raise CsvFileError(Problem(shown, 1, FILE_COLUMN, "empty file: no header row"))
    header = [normalise_header(name) for name in raw]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise CsvFileError(
                Problem(shown, header_line, name, "column appears twice in the header")
            )
        seen.add(name)
    return CsvFile(
        shown=shown,
        text=text,
        separator=separator,
        header=header,
        header_line=header_line,
        total_lines=text.count("\n") + 1,
        reader=reader,
    )

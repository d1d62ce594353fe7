"""Show untrusted text (account names, notes, comments) literally: no markup, no escapes."""

from __future__ import annotations

import re

from rich.text import Text

# C0 controls except tab/newline, DEL and C1 controls: ESC sequences live here.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control picture", e.g. \x1b -> ␛
    return f"\\x{code:02x}"


def literal_str(value: object, *, single_line: bool = False) -> str:
    """`value` as a plain string with control characters made visible (␛ for ESC).

    Args:
        value: anything; None becomes "".
        single_line: also turn newlines and tabs into spaces (for table cells).
    """
    text = "" if value is None else str(value)
    if single_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub(_visible, text)


def literal(value: object, style: str = "", *, single_line: bool = False) -> Text:
    """A Rich `Text` that shows `value` exactly as stored: markup is never parsed."""
    return Text(literal_str(value, single_line=single_line), style=style)

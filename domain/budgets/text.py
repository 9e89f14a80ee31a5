"""Names of hierarchy nodes and free-text cells, and making cells safe for spreadsheets.

Decisions:
- A name is trimmed (`str.strip`: any Unicode whitespace at either end, tab included)
  and normalised to NFC, so ``é`` typed either way is one name; any other Unicode is
  kept as given.
- Line breaks inside a name (a quoted CSV cell wrapped in a spreadsheet) are folded,
  with the spaces around them, into one space. Every other control character (C0, DEL,
  C1: tab, NUL, escape, ...) is refused, as are the Unicode line/paragraph separators and
  every invisible format character (Unicode category Cf: zero-width space and joiners,
  bidi overrides and isolates such as U+202E, soft hyphen, BOM, tags): they make look-alike
  names ("Retail" and "Re\u200btail") or reorder what a reader sees. The error names the
  character and its position (1-based, in the text as sent).
- A name may start with ``=``, ``+``, ``-`` or ``@``: it is stored as given. Files we
  write pass every text cell through `spreadsheet_safe`, so it cannot run as a formula.
- Names are at most `MAX_NAME_LENGTH` characters (the database column).
- `name_key` is the comparison form (casefolded, then NFC again): a name is unique among
  its siblings regardless of case.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_LENGTH = 200

_LINE_BREAK = re.compile(r"(?: *[\r\n])+ *")
# C0 controls but the line breaks (folded), DEL. Non-ASCII text is checked by category.
_FORBIDDEN_ASCII = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")
# Controls (C0, DEL, C1), format characters (zero-width, bidi), line/paragraph separators,
# surrogates.
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


class TextError(ValueError):
    """A text is not acceptable; `str(error)` is the message for the user."""


def clean_text(text: str) -> str:
    """Trim, fold line breaks and normalise a free-text value; blank is allowed.

    Raises `TextError` when a control character remains.
    """
    s = text.strip()
    _refuse_hidden(s, offset=len(text) - len(text.lstrip()))
    if "\n" in s or "\r" in s:
        s = _LINE_BREAK.sub(" ", s)
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)
    return s


def _refuse_hidden(s: str, *, offset: int) -> None:
    """Raise `TextError` naming the first control or invisible format character."""
    if s.isascii():
        found = _FORBIDDEN_ASCII.search(s)
        index = found.start() if found else None
    else:
        index = next(
            (
                i
                for i, c in enumerate(s)
                if c not in "\r\n" and unicodedata.category(c) in _FORBIDDEN_CATEGORIES
            ),
            None,
        )
    if index is None:
        return
    char = s[index]
    kind = (
        "an invisible format character"
        if unicodedata.category(char) == "Cf"
        else ("a control character")
    )
    label = unicodedata.name(char, "")
    raise TextError(
        f"contains {kind} (U+{ord(char):04X}{' ' + label if label else ''}) "
        f"at position {offset + index + 1}"
    )


def clean_name(text: str) -> str:
    """Return the stored form of a node name; raise `TextError` when blank, too long or
    containing a control character."""
    s = clean_text(text)
    if not s:
        raise TextError("name is blank")
    if len(s) > MAX_NAME_LENGTH:
        raise TextError(f"name is longer than {MAX_NAME_LENGTH} characters")
    return s


def name_key(name: str) -> str:
    """The comparison form of a clean name: sibling names are unique case-insensitively."""
    folded = name.casefold()
    return folded if folded.isascii() else unicodedata.normalize("NFC", folded)


def spreadsheet_safe(cell: str) -> str:
    """Neutralise a text cell for a CSV file a person may open in a spreadsheet.

    Following the OWASP CSV-injection advice, a cell starting with ``=``, ``+``, ``-``,
    ``@``, tab or carriage return (or a full-width ``=+-@``) gets a leading ``'`` so it is
    read as text. A plain number such as ``-12.50`` is left alone: it cannot be a formula,
    and amounts must stay numeric for the finance system.
    """
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell

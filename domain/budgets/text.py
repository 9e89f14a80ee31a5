"""Names of hierarchy nodes and free-text cells, and making cells safe for spreadsheets.

Decisions:
- A name is trimmed (`str.strip`: any Unicode whitespace at either end, tab included)
  and normalised to NFC, so ``é`` typed either way is one name; any other Unicode is
  kept as given.
- Line breaks inside a name (a quoted CSV cell wrapped in a spreadsheet) are folded,
  with the spaces around them, into one space. Every other control character (C0, DEL,
  C1: tab, NUL, escape, ...) is refused, as are the Unicode line/paragraph separators.
- A name may start with ``=``, ``+``, ``-`` or ``@``: it is stored as given. Files we
  write pass every text cell through `spreadsheet_safe`, so it cannot run as a formula.
- Names are at most `MAX_NAME_LENGTH` characters (the database column).
- `name_key` is the comparison form (casefolded): a name is unique among its siblings
  regardless of case.
"""

from __future__ import annotations

import re
import unicodedata

MAX_NAME_LENGTH = 200

_LINE_BREAK = re.compile(r"(?: *[\r\n])+ *")
# C0 controls, DEL, C1 controls, LINE SEPARATOR, PARAGRAPH SEPARATOR.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


class TextError(ValueError):
    """A text is not acceptable; `str(error)` is the message for the user."""


def clean_text(text: str) -> str:
    """Trim, fold line breaks and normalise a free-text value; blank is allowed.

    Raises `TextError` when a control character remains.
    """
    s = text.strip()
    if "\n" in s or "\r" in s:
        s = _LINE_BREAK.sub(" ", s)
    bad = _FORBIDDEN.search(s)
    if bad is not None:
        raise TextError(f"contains a control character (U+{ord(bad.group()):04X})")
    if not s.isascii():
        s = unicodedata.normalize("NFC", s)
    return s


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
    return name.casefold()


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

"""Vietnamese text normalization: pure functions, no ORM.

- ``clean``: what we store. NFC, trimmed, inner whitespace collapsed, one apostrophe.
- ``clean_paragraphs``: the same for multi-line text, line breaks kept.
- ``compare_key``: what two names must share to be "the same name": clean, case-folded,
  old/new tone placement unified ("Hòa" == "Hoà", "Thủy" == "Thuỷ").
- ``fold``: what search matches on: compare_key without diacritics, đ → d
  ("Đầm Hà" → "dam ha", so "dam ha" and "Dam Ha" find it).
"""
from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u02bc": "'", "\u00b4": "'"})
_SPACES = re.compile(r"\s+")

# Old ("classic") tone placement on oa/oe/uy at the end of a syllable → the new placement.
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng
_OLD_PLACEMENT = re.compile(r"([oOuU])([" + _TONES + r"])([aAeEyY])(?![^\W\d_])")


def clean(value: str | None) -> str:
    """The form in which names and addresses are stored."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_APOSTROPHES)
    return _SPACES.sub(" ", text).strip()


def clean_paragraphs(value: str | None) -> str:
    """Multi-line text as stored (narratives, comments, notes): NFC, one apostrophe, each line
    trimmed and its inner spaces collapsed, line breaks kept (three or more become one blank line)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(_APOSTROPHES).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _unify_tone_placement(nfc_text: str) -> str:
    decomposed = unicodedata.normalize("NFD", nfc_text)
    moved = _OLD_PLACEMENT.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed)
    return unicodedata.normalize("NFC", moved)


def compare_key(value: str | None) -> str:
    """Case- and tone-placement-insensitive key; diacritics still count."""
    return _unify_tone_placement(clean(value).casefold())


def fold(value: str | None) -> str:
    """Search key: no case, no diacritics, đ → d."""
    decomposed = unicodedata.normalize("NFD", clean(value).casefold())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    # again: a lone combining mark between two spaces leaves a double space behind
    return _SPACES.sub(" ", stripped.replace("đ", "d")).strip()


_WORD = re.compile(r"[^\W_]+")


def search_terms(query: str | None) -> list[str]:
    """Split a search box's text into folded words ("Na  Hang," → ["na", "hang"])."""
    return _WORD.findall(fold(query))
